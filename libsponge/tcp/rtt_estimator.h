#ifndef SPONGE_TCP_RTT_ESTIMATOR_H
#define SPONGE_TCP_RTT_ESTIMATOR_H

/* The retransmission timeout from measured round-trip times (RFC 6298 section 2):
 * SRTT and RTTVAR smoothed with alpha = 1/8 and beta = 1/4, RTO = SRTT + max(G, 4 RTTVAR),
 * bounded by [min_rto, max_rto]. Times are milliseconds; the clock granularity G is 1 ms.
 * Values are kept in eighths of a millisecond so that the smoothing does not round away. */

#include <stdbool.h>
#include <stdint.h>

struct rtt_estimator {
    /* private */
    bool has_sample;
    uint64_t srtt8;   /* SRTT, 1/8 ms */
    uint64_t rttvar8; /* RTTVAR, 1/8 ms */
    uint64_t rto;     /* ms */
    uint64_t min_rto, max_rto;
};

/** Before any sample the RTO is `initial_rto` (RFC 6298 2.1), bounded by [min_rto, max_rto]
 *  only once samples arrive (the caller picks the initial value). */
void rtt_estimator_init(struct rtt_estimator *e, uint64_t initial_rto, uint64_t min_rto, uint64_t max_rto);

/** One round-trip measurement of `rtt_ms` (RFC 6298 2.2 for the first, 2.3 afterwards). The
 *  caller follows Karn's rule: no samples from retransmitted segments. */
void rtt_estimator_sample(struct rtt_estimator *e, uint64_t rtt_ms);

/** The current RTO in ms (not backed off: backing off is the timer's business). */
uint64_t rtt_estimator_rto(const struct rtt_estimator *e);

/** SRTT in ms (0 before the first sample). */
uint64_t rtt_estimator_srtt(const struct rtt_estimator *e);

#endif
