/* The TCP drop counters: every ignored segment is counted once, under its reason. */
#include "harness.h"
#include "tcp/tcp_connection.h"

#include <string.h>

#define ISN 1000u
#define PEER_ISN 5000u

static struct tcp_segment seg(bool syn, bool ack, bool rst, uint32_t seqno, uint32_t ackno, const char *payload) {
    struct tcp_segment s;
    memset(&s, 0, sizeof s);
    s.header.syn = syn;
    s.header.ack = ack;
    s.header.rst = rst;
    s.header.seqno = wrap32_of(seqno);
    s.header.ackno = wrap32_of(ackno);
    s.header.win = 1000;
    s.payload = byte_view2_of(payload, strlen(payload));
    return s;
}

static void drain(struct tcp_connection *c) {
    struct tcp_segment out;
    while (tcp_connection_segments_out(c, &out)) {
    }
}

static int receiver_counters(void) {
    struct harness h;
    harness_begin(&h, "receiver counters: before SYN, out of window [L4.R18]");
    struct tcp_receiver r;
    EXPECT_EQ(&h, "init", SPONGE_OK, tcp_receiver_init(&r, 10));
    STEP(&h, "data before any SYN");
    struct tcp_segment s = seg(false, false, false, PEER_ISN, 0, "abc");
    tcp_receiver_segment_received(&r, &s);
    EXPECT_EQ(&h, "drop_before_syn", 1, tcp_receiver_counters(&r)->drop_before_syn);
    STEP(&h, "SYN with data, then data at window end and a retransmitted SYN");
    s = seg(true, false, false, PEER_ISN, 0, "abc");
    tcp_receiver_segment_received(&r, &s);
    s = seg(false, false, false, PEER_ISN + 11, 0, "z");
    tcp_receiver_segment_received(&r, &s);
    s = seg(true, false, false, PEER_ISN, 0, "");
    tcp_receiver_segment_received(&r, &s);
    s = seg(false, false, false, PEER_ISN + 10, 0, "y");
    tcp_receiver_segment_received(&r, &s);
    EXPECT_EQ(&h, "drop_out_of_window", 2, tcp_receiver_counters(&r)->drop_out_of_window);
    EXPECT_EQ(&h, "segments_received", 5, tcp_receiver_counters(&r)->segments_received);
    tcp_receiver_destroy(&r);
    return harness_end(&h);
}

static int connection_counters(void) {
    struct harness h;
    harness_begin(&h, "connection counters: drops by reason [L4.R18]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.fixed_isn_set = true;
    cfg.fixed_isn = ISN;
    cfg.recv_capacity = 100;
    struct tcp_connection c;
    EXPECT_EQ(&h, "init", SPONGE_OK, tcp_connection_init(&c, &cfg));
    const struct tcp_connection_counters *k = tcp_connection_counters(&c);
    const struct tcp_receiver_counters *r = tcp_receiver_counters(&c.receiver);

    STEP(&h, "LISTEN: an ACK and a RST are ignored");
    struct tcp_segment s = seg(false, true, false, PEER_ISN, ISN, "");
    tcp_connection_segment_received(&c, &s);
    s = seg(false, false, true, PEER_ISN, 0, "");
    tcp_connection_segment_received(&c, &s);
    EXPECT_EQ(&h, "drop_in_listen", 2, k->drop_in_listen);
    EXPECT_EQ(&h, "rst_ignored (counted as a RST)", 0, k->rst_ignored);

    STEP(&h, "SYN accepted; our SYN/ACK acknowledged");
    s = seg(true, false, false, PEER_ISN, 0, "");
    tcp_connection_segment_received(&c, &s);
    drain(&c);
    s = seg(false, true, false, PEER_ISN + 1, ISN + 1, "");
    tcp_connection_segment_received(&c, &s);
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_connection_state(&c));

    STEP(&h, "data past the 100-byte window, and data already received");
    s = seg(false, true, false, PEER_ISN + 1 + 100, ISN + 1, "late");
    tcp_connection_segment_received(&c, &s);
    s = seg(false, true, false, PEER_ISN + 1, ISN + 1, "abc");
    tcp_connection_segment_received(&c, &s);
    s = seg(false, true, false, PEER_ISN + 1, ISN + 1, "abc");
    tcp_connection_segment_received(&c, &s);
    EXPECT_EQ(&h, "receiver drop_out_of_window", 2, r->drop_out_of_window);
    /* The connection screens LISTEN itself: its receiver never saw those two. */
    EXPECT_EQ(&h, "receiver drop_before_syn", 0, r->drop_before_syn);

    STEP(&h, "an ACK of bytes never sent");
    s = seg(false, true, false, PEER_ISN + 4, ISN + 50, "");
    tcp_connection_segment_received(&c, &s);
    EXPECT_EQ(&h, "drop_ack_unsent", 1, k->drop_ack_unsent);

    STEP(&h, "a RST far outside the window, then one at exactly the ackno");
    s = seg(false, false, true, PEER_ISN + 4 + 100000, 0, "");
    tcp_connection_segment_received(&c, &s);
    EXPECT_EQ(&h, "rst_ignored", 1, k->rst_ignored);
    EXPECT_EQ(&h, "still established", TCP_STATE_ESTABLISHED, tcp_connection_state(&c));
    s = seg(false, false, true, PEER_ISN + 4, 0, "");
    tcp_connection_segment_received(&c, &s);
    EXPECT_EQ(&h, "rst_accepted", 1, k->rst_accepted);
    EXPECT_EQ(&h, "state", TCP_STATE_RESET, tcp_connection_state(&c));

    STEP(&h, "a segment after the reset");
    s = seg(false, true, false, PEER_ISN + 4, ISN + 1, "x");
    tcp_connection_segment_received(&c, &s);
    EXPECT_EQ(&h, "drop_not_active", 1, k->drop_not_active);
    EXPECT_EQ(&h, "segments_received", 11, k->segments_received);
    EXPECT_EQ(&h, "in_syn_sent", 0, k->drop_in_syn_sent);
    tcp_connection_destroy(&c);
    return harness_end(&h);
}

int main(void) {
    int failed = receiver_counters();
    failed |= connection_counters();
    return failed;
}
