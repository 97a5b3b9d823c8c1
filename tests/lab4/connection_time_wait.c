/* TCPConnection in TIME-WAIT: a repeated FIN is acknowledged again and restarts the wait (RFC
 * 9293 3.10.7.4); a RST is ignored (RFC 1337, fix TW1), so a clean close stays clean. The
 * peer's ISN is 5000. The modern doubling is tested in tests/modern/modern_time_wait_backoff.c. */
#include "time_wait_steps.h"

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);

    conn_begin(&h, &c, "time-wait: a RST is ignored (RFC 1337) and the close stays clean [L4.R7 L4.R14]", &cfg);
    to_time_wait(&h, &c);
    TICK(&h, &c, 100);
    STEP(&h, "a RST at exactly RCV.NXT (a peer that has closed answering a late ACK)");
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5002);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_TIME_WAIT);
    EXPECT_INBOUND_ERROR(&h, &c, false);
    EXPECT_EQ(&h, "rst_ignored", 1, tcp_connection_counters(&c)->rst_ignored);
    EXPECT_EQ(&h, "rst_accepted", 0, tcp_connection_counters(&c)->rst_accepted);
    STEP(&h, "a RST with an ACK, in the window");
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .seqno = 5010, .ackno = 2);
    EXPECT_NOTHING_SENT(&h, &c);
    lingers(&h, &c, LINGER);
    EXPECT_INBOUND_EOF(&h, &c, true);
    EXPECT_INBOUND_ERROR(&h, &c, false);
    conn_end(&h, &c);

    conn_begin(&h, &c, "time-wait: without backoff (lab) each repeated FIN restarts the same wait [L4.R14]", &cfg);
    to_time_wait(&h, &c);
    TICK(&h, &c, LINGER - 1);
    fin_repeated(&h, &c);
    TICK(&h, &c, LINGER - 1);
    fin_repeated(&h, &c);
    lingers(&h, &c, LINGER);
    conn_end(&h, &c);

    return 0;
}
