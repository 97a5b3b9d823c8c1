#include "tcp/rtt_estimator.h"

/* Clock granularity G (RFC 6298 2.2), in eighths of a millisecond. */
#define GRANULARITY8 8

void rtt_estimator_init(struct rtt_estimator *e, uint64_t initial_rto, uint64_t min_rto, uint64_t max_rto) {
    *e = (struct rtt_estimator){.rto = initial_rto, .min_rto = min_rto, .max_rto = max_rto};
}

void rtt_estimator_sample(struct rtt_estimator *e, uint64_t rtt_ms) {
    uint64_t r8 = rtt_ms * 8;
    if (!e->has_sample) {
        /* 2.2: SRTT <- R, RTTVAR <- R/2 */
        e->has_sample = true;
        e->srtt8 = r8;
        e->rttvar8 = r8 / 2;
    } else {
        /* 2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'| first, then SRTT <- 7/8 SRTT + 1/8 R' */
        uint64_t delta = e->srtt8 > r8 ? e->srtt8 - r8 : r8 - e->srtt8;
        e->rttvar8 = (3 * e->rttvar8 + delta) / 4;
        e->srtt8 = (7 * e->srtt8 + r8) / 8;
    }
    uint64_t var4 = 4 * e->rttvar8;
    uint64_t rto8 = e->srtt8 + (var4 > GRANULARITY8 ? var4 : GRANULARITY8);
    uint64_t rto = (rto8 + 7) / 8; /* round up: a timeout a little late beats one too early */
    /* 2.4: at least min_rto (RFC 6298 says 1 s; 200 ms is common practice); 2.5: a maximum. */
    if (rto < e->min_rto) {
        rto = e->min_rto;
    }
    if (rto > e->max_rto) {
        rto = e->max_rto;
    }
    e->rto = rto;
}

uint64_t rtt_estimator_rto(const struct rtt_estimator *e) {
    return e->rto;
}

uint64_t rtt_estimator_srtt(const struct rtt_estimator *e) {
    return e->srtt8 / 8;
}
