#ifndef SPONGE_TCP_CONGESTION_BBR_H
#define SPONGE_TCP_CONGESTION_BBR_H

/* A simplified BBR-style model-based congestion window (after Cardwell et al., "BBR:
 * Congestion-Based Congestion Control", ACM Queue 2016, and draft-cardwell-iccrg-bbr-
 * congestion-control). The model is the bottleneck bandwidth (the largest delivery rate of
 * the last BBR_BW_ROUNDS rounds) and the round-trip propagation time (the smallest RTT of the
 * last BBR_MIN_RTT_MS, refreshed by PROBE_RTT: BBR_PROBE_RTT_MS at a 4-segment window, so that
 * the queue this sender keeps cannot inflate it); the window is a gain times their product,
 * the BDP. Loss is not taken as congestion: only a retransmission timeout shrinks the window.
 * No pacing (the sender has only a millisecond tick), so the phase gains act on the window.
 * A "round" is one min RTT of the sender's clock (at least 1 ms); each ends with one
 * delivery-rate sample: bytes delivered (cumulatively or by SACK) in it over its length.
 * Bytes, ms; bandwidth in bytes per second. */

#include <stdbool.h>
#include <stdint.h>

#define BBR_BW_ROUNDS 10
#define BBR_MIN_RTT_MS 10000
#define BBR_CYCLE_PHASES 8

#define BBR_PROBE_RTT_MS 200

enum bbr_state { BBR_STARTUP, BBR_DRAIN, BBR_PROBE_BW, BBR_PROBE_RTT };

struct bbr {
    /* private */
    uint64_t mss;
    enum bbr_state state;
    uint64_t cwnd;
    uint64_t bw[BBR_BW_ROUNDS]; /* one delivery-rate sample per round, a ring */
    uint64_t rounds;            /* rounds completed */
    bool interval_open;
    uint64_t interval_start, interval_delivered; /* when the current round began, delivered then */
    bool have_rtt;
    uint64_t min_rtt, min_rtt_at;
    uint64_t full_bw; /* STARTUP: the bandwidth the last 25 % growth reached */
    unsigned full_bw_rounds;
    bool filled_pipe;                      /* STARTUP is over */
    uint64_t probe_rtt_end, probe_rtt_min; /* PROBE_RTT: until when, the smallest RTT in it */
    unsigned cycle;                        /* PROBE_BW phase */
};

/** STARTUP with RFC 5681's initial window for `mss`. */
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

/** The bottleneck bandwidth estimate in bytes per second (0 before the first round). */
uint64_t bbr_bandwidth(const struct bbr *b);

/** The min RTT estimate in ms (0 before the first sample). */
uint64_t bbr_min_rtt(const struct bbr *b);

/** The current state. */
enum bbr_state bbr_state(const struct bbr *b);

/** One ACK's news at time `now`: `delivered` is the total bytes the peer holds (cumulative
 *  ACK plus SACKed bytes), `has_rtt` with `rtt_ms` a new RTT measurement. Updates the model
 *  and, at a round's end, the state. */
void bbr_on_sample(struct bbr *b, uint64_t now, uint64_t delivered, bool has_rtt, uint64_t rtt_ms);

/** `acked` new bytes cumulatively acknowledged: the window grows towards its target. */
void bbr_on_ack(struct bbr *b, uint64_t acked);

/** A retransmission timeout: back to one MSS (the model is kept, so the window regrows by
 *  the acknowledged bytes up to its target within a few round trips). */
void bbr_on_timeout(struct bbr *b);

#endif
