#include "tcp/pacing.h"

/* An idle sender's clock may jump by hours; the credit is capped anyway. */
#define MAX_REFILL_MS 1000000

void pacing_init(struct pacing *p) {
    *p = (struct pacing){0};
}

void pacing_set_rate(struct pacing *p, uint64_t rate, uint64_t burst, uint64_t idle_burst) {
    if (p->rate == 0 && rate > 0) {
        p->credit = (int64_t)(burst * 1000);
    }
    p->rate = rate;
    p->burst = burst;
    p->idle_burst = idle_burst < burst ? idle_burst : burst;
    if (p->credit > (int64_t)(burst * 1000)) {
        p->credit = (int64_t)(burst * 1000);
    }
}

uint64_t pacing_rate(const struct pacing *p) {
    return p->rate;
}

bool pacing_try(struct pacing *p, uint64_t bytes) {
    if (p->rate == 0 || bytes == 0) {
        return true;
    }
    if (p->credit <= 0) {
        p->blocked = true;
        return false;
    }
    p->credit -= (int64_t)(bytes * 1000);
    return true;
}

bool pacing_tick(struct pacing *p, uint64_t ms) {
    if (p->rate == 0) {
        p->blocked = false;
        return false;
    }
    ms = ms < MAX_REFILL_MS ? ms : MAX_REFILL_MS;
    /* A waiting send may catch up what a late wakeup withheld; credit banked while nothing
     * waits (idle, or held by the window) stops at the idle burst. */
    int64_t cap = (int64_t)((p->blocked ? p->burst : p->idle_burst) * 1000);
    p->credit += (int64_t)(p->rate * ms);
    p->credit = p->credit < cap ? p->credit : cap;
    bool wake = p->blocked && p->credit > 0;
    p->blocked = p->blocked && !wake;
    return wake;
}

uint64_t pacing_delay_ms(const struct pacing *p) {
    if (!p->blocked) {
        return UINT64_MAX;
    }
    if (p->rate == 0 || p->credit > 0) {
        return 1;
    }
    /* The first whole ms after which the credit is positive again. */
    return ((uint64_t)(-p->credit)) / p->rate + 1;
}
