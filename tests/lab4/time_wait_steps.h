#ifndef SPONGE_TESTS_LAB4_TIME_WAIT_STEPS_H
#define SPONGE_TESTS_LAB4_TIME_WAIT_STEPS_H

/* Steps for the TIME-WAIT tests (lab4/connection_time_wait, modern/modern_time_wait_backoff).
 * The peer's ISN is 5000. */

#include "connection_steps.h"

#define LINGER (10 * TCP_DEFAULT_RT_TIMEOUT)

/* Active close up to TIME-WAIT: our FIN, the peer's FIN+ACK, our ACK. */
static inline void to_time_wait(struct harness *h, struct tcp_connection *c) {
    establish_active(h, c, 0, 5000, 1000);
    CLOSE(h, c);
    EXPECT_SENT(h, c, .fin = TRI_YES, .seqno = OPT_U64(1));
    PEER_SENDS(h, c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(h, c, .ack = TRI_YES, .fin = TRI_NO, .seqno = OPT_U64(2), .ackno = OPT_U64(5002));
    EXPECT_STATE(h, c, TCP_STATE_TIME_WAIT);
}

/* The peer repeats its FIN (our ACK was lost): we ACK it again. */
static inline void fin_repeated(struct harness *h, struct tcp_connection *c) {
    STEP(h, "our ACK was lost: the peer repeats its FIN");
    PEER_SENDS(h, c, .fin = true, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(h, c, .ack = TRI_YES, .fin = TRI_NO, .seqno = OPT_U64(2), .ackno = OPT_U64(5002));
    EXPECT_NOTHING_SENT(h, c);
}

/* TIME-WAIT lasts exactly `ms` more. */
static inline void lingers(struct harness *h, struct tcp_connection *c, uint64_t ms) {
    TICK(h, c, ms - 1);
    EXPECT_STATE(h, c, TCP_STATE_TIME_WAIT);
    TICK(h, c, 1);
    EXPECT_STATE(h, c, TCP_STATE_CLOSED);
    EXPECT_NOTHING_SENT(h, c);
}

#endif
