/* Modern mode: after a retransmission timeout the lost tail is resent in slow start, not one
 * segment per (doubling) RTO (RFC 5681 3.1, RFC 6675 5.1). */
#include "modern_steps.h"

#define ISN 1000
#define PEER_ISN 5000

static void tail_resent_in_slow_start(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.opt_timestamps = false;
    cfg.tail_loss_probe = false; /* the timeout itself is the subject here */
    conn_begin(h, &c, "timeout: every segment of a lost tail is resent as slow start allows", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    TICK(h, &c, 20); /* SRTT 20 ms: RTO 200 ms (the minimum) */
    struct tcp_options syn = {.has_mss = true, .mss = 1000, .sack_permitted = true};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = 60000);
    EXPECT_SENT(h, &c, .ack = TRI_YES);
    static char data[8001];
    memset(data, 't', 8000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1 + 1000 * i), .payload_len = OPT_U64(1000));
    }
    STEP(h, "all four are lost: the timeout resends the first, the window is 1 MSS");
    TICK(h, &c, 200);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "its ACK: slow start, window 2 MSS: the next two lost segments go again");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1001, .win = 60000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 2001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "both acknowledged: window 3 MSS: the last lost segment, then new data");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 3001, .win = 60000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 3001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 4001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 5001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_EQ(h, "no second timeout", 0, tcp_sender_consecutive_retransmissions(&c.sender));
    conn_end(h, &c);
}

static void sacked_segments_skipped(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.opt_timestamps = false;
    cfg.tail_loss_probe = false;
    conn_begin(h, &c, "timeout: segments the peer SACKed are not resent", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    TICK(h, &c, 20);
    struct tcp_options syn = {.has_mss = true, .mss = 1000, .sack_permitted = true};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = 60000);
    EXPECT_SENT(h, &c, .ack = TRI_YES);
    static char data[4001];
    memset(data, 'u', 4000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1 + 1000 * i));
    }
    STEP(h, "20 ms later the peer got only the second segment: the first may be reordered (RACK waits 5 ms)");
    TICK(h, &c, 20);
    struct tcp_options sack = {.sack_count = 1, .sack = {{{ISN + 1001}, {ISN + 2001}}}};
    PEER_SENDS_OPTS(h, &c, sack, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 60000);
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "RACK's reorder timer: the first is lost and resent (RFC 8985 6.2); that copy is lost too");
    TICK(h, &c, 10);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "the timeout: the first goes again, everything not SACKed is lost");
    TICK(h, &c, 170);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_EQ(h, "a timeout", 1, tcp_sender_consecutive_retransmissions(&c.sender));
    PEER_SENDS_OPTS(h, &c, sack, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1001, .win = 60000);
    STEP(h, "window 2 MSS, pipe 0 (RFC 6675: SACKed and lost bytes are not in it): 1001-2000 is SACKed and "
            "skipped, 2001 and 3001 go");
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 2001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 3001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    tail_resent_in_slow_start(&h);
    sacked_segments_skipped(&h);
    return 0;
}
