#ifndef SPONGE_TCP_PRESENCE_BITMAP_H
#define SPONGE_TCP_PRESENCE_BITMAP_H

/* A ring of `nbits` bits, used by the StreamReassembler to remember which bytes of its
 * window are present (given code, not lab 1's: a lab solution may use it or not). Positions wrap at nbits; ranges may
 * cross the end of the ring. Every operation works a 64-bit word at a time: O(n / 64 + 1), never a loop per bit. */

#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

struct presence_bitmap {
    /* private */
    uint64_t *words;
    size_t nbits;
};

/** Allocates `nbits` (> 0) cleared bits. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err presence_bitmap_init(struct presence_bitmap *b, size_t nbits);

/** Frees the bits. Safe to call twice. */
void presence_bitmap_destroy(struct presence_bitmap *b);

/** Position `pos + n` wrapped into the ring (pos < nbits, n <= nbits). */
static inline size_t presence_bitmap_wrap(const struct presence_bitmap *b, size_t pos, size_t n) {
    size_t p = pos + n;
    return p >= b->nbits ? p - b->nbits : p;
}

/** Sets the `n` (<= nbits) bits from `pos` on; returns how many of them were clear before. */
size_t presence_bitmap_set(struct presence_bitmap *b, size_t pos, size_t n);

/** Clears the `n` (<= nbits) bits from `pos` on; returns how many of them were set before. */
size_t presence_bitmap_clear(struct presence_bitmap *b, size_t pos, size_t n);

/** Counts the consecutive set bits from `pos` on, stopping at the first clear bit or at `max`
 *  (<= nbits), whichever comes first. */
size_t presence_bitmap_run(const struct presence_bitmap *b, size_t pos, size_t max);

/** Counts the consecutive clear bits from `pos` on, stopping at the first set bit or at `max`
 *  (<= nbits), whichever comes first. */
size_t presence_bitmap_gap(const struct presence_bitmap *b, size_t pos, size_t max);

#endif
