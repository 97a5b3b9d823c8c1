#include "tcp/congestion.h"

/* RFC 9438 section 4.1: C and the multiplicative decrease factor. */
#define CUBIC_C 0.4
#define CUBIC_BETA 0.7
#define DUPACK_THRESHOLD 3
/* The pacing gate keeps up to this many ms of credit (at least 2 segments): an event loop that
 * wakes a little late catches up, and the burst stays under a shallow queue (1/4 BDP at 20 ms is
 * 5 ms). With 2 ms, on a host so loaded that the loop woke every 2.3 ms on average (often after
 * 4-10 ms), BBR sent at about 64 % of its pacing rate, so its own delivery-rate samples pulled
 * the bandwidth estimate down round after round (bench/wan.sh, shallow case). That much is
 * gathered only while a segment waits for credit: a sender held by its window banks at most
 * PACING_IDLE_BURST_MS (at least 2 segments), or every ACK that opened the window released a
 * 4 ms burst onto the bottleneck's queue (in bench/wan.sh's shallow case, 34 packets into a
 * queue of 42 that already held the standing queue of PROBE_BW's pulses). */
#define PACING_BURST_MS 4
#define PACING_IDLE_BURST_MS 1

static uint64_t max_u64(uint64_t a, uint64_t b) {
    return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

/* Cube root by Newton's method (no libm needed); x >= 0. */
static double cube_root(double x) {
    if (x <= 0) {
        return 0;
    }
    double r = x > 1 ? x / 3 : 1;
    for (int i = 0; i < 60; i++) {
        double next = r - (r * r * r - x) / (3 * r * r);
        if (next == r) {
            break;
        }
        r = next;
    }
    return r;
}

void congestion_init(struct congestion *cc, enum tcp_congestion algo, uint64_t mss) {
    *cc = (struct congestion){.algo = algo, .mss = mss, .ssthresh = UINT64_MAX};
    /* RFC 5681 3.1 eq. 1: the initial window. */
    cc->cwnd = mss > 2190 ? 2 * mss : mss > 1095 ? 3 * mss : 4 * mss;
    bbr_init(&cc->bbr, mss);
    pacing_init(&cc->pacing);
}

void congestion_set_mss(struct congestion *cc, uint64_t mss) {
    uint64_t old = cc->mss;
    cc->cwnd = max_u64(congestion_rescale(cc->cwnd, old, mss), mss);
    if (cc->ssthresh != UINT64_MAX) {
        cc->ssthresh = max_u64(congestion_rescale(cc->ssthresh, old, mss), 2 * mss);
    }
    cc->acked_in_ca = congestion_rescale(cc->acked_in_ca, old, mss);
    cc->mss = mss;
    bbr_set_mss(&cc->bbr, mss);
}

uint64_t congestion_pipe_window(const struct congestion *cc) {
    if (cc->algo == TCP_CC_BBR) {
        return bbr_window(&cc->bbr);
    }
    return cc->algo == TCP_CC_NONE ? UINT64_MAX : cc->cwnd;
}

uint64_t congestion_window(const struct congestion *cc) {
    uint64_t pipe = congestion_pipe_window(cc);
    return cc->algo == TCP_CC_BBR ? pipe + cc->sacked + cc->lost : pipe;
}

void congestion_on_sample(struct congestion *cc, const struct congestion_sample *sample) {
    if (sample->rate.has_rate) {
        cc->delivery_rate = sample->rate.delivery_rate;
    }
    if (cc->algo != TCP_CC_BBR) {
        return;
    }
    cc->sacked = sample->sacked;
    cc->lost = sample->lost;
    uint64_t gone = sample->sacked + sample->lost;
    uint64_t pipe = sample->in_flight > gone ? sample->in_flight - gone : 0;
    struct bbr_ack ack = {.now = sample->now,
                          .rs = sample->rate,
                          .in_flight = pipe,
                          .has_rtt = sample->has_rtt,
                          .rtt_ms = sample->rtt_ms,
                          .in_recovery = congestion_recovering(cc, sample->ackno),
                          .newly_lost = sample->newly_lost};
    bbr_on_ack(&cc->bbr, &ack);
    uint64_t rate = bbr_pacing_rate(&cc->bbr);
    pacing_set_rate(&cc->pacing, rate, max_u64(rate * PACING_BURST_MS / 1000, 2 * cc->mss),
                    max_u64(rate * PACING_IDLE_BURST_MS / 1000, 2 * cc->mss));
}

bool congestion_pace(struct congestion *cc, uint64_t bytes) {
    return pacing_try(&cc->pacing, bytes);
}

bool congestion_tick(struct congestion *cc, uint64_t ms) {
    return pacing_tick(&cc->pacing, ms);
}

uint64_t congestion_pacing_delay(const struct congestion *cc) {
    return pacing_delay_ms(&cc->pacing);
}

uint64_t congestion_pacing_rate(const struct congestion *cc) {
    return pacing_rate(&cc->pacing);
}

void congestion_trace(const struct congestion *cc, struct congestion_trace *out) {
    bool bbr = cc->algo == TCP_CC_BBR;
    out->cwnd = congestion_window(cc);
    out->pacing_rate = pacing_rate(&cc->pacing);
    out->delivery_rate = cc->delivery_rate;
    out->bandwidth = bbr ? bbr_bandwidth(&cc->bbr) : 0;
    out->min_rtt_ms = bbr ? bbr_min_rtt(&cc->bbr) : 0;
    out->bbr_state = bbr ? (int)bbr_state(&cc->bbr) : -1;
}

/* The congestion window after a loss: RFC 5681 eq. 4 for NewReno (half the flight size),
 * RFC 9438 4.6-4.7 for CUBIC (beta times cwnd, remembering W_max with fast convergence). */
static uint64_t reduced_window(struct congestion *cc, uint64_t flight) {
    if (cc->algo == TCP_CC_CUBIC) {
        double cwnd_seg = (double)cc->cwnd / (double)cc->mss;
        cc->w_max = cwnd_seg < cc->w_max ? cwnd_seg * (1 + CUBIC_BETA) / 2 : cwnd_seg;
        cc->epoch_valid = false;
        return max_u64((uint64_t)((double)cc->cwnd * CUBIC_BETA), 2 * cc->mss);
    }
    return max_u64(flight / 2, 2 * cc->mss);
}

/* Congestion avoidance with CUBIC (RFC 9438 4.2-4.4): grow towards W_cubic(t + RTT), but not
 * slower than the Reno-friendly estimate W_est. */
static void cubic_increase(struct congestion *cc, uint64_t acked, uint64_t now, uint64_t srtt) {
    double mss = (double)cc->mss, cwnd_seg = (double)cc->cwnd / mss;
    if (!cc->epoch_valid) {
        cc->epoch_valid = true;
        cc->epoch_start = now;
        if (cc->w_max < cwnd_seg) {
            cc->w_max = cwnd_seg; /* no loss yet (or growth past it): start from here */
        }
        cc->k = cube_root((cc->w_max - cwnd_seg) / CUBIC_C);
        cc->w_est = cwnd_seg;
    }
    double t = (double)(now - cc->epoch_start + srtt) / 1000.0;
    double target = CUBIC_C * (t - cc->k) * (t - cc->k) * (t - cc->k) + cc->w_max;
    /* 4.3: W_est grows by alpha_cubic per window of acknowledged data. */
    double alpha = 3 * (1 - CUBIC_BETA) / (1 + CUBIC_BETA);
    cc->w_est += alpha * ((double)acked / mss) / cwnd_seg;
    if (target < cc->w_est) {
        target = cc->w_est;
    }
    /* 4.4: at most 1.5 cwnd; each ACK moves (target - cwnd) / cwnd segments. */
    if (target > 1.5 * cwnd_seg) {
        target = 1.5 * cwnd_seg;
    }
    if (target > cwnd_seg) {
        double grow = (target - cwnd_seg) / cwnd_seg * ((double)acked / mss) * mss;
        cc->cwnd += grow >= 1 ? (uint64_t)grow : 1;
    }
}

enum congestion_action congestion_on_ack(struct congestion *cc, uint64_t ackno, uint64_t acked, uint64_t now,
                                         uint64_t srtt) {
    if (cc->algo == TCP_CC_NONE) {
        return CONGESTION_NONE;
    }
    cc->dupacks = 0;
    cc->after_timeout = false;
    if (cc->algo == TCP_CC_BBR) {
        /* The model sets the window (congestion_on_sample); recovery ends with the full ACK. */
        cc->in_recovery = cc->in_recovery && ackno <= cc->recover;
        return CONGESTION_NONE;
    }
    if (cc->in_recovery && cc->pipe_recovery) {
        /* RFC 6675: cwnd stays at ssthresh until the recovery point is acknowledged. */
        cc->in_recovery = ackno <= cc->recover;
        return CONGESTION_NONE;
    }
    if (cc->in_recovery) {
        if (ackno > cc->recover) {
            /* RFC 6582 3.2 step 3 (full ACK): deflate to ssthresh, leave recovery. */
            cc->in_recovery = false;
            cc->cwnd = cc->ssthresh;
            return CONGESTION_NONE;
        }
        /* Step 5 (partial ACK): resend the next hole, deflate by what was acknowledged and
         * add back one MSS for the retransmission. */
        cc->cwnd = cc->cwnd > acked ? cc->cwnd - acked : 0;
        cc->cwnd = max_u64(cc->cwnd + (acked >= cc->mss ? cc->mss : 0), cc->mss);
        return CONGESTION_RETRANSMIT;
    }
    if (cc->cwnd < cc->ssthresh) {
        /* RFC 5681 3.1 eq. 2 (slow start), at most one MSS per ACK. */
        cc->cwnd += min_u64(acked, cc->mss);
        return CONGESTION_NONE;
    }
    if (cc->algo == TCP_CC_CUBIC) {
        cubic_increase(cc, acked, now, srtt);
        return CONGESTION_NONE;
    }
    /* RFC 5681 3.1 eq. 3 by byte counting: one MSS per window of acknowledged bytes. */
    cc->acked_in_ca += acked;
    if (cc->acked_in_ca >= cc->cwnd) {
        cc->acked_in_ca -= cc->cwnd;
        cc->cwnd += cc->mss;
    }
    return CONGESTION_NONE;
}

enum congestion_action congestion_on_dupack(struct congestion *cc, uint64_t ackno, uint64_t flight, uint64_t snd_nxt) {
    if (cc->algo == TCP_CC_NONE) {
        return CONGESTION_NONE;
    }
    if (cc->in_recovery) {
        /* RFC 6582 3.2 step 4: each further duplicate means a segment has left the network. */
        cc->cwnd += cc->mss;
        return CONGESTION_NONE;
    }
    if (++cc->dupacks != DUPACK_THRESHOLD) {
        return CONGESTION_NONE;
    }
    /* RFC 6582 3.2 step 2: only if the ack covers more than `recover` (else these duplicates
     * may come from retransmissions after a timeout). */
    if (cc->recover && ackno <= cc->recover) {
        return CONGESTION_NONE;
    }
    cc->recover = snd_nxt - 1;
    cc->in_recovery = true;
    cc->pipe_recovery = false;
    cc->ssthresh = reduced_window(cc, flight);
    cc->cwnd = cc->ssthresh + DUPACK_THRESHOLD * cc->mss;
    cc->acked_in_ca = 0;
    return CONGESTION_RETRANSMIT;
}

/* NewReno's and CUBIC's response to a loss found by RACK or repaired by a probe: ssthresh = cwnd
 * = the reduced window. */
static void reduce_once(struct congestion *cc, uint64_t flight) {
    cc->ssthresh = reduced_window(cc, flight);
    cc->cwnd = cc->ssthresh;
    cc->acked_in_ca = 0;
}

bool congestion_on_loss(struct congestion *cc, uint64_t ackno, uint64_t flight, uint64_t snd_nxt) {
    if (cc->algo == TCP_CC_NONE || congestion_recovering(cc, ackno)) {
        return false; /* one response per episode; none while a timeout is being repaired */
    }
    cc->recover = snd_nxt - 1;
    cc->in_recovery = true;
    if (cc->algo != TCP_CC_BBR) {
        /* RFC 6675 5 (4.2): the sender keeps the pipe within the reduced window (no inflation by
         * duplicates, no deflation by partial ACKs). */
        reduce_once(cc, flight);
        cc->pipe_recovery = true;
    }
    return true;
}

void congestion_on_probe_repair(struct congestion *cc, uint64_t ackno, uint64_t flight) {
    if ((cc->algo != TCP_CC_NEWRENO && cc->algo != TCP_CC_CUBIC) || congestion_recovering(cc, ackno)) {
        return;
    }
    reduce_once(cc, flight); /* RFC 8985 7.4.2: as if fast recovery had been entered and left at once */
}

bool congestion_recovering(const struct congestion *cc, uint64_t ackno) {
    return cc->algo != TCP_CC_NONE && (cc->in_recovery || (cc->recover && ackno <= cc->recover));
}

void congestion_on_timeout(struct congestion *cc, uint64_t flight, uint64_t snd_nxt) {
    if (cc->algo == TCP_CC_NONE) {
        return;
    }
    /* Only the first timeout of a series lowers ssthresh (RFC 5681 3.1, the note to eq. 4). */
    if (!cc->after_timeout) {
        cc->ssthresh = reduced_window(cc, flight);
    }
    cc->after_timeout = true;
    cc->cwnd = cc->mss; /* the loss window */
    bbr_on_timeout(&cc->bbr);
    cc->in_recovery = false;
    cc->dupacks = 0;
    cc->acked_in_ca = 0;
    cc->recover = snd_nxt - 1; /* RFC 6582 section 4 */
}
