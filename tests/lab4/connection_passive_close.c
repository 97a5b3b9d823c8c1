/* TCPConnection, passive close (RFC 793 p. 23): the peer's FIN first, CLOSE-WAIT, then our
 * FIN, LAST-ACK, and CLOSED as soon as it is acknowledged (no lingering). */
#include "connection_steps.h"

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);

    conn_begin(&h, &c, "passive close: CLOSE-WAIT, LAST-ACK, CLOSED without lingering [L4.R13 L4.R15]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .fin = TRI_NO, .seqno = OPT_U64(1), .ackno = OPT_U64(5002),
                .payload_len = OPT_U64(0));
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    EXPECT_INBOUND_EOF(&h, &c, true);
    TICK(&h, &c, 100 * TCP_DEFAULT_RT_TIMEOUT);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    EXPECT_NOTHING_SENT(&h, &c);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5002));
    EXPECT_STATE(&h, &c, TCP_STATE_LAST_ACK);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5002, .ackno = 2, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    EXPECT_ACTIVE(&h, &c, false);
    conn_end(&h, &c);

    conn_begin(&h, &c, "passive close: after an active open [L4.R13]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002));
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .seqno = OPT_U64(1));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5002, .ackno = 2, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "passive close: LAST-ACK waits for the right ACK and retransmits the FIN [L4.R13 L4.R10]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002));
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .seqno = OPT_U64(1));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5002, .ackno = 1, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_LAST_ACK);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, TCP_DEFAULT_RT_TIMEOUT - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, 1);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5002));
    STEP(&h, "the peer repeats its FIN: it is acknowledged again");
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002));
    EXPECT_STATE(&h, &c, TCP_STATE_LAST_ACK);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5002, .ackno = 2, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "passive close: the FIN on the peer's data; we keep writing in CLOSE-WAIT [L4.R12 L4.R13]",
               &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "last words");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5012), .win = OPT_U64(TCP_DEFAULT_CAPACITY - 10));
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    EXPECT_READ(&h, &c, "last words");
    EXPECT_INBOUND_EOF(&h, &c, true);
    WRITE(&h, &c, "reply");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .ackno = OPT_U64(5012), .payload = "reply", .fin = TRI_NO);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5012, .ackno = 6, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES, .seqno = OPT_U64(6));
    EXPECT_STATE(&h, &c, TCP_STATE_LAST_ACK);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5012, .ackno = 7, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    EXPECT_ACTIVE(&h, &c, false);
    conn_end(&h, &c);

    conn_begin(&h, &c, "passive close: the peer's FIN arrives before its data [L4.R13]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5004, .ackno = 1, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5001));
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    EXPECT_UNASSEMBLED(&h, &c, 0);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abc");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5005));
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5005, .ackno = 2, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSED);
    return conn_end(&h, &c);
}
