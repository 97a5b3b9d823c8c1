/* TCPConnection retransmission: the oldest unacknowledged segment is resent when the timer
 * expires, with exponential back-off (RFC 6298); after more than max_retx_attempts
 * consecutive retransmissions the connection gives up with a RST. */
#include "connection_steps.h"

#define RTO TCP_DEFAULT_RT_TIMEOUT

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);

    conn_begin(&h, &c, "retx: data is resent with back-off, then the connection resets [L4.R10]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    WRITE(&h, &c, "asdf");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "asdf");
    for (unsigned attempt = 0; attempt < TCP_DEFAULT_MAX_RETX_ATTEMPTS; attempt++) {
        TICK(&h, &c, ((uint64_t)RTO << attempt) - 1);
        EXPECT_NOTHING_SENT(&h, &c);
        TICK(&h, &c, 1);
        EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .ack = TRI_YES, .ackno = OPT_U64(5001), .payload = "asdf");
        EXPECT_NOTHING_SENT(&h, &c);
        EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    }
    TICK(&h, &c, ((uint64_t)RTO << TCP_DEFAULT_MAX_RETX_ATTEMPTS) - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_ACTIVE(&h, &c, true);
    TICK(&h, &c, 1);
    EXPECT_SENT(&h, &c, .rst = TRI_YES, .seqno = OPT_U64(5), .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_ACTIVE(&h, &c, false);
    conn_end(&h, &c);

    cfg.max_retx_attempts = 2;
    conn_begin(&h, &c, "retx: the SYN is resent, then a RST without ACK after max_retx_attempts = 2 [L4.R10]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .seqno = OPT_U64(0));
    TICK(&h, &c, RTO);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_NO, .seqno = OPT_U64(0));
    TICK(&h, &c, 2 * RTO);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .seqno = OPT_U64(0));
    TICK(&h, &c, 4 * RTO - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, 1);
    EXPECT_SENT(&h, &c, .rst = TRI_YES, .ack = TRI_NO, .syn = TRI_NO);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    conn_end(&h, &c);

    cfg = test_config(0);
    conn_begin(&h, &c, "retx: an ACK of new data restarts the timer and forgets the back-off [L4.R10 L4.R5]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    WRITE(&h, &c, "ab");
    EXPECT_SENT(&h, &c, .payload = "ab");
    TICK(&h, &c, RTO);
    EXPECT_SENT(&h, &c, .payload = "ab");
    TICK(&h, &c, 2 * RTO - 1);
    WRITE(&h, &c, "cd");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(3), .payload = "cd");
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 3, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, RTO - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, 1);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(3), .payload = "cd");
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 5, .win = 1000);
    TICK(&h, &c, 100 * RTO);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_IN_FLIGHT(&h, &c, 0);
    conn_end(&h, &c);

    conn_begin(&h, &c, "retx: only the oldest segment is resent [L4.R10]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    WRITE(&h, &c, "one");
    WRITE(&h, &c, "two");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "one");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .payload = "two");
    TICK(&h, &c, RTO);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "one");
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 4, .win = 1000);
    TICK(&h, &c, RTO);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .payload = "two");
    conn_end(&h, &c);

    conn_begin(&h, &c, "retx: the peer's data keeps being acknowledged while we retransmit [L4.R10 L4.R6]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    WRITE(&h, &c, "ping");
    EXPECT_SENT(&h, &c, .payload = "ping");
    TICK(&h, &c, RTO);
    EXPECT_SENT(&h, &c, .payload = "ping", .ackno = OPT_U64(5001));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "pong");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5005), .payload_len = OPT_U64(0));
    TICK(&h, &c, 2 * RTO);
    EXPECT_SENT(&h, &c, .payload = "ping", .ackno = OPT_U64(5005));
    conn_end(&h, &c);

    /* With windows: only what the window allowed is outstanding and resent; probes of a zero
     * window do not back off and do not count toward giving up. */
    conn_begin(&h, &c, "retx (window 3): the windowed segment is resent [L4.R10]", &cfg);
    establish_active(&h, &c, 0, 5000, 3);
    WRITE(&h, &c, "abcdefgh");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "abc");
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, RTO);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "abc");
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 4, .win = 0);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .payload = "d");
    for (int probe = 0; probe < 3 * TCP_DEFAULT_MAX_RETX_ATTEMPTS; probe++) {
        TICK(&h, &c, RTO - 1);
        EXPECT_NOTHING_SENT(&h, &c);
        TICK(&h, &c, 1);
        EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .payload = "d");
    }
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 5, .win = 4);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(5), .payload = "efgh");
    conn_end(&h, &c);

    conn_begin(&h, &c, "retx (window 3): a FIN beyond the window waits, then is resent [L4.R10 L4.R12]", &cfg);
    establish_active(&h, &c, 0, 5000, 3);
    WRITE(&h, &c, "abc");
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "abc", .fin = TRI_NO);
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 4, .win = 3);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .fin = TRI_YES, .payload_len = OPT_U64(0));
    TICK(&h, &c, RTO);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .fin = TRI_YES);
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_1);
    return conn_end(&h, &c);
}
