/* TCPConnection, active open (RFC 793 section 3.4 and the SYN-SENT rules on p. 66-68). */
#include "connection_steps.h"

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(1000);

    conn_begin(&h, &c, "connect: SYN, SYN+ACK, ACK [L4.R2 L4.R3 L4.R4]", &cfg);
    EXPECT_STATE(&h, &c, TCP_STATE_LISTEN);
    EXPECT_NOTHING_SENT(&h, &c);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_NO, .rst = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(1000),
                .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    EXPECT_IN_FLIGHT(&h, &c, 1);
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 5000, .ackno = 1001, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_NO, .ack = TRI_YES, .rst = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(1001),
                .ackno = OPT_U64(5001), .win = OPT_U64(TCP_DEFAULT_CAPACITY), .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    EXPECT_IN_FLIGHT(&h, &c, 0);
    EXPECT_ACTIVE(&h, &c, true);
    conn_end(&h, &c);

    cfg = test_config(UINT32_MAX);
    conn_begin(&h, &c, "connect: ISN 2^32 - 1, the ACK's seqno wraps to 0 [L4.R2 L4.R4]", &cfg);
    establish_active(&h, &c, UINT32_MAX, UINT32_MAX - 1, 1000);
    WRITE(&h, &c, "abc");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(0), .ackno = OPT_U64(UINT32_MAX), .payload = "abc");
    conn_end(&h, &c);

    cfg = test_config(1000);
    conn_begin(&h, &c, "connect: SYN+ACK carrying data [L4.R3 L4.R6]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES);
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 5000, .ackno = 1001, .win = 1000, .payload = "hi");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(1001), .ackno = OPT_U64(5003), .payload_len = OPT_U64(0));
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    EXPECT_READ(&h, &c, "hi");
    conn_end(&h, &c);

    conn_begin(&h, &c, "connect: data written during the handshake goes out with the ACK [L4.R2]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES);
    WRITE(&h, &c, "hello");
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 5000, .ackno = 1001, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(1001), .ackno = OPT_U64(5001),
                .payload = "hello");
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    conn_begin(&h, &c, "connect: SYN-SENT ignores RSTs that do not acknowledge our SYN [L4.R3]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 0);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .seqno = 0, .ackno = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .seqno = 0, .ackno = 1002);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_ACTIVE(&h, &c, true);
    STEP(&h, "a RST acknowledging the SYN refuses the connection");
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .seqno = 0, .ackno = 1001);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_ACTIVE(&h, &c, false);
    EXPECT_INBOUND_ERROR(&h, &c, true);
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    conn_begin(&h, &c, "connect: SYN-SENT drops segments without SYN and bad ACKs [L4.R3]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5000, .ackno = 1001, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    PEER_SENDS(&h, &c, .seqno = 5000, .payload = "data");
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 5000, .ackno = 1002, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 5000, .ackno = 1000, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_IN_FLIGHT(&h, &c, 1);
    conn_end(&h, &c);

    conn_begin(&h, &c, "connect: simultaneous open (SYN without ACK in SYN-SENT) [L4.R3]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_NO, .ack = TRI_YES, .ackno = OPT_U64(5001), .payload_len = OPT_U64(0));
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_RCVD);
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .seqno = 5000, .ackno = 1001, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "connect: the SYN is retransmitted after the RTO [L4.R10]", &cfg);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .seqno = OPT_U64(1000));
    TICK(&h, &c, TCP_DEFAULT_RT_TIMEOUT - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    TICK(&h, &c, 1);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_NO, .seqno = OPT_U64(1000));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_SENT);
    conn_end(&h, &c);

    conn_begin(&h, &c, "connect: connect twice sends one SYN [L4.R2]", &cfg);
    CONNECT(&h, &c);
    CONNECT(&h, &c);
    EXPECT_SENT(&h, &c, .syn = TRI_YES);
    EXPECT_NOTHING_SENT(&h, &c);
    return conn_end(&h, &c);
}
