#ifndef SPONGE_NET_LPM_TABLE_H
#define SPONGE_NET_LPM_TABLE_H

/* Longest-prefix-match table for IPv4: maps a 32-bit address to the value of the longest
 * matching prefix. Used by the Router.
 *
 * Structure: a three-level multibit trie with strides 16, 8 and 8 whose 256-slot nodes are
 * stored compressed (the idea of Poptrie, Asai and Ohara, SIGCOMM 2015, with 8-bit strides).
 * Level 1 is a flat array of 65536 entries indexed by the top 16 bits of the address
 * ("direct pointing"). An entry is either a leaf (the value of the longest prefix covering
 * it, and that prefix's length) or a reference to a node for the next 8 bits. Expanded, a
 * node would be 256 entries, but neighbouring slots almost always hold the same leaf (one
 * /24 inside a /16 covers one slot and leaves two runs of the covering prefix around it), so
 * a node stores only:
 *   - a 256-bit map with bit i set when slot i starts a new run (slot 0 always does),
 *   - the running count of set bits before each 64-bit word of the map,
 *   - the entries of the runs, densely, in slot order (a child reference is always a run).
 * The entry of slot i is run number popcount(map bits 0..i) - 1: one 64-bit popcount plus a
 * stored count. A lookup is at most three dependent reads (the level-1 entry; a node's map
 * word and count, next to each other; the run entry, a few words further on in the same
 * block of at most 1064 bytes). The point is size: with 1,000,000 Internet-like routes the
 * expanded 16-8-8 trie with 32-bit slots needed about 80 MiB, read at random, so with 4 KiB
 * pages nearly every lookup also missed the TLB; compressed it is about 12 MiB (level-2 nodes
 * average 27 runs), which keeps lookups fast without transparent huge pages.
 *
 * Insertion is incremental and order-independent, so routes can be added one by one at any
 * time and every lookup sees a finished table (there is no separate build step): each leaf
 * keeps the length of the prefix that set it. A prefix of length 17..32 expands the node it
 * lands in (and, past 24, the level-3 node below) into 256 entries on the stack, overwrites
 * the slots whose prefix is not longer (controlled prefix expansion), and compresses it again,
 * in place when it still fits its block. A prefix of length <= 16 sets level-1 slots and
 * rewrites the nodes below them run by run, in place (covering slots only merges runs).
 * Blocks live in one growable array of 32-bit words, recycled through free lists by size and
 * compacted when a quarter of it is free; all growth is checked and reserved before anything
 * changes, and bounded by `max_chunks` nodes. */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An entry is either a node's word offset in `pool` with LPM_CHILD set, or a leaf: (1 + prefix
 * length) in bits 25..30 (0 = no prefix) and the value in bits 0..24. */
#define LPM_CHILD 0x80000000u
#define LPM_VALUE_MASK 0x01ffffffu
#define LPM_LEN_SHIFT 25
/** The value lookup returns when no prefix matches. */
#define LPM_NO_MATCH LPM_VALUE_MASK
/** Largest storable value (25 bits). */
#define LPM_MAX_VALUE (LPM_VALUE_MASK - 1)

/* A node's block: words 0..7 the run-start map (four 64-bit words), word 8 the set bits
 * before map words 1, 2, 3 (one byte each, bits 0..23) and the block's size in pairs of words
 * (bits 24..31), then one entry per run. Blocks start at even word offsets. */
#define LPM_NODE_COUNTS 8u
#define LPM_NODE_RUNS 9u
/* The largest block (256 runs), in pairs of words. */
#define LPM_NODE_MAX_PAIRS ((LPM_NODE_RUNS + 256u + 1u) / 2u)

struct lpm_table {
    /* private */
    uint32_t *level1;                             /* 65536 entries */
    uint32_t *pool;                               /* node blocks */
    size_t pool_len, pool_cap;                    /* words used (blocks and free blocks), words allocated */
    size_t free_words;                            /* words in free blocks */
    uint32_t free_blocks[LPM_NODE_MAX_PAIRS + 1]; /* per size in pairs: offset + 1 of a free block, 0 = none */
    size_t nnodes;
    size_t max_nodes;
    size_t nprefixes;
    bool hw_popcount; /* the CPU has POPCNT (see lpm_lookup_popcount) */
};

/** Allocates an empty table that may grow to at most `max_chunks` nodes (0 = the default,
 *  enough for a full Internet table: 1 << 20). Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err lpm_table_init(struct lpm_table *t, size_t max_chunks);

/** Frees all memory. Safe to call twice. */
void lpm_table_destroy(struct lpm_table *t);

/** Adds prefix/len -> value (len 0..32; bits of `prefix` past len are ignored; value <=
 *  LPM_MAX_VALUE). A prefix added again with the same length replaces the old value.
 *  Returns SPONGE_OK, SPONGE_ERR_NO_MEMORY or SPONGE_ERR_INVALID_ARGUMENT (bad len or value,
 *  or the node limit reached); the table is unchanged on error. */
enum sponge_err lpm_table_insert(struct lpm_table *t, uint32_t prefix, uint8_t len, uint32_t value);

/* Bits set in x, in plain C (a SWAR sum): the build targets baseline x86-64, where
 * __builtin_popcountll is a call into libgcc. */
static inline uint32_t lpm_popcount64(uint64_t x) {
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (uint32_t)((x * 0x0101010101010101ull) >> 56);
}

/* Bits set in x for a lookup: one POPCNT instruction where lpm_table_init found the CPU has it
 * (every x86-64 CPU since about 2008; a lookup is then some 12 instructions shorter, which lets
 * more independent lookups overlap), else lpm_popcount64. */
static inline uint32_t lpm_lookup_popcount(const struct lpm_table *t, uint64_t x) {
#if defined(__x86_64__) && defined(__GNUC__)
    if (t->hw_popcount) {
        uint64_t r;
        __asm__("popcnt %1, %0" : "=r"(r) : "rm"(x) : "cc");
        return (uint32_t)r;
    }
#else
    (void)t;
#endif
    return lpm_popcount64(x);
}

/* The word offset in t->pool of the entry of `slot` (0..255) in the node at word offset `node`. */
static inline uint32_t lpm_node_entry_offset(const struct lpm_table *t, uint32_t node, uint32_t slot) {
    const uint32_t *n = t->pool + node;
    uint32_t word = slot >> 6;
    uint64_t map;
    memcpy(&map, n + 2 * word, sizeof map);
    /* Runs starting in earlier map words (0 for word 0), plus those in this word up to slot. */
    uint32_t before = (n[LPM_NODE_COUNTS] << 8 >> (8 * word)) & 0xffu;
    uint32_t rank = before + lpm_lookup_popcount(t, map << (63 - (slot & 63)));
    return node + LPM_NODE_RUNS - 1 + rank;
}

/* The entry of `slot` (0..255) in the node at word offset `node`. */
static inline uint32_t lpm_node_entry(const struct lpm_table *t, uint32_t node, uint32_t slot) {
    return t->pool[lpm_node_entry_offset(t, node, slot)];
}

/** The value of the longest prefix matching `addr`, or LPM_NO_MATCH. */
static inline uint32_t lpm_table_lookup(const struct lpm_table *t, uint32_t addr) {
    uint32_t e = t->level1[addr >> 16];
    if (e & LPM_CHILD) {
        e = lpm_node_entry(t, e & ~LPM_CHILD, (addr >> 8) & 0xffu);
        if (e & LPM_CHILD) {
            e = lpm_node_entry(t, e & ~LPM_CHILD, addr & 0xffu);
        }
    }
    return e & LPM_VALUE_MASK;
}

/** Looks up addrs[0..n) into values[0..n) (each as lpm_table_lookup would), one trie level at
 *  a time for the whole batch, prefetching the next level's memory for every address first:
 *  the cache misses of different addresses then overlap instead of following one another. */
void lpm_table_lookup_batch(const struct lpm_table *t, const uint32_t *addrs, size_t n, uint32_t *values);

/** Bytes of memory the table holds. */
size_t lpm_table_memory(const struct lpm_table *t);

/** Number of insert calls that succeeded. */
size_t lpm_table_prefixes(const struct lpm_table *t);

#endif
