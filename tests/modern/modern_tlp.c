/* Modern mode, RFC 8985 section 7: the tail loss probe (new data, or the last segment again). */
#include "modern_steps.h"

#define ISN 1000
#define PEER_ISN 5000

/* Active open with MSS 1000 where the SYN+ACK comes 20 ms after the SYN: SRTT 20 ms, RTO
 * 200 ms (the minimum), congestion window 4 segments (RFC 5681 3.1 for an MSS of 1000). */
static void open_20ms(struct harness *h, struct tcp_connection *c, uint16_t win) {
    CONNECT(h, c);
    EXPECT_SENT(h, c, .syn = TRI_YES);
    TICK(h, c, 20);
    struct tcp_options syn = {.has_mss = true, .mss = 1000};
    PEER_SENDS_OPTS(h, c, syn, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = win);
    EXPECT_SENT(h, c, .ack = TRI_YES, .payload_len = OPT_U64(0));
}

static struct tcp_config tlp_config(void) {
    struct tcp_config cfg = modern_config(ISN);
    cfg.opt_timestamps = false;
    return cfg;
}

static void probe_after_two_srtt(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = tlp_config();
    conn_begin(h, &c, "tlp: no ACK for 2 SRTT sends one new segment past cwnd; the RTO restarts", &cfg);
    open_20ms(h, &c, 60000);
    static char data[10001];
    memset(data, 'p', 10000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1 + 1000 * i), .payload_len = OPT_U64(1000));
    }
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 39);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 4001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "one probe until an ACK: the next thing is the RTO, 200 ms after the probe");
    TICK(h, &c, 199);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1000));
    EXPECT_EQ(h, "that was a timeout", 1, tcp_sender_consecutive_retransmissions(&c.sender));
    conn_end(h, &c);
}

static void probe_answered(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = tlp_config();
    conn_begin(h, &c, "tlp: the probe's ACK (the window's ACK was lost) lets the flow go on, no timeout", &cfg);
    open_20ms(h, &c, 60000);
    static char data[20001];
    memset(data, 'q', 20000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1 + 1000 * i));
    }
    TICK(h, &c, 40);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 4001), .payload_len = OPT_U64(1000));
    TICK(h, &c, 20);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 5001, .win = 60000);
    STEP(h, "slow start from 4 segments: 5 acknowledged, the window is now 5 segments");
    for (int i = 0; i < 5; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 5001 + 1000 * i), .payload_len = OPT_U64(1000));
    }
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_EQ(h, "no retransmission", 0, tcp_sender_consecutive_retransmissions(&c.sender));
    STEP(h, "after a new ACK the probe is available again; the 60 ms sample made SRTT 25, so PTO 50");
    TICK(h, &c, 49);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 10001), .payload_len = OPT_U64(1000));
    conn_end(h, &c);
}

static void probe_without_new_data(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = tlp_config();
    conn_begin(h, &c, "tlp: no room in the peer's window: the probe resends the last segment, then the RTO", &cfg);
    open_20ms(h, &c, 3000);
    static char data[4001];
    memset(data, 'r', 4000);
    WRITE(h, &c, data);
    for (int i = 0; i < 3; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1 + 1000 * i));
    }
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "the peer's window (3000) is full: 1000 bytes wait; at 2 SRTT the last segment goes again");
    TICK(h, &c, 39);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 2001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "one probe: the RTO follows 200 ms after it and resends the oldest");
    TICK(h, &c, 199);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1000));
    EXPECT_EQ(h, "that was a timeout", 1, tcp_sender_consecutive_retransmissions(&c.sender));
    conn_end(h, &c);

    cfg = tlp_config();
    conn_begin(h, &c, "tlp: nothing left to send (the tail was lost): the probe resends the last segment", &cfg);
    open_20ms(h, &c, 60000);
    static char tail[2501];
    memset(tail, 't', 2500);
    WRITE(h, &c, tail);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 2001), .payload_len = OPT_U64(500));
    TICK(h, &c, 39);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 2001), .payload_len = OPT_U64(500));
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&c.sender));
    STEP(h, "the probe's ACK acknowledges everything: the flow is whole without a timeout");
    TICK(h, &c, 20);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 2501, .win = 60000);
    EXPECT_EQ(h, "in flight", 0, tcp_sender_bytes_in_flight(&c.sender));
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&c.sender));
    conn_end(h, &c);

    cfg = tlp_config();
    cfg.tail_loss_probe = false;
    conn_begin(h, &c, "tlp: with tail_loss_probe off (as in lab mode) there is no probe", &cfg);
    open_20ms(h, &c, 60000);
    static char more[10001];
    memset(more, 's', 10000);
    WRITE(h, &c, more);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1 + 1000 * i));
    }
    TICK(h, &c, 199);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1000));
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    probe_after_two_srtt(&h);
    probe_answered(&h);
    probe_without_new_data(&h);
    return 0;
}
