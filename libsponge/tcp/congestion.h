#ifndef SPONGE_TCP_CONGESTION_H
#define SPONGE_TCP_CONGESTION_H

/* Sender congestion control (modern mode): NewReno (RFC 5681 with RFC 6582's recovery) or
 * CUBIC (RFC 9438) for the congestion-avoidance growth and the multiplicative decrease, or a
 * model-based BBR (congestion_bbr.h) that paces its sending (pacing.h) from per-ACK
 * delivery-rate samples (rate_sample.h) and keeps its model through losses.
 * NewReno and CUBIC share slow start and the recovery: when the peer SACKs, the sender's RACK
 * (rack.h) finds losses and starts it (congestion_on_loss, RFC 6675's pipe); without SACK, fast
 * retransmit on the third duplicate ACK and NewReno's fast recovery (RFC 6582). With BBR, RACK
 * always (congestion_on_loss only marks the episode). A timeout is handled separately (cwnd
 * back to one MSS). All sizes in bytes, times in ms.
 * The sender sends at most min(cwnd, the peer's window) past the oldest unacknowledged byte. */

#include "tcp/congestion_bbr.h"
#include "tcp/pacing.h"
#include "tcp/rate_sample.h"
#include "tcp/tcp_config.h"

#include <stdbool.h>
#include <stdint.h>

struct congestion {
    /* private */
    enum tcp_congestion algo;
    uint64_t mss;
    uint64_t cwnd, ssthresh;
    uint64_t acked_in_ca; /* bytes acknowledged towards the next Reno increase */
    unsigned dupacks;
    bool after_timeout; /* no new data acknowledged since the last timeout */
    bool in_recovery;
    bool pipe_recovery; /* the recovery was started by congestion_on_loss (RFC 6675's pipe) */
    uint64_t recover;   /* RFC 6582: highest seqno sent when loss was detected */
    /* CUBIC (RFC 9438 section 4) */
    bool epoch_valid;
    uint64_t epoch_start; /* when the current congestion-avoidance epoch began */
    double w_max;         /* segments */
    double k;             /* seconds */
    double w_est;         /* Reno-friendly estimate, segments */
    /* BBR: the model's window and pacing rate; recovery above only decides what to resend */
    struct bbr bbr;
    uint64_t sacked; /* bytes SACKed above the cumulative ACK, at the last sample */
    uint64_t lost;   /* bytes presumed lost and not resent, at the last sample */
    struct pacing pacing;
    uint64_t delivery_rate; /* the latest delivery-rate sample (bytes/s), for the trace */
};

/** Everything one accepted ACK tells congestion control (after the sender processed it). */
struct congestion_sample {
    uint64_t now;        /* the sender's clock, ms */
    uint64_t ackno;      /* the cumulative ACK (absolute) */
    uint64_t sacked;     /* bytes SACKed above it */
    uint64_t lost;       /* bytes presumed lost and not yet resent (rate_sampler_lost_bytes) */
    uint64_t newly_lost; /* bytes found lost since the last sample */
    uint64_t in_flight;  /* bytes sent and not acknowledged (SACKed and lost bytes included) */
    bool has_rtt;        /* an RTT measured from this ACK by the sender ... */
    uint64_t rtt_ms;     /* ... of this many ms */
    struct rate_sample rate;
};

/** What congestion control is doing, for the apps' trace (SPONGE_CC_TRACE). The sender fills
 *  the fields congestion control does not know (time, flight, SRTT). */
struct congestion_trace {
    uint64_t now_ms;
    uint64_t cwnd;            /* bytes (UINT64_MAX: none) */
    uint64_t in_flight;       /* bytes */
    uint64_t pacing_rate;     /* bytes/s, 0: not paced */
    uint64_t delivery_rate;   /* bytes/s, the latest sample */
    uint64_t bandwidth;       /* bytes/s, BBR's estimate (0 with the others) */
    uint64_t srtt_ms;         /* smoothed RTT */
    uint64_t min_rtt_ms;      /* BBR's min RTT (0 with the others) */
    uint64_t retransmissions; /* segments sent again so far */
    int bbr_state;            /* enum bbr_state, -1 with the others */
};

/** What the sender must do after an ACK. */
enum congestion_action { CONGESTION_NONE, CONGESTION_RETRANSMIT };

/** Starts in slow start with RFC 5681's initial window for `mss`. */
void congestion_init(struct congestion *cc, enum tcp_congestion algo, uint64_t mss);

/** The payload size changed to `mss` mid-connection: the state is kept, and the windows
 *  RFC 5681 counts in segments (cwnd, ssthresh, BBR's window) keep their size in segments
 *  (at least one and two). */
void congestion_set_mss(struct congestion *cc, uint64_t mss);

/** The congestion window in bytes (UINT64_MAX with TCP_CC_NONE: no limit). With TCP_CC_BBR
 *  it includes the SACKed and the presumed lost bytes, which are no longer in the network
 *  (RFC 6675's pipe). */
uint64_t congestion_window(const struct congestion *cc);

/** An ACK advanced the cumulative ackno to `ackno` (absolute), acknowledging `acked` new
 *  bytes; `now` is the sender's clock and `srtt` its smoothed RTT (0 if unknown).
 *  Returns RETRANSMIT for a partial ACK in recovery (RFC 6582 3.2 step 5; never with BBR or in
 *  a recovery started by congestion_on_loss, where the sender resends what RACK finds lost). */
enum congestion_action congestion_on_ack(struct congestion *cc, uint64_t ackno, uint64_t acked, uint64_t now,
                                         uint64_t srtt);

/** A duplicate ACK (RFC 5681 section 2) with `flight` bytes outstanding and `snd_nxt` the next
 *  seqno. Returns RETRANSMIT on the third one (fast retransmit, RFC 6582 3.2 step 2). Only for
 *  NewReno and CUBIC while the peer sends no SACK (else congestion_on_loss). */
enum congestion_action congestion_on_dupack(struct congestion *cc, uint64_t ackno, uint64_t flight, uint64_t snd_nxt);

/** Loss detection (RACK) found segments lost with the cumulative ACK at `ackno`, `flight` bytes
 *  outstanding and `snd_nxt` the next seqno: recovery starts unless it is already under way
 *  (after a timeout too, until its recovery point). NewReno and CUBIC then reduce their window
 *  once for the episode (RFC 6675 5 step 4.2: ssthresh = cwnd = half the flight for NewReno,
 *  RFC 9438 4.6 beta_cubic times cwnd for CUBIC) and keep it until the recovery point is
 *  acknowledged; the sender keeps the pipe within it. Returns true if an episode started. */
bool congestion_on_loss(struct congestion *cc, uint64_t ackno, uint64_t flight, uint64_t snd_nxt);

/** A tail loss probe that resent data, with `flight` bytes outstanding when it left, repaired a
 *  loss nothing else reported (RFC 8985 7.4.2): NewReno and CUBIC reduce their window once, as
 *  for a loss, without a recovery episode; nothing if one is under way at `ackno` (its response
 *  covers it) or with BBR. */
void congestion_on_probe_repair(struct congestion *cc, uint64_t ackno, uint64_t flight);

/** The most the pipe (bytes in flight less those SACKed or presumed lost) may hold: BBR's
 *  window, or cwnd (UINT64_MAX with TCP_CC_NONE). */
uint64_t congestion_pipe_window(const struct congestion *cc);

/** True while losses found up to `recover` are being repaired: in fast recovery, or after a
 *  timeout until the data then outstanding is acknowledged (`ackno` is the cumulative ACK). */
bool congestion_recovering(const struct congestion *cc, uint64_t ackno);

/** After each accepted ACK, what it told (see struct congestion_sample). Only TCP_CC_BBR uses
 *  it (its model, window and pacing rate); the others keep only the delivery rate. */
void congestion_on_sample(struct congestion *cc, const struct congestion_sample *sample);

/** The pacing gate: may a segment of `bytes` be sent now? True (and charged) if so or if not
 *  paced; false: wait until congestion_tick says it may go. */
bool congestion_pace(struct congestion *cc, uint64_t bytes);

/** `ms` have passed. True if a segment was waiting for pacing and may now go (the sender
 *  then fills the window again). */
bool congestion_tick(struct congestion *cc, uint64_t ms);

/** Whole ms (at least 1) until a segment waiting for pacing may go, UINT64_MAX if none waits. */
uint64_t congestion_pacing_delay(const struct congestion *cc);

/** The pacing rate, bytes per second (0: not paced). */
uint64_t congestion_pacing_rate(const struct congestion *cc);

/** Fills the fields of `out` congestion control knows (see struct congestion_trace). */
void congestion_trace(const struct congestion *cc, struct congestion_trace *out);

/** The retransmission timer expired with `flight` bytes outstanding (RFC 5681 3.1 eq. 4). */
void congestion_on_timeout(struct congestion *cc, uint64_t flight, uint64_t snd_nxt);

#endif
