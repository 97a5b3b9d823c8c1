#ifndef SPONGE_TCP_SENDER_SEGMENTS_H
#define SPONGE_TCP_SENDER_SEGMENTS_H

/* The TCPSender's segment descriptors and the bounded ring that holds them (its outstanding
 * segments and its queue of segments to pop). A descriptor names a segment by its place in
 * sequence space; the payload bytes stay in the sender's outbound stream.
 *
 * The ring starts at a capacity chosen from the configuration and grows by doubling (realloc)
 * only up to a fixed maximum, so what a peer or a slow caller can make it hold is bounded. */

#include "util/error.h"

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A segment the sender has made: where it starts and what it holds. Payload bytes are the
 *  stream bytes at absolute seqnos [seqno + syn, seqno + syn + payload_len). */
struct tcp_sender_segment {
    uint64_t seqno; /* absolute */
    uint32_t payload_len;
    bool syn;
    bool fin;
    bool rst;
};

/** Sequence numbers the segment occupies: SYN and FIN count one each (RFC 793 section 3.3). */
static inline uint64_t tcp_sender_segment_length(const struct tcp_sender_segment *seg) {
    return (uint64_t)seg->syn + seg->payload_len + (uint64_t)seg->fin;
}

/** Stream index (0 = first byte ever written) of the segment's first payload byte: the SYN
 *  takes absolute seqno 0, so stream byte i has absolute seqno i + 1. */
static inline uint64_t tcp_sender_segment_stream_index(const struct tcp_sender_segment *seg) {
    return seg->seqno + (uint64_t)seg->syn - 1;
}

/** A FIFO of descriptors in one growable array used as a ring. */
struct segment_ring {
    /* private */
    struct tcp_sender_segment *items;
    size_t cap;     /* allocated slots */
    size_t max_cap; /* the ring never grows beyond this */
    size_t head;    /* slot of the oldest descriptor */
    size_t count;
};

/** Allocates `initial_cap` slots (1 <= initial_cap <= max_cap).
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err segment_ring_init(struct segment_ring *r, size_t initial_cap, size_t max_cap);

/** Frees the slots. Safe to call twice. */
void segment_ring_destroy(struct segment_ring *r);

/** Makes room for one more descriptor, growing if needed. False when the ring already holds
 *  max_cap descriptors or the allocation failed (the ring is unchanged). */
bool segment_ring_reserve(struct segment_ring *r);

/** Appends a copy of `seg`. Requires room (segment_ring_reserve returned true). */
void segment_ring_push(struct segment_ring *r, const struct tcp_sender_segment *seg);

/** Removes the oldest descriptor. Requires a non-empty ring. */
void segment_ring_pop(struct segment_ring *r);

static inline size_t segment_ring_count(const struct segment_ring *r) {
    return r->count;
}

/** The i-th oldest descriptor (0 = oldest). Requires i < count. */
static inline struct tcp_sender_segment *segment_ring_at(const struct segment_ring *r, size_t i) {
    assert(i < r->count);
    size_t slot = r->head + i;
    return &r->items[slot < r->cap ? slot : slot - r->cap];
}

#endif
