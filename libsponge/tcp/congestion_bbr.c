#include "tcp/congestion_bbr.h"

/* Gains as fractions over 1000. STARTUP's 2/ln 2 = 2.89 doubles the delivery rate each round
 * (the ACM Queue paper's high gain); PROBE_BW's window is 2 BDP (the draft's cwnd_gain)
 * scaled by the phase's gain: one round probing above the estimate (5/4), one draining what
 * that queued (3/4), six cruising. */
#define STARTUP_GAIN 2885
#define CWND_GAIN 2000
#define FULL_BW_GROWTH 1250 /* STARTUP ends when 3 rounds in a row grow less than 25 % */
#define FULL_BW_ROUNDS 3
#define MIN_WINDOW_SEGMENTS 4

static const unsigned cycle_gain[BBR_CYCLE_PHASES] = {1250, 750, 1000, 1000, 1000, 1000, 1000, 1000};

void bbr_init(struct bbr *b, uint64_t mss) {
    *b = (struct bbr){.mss = mss, .state = BBR_STARTUP};
    /* RFC 5681 3.1 eq. 1: the initial window. */
    b->cwnd = mss > 2190 ? 2 * mss : mss > 1095 ? 3 * mss : 4 * mss;
}

void bbr_set_mss(struct bbr *b, uint64_t mss) {
    b->cwnd = congestion_rescale(b->cwnd, b->mss, mss);
    b->cwnd = b->cwnd > mss ? b->cwnd : mss;
    b->mss = mss;
}

uint64_t bbr_window(const struct bbr *b) {
    return b->cwnd;
}

uint64_t bbr_bandwidth(const struct bbr *b) {
    uint64_t best = 0;
    for (unsigned i = 0; i < BBR_BW_ROUNDS; i++) {
        best = b->bw[i] > best ? b->bw[i] : best;
    }
    return best;
}

uint64_t bbr_min_rtt(const struct bbr *b) {
    return b->have_rtt ? b->min_rtt : 0;
}

enum bbr_state bbr_state(const struct bbr *b) {
    return b->state;
}

/* The target window: gain x BDP, at least MIN_WINDOW_SEGMENTS; UINT64_MAX while the model
 * has no bandwidth yet (STARTUP then grows as slow start does). A min RTT under the clock's
 * 1 ms resolution counts as 1 ms. */
static uint64_t target_window(const struct bbr *b) {
    uint64_t bw = bbr_bandwidth(b), floor = MIN_WINDOW_SEGMENTS * b->mss;
    if (b->state == BBR_PROBE_RTT) {
        return floor;
    }
    if (bw == 0 || !b->have_rtt) {
        return UINT64_MAX;
    }
    uint64_t rtt = b->min_rtt ? b->min_rtt : 1;
    uint64_t gain = b->state == BBR_STARTUP ? STARTUP_GAIN
                    : b->state == BBR_DRAIN ? 1000
                                            : (uint64_t)CWND_GAIN * cycle_gain[b->cycle] / 1000;
    uint64_t bdp = bw * rtt / 1000;
    uint64_t target = bdp * gain / 1000;
    return target > floor ? target : floor;
}

/* A round ended: STARTUP watches for the bandwidth to plateau, DRAIN lasts one round (its
 * 1 BDP window lets the queue STARTUP built empty), PROBE_BW moves to its next phase. */
static void round_end(struct bbr *b) {
    if (b->state == BBR_STARTUP) {
        uint64_t bw = bbr_bandwidth(b);
        if (bw * 1000 >= b->full_bw * FULL_BW_GROWTH) {
            b->full_bw = bw;
            b->full_bw_rounds = 0;
        } else if (++b->full_bw_rounds >= FULL_BW_ROUNDS) {
            b->filled_pipe = true;
            b->state = BBR_DRAIN;
        }
    } else if (b->state == BBR_DRAIN) {
        b->state = BBR_PROBE_BW;
        b->cycle = 2; /* start cruising: the draft picks a phase other than the draining one */
    } else {
        b->cycle = (b->cycle + 1) % BBR_CYCLE_PHASES;
    }
}

/* PROBE_RTT (the draft's section on it): a min RTT not seen again for BBR_MIN_RTT_MS may be
 * stale, and the queue a 2 BDP window keeps hides the path's own RTT; so the window drops to
 * 4 segments for BBR_PROBE_RTT_MS and the smallest RTT measured then becomes the min RTT.
 * No bandwidth samples are taken meanwhile (the window, not the path, limits delivery).
 * Returns true while PROBE_RTT lasts. */
static bool probe_rtt(struct bbr *b, uint64_t now, bool has_rtt, uint64_t rtt_ms) {
    if (b->state != BBR_PROBE_RTT && now - b->min_rtt_at > BBR_MIN_RTT_MS) {
        b->state = BBR_PROBE_RTT;
        b->probe_rtt_end = now + BBR_PROBE_RTT_MS;
        b->probe_rtt_min = UINT64_MAX;
        b->cwnd = b->cwnd < target_window(b) ? b->cwnd : target_window(b);
        return true; /* the RTT measured now was sent with the old window */
    }
    if (b->state != BBR_PROBE_RTT) {
        return false;
    }
    if (has_rtt && rtt_ms < b->probe_rtt_min) {
        b->probe_rtt_min = rtt_ms;
    }
    if (now < b->probe_rtt_end || b->probe_rtt_min == UINT64_MAX) {
        return true;
    }
    b->min_rtt = b->probe_rtt_min;
    b->min_rtt_at = now;
    b->state = b->filled_pipe ? BBR_PROBE_BW : BBR_STARTUP;
    b->cycle = 2;
    b->interval_open = false; /* the next round starts afresh */
    return false;
}

void bbr_on_sample(struct bbr *b, uint64_t now, uint64_t delivered, bool has_rtt, uint64_t rtt_ms) {
    /* The min RTT filter: a new minimum (or an equal one) restarts its BBR_MIN_RTT_MS. */
    if (has_rtt && (!b->have_rtt || rtt_ms <= b->min_rtt)) {
        b->have_rtt = true;
        b->min_rtt = rtt_ms;
        b->min_rtt_at = now;
    }
    if (!b->have_rtt || probe_rtt(b, now, has_rtt, rtt_ms)) {
        return; /* no round length yet, or no bandwidth samples in PROBE_RTT */
    }
    if (!b->interval_open || delivered < b->interval_delivered) {
        /* First sample, or the SACK scoreboard forgot a range: start a round here. */
        b->interval_open = true;
        b->interval_start = now;
        b->interval_delivered = delivered;
        return;
    }
    uint64_t round = b->min_rtt ? b->min_rtt : 1;
    uint64_t elapsed = now - b->interval_start;
    if (elapsed < round) {
        return;
    }
    b->bw[b->rounds % BBR_BW_ROUNDS] = (delivered - b->interval_delivered) * 1000 / elapsed;
    b->rounds++;
    b->interval_start = now;
    b->interval_delivered = delivered;
    round_end(b);
    uint64_t target = target_window(b);
    if (b->cwnd > target) {
        b->cwnd = target; /* DRAIN and PROBE_BW's 3/4 phase lower the window at once */
    }
}

void bbr_on_ack(struct bbr *b, uint64_t acked) {
    /* The draft's window update: grow by what was delivered, up to the target. */
    uint64_t target = target_window(b);
    uint64_t grown = b->cwnd + acked;
    b->cwnd = grown < target ? grown : target;
    uint64_t floor = MIN_WINDOW_SEGMENTS * b->mss;
    if (b->cwnd < floor) {
        b->cwnd = floor;
    }
}

void bbr_on_timeout(struct bbr *b) {
    b->cwnd = b->mss;
}
