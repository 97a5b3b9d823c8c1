/* Modern mode, handshake options: MSS (RFC 9293 3.7.1), window scaling and timestamps with
 * PAWS (RFC 7323), SACK-permitted (RFC 2018); and lab mode sending none of them. */
#include "modern_steps.h"

/* ISN 1000 is also the timestamp offset, so our TSval is 1000 + the ticks so far. */
#define ISN 1000
#define PEER_ISN 5000

static void active_open_all_options(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern: active open offers and agrees MSS, window scale, SACK, timestamps", &cfg);
    struct tcp_segment out;
    CONNECT(h, &c);
    SENT(h, &c, &out, .syn = TRI_YES, .ack = TRI_NO, .seqno = OPT_U64(ISN), .win = OPT_U64(65535));
    EXPECT_BOOL(h, "SYN has MSS", true, out.header.opts.has_mss);
    EXPECT_EQ(h, "our MSS", 1460, out.header.opts.mss);
    EXPECT_BOOL(h, "SYN has window scale", true, out.header.opts.has_window_scale);
    EXPECT_EQ(h, "our shift (1 MiB >> 5 fits 16 bits)", 5, out.header.opts.window_scale);
    EXPECT_BOOL(h, "SYN has SACK-permitted", true, out.header.opts.sack_permitted);
    EXPECT_BOOL(h, "SYN has timestamps", true, out.header.opts.has_timestamps);
    EXPECT_EQ(h, "TSval", ISN, out.header.opts.ts_val);
    EXPECT_EQ(h, "TSecr (no ACK)", 0, out.header.opts.ts_ecr);

    struct tcp_options peer = {.has_mss = true,
                               .mss = 536,
                               .has_window_scale = true,
                               .window_scale = 2,
                               .sack_permitted = true,
                               .has_timestamps = true,
                               .ts_val = 777,
                               .ts_ecr = ISN};
    TICK(h, &c, 10);
    PEER_SENDS_OPTS(h, &c, peer, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = 1000);
    SENT(h, &c, &out, .ack = TRI_YES, .ackno = OPT_U64(PEER_ISN + 1), .win = OPT_U64(1048576 >> 5));
    EXPECT_BOOL(h, "ACK has no MSS", false, out.header.opts.has_mss);
    EXPECT_BOOL(h, "ACK has no window scale", false, out.header.opts.has_window_scale);
    EXPECT_BOOL(h, "ACK has timestamps", true, out.header.opts.has_timestamps);
    EXPECT_EQ(h, "TSval", ISN + 10, out.header.opts.ts_val);
    EXPECT_EQ(h, "TSecr echoes the peer", 777, out.header.opts.ts_ecr);
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);

    /* The SYN+ACK's window (1000) is not scaled: only 1000 bytes go out, in 524-byte
     * payloads (MSS 536 less the 12 timestamp bytes). */
    char data[3000];
    memset(data, 'x', sizeof data);
    data[sizeof data - 1] = '\0';
    WRITE(h, &c, data);
    SENT(h, &c, &out, .payload_len = OPT_U64(524));
    SENT(h, &c, &out, .payload_len = OPT_U64(476));
    EXPECT_NOTHING_SENT(h, &c);
    /* Later windows are scaled by 2^2: field 1000 means 4000 bytes. */
    PEER_SENDS_OPTS(h, &c, ts_opts(778, ISN + 10), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1 + 1000,
                    .win = 1000);
    uint64_t sent = 0;
    while (tcp_connection_segments_out(&c, &out)) {
        EXPECT_TRUE(h, "payload within 524", byte_view2_len(&out.payload) <= 524);
        sent += byte_view2_len(&out.payload);
    }
    EXPECT_EQ(h, "bytes sent into the scaled window", 1999, sent);
    EXPECT_IN_FLIGHT(h, &c, 1999);
    conn_end(h, &c);
}

static void passive_open_peer_without_options(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern: a peer without options gets MSS only, and no scaling", &cfg);
    struct tcp_segment out;
    PEER_SENDS(h, &c, .syn = true, .seqno = PEER_ISN, .win = 4000);
    SENT(h, &c, &out, .syn = TRI_YES, .ack = TRI_YES, .win = OPT_U64(65535));
    EXPECT_BOOL(h, "SYN+ACK has MSS", true, out.header.opts.has_mss);
    EXPECT_BOOL(h, "SYN+ACK has no window scale", false, out.header.opts.has_window_scale);
    EXPECT_BOOL(h, "SYN+ACK has no SACK-permitted", false, out.header.opts.sack_permitted);
    EXPECT_BOOL(h, "SYN+ACK has no timestamps", false, out.header.opts.has_timestamps);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 4000);
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 4000, .payload = "hi");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 3), .win = OPT_U64(65535));
    EXPECT_BOOL(h, "no timestamps", false, out.header.opts.has_timestamps);
    /* No peer MSS and no timestamps: our own 1460 is the limit; the window is not scaled. */
    char data[5001];
    memset(data, 'y', 5000);
    data[5000] = '\0';
    WRITE(h, &c, data);
    SENT(h, &c, &out, .payload_len = OPT_U64(1460));
    SENT(h, &c, &out, .payload_len = OPT_U64(1460));
    SENT(h, &c, &out, .payload_len = OPT_U64(1080));
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_READ(h, &c, "hi");
    conn_end(h, &c);
}

static void paws(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern: PAWS drops an old timestamp and answers with an ACK", &cfg);
    struct tcp_segment out;
    struct tcp_options syn = {.has_timestamps = true, .ts_val = 100, .has_window_scale = true, .window_scale = 0};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .seqno = PEER_ISN, .win = 4000);
    SENT(h, &c, &out, .syn = TRI_YES, .ack = TRI_YES);
    EXPECT_EQ(h, "TSecr", 100, out.header.opts.ts_ecr);
    PEER_SENDS_OPTS(h, &c, ts_opts(200, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 4000);
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS_OPTS(h, &c, ts_opts(300, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 4000,
                    .payload = "new");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 4));
    EXPECT_EQ(h, "TSecr echoes the in-order segment", 300, out.header.opts.ts_ecr);
    /* An old duplicate (TSval 250 < 300): dropped, ACKed, its data not taken. */
    PEER_SENDS_OPTS(h, &c, ts_opts(250, ISN), .ack = true, .seqno = PEER_ISN + 4, .ackno = ISN + 1, .win = 4000,
                    .payload = "old");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 4), .payload_len = OPT_U64(0));
    EXPECT_EQ(h, "TSecr unchanged", 300, out.header.opts.ts_ecr);
    /* Without timestamps once they are agreed: dropped (RFC 7323 3.2), not acknowledged. */
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 4, .ackno = ISN + 1, .win = 4000, .payload = "bare");
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_UNASSEMBLED(h, &c, 0);
    EXPECT_READ(h, &c, "new");
    /* An out-of-order segment with a newer TSval is taken but does not update TS.Recent. */
    PEER_SENDS_OPTS(h, &c, ts_opts(400, ISN), .ack = true, .seqno = PEER_ISN + 10, .ackno = ISN + 1, .win = 4000,
                    .payload = "later");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 4));
    EXPECT_EQ(h, "TSecr still the in-order one", 300, out.header.opts.ts_ecr);
    EXPECT_UNASSEMBLED(h, &c, 5);
    conn_end(h, &c);
}

/* Timestamps compare modulo 2^32 (RFC 7323 5.2): across the wrap, 0x10 is newer than
 * 0xfffffff0 and 0xfffffff5 older than 0x10. */
static void paws_across_the_wrap(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern: PAWS compares timestamps across the 32-bit wrap", &cfg);
    struct tcp_segment out;
    struct tcp_options syn = {.has_timestamps = true, .ts_val = 0xfffffff0u};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .seqno = PEER_ISN, .win = 4000);
    SENT(h, &c, &out, .syn = TRI_YES, .ack = TRI_YES);
    PEER_SENDS_OPTS(h, &c, ts_opts(0xfffffff8u, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1,
                    .win = 4000);
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS_OPTS(h, &c, ts_opts(0x10, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 4000,
                    .payload = "new");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 4));
    EXPECT_EQ(h, "TSecr: the wrapped TSval is TS.Recent", 0x10, out.header.opts.ts_ecr);
    PEER_SENDS_OPTS(h, &c, ts_opts(0xfffffff5u, ISN), .ack = true, .seqno = PEER_ISN + 4, .ackno = ISN + 1, .win = 4000,
                    .payload = "old");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 4), .payload_len = OPT_U64(0));
    EXPECT_EQ(h, "TSecr unchanged", 0x10, out.header.opts.ts_ecr);
    EXPECT_READ(h, &c, "new");
    conn_end(h, &c);
}

static void lab_mode_sends_no_options(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = test_config(ISN);
    conn_begin(h, &c, "lab mode: no options, even when the peer offers them", &cfg);
    struct tcp_segment out;
    struct tcp_options peer = {.has_mss = true,
                               .mss = 100,
                               .has_window_scale = true,
                               .window_scale = 3,
                               .sack_permitted = true,
                               .has_timestamps = true,
                               .ts_val = 5};
    PEER_SENDS_OPTS(h, &c, peer, .syn = true, .seqno = PEER_ISN, .win = 4000);
    SENT(h, &c, &out, .syn = TRI_YES, .ack = TRI_YES, .win = OPT_U64(TCP_DEFAULT_CAPACITY));
    EXPECT_BOOL(h, "no MSS", false, out.header.opts.has_mss);
    EXPECT_BOOL(h, "no window scale", false, out.header.opts.has_window_scale);
    EXPECT_BOOL(h, "no SACK-permitted", false, out.header.opts.sack_permitted);
    EXPECT_BOOL(h, "no timestamps", false, out.header.opts.has_timestamps);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 4000);
    WRITE(h, &c, "0123456789");
    /* The peer's MSS is ignored in lab mode (max_payload 1000), and its window unscaled. */
    SENT(h, &c, &out, .payload_len = OPT_U64(10));
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    active_open_all_options(&h);
    passive_open_peer_without_options(&h);
    paws(&h);
    paws_across_the_wrap(&h);
    lab_mode_sends_no_options(&h);
    return 0;
}
