#include "tcp/congestion_bbr.h"

/* Gains per mille (draft-cardwell-iccrg-bbr-congestion-control-00 section 4.3). STARTUP's
 * 2/ln 2 = 2.885 doubles the delivery rate each round; DRAIN's pacing gain is its inverse;
 * PROBE_BW's window is 2 BDP and its pacing gain cycles: one phase probing above the estimate
 * (5/4), one draining what that queued (3/4), six cruising. */
#define HIGH_GAIN 2885
#define DRAIN_GAIN 346
#define PROBE_BW_CWND_GAIN 2000
#define UNIT_GAIN 1000
#define FULL_BW_GROWTH 1250 /* STARTUP ends when 3 rounds in a row grow less than 25 % */
#define FULL_BW_ROUNDS 3
#define MIN_WINDOW_SEGMENTS 4
/* Pace 1 % below the estimate, so that the sender's own rounding never builds a queue
 * (Linux's bbr_pacing_margin_percent). */
#define PACING_MARGIN 990
/* The send quantum: what one tick may send in a burst, about 1 ms at the pacing rate, between
 * 2 segments and 64 KiB; the window keeps 3 of them for bursts and delayed ACKs (as Linux adds
 * 3 TSO bursts to its target). */
#define QUANTUM_MS 1
#define QUANTUM_MAX 65536
#define QUANTA_IN_WINDOW 3
#define PHASE_PROBE 0
#define PHASE_CRUISE 2 /* where PROBE_BW starts: not the draining phase (the draft picks at random) */

static const uint64_t cycle_gain[BBR_CYCLE_PHASES] = {1250, 750, 1000, 1000, 1000, 1000, 1000, 1000};

static uint64_t max_u64(uint64_t a, uint64_t b) {
    return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

/* RFC 5681 3.1 eq. 1: the initial window. */
static uint64_t initial_window(uint64_t mss) {
    return mss > 2190 ? 2 * mss : mss > 1095 ? 3 * mss : 4 * mss;
}

static void enter(struct bbr *b, enum bbr_state state, uint64_t now) {
    b->state = state;
    switch (state) {
        case BBR_STARTUP:
            b->pacing_gain = b->cwnd_gain = HIGH_GAIN;
            break;
        case BBR_DRAIN:
            b->pacing_gain = DRAIN_GAIN;
            b->cwnd_gain = HIGH_GAIN;
            break;
        case BBR_PROBE_BW:
            b->cycle = PHASE_CRUISE;
            b->cycle_at = now;
            b->pacing_gain = cycle_gain[b->cycle];
            b->cwnd_gain = PROBE_BW_CWND_GAIN;
            break;
        case BBR_PROBE_RTT:
            b->pacing_gain = b->cwnd_gain = UNIT_GAIN;
            break;
    }
}

void bbr_init(struct bbr *b, uint64_t mss) {
    *b = (struct bbr){.mss = mss, .cwnd = initial_window(mss)};
    enter(b, BBR_STARTUP, 0);
}

void bbr_set_mss(struct bbr *b, uint64_t mss) {
    b->cwnd = congestion_rescale(b->cwnd, b->mss, mss);
    b->cwnd = b->cwnd > mss ? b->cwnd : mss;
    b->mss = mss;
}

uint64_t bbr_window(const struct bbr *b) {
    return b->cwnd;
}

uint64_t bbr_pacing_rate(const struct bbr *b) {
    return b->pacing_rate;
}

uint64_t bbr_bandwidth(const struct bbr *b) {
    uint64_t best = 0;
    for (unsigned i = 0; i < BBR_BW_ROUNDS; i++) {
        if (b->round_count - b->bw_max[i].round < BBR_BW_ROUNDS) {
            best = max_u64(best, b->bw_max[i].bw);
        }
    }
    return best;
}

uint64_t bbr_model_bandwidth(const struct bbr *b) {
    uint64_t bw = bbr_bandwidth(b);
    return b->bw_lo && b->bw_lo < bw ? b->bw_lo : bw;
}

uint64_t bbr_min_rtt(const struct bbr *b) {
    return b->have_rtt ? b->min_rtt : 0;
}

enum bbr_state bbr_state(const struct bbr *b) {
    return b->state;
}

/* gain x BDP in bytes; UINT64_MAX while the model has no bandwidth yet. A min RTT under the
 * clock's 1 ms resolution counts as 1 ms. */
static uint64_t bdp(const struct bbr *b, uint64_t gain) {
    uint64_t bw = bbr_model_bandwidth(b);
    if (bw == 0 || !b->have_rtt) {
        return UINT64_MAX;
    }
    return bw * max_u64(b->min_rtt, 1) / 1000 * gain / 1000;
}

static uint64_t send_quantum(const struct bbr *b) {
    return min_u64(max_u64(b->pacing_rate * QUANTUM_MS / 1000, 2 * b->mss), QUANTUM_MAX);
}

/* The round that just ended lost more than the threshold (see the header): STARTUP is over,
 * and the model's bandwidth is bounded by what the round delivered. */
static void end_round_losses(struct bbr *b, uint64_t total_delivered) {
    uint64_t delivered = total_delivered - b->round_delivered_at;
    if (b->round_lost >= BBR_LOSS_MIN_SEGMENTS * b->mss &&
        b->round_lost * 1000 > (delivered + b->round_lost) * BBR_LOSS_THRESH) {
        b->filled_pipe = true;
        uint64_t kept = (b->bw_lo ? b->bw_lo : bbr_bandwidth(b)) / 1000 * BBR_BW_LO_BETA;
        b->bw_lo = max_u64(max_u64(b->round_best_rate, kept), 1);
    }
    b->round_lost = 0;
    b->round_delivered_at = total_delivered;
    b->round_best_rate = 0;
}

/* Draft 4.1.1: the round counter, and the bandwidth max filter. A sample whose interval is
 * shorter than the min RTT is discarded (delivery-rate draft 3.3: ACK compression would
 * inflate it); an app-limited one counts only if it raises the estimate (section 3.4). */
static void update_bandwidth(struct bbr *b, const struct bbr_ack *a) {
    const struct rate_sample *rs = &a->rs;
    b->round_start = false;
    b->round_lost += a->newly_lost;
    if (rs->newly_delivered == 0) {
        return;
    }
    if (rs->prior_delivered >= b->next_round_delivered) {
        end_round_losses(b, rs->total_delivered);
        b->next_round_delivered = rs->total_delivered;
        b->round_count += !a->in_recovery; /* a recovery's rounds do not age the filter */
        b->round_start = true;
        b->packet_conservation = false;
    }
    if (!rs->has_rate || (b->have_rtt && rs->interval_ms < b->min_rtt) ||
        (rs->is_app_limited && rs->delivery_rate < bbr_bandwidth(b))) {
        return;
    }
    unsigned slot = (unsigned)(b->round_count % BBR_BW_ROUNDS);
    if (b->bw_max[slot].round != b->round_count) {
        b->bw_max[slot].round = b->round_count;
        b->bw_max[slot].bw = 0;
    }
    b->bw_max[slot].bw = max_u64(b->bw_max[slot].bw, rs->delivery_rate);
    b->round_best_rate = max_u64(b->round_best_rate, rs->delivery_rate);
}

/* Draft 4.3.4.3: a phase lasts about one min RTT; probing (5/4) goes on until the flight has
 * grown to 5/4 BDP, draining (3/4) stops early once it is down to one BDP. */
static void update_cycle(struct bbr *b, const struct bbr_ack *a) {
    if (b->state != BBR_PROBE_BW) {
        return;
    }
    uint64_t prior_in_flight = a->in_flight + a->rs.newly_delivered;
    bool full_length = a->now - b->cycle_at > b->min_rtt;
    bool next = b->pacing_gain == UNIT_GAIN  ? full_length
                : b->pacing_gain > UNIT_GAIN ? full_length && prior_in_flight >= bdp(b, b->pacing_gain)
                                             : full_length || prior_in_flight <= bdp(b, UNIT_GAIN);
    if (next) {
        b->cycle = (b->cycle + 1) % BBR_CYCLE_PHASES;
        b->cycle_at = a->now;
        b->pacing_gain = cycle_gain[b->cycle];
        if (b->cycle == PHASE_PROBE) {
            b->bw_lo = 0; /* probing: the loss bound is lifted */
        }
    }
}

/* Draft 4.3.2.2 and 4.3.3: STARTUP ends when three rounds (not app-limited) in a row grow the
 * bandwidth less than 25 %; DRAIN ends when the flight is down to one BDP. */
static void update_startup_and_drain(struct bbr *b, const struct bbr_ack *a) {
    if (!b->filled_pipe && b->round_start && !a->rs.is_app_limited) {
        uint64_t bw = bbr_bandwidth(b);
        if (bw * 1000 >= b->full_bw * FULL_BW_GROWTH) {
            b->full_bw = bw;
            b->full_bw_rounds = 0;
        } else if (++b->full_bw_rounds >= FULL_BW_ROUNDS) {
            b->filled_pipe = true;
        }
    }
    if (b->state == BBR_STARTUP && b->filled_pipe) {
        enter(b, BBR_DRAIN, a->now);
    }
    if (b->state == BBR_DRAIN && a->in_flight <= bdp(b, UNIT_GAIN)) {
        enter(b, BBR_PROBE_BW, a->now);
    }
}

/* Draft 4.1.2.3 and 4.3.5: the min RTT filter, and PROBE_RTT. A sample at most the min, or
 * any sample once the min is BBR_MIN_RTT_MS old, replaces it; an expired min also starts
 * PROBE_RTT, which holds the window at 4 segments until that is all in flight and then for
 * BBR_PROBE_RTT_MS and one round more; its end stamps the min RTT afresh. */
static void update_min_rtt(struct bbr *b, const struct bbr_ack *a) {
    bool has = a->rs.has_rtt || a->has_rtt;
    uint64_t rtt = a->rs.has_rtt && a->has_rtt ? min_u64(a->rs.rtt_ms, a->rtt_ms)
                   : a->rs.has_rtt             ? a->rs.rtt_ms
                                               : a->rtt_ms;
    bool expired = b->have_rtt && a->now > b->min_rtt_at + BBR_MIN_RTT_MS;
    if (has && (!b->have_rtt || rtt <= b->min_rtt || expired)) {
        b->have_rtt = true;
        b->min_rtt = rtt;
        b->min_rtt_at = a->now;
    }
    if (expired && b->state != BBR_PROBE_RTT) {
        b->prior_cwnd = b->cwnd;
        enter(b, BBR_PROBE_RTT, a->now);
        b->probe_rtt_done_at = 0;
    }
    if (b->state != BBR_PROBE_RTT) {
        return;
    }
    if (b->probe_rtt_done_at == 0 && a->in_flight <= MIN_WINDOW_SEGMENTS * b->mss) {
        b->probe_rtt_done_at = a->now + BBR_PROBE_RTT_MS;
        b->probe_rtt_round_done = false;
        b->next_round_delivered = a->rs.total_delivered;
    } else if (b->probe_rtt_done_at) {
        b->probe_rtt_round_done |= b->round_start;
        if (b->probe_rtt_round_done && a->now >= b->probe_rtt_done_at) {
            b->min_rtt_at = a->now;
            b->cwnd = max_u64(b->cwnd, b->prior_cwnd);
            enter(b, b->filled_pipe ? BBR_PROBE_BW : BBR_STARTUP, a->now);
        }
    }
}

/* Draft 4.2.1: pacing gain x bandwidth, less the margin; before any bandwidth sample, the
 * initial window per min RTT at STARTUP's gain. STARTUP never lowers the rate. */
static void update_pacing_rate(struct bbr *b) {
    uint64_t bw = bbr_model_bandwidth(b), rate;
    if (bw) {
        rate = bw * b->pacing_gain / 1000 * PACING_MARGIN / 1000;
    } else if (b->have_rtt) {
        rate = initial_window(b->mss) * HIGH_GAIN / max_u64(b->min_rtt, 1);
    } else {
        return;
    }
    if (b->filled_pipe || rate > b->pacing_rate) {
        b->pacing_rate = rate;
    }
}

/* Linux's bbr_save_cwnd: the window to come back to (the larger one if already saved). */
static void save_window(struct bbr *b) {
    b->prior_cwnd = b->recovering || b->state == BBR_PROBE_RTT ? max_u64(b->prior_cwnd, b->cwnd) : b->cwnd;
}

/* Draft 4.2.3.4, modulating the window in loss recovery. True while packets are conserved
 * (the window then does not grow towards its target). */
static bool update_recovery(struct bbr *b, const struct bbr_ack *a) {
    uint64_t conserved = a->in_flight + a->rs.newly_delivered;
    bool entering = a->in_recovery && !b->recovering;
    if (entering) {
        save_window(b); /* before the losses are taken off (Linux saves it when loss is detected) */
    }
    if (a->newly_lost) {
        b->cwnd = a->newly_lost < b->cwnd ? max_u64(b->cwnd - a->newly_lost, b->mss) : b->mss;
    }
    if (entering) {
        b->recovering = true;
        b->packet_conservation = true;
        b->next_round_delivered = a->rs.total_delivered; /* its first round starts now */
        b->cwnd = max_u64(conserved, b->mss);
    } else if (!a->in_recovery && b->recovering) {
        b->recovering = false;
        b->packet_conservation = false;
        b->cwnd = max_u64(b->cwnd, b->prior_cwnd);
    }
    if (b->packet_conservation) {
        b->cwnd = max_u64(b->cwnd, conserved);
    }
    return b->packet_conservation;
}

/* Draft 4.2.3: the window grows by what was delivered, up to window gain x BDP plus room for
 * bursts (in STARTUP without a cap until the model has a bandwidth); at least 4 segments, and
 * just that in PROBE_RTT. */
static void update_window(struct bbr *b, const struct bbr_ack *a) {
    uint64_t floor = MIN_WINDOW_SEGMENTS * b->mss;
    if (!update_recovery(b, a)) {
        uint64_t target = bdp(b, b->cwnd_gain);
        if (target != UINT64_MAX) {
            target += QUANTA_IN_WINDOW * send_quantum(b);
        }
        uint64_t grown = b->cwnd + a->rs.newly_delivered;
        if (b->filled_pipe) {
            b->cwnd = min_u64(grown, target);
        } else if (b->cwnd < target) {
            b->cwnd = grown;
        }
        b->cwnd = max_u64(b->cwnd, floor);
    }
    if (b->state == BBR_PROBE_RTT) {
        b->cwnd = min_u64(b->cwnd, floor);
    }
}

void bbr_on_ack(struct bbr *b, const struct bbr_ack *a) {
    update_bandwidth(b, a);
    update_cycle(b, a);
    update_startup_and_drain(b, a);
    update_min_rtt(b, a);
    update_pacing_rate(b);
    update_window(b, a);
}

void bbr_on_timeout(struct bbr *b) {
    save_window(b);
    b->recovering = true;
    b->packet_conservation = false;
    b->cwnd = b->mss;
}
