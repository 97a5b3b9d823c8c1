/* TCPConnection: the RFC 5961 section 7 rate limit on challenge ACKs (cfg.challenge_acks, modern
 * mode). At most challenge_ack_limit of them in each second of the connection's clock (0: no
 * limit; 1000 in modern mode); RSTs and SYNs share the limit; the ones not sent are counted.
 * The peer's ISN is 5000, so RCV.NXT is 5001 and a RST at 5002 is in the window, not exact. */
#include "../lab4/connection_steps.h"

/* An in-window RST arrives: challenged (an ACK) or not. */
static void rst_arrives(struct harness *h, struct tcp_connection *c, bool challenged) {
    PEER_SENDS(h, c, .rst = true, .seqno = 5002);
    if (challenged) {
        EXPECT_SENT(h, c, .ack = TRI_YES, .rst = TRI_NO, .seqno = OPT_U64(1), .ackno = OPT_U64(5001),
                    .payload_len = OPT_U64(0));
    }
    EXPECT_NOTHING_SENT(h, c);
    EXPECT_STATE(h, c, TCP_STATE_ESTABLISHED);
}

static void counts(struct harness *h, struct tcp_connection *c, uint64_t sent, uint64_t suppressed) {
    EXPECT_EQ(h, "challenge ACKs sent", sent, tcp_connection_counters(c)->challenge_acks);
    EXPECT_EQ(h, "challenge ACKs suppressed", suppressed, tcp_connection_counters(c)->challenge_acks_suppressed);
}

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);
    cfg.challenge_acks = true;

    cfg.challenge_ack_limit = 3;
    conn_begin(&h, &c, "challenge limit: 3 a second, then none until the next second", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    for (int i = 0; i < 3; i++) {
        rst_arrives(&h, &c, true);
    }
    rst_arrives(&h, &c, false);
    STEP(&h, "a SYN shares the limit");
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5001, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    counts(&h, &c, 3, 2);
    TICK(&h, &c, 999);
    rst_arrives(&h, &c, false);
    TICK(&h, &c, 1);
    STEP(&h, "a new second: three more");
    rst_arrives(&h, &c, true);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5001, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .syn = TRI_NO, .ackno = OPT_U64(5001));
    rst_arrives(&h, &c, true);
    rst_arrives(&h, &c, false);
    counts(&h, &c, 6, 4);
    STEP(&h, "the connection still works, and the exact RST still resets");
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "data");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5005));
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5005);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    conn_end(&h, &c);

    cfg.challenge_ack_limit = 0;
    conn_begin(&h, &c, "challenge limit: 0 means no limit", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    for (int i = 0; i < 50; i++) {
        rst_arrives(&h, &c, true);
    }
    counts(&h, &c, 50, 0);
    conn_end(&h, &c);

    cfg = test_config(0);
    EXPECT_BOOL(&h, "lab default: no challenge ACKs", false, cfg.challenge_acks);
    EXPECT_EQ(&h, "lab default limit", 0, cfg.challenge_ack_limit);
    tcp_config_set_modern(&cfg, true);
    EXPECT_BOOL(&h, "modern default: challenge ACKs", true, cfg.challenge_acks);
    EXPECT_EQ(&h, "modern default limit", TCP_MODERN_CHALLENGE_ACK_LIMIT, cfg.challenge_ack_limit);
    return 0;
}
