/* RACK loss detection, RFC 8985 section 6 (rack.h). */
#include "tcp/rack.h"

#include <string.h>

/* RFC 8985 6.2 step 4: SACKed segments that make the window 0 when no reordering was seen. */
#define RACK_DUPTHRESH 3

void rack_init(struct rack *k) {
    memset(k, 0, sizeof *k);
}

void rack_on_ack(struct rack *k, const struct rate_sample *rs, uint64_t now) {
    k->reordering_seen |= rs->reordered;
    if (rs->newly_delivered == 0) {
        return;
    }
    uint64_t rtt = now - rs->sent_time;
    if (rs->retransmitted && k->have_min_rtt && rtt < k->min_rtt) {
        return; /* too fast for the retransmission: the original's ACK */
    }
    if (!rs->retransmitted && (!k->have_min_rtt || rtt < k->min_rtt)) {
        k->have_min_rtt = true;
        k->min_rtt = rtt;
    }
    k->rtt = rtt;
    if (!k->have || rs->sent_order > k->order) {
        k->have = true;
        k->xmit_ts = rs->sent_time;
        k->order = rs->sent_order;
    }
}

uint64_t rack_reo_wnd(const struct rack *k, bool in_recovery, size_t sacked_segments, uint64_t srtt) {
    if (!k->reordering_seen && (in_recovery || sacked_segments >= RACK_DUPTHRESH)) {
        return 0;
    }
    uint64_t wnd = k->min_rtt / 4;
    return srtt && srtt < wnd ? srtt : wnd;
}

uint64_t rack_detect_loss(struct rack *k, struct rate_sampler *r, uint64_t now, uint64_t reo_wnd) {
    k->timer_at = 0;
    if (!k->have) {
        return 0;
    }
    uint64_t lost = 0, wait = 0;
    for (size_t i = 0; i < rate_sampler_count(r); i++) {
        const struct rate_record *p = rate_sampler_record(r, i);
        if (p->order > k->order) {
            /* Sent after the reference. Records are in seqno order, so from the first one sent
             * only once on, every later record was sent later still. */
            if (!p->retransmitted) {
                break;
            }
            continue;
        }
        if (p->sacked || p->lost) {
            continue;
        }
        uint64_t deadline = p->sent_time + k->rtt + reo_wnd;
        if (deadline <= now) {
            rate_sampler_mark_lost(r, i);
            lost += p->end - p->start;
        } else if (deadline - now > wait) {
            wait = deadline - now;
        }
    }
    k->timer_at = wait ? now + wait : 0;
    return lost;
}

bool rack_timer_expired(struct rack *k, uint64_t now) {
    if (k->timer_at == 0 || now < k->timer_at) {
        return false;
    }
    k->timer_at = 0;
    return true;
}
