/* Modern mode, RFC 6298: RTO from SRTT and RTTVAR, Karn's rule, bounds, back-off cap. */
#include "modern_steps.h"
#include "tcp/rtt_estimator.h"

#define ISN 1000
#define PEER_ISN 5000

static void estimator_arithmetic(struct harness *h) {
    harness_begin(h, "rtt estimator: RFC 6298 2.2-2.5 arithmetic");
    struct rtt_estimator e;
    STEP(h, "estimator with initial RTO 1000, bounds [200, 60000]");
    rtt_estimator_init(&e, 1000, 200, 60000);
    EXPECT_EQ(h, "RTO before samples", 1000, rtt_estimator_rto(&e));
    STEP(h, "sample 100 ms: SRTT 100, RTTVAR 50");
    rtt_estimator_sample(&e, 100);
    EXPECT_EQ(h, "RTO = 100 + 4 * 50", 300, rtt_estimator_rto(&e));
    STEP(h, "sample 200 ms: RTTVAR 62.5, SRTT 112.5");
    rtt_estimator_sample(&e, 200);
    EXPECT_EQ(h, "RTO = 112.5 + 250, rounded up", 363, rtt_estimator_rto(&e));
    EXPECT_EQ(h, "SRTT", 112, rtt_estimator_srtt(&e));
    STEP(h, "many 1 ms samples");
    for (int i = 0; i < 100; i++) {
        rtt_estimator_sample(&e, 1);
    }
    EXPECT_EQ(h, "RTO held at the minimum", 200, rtt_estimator_rto(&e));
    STEP(h, "sample 100 s");
    rtt_estimator_sample(&e, 100000);
    EXPECT_EQ(h, "RTO held at the maximum", 60000, rtt_estimator_rto(&e));
    harness_end(h);
}

/* Active open in modern mode where the SYN+ACK comes `rtt` ms after the SYN. */
static void open_after(struct harness *h, struct tcp_connection *c, uint64_t rtt) {
    CONNECT(h, c);
    EXPECT_SENT(h, c, .syn = TRI_YES);
    TICK(h, c, rtt);
    PEER_SENDS(h, c, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = 10000);
    EXPECT_SENT(h, c, .ack = TRI_YES, .payload_len = OPT_U64(0));
    EXPECT_STATE(h, c, TCP_STATE_ESTABLISHED);
}

static void rto_from_handshake_and_karn(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.min_rto = 10;
    cfg.max_rto = 500;
    cfg.tail_loss_probe = false; /* a probe would resend "def" at 2 SRTT + 200 ms, before the RTO */
    conn_begin(h, &c, "modern: the RTO follows the measured RTT; Karn's rule; back-off capped", &cfg);
    open_after(h, &c, 100); /* SRTT 100, RTTVAR 50: RTO 300 instead of the initial 1000 */
    WRITE(h, &c, "abc");
    EXPECT_SENT(h, &c, .payload = "abc");
    TICK(h, &c, 299);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .payload = "abc");
    /* Backed off to 600, capped at max_rto 500. */
    TICK(h, &c, 499);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .payload = "abc");
    /* Acked after retransmissions: Karn's rule takes no sample, and the backed-off RTO (500)
     * stays until a measurement (with the lab rule it would be back at 300). */
    TICK(h, &c, 200);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 4, .win = 10000);
    WRITE(h, &c, "def");
    EXPECT_SENT(h, &c, .payload = "def");
    TICK(h, &c, 499);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .payload = "def");
    TICK(h, &c, 10);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 7, .win = 10000);
    /* "ghi" is acknowledged after 40 ms, never resent: the sample collapses the RTO to
     * SRTT 92.5 + 4 RTTVAR 52.5 = 302.5 -> 303. */
    WRITE(h, &c, "ghi");
    EXPECT_SENT(h, &c, .payload = "ghi");
    TICK(h, &c, 40);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 10, .win = 10000);
    WRITE(h, &c, "jkl");
    EXPECT_SENT(h, &c, .payload = "jkl");
    TICK(h, &c, 302);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .payload = "jkl");
    conn_end(h, &c);

    cfg = modern_config(ISN);
    conn_begin(h, &c, "modern: a fast path still has the 200 ms minimum RTO", &cfg);
    open_after(h, &c, 1);
    WRITE(h, &c, "x");
    EXPECT_SENT(h, &c, .payload = "x");
    TICK(h, &c, 199);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .payload = "x");
    conn_end(h, &c);

    cfg = test_config(ISN);
    conn_begin(h, &c, "lab mode: the RTO stays the configured 1000 ms whatever the RTT", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    TICK(h, &c, 100);
    PEER_SENDS(h, &c, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = 10000);
    EXPECT_SENT(h, &c, .ack = TRI_YES);
    WRITE(h, &c, "abc");
    EXPECT_SENT(h, &c, .payload = "abc");
    TICK(h, &c, 999);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .payload = "abc");
    conn_end(h, &c);
}

static void rtt_from_timestamps(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.min_rto = 10;
    conn_begin(h, &c, "modern: timestamps give RTT samples even for retransmitted data (RFC 7323 4)", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    TICK(h, &c, 100);
    struct tcp_options syn = {.has_timestamps = true, .ts_val = 1, .ts_ecr = ISN};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1, .win = 10000);
    EXPECT_SENT(h, &c, .ack = TRI_YES); /* SRTT 100, RTTVAR 50: RTO 300 */
    WRITE(h, &c, "abc");
    EXPECT_SENT(h, &c, .payload = "abc");
    TICK(h, &c, 300);
    EXPECT_SENT(h, &c, .payload = "abc"); /* RTO now 600 */
    TICK(h, &c, 50);
    /* The ACK echoes the retransmission's TSval (sent at 400 ms): a sample of 50 ms. */
    PEER_SENDS_OPTS(h, &c, ts_opts(2, ISN + 400), .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 4, .win = 10000);
    /* SRTT 93.75, RTTVAR 50: RTO 293.75 -> 294, not the backed-off 600. */
    WRITE(h, &c, "def");
    EXPECT_SENT(h, &c, .payload = "def");
    TICK(h, &c, 293);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .payload = "def");
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    estimator_arithmetic(&h);
    rto_from_handshake_and_karn(&h);
    rtt_from_timestamps(&h);
    return 0;
}
