#include "net/lpm_table.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>

#define LEVEL1_SLOTS 65536u
#define NODE_SLOTS 256u
#define DEFAULT_MAX_NODES ((size_t)1 << 20)
/* Keeps every word offset below LPM_CHILD even if every node were the largest. */
#define LIMIT_MAX_NODES ((size_t)1 << 22)
/* An insert writes at most two blocks that did not fit where they were (levels 2 and 3). */
#define INSERT_RESERVE_WORDS (2u * 2u * LPM_NODE_MAX_PAIRS)

enum sponge_err lpm_table_init(struct lpm_table *t, size_t max_chunks) {
    memset(t, 0, sizeof *t);
    t->max_nodes = max_chunks ? max_chunks : DEFAULT_MAX_NODES;
    if (t->max_nodes > LIMIT_MAX_NODES) {
        t->max_nodes = LIMIT_MAX_NODES;
    }
    t->level1 = malloc(LEVEL1_SLOTS * sizeof *t->level1);
    if (!t->level1) {
        lpm_table_destroy(t);
        return SPONGE_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < LEVEL1_SLOTS; i++) {
        t->level1[i] = LPM_NO_MATCH;
    }
#if defined(__x86_64__) && defined(__GNUC__)
    t->hw_popcount = __builtin_cpu_supports("popcnt");
#endif
    return SPONGE_OK;
}

void lpm_table_destroy(struct lpm_table *t) {
    free(t->level1);
    free(t->pool);
    memset(t, 0, sizeof *t);
}

/* Asks for transparent huge pages over the 2 MiB-aligned interior of the pool. Only a hint:
 * the compressed nodes keep lookups fast without them (see the header). */
static void advise_huge_pages(void *block, size_t len) {
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)block + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)block + len) & ~(huge - 1);
    if (end > start) {
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
}

static size_t block_pairs(const uint32_t *n) {
    return n[LPM_NODE_COUNTS] >> 24;
}

/* Copies the node at `off` of t->pool and the nodes below it to to[*len...], children right
 * after their parent. Returns the copy's entry. */
static uint32_t copy_node(const struct lpm_table *t, uint32_t off, uint32_t *to, size_t *len) {
    const uint32_t *n = t->pool + off;
    uint32_t at = (uint32_t)*len;
    size_t words = 2 * block_pairs(n);
    memcpy(to + at, n, words * sizeof *to);
    *len += words;
    uint64_t last;
    memcpy(&last, n + 6, sizeof last);
    size_t nruns = (n[LPM_NODE_COUNTS] >> 16 & 0xffu) + lpm_popcount64(last);
    for (size_t r = 0; r < nruns; r++) {
        uint32_t e = n[LPM_NODE_RUNS + r];
        if (e & LPM_CHILD) {
            to[at + LPM_NODE_RUNS + r] = copy_node(t, e & ~LPM_CHILD, to, len);
        }
    }
    return LPM_CHILD | at;
}

/* Makes sure an insert's new blocks fit in the pool, so that it either fully succeeds or
 * changes nothing. Nodes grow a few runs at a time and leave their old blocks behind; when
 * those free blocks are a quarter of the pool, the live nodes are copied, in trie order, into
 * a new pool instead of growing the old one (so a full table stays compact and a level-2
 * node's level-3 nodes sit next to it). */
static enum sponge_err reserve_pool(struct lpm_table *t) {
    if (t->pool_len + INSERT_RESERVE_WORDS <= t->pool_cap) {
        return SPONGE_OK;
    }
    bool compact = t->free_words > 0 && t->free_words >= t->pool_len / 4;
    size_t live = t->pool_len - t->free_words;
    size_t base = compact ? live : t->pool_cap;
    /* Grow by an eighth: keep the slack small, the pool is most of a full table's memory. */
    size_t cap = base + base / 8 + 16 * INSERT_RESERVE_WORDS;
    if (cap >= LPM_CHILD) {
        return SPONGE_ERR_NO_MEMORY;
    }
    uint32_t *pool = compact ? malloc(cap * sizeof *pool) : realloc(t->pool, cap * sizeof *pool);
    if (!pool) {
        return SPONGE_ERR_NO_MEMORY;
    }
    if (compact) {
        size_t len = 0;
        for (size_t i = 0; i < LEVEL1_SLOTS; i++) {
            if (t->level1[i] & LPM_CHILD) {
                t->level1[i] = copy_node(t, t->level1[i] & ~LPM_CHILD, pool, &len);
            }
        }
        assert(len == live);
        free(t->pool);
        t->pool_len = len;
        t->free_words = 0;
        memset(t->free_blocks, 0, sizeof t->free_blocks);
    }
    t->pool = pool;
    t->pool_cap = cap;
    advise_huge_pages(pool, cap * sizeof *pool);
    return SPONGE_OK;
}

/* A block of `pairs` pairs of words: a recycled one of that size, or new space at the end
 * (reserved beforehand by reserve_pool). */
static uint32_t block_alloc(struct lpm_table *t, size_t pairs) {
    uint32_t head = t->free_blocks[pairs];
    if (head) {
        t->free_blocks[pairs] = t->pool[head - 1];
        t->free_words -= 2 * pairs;
        return head - 1;
    }
    assert(t->pool_len + 2 * pairs <= t->pool_cap);
    uint32_t off = (uint32_t)t->pool_len;
    t->pool_len += 2 * pairs;
    return off;
}

/* Puts the block at `off` on its size's free list (the link lives in its first word). */
static void block_free(struct lpm_table *t, uint32_t off) {
    size_t pairs = block_pairs(t->pool + off);
    t->pool[off] = t->free_blocks[pairs];
    t->free_blocks[pairs] = off + 1;
    t->free_words += 2 * pairs;
}

/* Expands `entry` into 256 slots: a node's slots, or a leaf repeated (the node it splits into). */
static void node_expand(const struct lpm_table *t, uint32_t entry, uint32_t *slots) {
    if (!(entry & LPM_CHILD)) {
        for (size_t i = 0; i < NODE_SLOTS; i++) {
            slots[i] = entry;
        }
        return;
    }
    const uint32_t *n = t->pool + (entry & ~LPM_CHILD);
    const uint32_t *run = n + LPM_NODE_RUNS - 1;
    for (size_t w = 0; w < 4; w++) {
        uint64_t map;
        memcpy(&map, n + 2 * w, sizeof map);
        for (size_t i = 0; i < 64; i++) {
            run += (map >> i) & 1;
            slots[64 * w + i] = *run;
        }
    }
}

/* Writes a node's run-start map and the counts of set bits before map words 1..3. */
static void node_set_map(uint32_t *n, const uint64_t *map, size_t pairs) {
    memcpy(n, map, 4 * sizeof *map);
    uint32_t c1 = lpm_popcount64(map[0]), c2 = c1 + lpm_popcount64(map[1]), c3 = c2 + lpm_popcount64(map[2]);
    n[LPM_NODE_COUNTS] = (uint32_t)pairs << 24 | c3 << 16 | c2 << 8 | c1;
}

/* Compresses slots[] into the node that `old` refers to when it still fits there, else into a
 * new block (freeing the old one); `old` may be a leaf (a new node). Returns the node's entry. */
static uint32_t node_store(struct lpm_table *t, uint32_t old, const uint32_t *slots) {
    uint64_t map[4];
    uint32_t runs[NODE_SLOTS + 1];
    size_t nruns = 0;
    uint32_t prev = ~slots[0];
    /* Branch-free: every slot is written at the next run's place, and kept if it starts one.
     * Each map word is built in a register (or-ing into memory chained the iterations). */
    for (size_t w = 0; w < 4; w++) {
        uint64_t m = 0;
        for (size_t b = 0; b < 64; b++) {
            uint32_t e = slots[64 * w + b];
            uint64_t starts = e != prev;
            m |= starts << b;
            runs[nruns] = e;
            nruns += starts;
            prev = e;
        }
        map[w] = m;
    }
    size_t pairs = (LPM_NODE_RUNS + nruns + 1) / 2;
    uint32_t off;
    if ((old & LPM_CHILD) && block_pairs(t->pool + (old & ~LPM_CHILD)) >= pairs) {
        off = old & ~LPM_CHILD;
        pairs = block_pairs(t->pool + off);
    } else {
        off = block_alloc(t, pairs);
        if (old & LPM_CHILD) {
            block_free(t, old & ~LPM_CHILD);
        } else {
            t->nnodes++;
        }
    }
    uint32_t *n = t->pool + off;
    node_set_map(n, map, pairs);
    memcpy(n + LPM_NODE_RUNS, runs, nruns * sizeof *runs);
    return LPM_CHILD | off;
}

static bool leaf_covers(uint32_t entry, uint32_t leaf) {
    return !(entry & LPM_CHILD) && entry >> LPM_LEN_SHIFT <= leaf >> LPM_LEN_SHIFT;
}

/* Applies `leaf` to every slot of the node at `off` and of the nodes below it, working on the
 * runs themselves: a run takes the leaf when its prefix is not longer, and a run that then
 * equals the one before it is merged into it. Runs are never added, so the node stays in its
 * block (a /8 touches up to 256 nodes; this keeps such inserts cheap). */
static void fill_node(struct lpm_table *t, uint32_t off, uint32_t leaf) {
    uint32_t *n = t->pool + off;
    uint32_t *runs = n + LPM_NODE_RUNS;
    uint64_t map[4];
    memcpy(map, n, sizeof map);
    size_t nruns = lpm_popcount64(map[0]) + lpm_popcount64(map[1]) + lpm_popcount64(map[2]) + lpm_popcount64(map[3]);
    bool merge = false;
    for (size_t r = 0; r < nruns; r++) {
        if (runs[r] & LPM_CHILD) {
            fill_node(t, runs[r] & ~LPM_CHILD, leaf);
        } else if (leaf_covers(runs[r], leaf)) {
            runs[r] = leaf;
            merge |= r > 0 && runs[r - 1] == leaf;
        }
    }
    if (!merge) {
        return;
    }
    uint64_t kept[4] = {0};
    size_t r = 0, out = 0;
    for (size_t w = 0; w < 4; w++) {
        for (uint64_t m = map[w]; m; m &= m - 1, r++) {
            if (out == 0 || runs[r] != runs[out - 1]) {
                kept[w] |= m & -m;
                runs[out++] = runs[r];
            }
        }
    }
    node_set_map(n, kept, block_pairs(n));
}

/* Sets slots[lo, hi) to `leaf` wherever the prefix there is not longer, descending into child
 * nodes (controlled prefix expansion). */
static void fill_slots(struct lpm_table *t, uint32_t *slots, size_t lo, size_t hi, uint32_t leaf) {
    for (size_t i = lo; i < hi; i++) {
        if (slots[i] & LPM_CHILD) {
            fill_node(t, slots[i] & ~LPM_CHILD, leaf);
        } else if (leaf_covers(slots[i], leaf)) {
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

    /* Longer than 16: the level-2 node below level1[s1], and for a prefix longer than 24 the
     * level-3 node below its slot s2; each is created when missing. */
    size_t s1 = prefix >> 16, s2 = (prefix >> 8) & 0xffu;
    uint32_t e1 = t->level1[s1];
    bool need2 = !(e1 & LPM_CHILD);
    bool need3 = len > 24 && (need2 || !(lpm_node_entry(t, e1 & ~LPM_CHILD, (uint32_t)s2) & LPM_CHILD));
    if (t->nnodes + need2 + need3 > t->max_nodes) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    enum sponge_err err = reserve_pool(t);
    if (err != SPONGE_OK) {
        return err;
    }
    e1 = t->level1[s1]; /* reserve_pool may have moved every node */
    uint32_t level2[NODE_SLOTS];
    node_expand(t, e1, level2);
    if (len <= 24) {
        fill_slots(t, level2, s2, s2 + ((size_t)1 << (24 - len)), leaf);
    } else {
        uint32_t level3[NODE_SLOTS];
        node_expand(t, level2[s2], level3);
        size_t lo = prefix & 0xffu;
        fill_slots(t, level3, lo, lo + ((size_t)1 << (32 - len)), leaf);
        level2[s2] = node_store(t, level2[s2], level3);
    }
    t->level1[s1] = node_store(t, e1, level2);
    t->nprefixes++;
    return SPONGE_OK;
}

void lpm_table_lookup_batch(const struct lpm_table *t, const uint32_t *addrs, size_t n, uint32_t *values) {
    /* Level 1 (256 KiB, mostly cached): the entries, and a prefetch of each level-2 node's map
     * and counts (36 bytes that may straddle two cache lines). */
    for (size_t i = 0; i < n; i++) {
        values[i] = t->level1[addrs[i] >> 16];
        if (values[i] & LPM_CHILD) {
            const uint32_t *node = t->pool + (values[i] & ~LPM_CHILD);
            __builtin_prefetch(node);
            __builtin_prefetch(node + LPM_NODE_COUNTS);
        }
    }
    /* Level 2: where each address's run entry is (from the map and counts), prefetched. */
    for (size_t i = 0; i < n; i++) {
        if (values[i] & LPM_CHILD) {
            values[i] = LPM_CHILD | lpm_node_entry_offset(t, values[i] & ~LPM_CHILD, (addrs[i] >> 8) & 0xffu);
            __builtin_prefetch(t->pool + (values[i] & ~LPM_CHILD));
        }
    }
    /* The run entries, and on to level 3, which few addresses reach. */
    for (size_t i = 0; i < n; i++) {
        uint32_t e = values[i];
        if (e & LPM_CHILD) {
            e = t->pool[e & ~LPM_CHILD];
            if (e & LPM_CHILD) {
                e = lpm_node_entry(t, e & ~LPM_CHILD, addrs[i] & 0xffu);
            }
        }
        values[i] = e & LPM_VALUE_MASK;
    }
}

size_t lpm_table_memory(const struct lpm_table *t) {
    return LEVEL1_SLOTS * sizeof *t->level1 + t->pool_cap * sizeof *t->pool;
}

size_t lpm_table_prefixes(const struct lpm_table *t) {
    return t->nprefixes;
}
