/* TCPConnection in TIME-WAIT with time_wait_backoff (the modern default, connection_modern.c):
 * each FIN the peer repeats doubles the wait, up to max_retx_attempts doublings. The peer's ISN
 * is 5000. */
#include "../lab4/connection_steps.h"

#define LINGER (10 * TCP_DEFAULT_RT_TIMEOUT)

/* Active close up to TIME-WAIT: our FIN, the peer's FIN+ACK, our ACK. */
static void to_time_wait(struct harness *h, struct tcp_connection *c) {
    establish_active(h, c, 0, 5000, 1000);
    CLOSE(h, c);
    EXPECT_SENT(h, c, .fin = TRI_YES, .seqno = OPT_U64(1));
    PEER_SENDS(h, c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(h, c, .ack = TRI_YES, .fin = TRI_NO, .seqno = OPT_U64(2), .ackno = OPT_U64(5002));
    EXPECT_STATE(h, c, TCP_STATE_TIME_WAIT);
}

/* The peer repeats its FIN (our ACK was lost): we ACK it again. */
static void fin_repeated(struct harness *h, struct tcp_connection *c) {
    STEP(h, "our ACK was lost: the peer repeats its FIN");
    PEER_SENDS(h, c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(h, c, .ack = TRI_YES, .fin = TRI_NO, .seqno = OPT_U64(2), .ackno = OPT_U64(5002));
    EXPECT_NOTHING_SENT(h, c);
}

/* TIME-WAIT lasts exactly `ms` more. */
static void lingers(struct harness *h, struct tcp_connection *c, uint64_t ms) {
    TICK(h, c, ms - 1);
    EXPECT_STATE(h, c, TCP_STATE_TIME_WAIT);
    TICK(h, c, 1);
    EXPECT_STATE(h, c, TCP_STATE_CLOSED);
    EXPECT_NOTHING_SENT(h, c);
}

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);

    cfg.time_wait_backoff = true;
    conn_begin(&h, &c, "time-wait: with backoff each repeated FIN doubles the wait", &cfg);
    to_time_wait(&h, &c);
    TICK(&h, &c, LINGER - 1);
    fin_repeated(&h, &c);
    STEP(&h, "one repeat: twice the linger");
    TICK(&h, &c, 2 * LINGER - 1);
    fin_repeated(&h, &c);
    STEP(&h, "two repeats: four times");
    lingers(&h, &c, 4 * LINGER);
    conn_end(&h, &c);

    cfg.max_retx_attempts = 2;
    conn_begin(&h, &c, "time-wait: the doubling stops after max_retx_attempts (the peer gives up then)", &cfg);
    to_time_wait(&h, &c);
    for (int i = 0; i < 4; i++) {
        fin_repeated(&h, &c);
    }
    lingers(&h, &c, 4 * LINGER);
    conn_end(&h, &c);

    cfg = test_config(0);
    tcp_config_set_modern(&cfg, true);
    EXPECT_BOOL(&h, "time_wait_backoff in modern mode", true, cfg.time_wait_backoff);
    tcp_config_set_modern(&cfg, false);
    EXPECT_BOOL(&h, "time_wait_backoff in lab mode", false, cfg.time_wait_backoff);
    return 0;
}
