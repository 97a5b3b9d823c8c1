#ifndef SPONGE_TCP_CONGESTION_H
#define SPONGE_TCP_CONGESTION_H

/* Sender congestion control (modern mode): NewReno (RFC 5681 with RFC 6582's recovery) or
 * CUBIC (RFC 9438) for the congestion-avoidance growth and the multiplicative decrease, or a
 * BBR-style model (congestion_bbr.h) that keeps its window through losses.
 * Both share slow start, fast retransmit on the third duplicate ACK and fast recovery;
 * a timeout is handled separately (cwnd back to one MSS). All sizes in bytes, times in ms.
 * The sender sends at most min(cwnd, the peer's window) past the oldest unacknowledged byte. */

#include "tcp/congestion_bbr.h"
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
    uint64_t recover; /* RFC 6582: highest seqno sent when loss was detected */
    /* CUBIC (RFC 9438 section 4) */
    bool epoch_valid;
    uint64_t epoch_start; /* when the current congestion-avoidance epoch began */
    double w_max;         /* segments */
    double k;             /* seconds */
    double w_est;         /* Reno-friendly estimate, segments */
    /* BBR-style: the model's window; recovery above only decides what to retransmit */
    struct bbr bbr;
    uint64_t sacked; /* bytes SACKed above the cumulative ACK, at the last sample */
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
 *  it includes the SACKed bytes, which are no longer in the network (RFC 6675's pipe). */
uint64_t congestion_window(const struct congestion *cc);

/** An ACK advanced the cumulative ackno to `ackno` (absolute), acknowledging `acked` new
 *  bytes; `now` is the sender's clock and `srtt` its smoothed RTT (0 if unknown).
 *  Returns RETRANSMIT for a partial ACK in recovery (RFC 6582 3.2 step 5). */
enum congestion_action congestion_on_ack(struct congestion *cc, uint64_t ackno, uint64_t acked, uint64_t now,
                                         uint64_t srtt);

/** A duplicate ACK (RFC 5681 section 2) with `flight` bytes outstanding and `snd_nxt` the next
 *  seqno. Returns RETRANSMIT on the third one (fast retransmit, RFC 6582 3.2 step 2). */
enum congestion_action congestion_on_dupack(struct congestion *cc, uint64_t ackno, uint64_t flight, uint64_t snd_nxt);

/** True while losses found up to `recover` are being repaired: in fast recovery, or after a
 *  timeout until the data then outstanding is acknowledged (`ackno` is the cumulative ACK). */
bool congestion_recovering(const struct congestion *cc, uint64_t ackno);

/** After each accepted ACK: `ackno` the cumulative ACK (absolute), `sacked` the bytes SACKed
 *  above it, `has_rtt`/`rtt_ms` the RTT measured from this ACK, if any. Only TCP_CC_BBR uses
 *  it (its delivery-rate and min-RTT samples); the others ignore it. */
void congestion_on_sample(struct congestion *cc, uint64_t ackno, uint64_t sacked, uint64_t now, bool has_rtt,
                          uint64_t rtt_ms);

/** The retransmission timer expired with `flight` bytes outstanding (RFC 5681 3.1 eq. 4). */
void congestion_on_timeout(struct congestion *cc, uint64_t flight, uint64_t snd_nxt);

#endif
