/* Delivery-rate samples: draft-cheng-iccrg-delivery-rate-estimation-02, sections 3.2-3.4.
 * The draft's per-packet fields live in a ring of records in seqno order (new segments are
 * appended; a retransmission refreshes the records it covers, found by binary search). */
#include "tcp/rate_sample.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum sponge_err rate_sampler_init(struct rate_sampler *r, size_t initial, size_t max_records) {
    assert(initial >= 1 && initial <= max_records);
    memset(r, 0, sizeof *r);
    r->items = malloc(initial * sizeof *r->items);
    if (r->items == NULL) {
        return SPONGE_ERR_NO_MEMORY;
    }
    r->cap = initial;
    r->max_cap = max_records;
    return SPONGE_OK;
}

void rate_sampler_destroy(struct rate_sampler *r) {
    free(r->items);
    r->items = NULL;
    r->cap = r->count = 0;
}

static struct rate_record *at(const struct rate_sampler *r, size_t i) {
    size_t slot = r->head + i;
    return &r->items[slot < r->cap ? slot : slot - r->cap];
}

/* Room for one more record: doubles the ring (unwrapping it) up to max_cap. */
static bool reserve(struct rate_sampler *r) {
    if (r->count < r->cap) {
        return true;
    }
    if (r->cap >= r->max_cap) {
        return false;
    }
    size_t cap = r->cap * 2 < r->max_cap ? r->cap * 2 : r->max_cap;
    struct rate_record *items = malloc(cap * sizeof *items);
    if (items == NULL) {
        return false;
    }
    for (size_t i = 0; i < r->count; i++) {
        items[i] = *at(r, i);
    }
    free(r->items);
    r->items = items;
    r->cap = cap;
    r->head = 0;
    return true;
}

/* Index of the first record ending after `seqno` (count if none). */
static size_t first_after(const struct rate_sampler *r, uint64_t seqno) {
    size_t lo = 0, hi = r->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (at(r, mid)->end <= seqno) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Section 3.2: the connection's delivery state as the segment leaves. */
static void snapshot(struct rate_sampler *r, struct rate_record *p, uint64_t now) {
    p->delivered = r->delivered;
    p->delivered_time = r->delivered_time;
    p->first_sent_time = r->first_sent_time;
    p->app_limited = r->app_limited != 0;
    p->sent_time = now;
    p->order = r->sends++;
}

static void unmark_lost(struct rate_sampler *r, struct rate_record *p) {
    if (p->lost) {
        p->lost = false;
        r->lost_bytes -= p->end - p->start;
    }
}

void rate_sampler_on_send(struct rate_sampler *r, uint64_t start, uint64_t end, uint64_t now) {
    if (end <= start) {
        return;
    }
    /* "If there are no packets in flight yet": the intervals start from this send. */
    if (r->count == 0) {
        r->first_sent_time = now;
        r->delivered_time = now;
    }
    if (start < r->sent_end) {
        r->retransmissions++;
        for (size_t i = first_after(r, start); i < r->count && at(r, i)->start < end; i++) {
            struct rate_record *p = at(r, i);
            snapshot(r, p, now);
            p->retransmitted = true;
            unmark_lost(r, p);
        }
        return;
    }
    r->sent_end = end;
    if (!reserve(r)) {
        return; /* no sample for this one */
    }
    r->count++;
    struct rate_record *p = at(r, r->count - 1);
    *p = (struct rate_record){.start = start, .end = end};
    snapshot(r, p, now);
}

void rate_sampler_app_limited(struct rate_sampler *r, uint64_t in_flight) {
    uint64_t end = r->delivered + in_flight;
    r->app_limited = end > 0 ? end : 1;
}

/* Section 3.3, UpdateRateSample: a segment is delivered; the newest one sent of those this ACK
 * delivers sets the sample's start (Linux's tcp_rate_skb_delivered picks it by send time too). */
static void delivered(struct rate_sampler *r, struct rate_record *p, uint64_t now) {
    unmark_lost(r, p);
    r->delivered += p->end - p->start;
    r->delivered_time = now;
    r->acc.newly_delivered += p->end - p->start;
    r->fack = p->end > r->fack ? p->end : r->fack;
    if (r->acc_any && p->order < r->acc.sent_order) {
        return;
    }
    r->acc_any = true;
    r->acc.sent_time = p->sent_time;
    r->acc.sent_order = p->order;
    r->acc.prior_delivered = p->delivered;
    r->acc.is_app_limited = p->app_limited;
    r->acc_send_elapsed = p->sent_time - p->first_sent_time;
    r->acc_ack_elapsed = now - p->delivered_time;
    r->acc.retransmitted = p->retransmitted;
    r->first_sent_time = p->sent_time;
}

void rate_sampler_on_sack(struct rate_sampler *r, uint64_t left, uint64_t right, uint64_t now) {
    for (size_t i = first_after(r, left); i < r->count && at(r, i)->end <= right; i++) {
        struct rate_record *p = at(r, i);
        if (!p->sacked && p->start >= left) {
            p->sacked = true;
            r->sacked_records++;
            r->sacked_bytes += p->end - p->start;
            r->acc.reordered |= !p->retransmitted && p->end < r->fack;
            delivered(r, p, now);
        }
    }
}

struct rate_sample rate_sampler_on_ack(struct rate_sampler *r, uint64_t ackno, uint64_t now) {
    while (r->count && r->items[r->head].end <= ackno) {
        struct rate_record *p = &r->items[r->head];
        if (!p->sacked) {
            delivered(r, p, now);
        } else {
            r->sacked_records--;
            r->sacked_bytes -= p->end - p->start;
        }
        r->head = r->head + 1 == r->cap ? 0 : r->head + 1;
        r->count--;
    }
    struct rate_sample rs = r->acc;
    bool any = r->acc_any;
    r->acc = (struct rate_sample){0};
    r->acc_any = false;
    /* GenerateRateSample: the app-limited phase ends once its data are delivered. */
    if (r->app_limited && r->delivered > r->app_limited) {
        r->app_limited = 0;
    }
    rs.total_delivered = r->delivered;
    if (!any) {
        return rs;
    }
    rs.interval_ms = r->acc_send_elapsed > r->acc_ack_elapsed ? r->acc_send_elapsed : r->acc_ack_elapsed;
    rs.delivered = r->delivered - rs.prior_delivered;
    rs.has_rate = rs.interval_ms > 0 && rs.delivered > 0;
    rs.delivery_rate = rs.has_rate ? rs.delivered * 1000 / rs.interval_ms : 0;
    /* Karn: a retransmitted segment's ACK may answer either copy. */
    rs.has_rtt = !rs.retransmitted;
    rs.rtt_ms = now - rs.sent_time;
    return rs;
}

size_t rate_sampler_count(const struct rate_sampler *r) {
    return r->count;
}

const struct rate_record *rate_sampler_record(const struct rate_sampler *r, size_t i) {
    assert(i < r->count);
    return at(r, i);
}

void rate_sampler_mark_lost(struct rate_sampler *r, size_t i) {
    struct rate_record *p = at(r, i);
    if (!p->lost && !p->sacked) {
        p->lost = true;
        r->lost_bytes += p->end - p->start;
    }
}

void rate_sampler_resending(struct rate_sampler *r, size_t i, uint64_t now) {
    struct rate_record *p = at(r, i);
    unmark_lost(r, p);
    p->sent_time = now;
    p->order = r->sends++;
    p->retransmitted = true;
}

uint64_t rate_sampler_lost_bytes(const struct rate_sampler *r) {
    return r->lost_bytes;
}

size_t rate_sampler_sacked_segments(const struct rate_sampler *r) {
    return r->sacked_records;
}

uint64_t rate_sampler_sacked_bytes(const struct rate_sampler *r) {
    return r->sacked_bytes;
}

uint64_t rate_sampler_delivered(const struct rate_sampler *r) {
    return r->delivered;
}

uint64_t rate_sampler_retransmissions(const struct rate_sampler *r) {
    return r->retransmissions;
}
