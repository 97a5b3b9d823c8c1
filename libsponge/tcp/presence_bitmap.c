#include "tcp/presence_bitmap.h"

#include <assert.h>
#include <stdlib.h>

enum { WORD_BITS = 64 };

enum sponge_err presence_bitmap_init(struct presence_bitmap *b, size_t nbits) {
    assert(nbits > 0);
    b->nbits = 0;
    b->words = calloc(nbits / WORD_BITS + (nbits % WORD_BITS != 0), sizeof *b->words);
    if (!b->words) {
        return SPONGE_ERR_NO_MEMORY;
    }
    b->nbits = nbits;
    return SPONGE_OK;
}

void presence_bitmap_destroy(struct presence_bitmap *b) {
    free(b->words);
    b->words = NULL;
    b->nbits = 0;
}

/* The mask of `take` (1..64) bits starting at bit `shift` of a word (shift + take <= 64). */
static inline uint64_t word_mask(size_t shift, size_t take) {
    uint64_t ones = take == WORD_BITS ? ~(uint64_t)0 : ((uint64_t)1 << take) - 1;
    return ones << shift;
}

/* Set bits in `x`, a subset of `mask` (which has `take` bits). Whole-word ranges that are
 * entirely clear or entirely set, the common cases, need no counting; otherwise a portable
 * SWAR popcount (the baseline x86-64 target has no popcnt instruction, and the builtin
 * becomes a library call). */
static inline size_t count_bits(uint64_t x, uint64_t mask, size_t take) {
    if (x == 0 || x == mask) {
        return x ? take : 0;
    }
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (size_t)((x * 0x0101010101010101ULL) >> 56);
}

/* Sets (or clears) the bits of `mask` in *w, which has `take` bits; returns how many changed. */
static inline size_t update_word(uint64_t *w, uint64_t mask, size_t take, int set) {
    uint64_t before = *w;
    *w = set ? before | mask : before & ~mask;
    return count_bits(set ? mask & ~before : mask & before, mask, take);
}

/* Sets (or clears) bits [pos, pos + n) that do not cross the end of the ring; returns how many
 * bits changed. A partial first word, whole words, a partial last word. */
static size_t update_linear(uint64_t *words, size_t pos, size_t n, int set) {
    if (n == 0) {
        return 0;
    }
    size_t changed = 0;
    size_t word = pos / WORD_BITS;
    size_t shift = pos % WORD_BITS;
    if (shift) {
        size_t take = WORD_BITS - shift < n ? WORD_BITS - shift : n;
        changed += update_word(&words[word++], word_mask(shift, take), take, set);
        n -= take;
    }
    for (; n >= WORD_BITS; n -= WORD_BITS) {
        changed += update_word(&words[word++], ~(uint64_t)0, WORD_BITS, set);
    }
    if (n) {
        changed += update_word(&words[word], word_mask(0, n), n, set);
    }
    return changed;
}

static size_t update(struct presence_bitmap *b, size_t pos, size_t n, int set) {
    assert(pos < b->nbits && n <= b->nbits);
    size_t first = b->nbits - pos;
    if (n <= first) {
        return update_linear(b->words, pos, n, set);
    }
    return update_linear(b->words, pos, first, set) + update_linear(b->words, 0, n - first, set);
}

size_t presence_bitmap_set(struct presence_bitmap *b, size_t pos, size_t n) {
    return update(b, pos, n, 1);
}

size_t presence_bitmap_clear(struct presence_bitmap *b, size_t pos, size_t n) {
    return update(b, pos, n, 0);
}

/* Consecutive set bits in [pos, end), end <= nbits, from pos on. */
static size_t run_linear(const uint64_t *words, size_t pos, size_t end) {
    size_t start = pos;
    while (pos < end) {
        size_t shift = pos % WORD_BITS;
        /* Clear bits of interest become ones; the bits shifted in at the top are zeros of the
         * word and so ones here too, which caps the count at the word's end. */
        uint64_t holes = ~(words[pos / WORD_BITS] >> shift);
        size_t ones = holes ? (size_t)__builtin_ctzll(holes) : WORD_BITS;
        pos += ones;
        if (ones < WORD_BITS - shift) {
            break;
        }
    }
    return (pos < end ? pos : end) - start;
}

/* Consecutive clear bits in [pos, end), end <= nbits, from pos on. */
static size_t gap_linear(const uint64_t *words, size_t pos, size_t end) {
    size_t start = pos;
    while (pos < end) {
        size_t shift = pos % WORD_BITS;
        uint64_t marks = words[pos / WORD_BITS] >> shift; /* zeros shifted in: no false stop */
        size_t zeros = marks ? (size_t)__builtin_ctzll(marks) : WORD_BITS - shift;
        pos += zeros;
        if (zeros < WORD_BITS - shift) {
            break;
        }
    }
    return (pos < end ? pos : end) - start;
}

size_t presence_bitmap_gap(const struct presence_bitmap *b, size_t pos, size_t max) {
    assert(pos < b->nbits && max <= b->nbits);
    size_t first = b->nbits - pos;
    if (max <= first) {
        return gap_linear(b->words, pos, pos + max);
    }
    size_t gap = gap_linear(b->words, pos, b->nbits);
    if (gap < first) {
        return gap;
    }
    return gap + gap_linear(b->words, 0, max - first);
}

size_t presence_bitmap_run(const struct presence_bitmap *b, size_t pos, size_t max) {
    assert(pos < b->nbits && max <= b->nbits);
    size_t first = b->nbits - pos;
    if (max <= first) {
        return run_linear(b->words, pos, pos + max);
    }
    size_t run = run_linear(b->words, pos, b->nbits);
    if (run < first) {
        return run;
    }
    return run + run_linear(b->words, 0, max - first);
}
