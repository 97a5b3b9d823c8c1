#ifndef SPONGE_TCP_RATE_SAMPLE_H
#define SPONGE_TCP_RATE_SAMPLE_H

/* Per-ACK delivery-rate samples (draft-cheng-iccrg-delivery-rate-estimation-02), for the
 * model-based congestion control (congestion_bbr.h) and the sender's trace.
 *
 * When a segment is sent the sampler records, beside its sequence range, how much had been
 * delivered by then and when (the draft's P.delivered, P.delivered_time, P.first_sent_time,
 * P.is_app_limited, P.sent_time). When an ACK (cumulatively or by SACK) delivers segments, the
 * newest of them yields one sample: the bytes delivered between its sending and now over the
 * longer of its send and ACK intervals (section 3.3), so that neither a burst of sends nor a
 * compressed run of ACKs can inflate the rate. A sample is app-limited when the application,
 * not the network, limited what was in flight when the segment was sent (section 3.4).
 *
 * Time is the sender's clock in ms (sum of ticks); rates are bytes per second. Records live in
 * one ring that grows by doubling up to a fixed maximum (the most segments that can be
 * outstanding); a segment sent while the ring is full simply yields no sample. */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What the sampler remembers of one sent segment: written by rate_sample.c only; RACK
 *  (rack.h) reads it as the sender's per-segment scoreboard. */
struct rate_record {
    uint64_t start, end;                      /* absolute seqnos [start, end) */
    uint64_t delivered;                       /* P.delivered: C.delivered when sent */
    uint64_t delivered_time, first_sent_time; /* P.delivered_time, P.first_sent_time */
    uint64_t sent_time;                       /* P.sent_time (of the latest transmission) */
    uint64_t order;                           /* place of that transmission in the send order */
    bool app_limited, sacked, retransmitted;
    bool lost; /* marked lost (rate_sampler_mark_lost) and not resent since */
};

/** One ACK's sample (the draft's RS). */
struct rate_sample {
    bool has_rate;            /* a delivery rate was measured (interval_ms > 0, bytes delivered) */
    uint64_t delivery_rate;   /* bytes per second over the interval */
    uint64_t delivered;       /* bytes delivered over the interval (RS.delivered) */
    uint64_t interval_ms;     /* max(send_elapsed, ack_elapsed) (RS.interval) */
    uint64_t prior_delivered; /* C.delivered when the newest delivered segment was sent */
    bool is_app_limited;      /* RS.is_app_limited: the rate says little about the path */
    bool has_rtt;             /* the newest delivered segment was sent once: its RTT is known */
    uint64_t rtt_ms;
    uint64_t newly_delivered; /* bytes this ACK delivered (cumulatively or by SACK) */
    uint64_t total_delivered; /* C.delivered after this ACK */
    /* The newest delivered segment (for RACK, rack.h): when and in what order it was last sent,
     * whether that was a retransmission; and whether the ACK SACKed a segment sent once that
     * lies below one delivered before (reordering, RFC 8985 6.2 step 1). */
    uint64_t sent_time, sent_order;
    bool retransmitted, reordered;
};

struct rate_sampler {
    /* private */
    struct rate_record *items;
    size_t cap, max_cap, head, count;
    uint64_t delivered;       /* C.delivered: bytes acknowledged or SACKed so far */
    uint64_t delivered_time;  /* C.delivered_time */
    uint64_t first_sent_time; /* C.first_sent_time */
    uint64_t app_limited;     /* C.app_limited: 0, or the delivered count that ends the app-limited phase */
    uint64_t sent_end;        /* end of the highest range sent */
    uint64_t retransmissions; /* segments sent again (counted for the trace) */
    uint64_t sends;           /* transmissions so far: the next record's order */
    uint64_t fack;            /* end of the highest segment delivered so far */
    uint64_t lost_bytes;      /* bytes of the records marked lost */
    uint64_t sacked_bytes;    /* bytes of the records SACKed */
    size_t sacked_records;    /* records SACKed and not yet cumulatively acknowledged */
    struct rate_sample acc;   /* the sample the current ACK is building */
    bool acc_any;             /* some segment has been delivered in it */
    uint64_t acc_send_elapsed, acc_ack_elapsed;
};

/** Allocates room for `initial` records, growing up to `max_records` (1 <= initial <= max).
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err rate_sampler_init(struct rate_sampler *r, size_t initial, size_t max_records);

/** Frees the records. Safe to call twice. */
void rate_sampler_destroy(struct rate_sampler *r);

/** The segment [start, end) goes on the wire at `now`: a new one is recorded, a retransmitted
 *  one (below what was sent before) has its record refreshed (section 3.2). */
void rate_sampler_on_send(struct rate_sampler *r, uint64_t start, uint64_t end, uint64_t now);

/** The sender wanted to send but had no data (section 3.4): the samples of segments sent from
 *  now until `in_flight` more bytes are delivered are app-limited. */
void rate_sampler_app_limited(struct rate_sampler *r, uint64_t in_flight);

/** The ACK being processed SACKs [left, right): records wholly inside it are delivered. */
void rate_sampler_on_sack(struct rate_sampler *r, uint64_t left, uint64_t right, uint64_t now);

/** The ACK being processed has cumulative ackno `ackno` (its SACK blocks given before): the
 *  records below it are delivered and forgotten. Returns the ACK's sample (section 3.3). */
struct rate_sample rate_sampler_on_ack(struct rate_sampler *r, uint64_t ackno, uint64_t now);

/** Records of the segments sent and not cumulatively acknowledged, in seqno order. */
size_t rate_sampler_count(const struct rate_sampler *r);

/** The i-th of them (i < rate_sampler_count). */
const struct rate_record *rate_sampler_record(const struct rate_sampler *r, size_t i);

/** Marks the i-th record lost (loss detection: RACK, or a retransmission timeout). */
void rate_sampler_mark_lost(struct rate_sampler *r, size_t i);

/** The i-th record's segment is queued again at `now`: no longer lost; for loss detection
 *  it counts as sent now (rate_sampler_on_send refreshes it again when it leaves). */
void rate_sampler_resending(struct rate_sampler *r, size_t i, uint64_t now);

/** Bytes marked lost and not resent since. Such bytes have left the network, so a congestion
 *  control that counts what is in flight leaves them out until they are resent. */
uint64_t rate_sampler_lost_bytes(const struct rate_sampler *r);

/** Records SACKed and not yet cumulatively acknowledged. */
size_t rate_sampler_sacked_segments(const struct rate_sampler *r);

/** Their bytes. */
uint64_t rate_sampler_sacked_bytes(const struct rate_sampler *r);

/** Bytes delivered (acknowledged or SACKed) so far. */
uint64_t rate_sampler_delivered(const struct rate_sampler *r);

/** Segments sent again so far. */
uint64_t rate_sampler_retransmissions(const struct rate_sampler *r);

#endif
