/* TCPConnection in TIME-WAIT with time_wait_backoff (the modern default, connection_modern.c):
 * each FIN the peer repeats doubles the wait, up to max_retx_attempts doublings. The peer's ISN
 * is 5000. */
#include "../lab4/time_wait_steps.h"

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
