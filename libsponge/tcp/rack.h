#ifndef SPONGE_TCP_RACK_H
#define SPONGE_TCP_RACK_H

/* RACK loss detection (RFC 8985 section 6) over the sender's per-segment records (the delivery-
 * rate sampler's, rate_sample.h: when each segment was last sent, in what order, whether it was
 * SACKed, retransmitted or marked lost). A segment is lost when a segment sent after it has been
 * delivered and it is still undelivered a reordering window after that: "sent before the most
 * recently delivered segment". Because a retransmission counts as sent when it was resent, a
 * lost retransmission is found the same way, without a timeout. A segment not yet past that
 * window arms the reorder timer, which runs the detection again when it fires.
 *
 * Send order is a counter (finer than the ms clock, RFC 8985's tie-break by sequence number
 * would misorder a retransmission and new data sent in the same ms). No DSACK: the reordering
 * window is not adapted (reo_wnd_mult stays 1). Times in ms on the sender's clock. */

#include "tcp/rate_sample.h"

#include <stdbool.h>
#include <stdint.h>

struct rack {
    /* private */
    bool have;            /* a segment has been delivered: the fields below are set */
    uint64_t xmit_ts;     /* RACK.xmit_ts: when the most recently sent delivered segment left */
    uint64_t order;       /* its place in the send order (for RACK_sent_after) */
    uint64_t rtt;         /* RACK.rtt: its round trip */
    bool have_min_rtt;    /* RACK.min_RTT is set */
    uint64_t min_rtt;     /* the smallest round trip of a segment sent once */
    bool reordering_seen; /* RACK.reordering_seen */
    uint64_t timer_at;    /* the reorder timer's expiry; 0: not armed */
};

/** Nothing delivered yet, no timer. */
void rack_init(struct rack *k);

/** RFC 8985 6.2 steps 1-2: an ACK delivered segments; `rs` is its sample (rate_sampler_on_ack)
 *  and `now` the time. The newest of them becomes RACK's reference, unless it was a
 *  retransmission answered faster than the min RTT (the ACK may be the original's). */
void rack_on_ack(struct rack *k, const struct rate_sample *rs, uint64_t now);

/** Step 4: the reordering window. min_RTT / 4 (at most `srtt`), but 0 while no reordering was
 *  seen and the sender is in loss recovery or `sacked_segments` reach DupThresh (3). */
uint64_t rack_reo_wnd(const struct rack *k, bool in_recovery, size_t sacked_segments, uint64_t srtt);

/** Step 5: marks lost (rate_sampler_mark_lost) every undelivered segment of `r` sent before
 *  RACK's reference whose RACK.rtt + `reo_wnd` has passed by `now`; arms the reorder timer for
 *  the earliest of the others, or disarms it. Returns the bytes newly marked lost. */
uint64_t rack_detect_loss(struct rack *k, struct rate_sampler *r, uint64_t now, uint64_t reo_wnd);

/** True (and disarmed) if the reorder timer is armed and has expired by `now`. */
bool rack_timer_expired(struct rack *k, uint64_t now);

#endif
