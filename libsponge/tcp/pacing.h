#ifndef SPONGE_TCP_PACING_H
#define SPONGE_TCP_PACING_H

/* A send-time gate for the sender (modern mode): a token bucket of bytes that time refills at
 * the pacing rate, so that a congestion control can spread a window over the round trip
 * instead of sending it in one burst (the BBR draft's pacing, draft-cardwell-iccrg-bbr-
 * congestion-control section 4.2.1). Time comes only from pacing_tick (the sender's ticks,
 * whole ms); the credit keeps fractions of a byte, so a rate is met exactly over many ticks.
 * A segment may go while the credit is positive and takes its length from it (the credit may
 * go negative: a segment is never split), so at most `burst` bytes plus one segment leave at
 * once (`idle_burst` after a time in which no send waited for credit). Rates in bytes per
 * second. */

#include <stdbool.h>
#include <stdint.h>

struct pacing {
    /* private */
    uint64_t rate;       /* bytes per second; 0: not paced */
    uint64_t burst;      /* bytes: the most credit a send waiting for it may gather */
    uint64_t idle_burst; /* bytes: the most credit banked while no send waits (<= burst) */
    int64_t credit;      /* bytes x 1000 that may still go now */
    bool blocked;        /* a send is waiting for credit */
};

/** Not paced (rate 0) until pacing_set_rate. */
void pacing_init(struct pacing *p);

/** From now on `rate` bytes per second (0: not paced). While a send waits for credit (a
 *  refused pacing_try), ticks refill the credit up to `burst` bytes, so that a loop that wakes
 *  late catches up; while none waits (the sender is idle or held by its window) only up to
 *  `idle_burst`, so that the ACK that opens the window releases no larger burst than that.
 *  A first rate starts with a full bucket (`burst`). */
void pacing_set_rate(struct pacing *p, uint64_t rate, uint64_t burst, uint64_t idle_burst);

/** The current rate (0: not paced). */
uint64_t pacing_rate(const struct pacing *p);

/** May `bytes` go now? True (and charged) while the credit is positive or the sender is not
 *  paced; false marks the sender as waiting, and pacing_tick says when to try again. */
bool pacing_try(struct pacing *p, uint64_t bytes);

/** `ms` have passed: refills the credit. True if a send was waiting and may now go. */
bool pacing_tick(struct pacing *p, uint64_t ms);

/** Whole ms until a waiting send may go (at least 1: a waiting send goes at the next tick that
 *  refills the credit), UINT64_MAX if no send is waiting: an event loop's poll timeout. */
uint64_t pacing_delay_ms(const struct pacing *p);

#endif
