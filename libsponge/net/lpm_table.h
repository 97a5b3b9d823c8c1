#ifndef SPONGE_NET_LPM_TABLE_H
#define SPONGE_NET_LPM_TABLE_H

/* Longest-prefix-match table for IPv4: maps a 32-bit address to the value of the longest
 * matching prefix. Used by the Router.
 *
 * Structure: a three-level multibit trie with strides 16, 8 and 8 ("DIR-16-8-8"). Level 1 is
 * a flat array of 65536 entries indexed by the top 16 bits of the address; an entry is either
 * a leaf (the value of the longest prefix of length <= 16 covering it) or the index of a
 * 256-entry level-2 chunk, indexed by the next 8 bits; level-2 entries likewise point to
 * level-3 chunks for prefixes longer than 24. A lookup is at most three array reads, with
 * no branches on prefix length and no comparisons of prefixes.
 *
 * Insertion is incremental and order-independent: each leaf slot remembers the length of the
 * prefix that set it (6 bits of the 32-bit entry, beside a 25-bit value), and a new prefix
 * overwrites exactly the slots whose current prefix is not longer. Controlled prefix expansion means a /8 writes
 * 256 level-1 slots (and any chunks below them); a /24 writes one level-2 slot.
 *
 * Memory: 256 KiB for level 1, plus 1 KiB per chunk (a chunk exists for each /16 that
 * holds a prefix longer than 16, and each /24 that holds one longer than 24). Chunks live in
 * one growable array; all growth is checked and bounded by `max_chunks`. */

#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

/* An entry is either a chunk index with LPM_CHILD set, or a leaf: (1 + prefix length) in bits
 * 25..30 (0 = no prefix) and the value in bits 0..24. */
#define LPM_CHILD 0x80000000u
#define LPM_VALUE_MASK 0x01ffffffu
#define LPM_LEN_SHIFT 25
/** The value lookup returns when no prefix matches. */
#define LPM_NO_MATCH LPM_VALUE_MASK
/** Largest storable value (25 bits). */
#define LPM_MAX_VALUE (LPM_VALUE_MASK - 1)

struct lpm_table {
    /* private */
    uint32_t *level1; /* 65536 entries */
    uint32_t *chunks; /* nchunks * 256 entries */
    size_t nchunks;
    size_t cap_chunks;
    size_t max_chunks;
    size_t nprefixes;
};

/** Allocates an empty table that may grow to at most `max_chunks` chunks (0 = the default,
 *  enough for a full Internet table: 1 << 20). Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err lpm_table_init(struct lpm_table *t, size_t max_chunks);

/** Frees all memory. Safe to call twice. */
void lpm_table_destroy(struct lpm_table *t);

/** Adds prefix/len -> value (len 0..32; bits of `prefix` past len are ignored; value <=
 *  LPM_MAX_VALUE). A prefix added again with the same length replaces the old value.
 *  Returns SPONGE_OK, SPONGE_ERR_NO_MEMORY or SPONGE_ERR_INVALID_ARGUMENT (bad len or value,
 *  or the chunk limit reached); the table is unchanged on error. */
enum sponge_err lpm_table_insert(struct lpm_table *t, uint32_t prefix, uint8_t len, uint32_t value);

/** The value of the longest prefix matching `addr`, or LPM_NO_MATCH. */
static inline uint32_t lpm_table_lookup(const struct lpm_table *t, uint32_t addr) {
    uint32_t e = t->level1[addr >> 16];
    if (e & LPM_CHILD) {
        e = t->chunks[((size_t)(e & ~LPM_CHILD) << 8) | ((addr >> 8) & 0xffu)];
        if (e & LPM_CHILD) {
            e = t->chunks[((size_t)(e & ~LPM_CHILD) << 8) | (addr & 0xffu)];
        }
    }
    return e & LPM_VALUE_MASK;
}

/** Bytes of memory the table holds. */
size_t lpm_table_memory(const struct lpm_table *t);

/** Number of insert calls that succeeded. */
size_t lpm_table_prefixes(const struct lpm_table *t);

#endif
