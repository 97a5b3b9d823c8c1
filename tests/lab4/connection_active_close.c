/* TCPConnection, active close (RFC 793 p. 23 and section 3.5): FIN-WAIT-1, FIN-WAIT-2,
 * CLOSING, TIME-WAIT, lingering 10 x the RTO after the last segment received. */
#include "connection_steps.h"

#define LINGER (10 * TCP_DEFAULT_RT_TIMEOUT)

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);

    conn_begin(&h, &c, "active close: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT, CLOSED [L4.R14 L4.R15 L4.R12]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001),
                .payload_len = OPT_U64(0));
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_1);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_2);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(&h, &c, .fin = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(2), .ackno = OPT_U64(5002),
                .payload_len = OPT_U64(0));
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    EXPECT_INBOUND_EOF(&h, &c, true);
    TICK(&h, &c, LINGER - 1);
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    EXPECT_ACTIVE(&h, &c, true);
    TICK(&h, &c, 1);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    EXPECT_ACTIVE(&h, &c, false);
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    conn_begin(&h, &c, "active close: simultaneous close goes through CLOSING [L4.R14 L4.R15]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .seqno = OPT_U64(1));
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    EXPECT_SENT(&h, &c, .fin = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(2), .ackno = OPT_U64(5002));
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSING);
    TICK(&h, &c, 1);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5002, .ackno = 2, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    TICK(&h, &c, LINGER - 1);
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    TICK(&h, &c, 1);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "active close: FIN and ACK of our FIN in one segment [L4.R14]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002), .payload_len = OPT_U64(0));
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    TICK(&h, &c, LINGER);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    conn_end(&h, &c);

    conn_begin(&h, &c,
               "active close: a repeated FIN in TIME-WAIT is acknowledged and restarts the wait [L4.R14 L4.R17]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002));
    TICK(&h, &c, LINGER - 10);
    EXPECT_EQ(&h, "time since last segment", LINGER - 10, tcp_connection_time_since_last_segment_received(&c));
    STEP(&h, "our ACK was lost: the peer repeats its FIN");
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(2), .ackno = OPT_U64(5002));
    EXPECT_EQ(&h, "time since last segment", 0, tcp_connection_time_since_last_segment_received(&c));
    TICK(&h, &c, LINGER - 1);
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    TICK(&h, &c, 1);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "active close: the FIN is retransmitted in FIN-WAIT-1 [L4.R12 L4.R10]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .seqno = OPT_U64(1));
    TICK(&h, &c, TCP_DEFAULT_RT_TIMEOUT - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, 1);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001));
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_1);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_2);
    TICK(&h, &c, 10 * LINGER);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_2);
    conn_end(&h, &c);

    conn_begin(&h, &c, "active close: data then FIN; the peer keeps sending in FIN-WAIT-2 [L4.R12 L4.R6]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    WRITE(&h, &c, "bye");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "bye", .fin = TRI_NO);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .fin = TRI_YES, .payload_len = OPT_U64(0));
    EXPECT_IN_FLIGHT(&h, &c, 4);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 5, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_2);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 5, .win = 1000, .payload = "still here");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(5), .ackno = OPT_U64(5011));
    EXPECT_READ(&h, &c, "still here");
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_2);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5011, .ackno = 5, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5012));
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    conn_end(&h, &c);

    conn_begin(&h, &c, "active close: the FIN rides on the last data when the window allows [L4.R12]", &cfg);
    establish_active(&h, &c, 0, 5000, 3);
    WRITE(&h, &c, "abcdef");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "abc", .fin = TRI_NO);
    EXPECT_NOTHING_SENT(&h, &c);
    CLOSE(&h, &c);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 4, .win = 1000);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(4), .payload = "def", .fin = TRI_YES);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_1);
    conn_end(&h, &c);

    conn_begin(&h, &c, "active close: the passive opener closes first [L4.R14]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_FIN_WAIT_2);
    PEER_SENDS(&h, &c, .fin = true, .seqno = 5001, .ack = true, .ackno = 2, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002));
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    TICK(&h, &c, LINGER);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    EXPECT_ACTIVE(&h, &c, false);
    return conn_end(&h, &c);
}
