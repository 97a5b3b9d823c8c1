/* Modern mode, congestion control: NewReno (RFC 5681, RFC 6582) and CUBIC (RFC 9438), first
 * on the unit, then through a connection (slow start, fast retransmit, timeout). */
#include "modern_steps.h"
#include "tcp/congestion.h"

#define MSS 1000

#define EXPECT_CWND(h, cc, n) EXPECT_EQ((h), "cwnd", (n), congestion_window(cc))

static void newreno_unit(struct harness *h) {
    harness_begin(h, "congestion: NewReno slow start, fast recovery, avoidance, timeouts");
    struct congestion cc;
    STEP(h, "NewReno with MSS 1000");
    congestion_init(&cc, TCP_CC_NEWRENO, MSS);
    EXPECT_CWND(h, &cc, 4000); /* RFC 5681 eq. 1 for an MSS <= 1095 */
    STEP(h, "an ACK of 1000 bytes (slow start)");
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_ack(&cc, 1001, 1000, 0, 0));
    EXPECT_CWND(h, &cc, 5000);
    STEP(h, "two duplicate ACKs, flight 8000");
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_dupack(&cc, 1001, 8000, 9001));
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_dupack(&cc, 1001, 8000, 9001));
    EXPECT_CWND(h, &cc, 5000);
    STEP(h, "the third: fast retransmit, ssthresh 4000, cwnd ssthresh + 3 MSS");
    EXPECT_EQ(h, "action", CONGESTION_RETRANSMIT, congestion_on_dupack(&cc, 1001, 8000, 9001));
    EXPECT_CWND(h, &cc, 7000);
    STEP(h, "a fourth inflates by one MSS");
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_dupack(&cc, 1001, 8000, 9001));
    EXPECT_CWND(h, &cc, 8000);
    STEP(h, "a partial ACK of 2000 bytes: retransmit, deflate by 2000, add 1 MSS");
    EXPECT_EQ(h, "action", CONGESTION_RETRANSMIT, congestion_on_ack(&cc, 3001, 2000, 0, 0));
    EXPECT_CWND(h, &cc, 7000);
    STEP(h, "the full ACK: cwnd = ssthresh");
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_ack(&cc, 9001, 6000, 0, 0));
    EXPECT_CWND(h, &cc, 4000);
    STEP(h, "congestion avoidance: three ACKs of 1000 do not grow a 4000 window, the fourth does");
    for (int i = 0; i < 3; i++) {
        congestion_on_ack(&cc, 10001 + 1000 * (uint64_t)i, 1000, 0, 0);
    }
    EXPECT_CWND(h, &cc, 4000);
    congestion_on_ack(&cc, 13001, 1000, 0, 0);
    EXPECT_CWND(h, &cc, 5000);
    STEP(h, "a timeout with 5000 in flight: cwnd 1 MSS, ssthresh 2500");
    congestion_on_timeout(&cc, 5000, 18001);
    EXPECT_CWND(h, &cc, 1000);
    STEP(h, "a second timeout (no ACK between) keeps ssthresh 2500");
    congestion_on_timeout(&cc, 1000, 18001);
    EXPECT_CWND(h, &cc, 1000);
    STEP(h, "two ACKs: slow start below 2500, then avoidance");
    congestion_on_ack(&cc, 14001, 1000, 0, 0);
    congestion_on_ack(&cc, 15001, 1000, 0, 0);
    EXPECT_CWND(h, &cc, 3000);
    congestion_on_ack(&cc, 16001, 1000, 0, 0);
    EXPECT_CWND(h, &cc, 3000);
    STEP(h, "duplicates of an ACK below `recover` (after the timeout) trigger nothing");
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_dupack(&cc, 16001, 2000, 18001));
    }
    harness_end(h);
}

/* Acknowledges one window's worth of 1000-byte ACKs at time `now`. */
static uint64_t ack_one_window(struct congestion *cc, uint64_t ackno, uint64_t now) {
    uint64_t n = congestion_window(cc) / MSS;
    for (uint64_t i = 0; i < n; i++) {
        ackno += MSS;
        congestion_on_ack(cc, ackno, MSS, now, 100);
    }
    return ackno;
}

/* Runs ACK rounds (one window of ACKs per 100 ms RTT) until time `until`. */
static uint64_t run_until(struct congestion *cc, uint64_t *now, uint64_t until, uint64_t ackno) {
    while (*now < until) {
        *now += 100;
        ackno = ack_one_window(cc, ackno, *now);
    }
    return ackno;
}

static void cubic_unit(struct harness *h) {
    harness_begin(h, "congestion: CUBIC decrease by 0.7 and growth along the cubic");
    struct congestion cc;
    STEP(h, "CUBIC with MSS 1000, grown to 100 segments in slow start");
    congestion_init(&cc, TCP_CC_CUBIC, MSS);
    uint64_t ackno = 1;
    for (int i = 0; i < 96; i++) {
        ackno += MSS;
        congestion_on_ack(&cc, ackno, MSS, 0, 0);
    }
    EXPECT_CWND(h, &cc, 100000);
    STEP(h, "three duplicate ACKs, then the full ACK");
    for (int i = 0; i < 3; i++) {
        congestion_on_dupack(&cc, ackno, 100000, ackno + 100000);
    }
    congestion_on_ack(&cc, ackno + 100000, 100000, 0, 0);
    ackno += 100000;
    EXPECT_CWND(h, &cc, 70000); /* beta_cubic = 0.7 */
    /* K = cbrt((100 - 70) / 0.4) = 4.2 s: concave growth up to W_max = 100 segments, then
     * convex; the Reno-friendly estimate (0.53 segments per RTT) stays below the cubic. */
    uint64_t now = 0;
    ackno = run_until(&cc, &now, 2000, ackno);
    STEP(h, "after 2 s (W_cubic(2.1 s) = 96 segments)");
    uint64_t w = congestion_window(&cc);
    EXPECT_TRUE(h, "fast concave growth, still below W_max", w > 90000 && w < 100000);
    ackno = run_until(&cc, &now, 4500, ackno);
    STEP(h, "after 4.5 s (the plateau around W_max)");
    w = congestion_window(&cc);
    EXPECT_TRUE(h, "near W_max", w >= 97000 && w <= 103000);
    run_until(&cc, &now, 8000, ackno);
    STEP(h, "after 8 s (W_cubic = 122 segments, W_est 112)");
    w = congestion_window(&cc);
    EXPECT_TRUE(h, "convex growth past W_max", w > 115000 && w < 125000);
    harness_end(h);
}

/* Modern mode without timestamps, ISN 0 and a peer MSS of 1000: segments of 1000 bytes, and
 * data byte i has seqno 1 + i. */
static void open_plain(struct harness *h, struct tcp_connection *c) {
    CONNECT(h, c);
    EXPECT_SENT(h, c, .syn = TRI_YES);
    struct tcp_options mss = {.has_mss = true, .mss = MSS};
    PEER_SENDS_OPTS(h, c, mss, .syn = true, .ack = true, .seqno = 0, .ackno = 1, .win = 65535);
    EXPECT_SENT(h, c, .ack = TRI_YES, .payload_len = OPT_U64(0));
}

static struct tcp_config plain_config(void) {
    struct tcp_config cfg = modern_config(0);
    cfg.opt_timestamps = false;
    return cfg;
}

static void connection_fast_retransmit(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = plain_config();
    conn_begin(h, &c, "modern: slow start, then fast retransmit and recovery through a connection", &cfg);
    open_plain(h, &c);
    static char data[20001];
    memset(data, 'd', 20000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(1 + 1000 * i), .payload_len = OPT_U64(1000));
    }
    EXPECT_NOTHING_SENT(h, &c); /* the initial window: 4 segments, though the peer offers 65535 */
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1001, .win = 65535);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(4001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(5001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    /* The segment at 1001 is lost: the peer repeats ackno 1001. */
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1001, .win = 65535);
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1001, .win = 65535);
    EXPECT_NOTHING_SENT(h, &c);
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1001, .win = 65535);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(1001), .payload_len = OPT_U64(1000));
    /* ssthresh = 5000 / 2, cwnd 2500 + 3000 = 5500: 500 new bytes fit. */
    EXPECT_SENT(h, &c, .seqno = OPT_U64(6001), .payload_len = OPT_U64(500));
    EXPECT_NOTHING_SENT(h, &c);
    /* A duplicate carrying data is not a duplicate ACK (RFC 5681 section 2). */
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1001, .win = 65535, .payload = "x");
    EXPECT_SENT(h, &c, .payload_len = OPT_U64(0), .ackno = OPT_U64(2));
    EXPECT_NOTHING_SENT(h, &c);
    /* The full ACK (everything up to 6501): cwnd deflates to ssthresh 2500. */
    PEER_SENDS(h, &c, .ack = true, .seqno = 2, .ackno = 6501, .win = 65535);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(6501), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(7501), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(8501), .payload_len = OPT_U64(500));
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_IN_FLIGHT(h, &c, 2500);
    conn_end(h, &c);
}

static void connection_timeout(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = plain_config();
    conn_begin(h, &c, "modern: a timeout takes cwnd back to one segment", &cfg);
    open_plain(h, &c);
    static char data[20001];
    memset(data, 'd', 20000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(1 + 1000 * i));
    }
    TICK(h, &c, 1000); /* the initial RTO (no sample yet) */
    EXPECT_SENT(h, &c, .seqno = OPT_U64(1), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    /* The whole flight is acknowledged: cwnd 1 MSS grows to 2 in slow start. */
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 4001, .win = 65535);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(4001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(5001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    conn_end(h, &c);

    cfg = test_config(0);
    conn_begin(h, &c, "lab mode: no congestion window, the peer's window alone", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    PEER_SENDS(h, &c, .syn = true, .ack = true, .seqno = 0, .ackno = 1, .win = 10000);
    EXPECT_SENT(h, &c, .ack = TRI_YES);
    WRITE(h, &c, data);
    for (int i = 0; i < 10; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(1 + 1000 * i), .payload_len = OPT_U64(1000));
    }
    EXPECT_NOTHING_SENT(h, &c);
    for (int i = 0; i < 3; i++) {
        PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1, .win = 10000);
    }
    EXPECT_NOTHING_SENT(h, &c); /* no fast retransmit in lab mode */
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    newreno_unit(&h);
    cubic_unit(&h);
    connection_fast_retransmit(&h);
    connection_timeout(&h);
    return 0;
}
