/* TCPConnection against blind in-window attacks (RFC 5961): a RST resets only with the exact
 * seqno (RCV.NXT); one elsewhere in the window gets a challenge ACK (section 3.2); a SYN in a
 * synchronized state gets a challenge ACK whatever its seqno (section 4.2); neither ends the
 * connection, which goes on carrying data. Modern mode's cfg.challenge_acks alone is on (lab mode
 * resets on any RST in the window: lab4/connection_ack_rst). The peer's ISN is 5000, so RCV.NXT
 * is 5001. */
#include "../lab4/time_wait_steps.h"

/* After an attack the connection still carries data both ways. */
static void still_works(struct harness *h, struct tcp_connection *c, uint32_t seqno, uint32_t ackno) {
    STEP(h, "the connection still works");
    PEER_SENDS(h, c, .ack = true, .seqno = seqno, .ackno = ackno, .win = 1000, .payload = "data");
    EXPECT_SENT(h, c, .ack = TRI_YES, .ackno = OPT_U64(seqno + 4u), .payload_len = OPT_U64(0));
    EXPECT_READ(h, c, "data");
    WRITE(h, c, "back");
    EXPECT_SENT(h, c, .seqno = OPT_U64(ackno), .payload = "back");
}

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);
    cfg.challenge_acks = true;

    conn_begin(&h, &c, "rfc5961: a RST one past RCV.NXT is challenged, not obeyed", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5002);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .rst = TRI_NO, .syn = TRI_NO, .seqno = OPT_U64(1), .ackno = OPT_U64(5001),
                .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    still_works(&h, &c, 5001, 1);
    conn_end(&h, &c);

    conn_begin(&h, &c, "rfc5961: a RST with ACK at the window's last byte is challenged", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .ackno = 1, .seqno = 5001 + 64000 - 1);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .rst = TRI_NO, .ackno = OPT_U64(5001));
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "rfc5961: a RST outside the window is dropped silently", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5001 + 64000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 4000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    conn_end(&h, &c);

    conn_begin(&h, &c, "rfc5961: a RST with the exact seqno resets", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5002);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .rst = TRI_NO, .ackno = OPT_U64(5001));
    STEP(&h, "the real peer answers the challenge ACK with the exact seqno");
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5001);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_ACTIVE(&h, &c, false);
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    cfg.recv_capacity = 4;
    conn_begin(&h, &c, "rfc5961: with a zero window only the exact seqno resets", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "full");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5005), .win = OPT_U64(0));
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5006);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5005);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    conn_end(&h, &c);
    cfg.recv_capacity = TCP_DEFAULT_CAPACITY;

    conn_begin(&h, &c, "rfc5961: a RST in SYN_RCVD is checked the same way", &cfg);
    EXPECT_STATE(&h, &c, TCP_STATE_LISTEN);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(5001));
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5003);
    EXPECT_SENT(&h, &c, .rst = TRI_NO, .ack = TRI_YES, .ackno = OPT_U64(5001));
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_RCVD);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5001);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    conn_end(&h, &c);

    conn_begin(&h, &c, "rfc5961: a SYN in ESTABLISHED gets a challenge ACK, whatever its seqno", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    const uint32_t syn_seqnos[] = {5001, 5100, 123456789, 4999};
    for (size_t i = 0; i < sizeof syn_seqnos / sizeof syn_seqnos[0]; i++) {
        PEER_SENDS(&h, &c, .syn = true, .seqno = syn_seqnos[i], .win = 1000);
        EXPECT_SENT(&h, &c, .syn = TRI_NO, .rst = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001),
                    .payload_len = OPT_U64(0));
        EXPECT_EQ(&h, "challenge ACKs", i + 1, tcp_connection_counters(&c)->challenge_acks);
        EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    }
    STEP(&h, "a SYN carrying data: the data is not taken either");
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .ackno = 1, .seqno = 5001, .win = 1000, .payload = "evil");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5001));
    EXPECT_READ(&h, &c, "");
    EXPECT_UNASSEMBLED(&h, &c, 0);
    still_works(&h, &c, 5001, 1);
    conn_end(&h, &c);

    conn_begin(&h, &c, "rfc5961: a SYN after a passive open, in CLOSE_WAIT, is challenged", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .ackno = 1, .seqno = 5001, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002));
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 777, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_NO, .rst = TRI_NO, .ack = TRI_YES, .ackno = OPT_U64(5002));
    EXPECT_STATE(&h, &c, TCP_STATE_CLOSE_WAIT);
    conn_end(&h, &c);

    conn_begin(&h, &c, "rfc5961: in TIME_WAIT a RST is ignored, not challenged; a SYN is challenged", &cfg);
    to_time_wait(&h, &c);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5003);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5002);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    STEP(&h, "a new SYN on the same tuple (the peer wants a new connection) is not one yet");
    PEER_SENDS(&h, &c, .syn = true, .seqno = 90000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_NO, .rst = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(2), .ackno = OPT_U64(5002));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    EXPECT_EQ(&h, "challenge ACKs", 1, tcp_connection_counters(&c)->challenge_acks);
    conn_end(&h, &c);

    conn_begin(&h, &c, "rfc5961: SYN_RCVD is not synchronized: a repeated SYN is not challenged", &cfg);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(5001));
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5000, .win = 1000);
    EXPECT_STATE(&h, &c, TCP_STATE_SYN_RCVD);
    EXPECT_ACTIVE(&h, &c, true);
    conn_end(&h, &c);
    return 0;
}
