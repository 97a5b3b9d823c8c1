#include "tcp/sender_segments.h"

#include <stdlib.h>
#include <string.h>

enum sponge_err segment_ring_init(struct segment_ring *r, size_t initial_cap, size_t max_cap) {
    assert(initial_cap >= 1 && initial_cap <= max_cap);
    memset(r, 0, sizeof *r);
    r->items = calloc(initial_cap, sizeof *r->items);
    if (!r->items) {
        return SPONGE_ERR_NO_MEMORY;
    }
    r->cap = initial_cap;
    r->max_cap = max_cap;
    return SPONGE_OK;
}

void segment_ring_destroy(struct segment_ring *r) {
    free(r->items);
    r->items = NULL;
    r->cap = r->count = r->head = 0;
}

bool segment_ring_reserve(struct segment_ring *r) {
    return segment_ring_reserve_many(r, 1);
}

bool segment_ring_reserve_many(struct segment_ring *r, size_t n) {
    if (n > r->max_cap - r->count) {
        return false;
    }
    while (r->cap - r->count < n) {
        size_t new_cap = r->cap <= r->max_cap / 2 ? r->cap * 2 : r->max_cap;
        struct tcp_sender_segment *items = realloc(r->items, new_cap * sizeof *items);
        if (!items) {
            return false;
        }
        /* If the descriptors wrap around the end, move the older part [head, cap) to the end of
         * the larger array so that they stay in order. */
        size_t older = r->cap - r->head;
        if (r->head + r->count > r->cap) {
            memmove(items + new_cap - older, items + r->head, older * sizeof *items);
            r->head = new_cap - older;
        }
        r->items = items;
        r->cap = new_cap;
    }
    return true;
}

void segment_ring_push(struct segment_ring *r, const struct tcp_sender_segment *seg) {
    assert(r->count < r->cap);
    size_t slot = r->head + r->count;
    r->items[slot < r->cap ? slot : slot - r->cap] = *seg;
    r->count++;
}

void segment_ring_pop(struct segment_ring *r) {
    assert(r->count > 0);
    r->head = r->head + 1 < r->cap ? r->head + 1 : 0;
    r->count--;
}
