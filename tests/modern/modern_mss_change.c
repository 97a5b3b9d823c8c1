/* The payload size changing under a sender that has congestion state (modern mode). The MSS
 * option arrives with the peer's SYN, after our SYN may already have been lost; a later change
 * (tcp_sender_set_max_payload) must not throw away what the sender learnt either. Windows keep
 * their size in segments, as RFC 5681 counts them; only an unused initial window becomes the
 * initial window for the new size. */
#include "modern_steps.h"

#define MSS 1000

/* Pops every queued segment; returns how many carried `len` payload bytes, failing on others. */
static int segments_of(struct harness *h, struct tcp_connection *c, size_t len) {
    int n = 0;
    struct tcp_segment seg;
    while (tcp_connection_segments_out(c, &seg)) {
        size_t got = byte_view2_len(&seg.payload);
        if (got != len) {
            char text[HARNESS_LINE];
            FAIL(h, "expected %zu payload bytes: %s", len, tcp_harness_describe(&seg, text, sizeof text));
        }
        n++;
    }
    return n;
}

static void syn_lost_then_mss(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(0);
    cfg.opt_timestamps = false;
    static char data[20001];
    memset(data, 'd', 20000);
    struct tcp_options mss = {.has_mss = true, .mss = MSS};

    conn_begin(h, &c, "mss: after a lost SYN the first flight is one segment (RFC 5681 3.1), MSS or not", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    TICK(h, &c, cfg.rt_timeout);
    EXPECT_SENT(h, &c, .syn = TRI_YES); /* the SYN was lost: retransmitted */
    PEER_SENDS_OPTS(h, &c, mss, .syn = true, .ack = true, .seqno = 0, .ackno = 1, .win = 65535);
    EXPECT_SENT(h, &c, .ack = TRI_YES, .payload_len = OPT_U64(0));
    WRITE(h, &c, data);
    EXPECT_EQ(h, "segments of 1000 bytes in the first flight", 1, segments_of(h, &c, MSS));
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1 + MSS, .win = 65535);
    EXPECT_EQ(h, "segments after its ACK (cwnd 2 MSS)", 2, segments_of(h, &c, MSS));
    conn_end(h, &c);

    conn_begin(h, &c, "mss: without a loss the first flight is the initial window for the agreed MSS", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    PEER_SENDS_OPTS(h, &c, mss, .syn = true, .ack = true, .seqno = 0, .ackno = 1, .win = 65535);
    EXPECT_SENT(h, &c, .ack = TRI_YES, .payload_len = OPT_U64(0));
    WRITE(h, &c, data);
    EXPECT_EQ(h, "segments of 1000 bytes in the first flight", 4, segments_of(h, &c, MSS));
    conn_end(h, &c);
}

/* Pops every queued segment of a sender; returns how many carried `len` bytes, failing on others. */
static int sender_segments_of(struct harness *h, struct tcp_sender *s, size_t len) {
    int n = 0;
    struct tcp_segment seg;
    while (tcp_sender_segments_out(s, &seg)) {
        if (byte_view2_len(&seg.payload) != len) {
            FAIL(h, "expected %zu payload bytes, got %zu", len, byte_view2_len(&seg.payload));
        }
        n++;
    }
    return n;
}

static void mss_lowered_mid_connection(struct harness *h) {
    harness_begin(h, "mss: lowering the payload size mid-connection keeps the congestion window in segments");
    struct tcp_config cfg = modern_config(0);
    cfg.max_payload = MSS;
    cfg.tail_loss_probe = false;
    struct tcp_sender s;
    STEP(h, "NewReno sender, MSS 1000, 50000 bytes written; SYN acknowledged with window 60000");
    if (tcp_sender_init(&s, &cfg) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    static const uint8_t data[50000];
    byte_stream_write(tcp_sender_stream_in(&s), data, sizeof data);
    tcp_sender_fill_window(&s);
    sender_segments_of(h, &s, 0);
    tcp_sender_ack_received(&s, wrap32_of(1), 60000);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments in the initial window", 4, sender_segments_of(h, &s, MSS));
    STEP(h, "two ACKs of 1000 bytes: slow start, cwnd 6 segments");
    tcp_sender_ack_received(&s, wrap32_of(1 + MSS), 60000);
    tcp_sender_ack_received(&s, wrap32_of(1 + 2 * MSS), 60000);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 4, sender_segments_of(h, &s, MSS));
    STEP(h, "the payload size drops to 500; everything outstanding is acknowledged");
    tcp_sender_set_max_payload(&s, MSS / 2);
    tcp_sender_ack_received(&s, wrap32_of(1 + 8 * MSS), 60000);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments of 500 bytes (cwnd 6 segments, one more for the ACK)", 7,
              sender_segments_of(h, &s, MSS / 2));
    tcp_sender_destroy(&s);
    harness_end(h);
}

int main(void) {
    struct harness h;
    syn_lost_then_mss(&h);
    mss_lowered_mid_connection(&h);
    return 0;
}
