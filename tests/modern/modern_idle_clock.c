/* The idle clock behind keep-alives and TIME-WAIT. Modern mode restarts it only for a segment
 * the connection accepts (RFC 1122 4.2.3.6, RFC 9293 3.10.7.4), and in TIME-WAIT only for a
 * retransmission of the peer's FIN: ignored segments (RSTs outside the window or in TIME-WAIT,
 * SYNs answered with a challenge ACK, PAWS rejects, ACKs of unsent data, old duplicates) cannot
 * hold a connection's slot forever. Lab mode keeps CS144's rule: any segment received restarts
 * the linger. */
#include "modern_steps.h"

#define ISN 1000
#define PEER_ISN 5000
#define LINGER (10 * TCP_DEFAULT_RT_TIMEOUT)

/* Active close up to TIME-WAIT (no options): our FIN, the peer's FIN+ACK, our ACK. */
static void to_time_wait(struct harness *h, struct tcp_connection *c) {
    establish_active(h, c, ISN, PEER_ISN, 1000);
    CLOSE(h, c);
    EXPECT_SENT(h, c, .fin = TRI_YES, .seqno = OPT_U64(ISN + 1));
    PEER_SENDS(h, c, .fin = true, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 2, .win = 1000);
    EXPECT_SENT(h, c, .ack = TRI_YES, .fin = TRI_NO, .seqno = OPT_U64(ISN + 2), .ackno = OPT_U64(PEER_ISN + 2));
    EXPECT_STATE(h, c, TCP_STATE_TIME_WAIT);
}

/* Pops everything queued; fails on a RST or a segment with data. */
static void drain_replies(struct harness *h, struct tcp_connection *c) {
    struct tcp_segment seg;
    while (tcp_connection_segments_out(c, &seg)) {
        if (seg.header.rst || byte_view2_len(&seg.payload) || seg.header.syn || seg.header.fin) {
            char text[HARNESS_LINE];
            FAIL(h, "unexpected reply: %s", tcp_harness_describe(&seg, text, sizeof text));
        }
    }
}

/* Segments a blind attacker (or an old duplicate) can send, none of which the connection
 * accepts; any replies (challenge ACKs, ACKs) are popped. */
static void ignored_segments(struct harness *h, struct tcp_connection *c) {
    STEP(h, "ignored: a RST outside the window, a SYN, an ACK of unsent data, an old duplicate");
    PEER_SENDS(h, c, .rst = true, .seqno = PEER_ISN + 100000);
    PEER_SENDS(h, c, .syn = true, .seqno = PEER_ISN + 777);
    PEER_SENDS(h, c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 5000, .win = 1000);
    PEER_SENDS(h, c, .ack = true, .seqno = PEER_ISN - 2000, .ackno = ISN + 1, .win = 1000, .payload = "old");
    drain_replies(h, c);
}

static void time_wait_not_held(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "idle clock: ignored segments do not hold TIME-WAIT (modern)", &cfg);
    to_time_wait(h, &c);
    for (int i = 0; i < 9; i++) {
        TICK(h, &c, LINGER / 10);
        ignored_segments(h, &c);
        STEP(h, "a RST at exactly RCV.NXT (ignored in TIME-WAIT, RFC 1337)");
        PEER_SENDS(h, &c, .rst = true, .seqno = PEER_ISN + 2);
        STEP(h, "a duplicate ACK of our FIN (acceptable, but no retransmitted FIN)");
        PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 2, .ackno = ISN + 2, .win = 1000);
        drain_replies(h, &c);
        EXPECT_STATE(h, &c, TCP_STATE_TIME_WAIT);
    }
    TICK(h, &c, LINGER / 10 - 1);
    EXPECT_STATE(h, &c, TCP_STATE_TIME_WAIT);
    TICK(h, &c, 1);
    EXPECT_STATE(h, &c, TCP_STATE_CLOSED);
    EXPECT_INBOUND_ERROR(h, &c, false);
    conn_end(h, &c);

    cfg = modern_config(ISN);
    conn_begin(h, &c, "idle clock: a retransmitted FIN still restarts TIME-WAIT (modern, doubled)", &cfg);
    to_time_wait(h, &c);
    TICK(h, &c, LINGER - 1);
    PEER_SENDS(h, &c, .fin = true, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 2, .win = 1000);
    EXPECT_SENT(h, &c, .ack = TRI_YES, .ackno = OPT_U64(PEER_ISN + 2));
    TICK(h, &c, 2 * LINGER - 1);
    EXPECT_STATE(h, &c, TCP_STATE_TIME_WAIT);
    TICK(h, &c, 1);
    EXPECT_STATE(h, &c, TCP_STATE_CLOSED);
    conn_end(h, &c);

    cfg = test_config(ISN);
    conn_begin(h, &c, "idle clock: lab mode restarts the linger on any segment received (CS144)", &cfg);
    to_time_wait(h, &c);
    TICK(h, &c, LINGER - 1);
    PEER_SENDS(h, &c, .rst = true, .seqno = PEER_ISN + 100000);
    TICK(h, &c, LINGER - 1);
    EXPECT_STATE(h, &c, TCP_STATE_TIME_WAIT);
    TICK(h, &c, 1);
    EXPECT_STATE(h, &c, TCP_STATE_CLOSED);
    conn_end(h, &c);
}

/* Expects one keep-alive probe (no data, seqno one before the next). */
static void expect_probe(struct harness *h, struct tcp_connection *c) {
    EXPECT_SENT(h, c, .seqno = OPT_U64(ISN), .payload_len = OPT_U64(0), .rst = TRI_NO);
    EXPECT_NOTHING_SENT(h, c);
}

/* Modern mode without timestamps, keep-alives after 5 s, giving up after 2 probes. */
static struct tcp_config keepalive_config(void) {
    struct tcp_config cfg = modern_config(ISN);
    cfg.opt_timestamps = false;
    cfg.keepalive_ms = 5000;
    cfg.keepalive_probes = 2;
    return cfg;
}

static void dead_peer_given_up(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = keepalive_config();
    conn_begin(h, &c, "idle clock: a dead peer is given up after its keep-alives despite ignored segments", &cfg);
    establish_passive(h, &c, ISN, PEER_ISN, 10000);
    STEP(h, "the peer dies; ignored segments arrive every second");
    for (int probe = 0; probe <= 2; probe++) {
        for (int s = 0; s < 4; s++) {
            TICK(h, &c, 1000);
            ignored_segments(h, &c);
        }
        TICK(h, &c, 1000);
        if (probe < 2) {
            expect_probe(h, &c);
            EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
        }
    }
    EXPECT_SENT(h, &c, .rst = TRI_YES);
    EXPECT_STATE(h, &c, TCP_STATE_RESET);
    conn_end(h, &c);

    cfg = keepalive_config();
    conn_begin(h, &c, "idle clock: an accepted segment restarts keep-alives (modern)", &cfg);
    establish_passive(h, &c, ISN, PEER_ISN, 10000);
    TICK(h, &c, 5000);
    expect_probe(h, &c);
    TICK(h, &c, 4999);
    STEP(h, "the peer answers the probe");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 10000);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 4999);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    expect_probe(h, &c);
    TICK(h, &c, 5000);
    expect_probe(h, &c);
    TICK(h, &c, 5000);
    EXPECT_SENT(h, &c, .rst = TRI_YES);
    conn_end(h, &c);
}

/* With timestamps: a segment whose TSval is older than TS.Recent is an old duplicate (RFC 7323
 * 5.3, PAWS), answered with an ACK and otherwise ignored. */
static void paws_rejects_do_not_count(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.keepalive_ms = 5000;
    cfg.keepalive_probes = 1;
    conn_begin(h, &c, "idle clock: PAWS-rejected segments do not restart keep-alives (modern)", &cfg);
    PEER_SENDS_OPTS(h, &c, ts_opts(100, 0), .syn = true, .seqno = PEER_ISN, .win = 10000);
    EXPECT_SENT(h, &c, .syn = TRI_YES, .ack = TRI_YES);
    PEER_SENDS_OPTS(h, &c, ts_opts(200, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 10000);
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
    for (int s = 0; s < 4; s++) {
        TICK(h, &c, 1000);
        STEP(h, "an old duplicate: TSval 150 < TS.Recent 200");
        PEER_SENDS_OPTS(h, &c, ts_opts(150, ISN), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 10000,
                        .payload = "old");
        EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 1), .payload_len = OPT_U64(0));
        EXPECT_READ(h, &c, "");
    }
    TICK(h, &c, 1000);
    expect_probe(h, &c);
    TICK(h, &c, 5000);
    EXPECT_SENT(h, &c, .rst = TRI_YES);
    EXPECT_STATE(h, &c, TCP_STATE_RESET);
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    time_wait_not_held(&h);
    dead_peer_given_up(&h);
    paws_rejects_do_not_count(&h);
    return 0;
}
