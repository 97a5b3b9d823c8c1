#include "net/lpm_table.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LEVEL1_SLOTS 65536u
#define CHUNK_SLOTS 256u
#define DEFAULT_MAX_CHUNKS ((size_t)1 << 20)

/* LAB6 BEGIN: the longest-prefix-match table */

enum sponge_err lpm_table_init(struct lpm_table *t, size_t max_chunks) {
    memset(t, 0, sizeof *t);
    t->max_chunks = max_chunks ? max_chunks : DEFAULT_MAX_CHUNKS;
    if (t->max_chunks > LPM_MAX_VALUE) {
        t->max_chunks = LPM_MAX_VALUE;
    }
    t->level1 = malloc(LEVEL1_SLOTS * sizeof *t->level1);
    if (!t->level1) {
        lpm_table_destroy(t);
        return SPONGE_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < LEVEL1_SLOTS; i++) {
        t->level1[i] = LPM_NO_MATCH;
    }
    return SPONGE_OK;
}

void lpm_table_destroy(struct lpm_table *t) {
    free(t->level1);
    free(t->chunks);
    memset(t, 0, sizeof *t);
}

/* A full table's chunks span tens of MiB that lookups touch at random, so every lookup would
 * also miss the TLB with 4 KiB pages. Ask for transparent huge pages over the 2 MiB-aligned
 * interior of the block (a hint: harmless where THP is off). */
static void advise_huge_pages(void *block, size_t len) {
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)block + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)block + len) & ~(huge - 1);
    if (end > start) {
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
}

/* Makes room for `extra` more chunks, so that an insert either fully succeeds or changes nothing. */
static enum sponge_err reserve_chunks(struct lpm_table *t, size_t extra) {
    if (t->nchunks + extra > t->max_chunks) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    if (t->nchunks + extra <= t->cap_chunks) {
        return SPONGE_OK;
    }
    /* Grow by an eighth: a full table's chunks dominate its memory, so keep the slack small
     * (realloc of a large block remaps pages rather than copying them). */
    size_t cap = t->cap_chunks + t->cap_chunks / 8 + 16;
    if (cap > t->max_chunks) {
        cap = t->max_chunks;
    }
    uint32_t *chunks = realloc(t->chunks, cap * CHUNK_SLOTS * sizeof *chunks);
    if (!chunks) {
        return SPONGE_ERR_NO_MEMORY;
    }
    t->chunks = chunks;
    t->cap_chunks = cap;
    advise_huge_pages(chunks, cap * CHUNK_SLOTS * sizeof *chunks);
    return SPONGE_OK;
}

/* Turns the leaf in *entry into a chunk whose slots all inherit that leaf. */
static void split_leaf(struct lpm_table *t, uint32_t *entry) {
    size_t idx = t->nchunks++;
    uint32_t *slots = t->chunks + idx * CHUNK_SLOTS;
    for (size_t i = 0; i < CHUNK_SLOTS; i++) {
        slots[i] = *entry;
    }
    *entry = LPM_CHILD | (uint32_t)idx;
}

/* Sets slots[lo, hi) to `leaf` wherever the prefix there is not longer, descending into child
 * chunks (controlled prefix expansion). */
static void fill_slots(struct lpm_table *t, uint32_t *slots, size_t lo, size_t hi, uint32_t leaf) {
    for (size_t i = lo; i < hi; i++) {
        if (slots[i] & LPM_CHILD) {
            fill_slots(t, t->chunks + (size_t)(slots[i] & ~LPM_CHILD) * CHUNK_SLOTS, 0, CHUNK_SLOTS, leaf);
        } else if (slots[i] >> LPM_LEN_SHIFT <= leaf >> LPM_LEN_SHIFT) {
            slots[i] = leaf;
        }
    }
}

enum sponge_err lpm_table_insert(struct lpm_table *t, uint32_t prefix, uint8_t len, uint32_t value) {
    if (len > 32 || value > LPM_MAX_VALUE) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    if (len < 32) {
        prefix &= len ? ~(UINT32_MAX >> len) : 0;
    }
    const uint32_t leaf = (uint32_t)(len + 1) << LPM_LEN_SHIFT | value;

    if (len <= 16) {
        size_t lo = prefix >> 16;
        fill_slots(t, t->level1, lo, lo + ((size_t)1 << (16 - len)), leaf);
        t->nprefixes++;
        return SPONGE_OK;
    }

    /* Longer than 16: at most two new chunks (level 2 and level 3). */
    enum sponge_err err = reserve_chunks(t, len > 24 ? 2 : 1);
    if (err != SPONGE_OK) {
        return err;
    }
    size_t s1 = prefix >> 16;
    if (!(t->level1[s1] & LPM_CHILD)) {
        split_leaf(t, &t->level1[s1]);
    }
    uint32_t *level2 = t->chunks + (size_t)(t->level1[s1] & ~LPM_CHILD) * CHUNK_SLOTS;
    if (len <= 24) {
        size_t lo = (prefix >> 8) & 0xffu;
        fill_slots(t, level2, lo, lo + ((size_t)1 << (24 - len)), leaf);
    } else {
        uint32_t *s2 = &level2[(prefix >> 8) & 0xffu];
        if (!(*s2 & LPM_CHILD)) {
            split_leaf(t, s2);
        }
        uint32_t *level3 = t->chunks + (size_t)(*s2 & ~LPM_CHILD) * CHUNK_SLOTS;
        size_t lo = prefix & 0xffu;
        fill_slots(t, level3, lo, lo + ((size_t)1 << (32 - len)), leaf);
    }
    t->nprefixes++;
    return SPONGE_OK;
}

size_t lpm_table_memory(const struct lpm_table *t) {
    return (LEVEL1_SLOTS + t->cap_chunks * CHUNK_SLOTS) * sizeof *t->level1;
}

size_t lpm_table_prefixes(const struct lpm_table *t) {
    return t->nprefixes;
}
