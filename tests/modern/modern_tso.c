/* Modern mode with a carrier that cuts segments itself (TSO on a TUN device): with
 * tcp_config.max_segment set, the sender fills the congestion window with one segment of up to
 * max_segment bytes, and tcp_connection marks it with the negotiated MSS (tso_mss) for the
 * carrier to cut by; segments no longer than the MSS stay unmarked. Without max_segment,
 * segments keep the MSS, unmarked, as before. */
#include "modern_steps.h"

#define ISN 1000
#define PEER_ISN 5000
#define MSS 1448 /* the peer's 1460 less 12 bytes of timestamps */

/* Handshake with a peer offering MSS 1460, window scale 7 and timestamps. */
static void handshake(struct harness *h, struct tcp_connection *c) {
    struct tcp_segment out;
    CONNECT(h, c);
    SENT(h, c, &out, .syn = TRI_YES);
    struct tcp_options peer = {.has_mss = true,
                               .mss = 1460,
                               .has_window_scale = true,
                               .window_scale = 7,
                               .has_timestamps = true,
                               .ts_val = 1,
                               .ts_ecr = ISN};
    PEER_SENDS_OPTS(h, c, peer, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = 8192);
    SENT(h, c, &out, .ack = TRI_YES, .payload_len = OPT_U64(0));
    EXPECT_STATE(h, c, TCP_STATE_ESTABLISHED);
}

static char data[10001];

static void super_segments(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.max_segment = 60000;
    conn_begin(h, &c, "modern TSO: the congestion window leaves as one super-segment marked with the MSS", &cfg);
    handshake(h, &c);
    struct tcp_segment out;
    WRITE(h, &c, data);
    /* RFC 5681 3.1: the initial window is 3 MSS = 4344 bytes, in one segment. */
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(3 * MSS));
    EXPECT_EQ(h, "tso_mss", MSS, out.tso_mss);
    EXPECT_NOTHING_SENT(h, &c);
    /* The ACK grows the window by one MSS (slow start): the other 5656 bytes go in one segment. */
    PEER_SENDS_OPTS(h, &c, ts_opts(2, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1 + 3 * MSS,
                    .win = 8192);
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1 + 3 * MSS), .payload_len = OPT_U64(10000 - 3 * MSS));
    EXPECT_EQ(h, "tso_mss", MSS, out.tso_mss);
    EXPECT_NOTHING_SENT(h, &c);
    /* A segment of at most one MSS is a plain one. */
    PEER_SENDS_OPTS(h, &c, ts_opts(3, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1 + 10000, .win = 8192);
    WRITE(h, &c, "a short one");
    SENT(h, &c, &out, .payload_len = OPT_U64(11));
    EXPECT_EQ(h, "tso_mss", 0, out.tso_mss);
    conn_end(h, &c);
}

static void without_max_segment(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern without TSO: MSS-sized segments, unmarked", &cfg);
    handshake(h, &c);
    struct tcp_segment out;
    WRITE(h, &c, data);
    for (int i = 0; i < 3; i++) {
        SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1 + (uint64_t)i * MSS), .payload_len = OPT_U64(MSS));
        EXPECT_EQ(h, "tso_mss", 0, out.tso_mss);
    }
    EXPECT_NOTHING_SENT(h, &c);
    conn_end(h, &c);
}

int main(void) {
    memset(data, 'x', sizeof data - 1);
    struct harness h;
    super_segments(&h);
    without_max_segment(&h);
    return 0;
}
