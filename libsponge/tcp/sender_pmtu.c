#include "tcp/sender_pmtu.h"

#include "tcp/sender_modern.h"

#include <assert.h>
#include <stdbool.h>

size_t tcp_sender_max_payload(const struct tcp_sender *s) {
    return s->cfg.max_payload;
}

/* Is there a descriptor starting at `seqno` in `ring`? */
static bool holds(const struct segment_ring *ring, uint64_t seqno) {
    for (size_t i = 0; i < segment_ring_count(ring); i++) {
        if (segment_ring_at(ring, i)->seqno == seqno) {
            return true;
        }
    }
    return false;
}

/* Replaces every descriptor of `ring` whose payload exceeds `limit` by pieces of at most `limit`
 * bytes, in order; a SYN stays with the first piece and a FIN with the last. With `resend`, the
 * pieces are also appended there (while it has room), except those `resend` holds already. The
 * pieces go to a new array of the size they need, within the ring's bound; if that is too many
 * or cannot be allocated, the ring is left as it is (the timer resends its segments whole).
 * Returns how many pieces went to `resend`. */
static size_t split_ring(struct segment_ring *ring, size_t limit, struct segment_ring *resend) {
    size_t needed = 0;
    for (size_t i = 0; i < segment_ring_count(ring); i++) {
        needed += tcp_sender_segment_pieces(segment_ring_at(ring, i), limit);
    }
    struct segment_ring fresh;
    if (needed == segment_ring_count(ring) || needed > ring->max_cap ||
        segment_ring_init(&fresh, needed, ring->max_cap) != SPONGE_OK) {
        return 0;
    }
    size_t resent = 0;
    for (size_t i = 0; i < segment_ring_count(ring); i++) {
        const struct tcp_sender_segment *d = segment_ring_at(ring, i);
        if (d->payload_len <= limit) {
            segment_ring_push(&fresh, d);
            continue;
        }
        for (uint32_t done = 0; done < d->payload_len; done += (uint32_t)limit) {
            struct tcp_sender_segment piece = tcp_sender_segment_piece(d, done, limit);
            segment_ring_push(&fresh, &piece);
            if (resend && !holds(resend, piece.seqno) && segment_ring_reserve(resend)) {
                segment_ring_push(resend, &piece);
                resent++;
            }
        }
    }
    segment_ring_destroy(ring);
    *ring = fresh;
    return resent;
}

size_t tcp_sender_path_mtu_lowered(struct tcp_sender *s, size_t max_payload) {
    assert(max_payload > 0 && max_payload < s->cfg.max_payload);
    tcp_sender_set_max_payload(s, max_payload);
    /* The queue first, so that pieces waiting there are not queued twice. The lab's own record
     * of its outstanding segments keeps them whole: a retransmission of one is cut into pieces
     * as it is popped (tcp_sender_segments_out). */
    split_ring(&s->queue, max_payload, NULL);
    size_t resent = s->ext ? split_ring(&s->ext->outstanding, max_payload, &s->queue) : 0;
    if (resent) {
        tcp_sender_forget_rtt_sample(s); /* Karn's rule: an ACK of a resent piece cannot time the original */
    }
    return resent;
}
