#ifndef SPONGE_TCP_CONGESTION_BBR_H
#define SPONGE_TCP_CONGESTION_BBR_H

/* A model-based congestion control after BBR (version 1: Cardwell et al., "BBR: Congestion-
 * Based Congestion Control", ACM Queue 2016, and draft-cardwell-iccrg-bbr-congestion-control-00,
 * the algorithm Linux's tcp_bbr implements). The model is the bottleneck bandwidth (a windowed
 * maximum of the per-ACK delivery-rate samples of rate_sample.h over BBR_BW_ROUNDS round trips,
 * app-limited samples counted only when they raise it) and the round-trip propagation time (the
 * smallest RTT of the last BBR_MIN_RTT_MS). From them come a pacing rate (pacing gain x
 * bandwidth; the sender's pacing.h gate spreads segments at that rate) and a window (window gain
 * x bandwidth x min RTT, the BDP, plus an allowance for bursts), which only caps what is in flight.
 *
 * States (draft section 4.3): STARTUP (gains 2/ln 2: the rate doubles each round) until three
 * rounds raise the bandwidth by less than 25 %; DRAIN (pacing gain ln 2 / 2) until what is in
 * flight is down to one BDP; PROBE_BW, cycling the pacing gain through 5/4 (probe for more),
 * 3/4 (drain what that queued) and six rounds of 1, each about one min RTT long, window gain 2;
 * PROBE_RTT when the min RTT is BBR_MIN_RTT_MS old: a 4-segment window until that is all in
 * flight, then for BBR_PROBE_RTT_MS and a round, so the sender's own queue cannot hide the
 * path's RTT.
 *
 * Loss recovery (draft section 4.2.3.4): loss is no signal for the model, but the window follows
 * the recovery. On entering fast recovery the window is saved and becomes what is in flight plus
 * what the ACK delivered; for the first round of recovery it only conserves packets (at least
 * in flight plus delivered, so every delivered segment lets one go); bytes newly found lost are
 * taken off it; at the end of recovery the saved window comes back if it was larger. A timeout
 * saves the window too and drops it to one segment. While the sender is recovering (fast or
 * after a timeout), completed rounds do not age the bandwidth filter: a recovery's rounds
 * deliver mostly retransmissions and SACKed holes, and counting them let a long recovery forget
 * the bottleneck's bandwidth.
 *
 * One addition from BBR's later versions (draft-cardwell-iccrg-bbr-congestion-control-02,
 * "bw_lo"): a round that loses more than BBR_LOSS_THRESH per mille of what it sent (and at least
 * BBR_LOSS_MIN_SEGMENTS segments) means the model runs ahead of the path. It ends STARTUP, and it
 * sets a lower bound on the bandwidth the model uses for pacing and the window: the best
 * delivery rate of that round, or BBR_BW_LO_BETA of the previous bound if that is higher. The
 * bound is lifted when PROBE_BW's probing phase begins. Random loss below the threshold is
 * ignored, as in version 1. Bytes, ms; bandwidth and rates in bytes per second. */

#include "tcp/rate_sample.h"

#include <stdbool.h>
#include <stdint.h>

#define BBR_BW_ROUNDS 10
#define BBR_MIN_RTT_MS 10000
#define BBR_CYCLE_PHASES 8
#define BBR_PROBE_RTT_MS 200
#define BBR_LOSS_THRESH 20 /* per mille: 2 % */
#define BBR_LOSS_MIN_SEGMENTS 8
#define BBR_BW_LO_BETA 700 /* per mille of the previous bound kept by a lossy round */

enum bbr_state { BBR_STARTUP, BBR_DRAIN, BBR_PROBE_BW, BBR_PROBE_RTT };

/** One ACK's news for the model (one event, one struct). */
struct bbr_ack {
    uint64_t now;          /* the sender's clock */
    struct rate_sample rs; /* the ACK's delivery-rate sample */
    uint64_t in_flight;    /* bytes still in the network after it (SACKed bytes not counted) */
    bool has_rtt;          /* the sender measured an RTT from this ACK (besides the sample's) */
    uint64_t rtt_ms;
    bool in_recovery;    /* the sender is in loss recovery (fast, or after a timeout) */
    uint64_t newly_lost; /* bytes found lost since the last ACK */
};

struct bbr {
    /* private */
    uint64_t mss;
    enum bbr_state state;
    uint64_t cwnd, prior_cwnd;
    struct {
        uint64_t round, bw;
    } bw_max[BBR_BW_ROUNDS];       /* each round's best sample, by round number mod the size */
    uint64_t round_count;          /* rounds completed outside loss recovery (the filter's clock) */
    uint64_t next_round_delivered; /* a sample sent after this much was delivered ends the round */
    bool round_start;              /* the ACK being processed ended a round */
    bool have_rtt;
    uint64_t min_rtt, min_rtt_at;
    uint64_t full_bw; /* STARTUP: the bandwidth the last 25 % growth reached */
    unsigned full_bw_rounds;
    bool filled_pipe;            /* STARTUP is over */
    uint64_t round_lost;         /* bytes found lost in the current round */
    uint64_t round_delivered_at; /* C.delivered when the current round began */
    uint64_t round_best_rate;    /* the current round's best delivery-rate sample */
    uint64_t bw_lo;              /* the loss bound on the model's bandwidth (0: none) */
    uint64_t probe_rtt_done_at;  /* PROBE_RTT: 0 until the window is drained, then its end */
    bool probe_rtt_round_done;
    unsigned cycle;                  /* PROBE_BW phase */
    uint64_t cycle_at;               /* when it began */
    uint64_t pacing_gain, cwnd_gain; /* per mille */
    uint64_t pacing_rate;
    bool recovering;          /* in loss recovery as of the last ACK (or since a timeout) */
    bool packet_conservation; /* the first round of fast recovery */
};

/** STARTUP with RFC 5681's initial window for `mss`, not paced until the first RTT. */
void bbr_init(struct bbr *b, uint64_t mss);

/** `bytes` as the same number of segments (fractions kept) of `to` bytes instead of `from`:
 *  for windows counted in segments when the payload size changes. */
static inline uint64_t congestion_rescale(uint64_t bytes, uint64_t from, uint64_t to) {
    return bytes / from * to + bytes % from * to / from;
}

/** The payload size changed to `mss`: the model is kept, the window keeps its size in
 *  segments (at least one). */
void bbr_set_mss(struct bbr *b, uint64_t mss);

/** The congestion window in bytes (not counting SACKed bytes, which the caller adds). */
uint64_t bbr_window(const struct bbr *b);

/** The pacing rate in bytes per second (0: not paced yet). */
uint64_t bbr_pacing_rate(const struct bbr *b);

/** The bottleneck bandwidth estimate in bytes per second (0 before the first sample). */
uint64_t bbr_bandwidth(const struct bbr *b);

/** The bandwidth pacing and the window use: bbr_bandwidth, or the loss bound if that is lower. */
uint64_t bbr_model_bandwidth(const struct bbr *b);

/** The min RTT estimate in ms (0 before the first sample). */
uint64_t bbr_min_rtt(const struct bbr *b);

/** The current state. */
enum bbr_state bbr_state(const struct bbr *b);

/** One ACK: updates the model, the state, the pacing rate and the window. */
void bbr_on_ack(struct bbr *b, const struct bbr_ack *a);

/** A retransmission timeout: the window is saved and drops to one MSS (the model is kept, so
 *  the window regrows by the delivered bytes; the saved one returns when recovery ends). */
void bbr_on_timeout(struct bbr *b);

#endif
