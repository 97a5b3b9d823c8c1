/* TCPConnection, passive open (RFC 793 p. 65, LISTEN): only a SYN opens the connection. */
#include "connection_steps.h"

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(300);

    conn_begin(&h, &c, "listen: SYN, SYN+ACK, ACK [L4.R1 L4.R4]", &cfg);
    EXPECT_STATE(&h, &c, TCP_STATE_LISTEN);
    EXPECT_ACTIVE(&h, &c, true);
    TICK(&h, &c, 10000);
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 7000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .rst = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(300),
                .ackno = OPT_U64(7001), .win = OPT_U64(TCP_DEFAULT_CAPACITY), .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_RCVD);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 7001, .ackno = 301, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 7001, .ackno = 301, .win = 1000, .payload = "hello");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(301), .ackno = OPT_U64(7006),
                .win = OPT_U64(TCP_DEFAULT_CAPACITY - 5), .payload_len = OPT_U64(0));
    EXPECT_READ(&h, &c, "hello");
    conn_end(&h, &c);

    conn_begin(&h, &c, "listen: ACK, RST, data and FIN without SYN are ignored [L4.R1]", &cfg);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 7000, .ackno = 301, .win = 1000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 7000);
    PEER_SENDS(&h, &c, .ack = true, .rst = true, .seqno = 7000, .ackno = 301);
    PEER_SENDS(&h, &c, .seqno = 7000, .payload = "hello");
    PEER_SENDS(&h, &c, .fin = true, .seqno = 7000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_LISTEN);
    EXPECT_ACTIVE(&h, &c, true);
    STEP(&h, "ACK-bearing SYNs are no good in LISTEN either");
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 7000, .ackno = 301);
    PEER_SENDS(&h, &c, .syn = true, .rst = true, .seqno = 7000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_LISTEN);
    STEP(&h, "a plain SYN still opens it");
    PEER_SENDS(&h, &c, .syn = true, .seqno = 9000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(9001));
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_RCVD);
    conn_end(&h, &c);

    conn_begin(&h, &c, "listen: SYN carrying data [L4.R1]", &cfg);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 7000, .win = 1000, .payload = "early");
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(300), .ackno = OPT_U64(7006),
                .win = OPT_U64(TCP_DEFAULT_CAPACITY - 5));
    EXPECT_READ(&h, &c, "early");
    conn_end(&h, &c);

    conn_begin(&h, &c, "listen: SYN+ACK is retransmitted in SYN-RCVD [L4.R10 L4.R6]", &cfg);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 7000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES);
    TICK(&h, &c, TCP_DEFAULT_RT_TIMEOUT - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, 1);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(300), .ackno = OPT_U64(7001));
    STEP(&h, "the peer's own SYN retransmission is answered");
    PEER_SENDS(&h, &c, .syn = true, .seqno = 7000, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(7001));
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_RCVD);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 7001, .ackno = 301, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "listen: writing in LISTEN sends nothing until a peer appears [L4.R1 L4.R2]", &cfg);
    WRITE(&h, &c, "queued");
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_LISTEN);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 7000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 7001, .ackno = 301, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(301), .payload = "queued");
    conn_end(&h, &c);

    conn_begin(&h, &c, "listen: destroying a listening connection sends nothing [L4.R1]", &cfg);
    STEP(&h, "destroy");
    tcp_connection_destroy(&c);
    EXPECT_NOTHING_SENT(&h, &c);
    return harness_end(&h);
}
