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

/** How many pieces of at most `limit` (> 0) payload bytes `seg` makes (1 if it fits). */
static inline size_t tcp_sender_segment_pieces(const struct tcp_sender_segment *seg, size_t limit) {
    return seg->payload_len > limit ? (seg->payload_len + limit - 1) / limit : 1;
}

/** The piece of `seg` whose payload starts `offset` bytes into seg's (offset < payload_len, or 0)
 *  and holds at most `limit` bytes: the SYN goes with the first piece and the FIN with the last,
 *  as a carrier that cuts the segment (TSO, sender_pmtu.h) places them. */
static inline struct tcp_sender_segment tcp_sender_segment_piece(const struct tcp_sender_segment *seg, uint32_t offset,
                                                                 size_t limit) {
    uint32_t left = seg->payload_len - offset;
    uint32_t len = left < limit ? left : (uint32_t)limit;
    return (struct tcp_sender_segment){.seqno = seg->seqno + (offset ? (uint64_t)seg->syn + offset : 0),
                                       .payload_len = len,
                                       .syn = offset == 0 && seg->syn,
                                       .fin = len == left && seg->fin,
                                       .rst = seg->rst};
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

/** Makes room for `n` more descriptors at once, growing if needed. False when they would exceed
 *  max_cap or the allocation failed (the ring keeps what it had, perhaps grown). */
bool segment_ring_reserve_many(struct segment_ring *r, size_t n);

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
