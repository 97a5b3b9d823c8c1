/* The Router's forwarding table on its own: longest-prefix match (RFC 1812 5.2.4.3) over
 * overlapping prefixes of every length, replacement of a route for the same prefix, and a
 * random comparison against a plain reference written here. The lookup structure may
 * change; these answers may not. Both tables get the same cases: lab 6's route_table and the
 * given trie (route_trie) behind the same interface. */

#include "harness.h"
#include "net/route_table.h"
#include "net/route_trie.h"
#include "util/rng.h"
#include "wire/ipv4.h"

#include <stdio.h>

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

/* One of the two tables, behind one interface for the cases below. */
struct table {
    bool trie;
    struct route_table lab;
    struct route_trie fast;
};

static enum sponge_err table_init(struct table *t, bool trie) {
    t->trie = trie;
    return trie ? route_trie_init(&t->fast) : route_table_init(&t->lab);
}

static void table_destroy(struct table *t) {
    if (t->trie) {
        route_trie_destroy(&t->fast);
    } else {
        route_table_destroy(&t->lab);
    }
}

static enum sponge_err table_add(struct table *t, const struct route *r) {
    return t->trie ? route_trie_add(&t->fast, r) : route_table_add(&t->lab, r);
}

static const struct route_action *table_lookup(const struct table *t, uint32_t dst) {
    return t->trie ? route_trie_lookup(&t->fast, dst) : route_table_lookup(&t->lab, dst);
}

/* The interface number of the chosen route, or -1 for none. */
static long lookup(const struct table *t, uint32_t dst) {
    const struct route_action *r = table_lookup(t, dst);
    return r ? (long)r->interface_num : -1;
}

static void nested_prefixes(bool trie) {
    struct harness h;
    harness_begin(&h, trie ? "route trie: nested prefixes of every length"
                           : "route table: nested prefixes of every length");
    struct table t;
    EXPECT_EQ(&h, "init", SPONGE_OK, table_init(&t, trie));
    const uint32_t base = ip4(10, 20, 30, 40);
    STEP(&h, "empty table: no route");
    EXPECT_EQ(&h, "lookup 10.20.30.40", (uint64_t)-1, lookup(&t, base));
    STEP(&h, "add 10.20.30.40/len -> interface len, for len 1..32 (odd lengths only)");
    for (uint8_t len = 1; len <= 32; len += 2) {
        struct route r = {base, len, {false, 0, len}};
        EXPECT_EQ(&h, "add result", SPONGE_OK, table_add(&t, &r));
    }
    for (uint8_t len = 1; len <= 32; len++) {
        /* Flip the bit just past the first `len` bits: the longest match is then the longest
         * odd length <= len. */
        uint32_t dst = len == 32 ? base : base ^ (1u << (31 - len));
        long want = (len % 2) ? len : len - 1;
        char text[16], what[64];
        snprintf(what, sizeof what, "interface for %s", ipv4_format(dst, text));
        EXPECT_EQ(&h, what, (uint64_t)want, lookup(&t, dst));
    }
    STEP(&h, "the first bit differs: nothing matches without a default");
    EXPECT_EQ(&h, "lookup 138.20.30.40", (uint64_t)-1, lookup(&t, base ^ 0x80000000u));
    STEP(&h, "add a default route -> interface 99");
    struct route def = {ip4(1, 2, 3, 4), 0, {true, ip4(9, 9, 9, 9), 99}};
    EXPECT_EQ(&h, "add result", SPONGE_OK, table_add(&t, &def));
    EXPECT_EQ(&h, "lookup 138.20.30.40", 99, lookup(&t, base ^ 0x80000000u));
    EXPECT_EQ(&h, "default route's next hop", ip4(9, 9, 9, 9), table_lookup(&t, base ^ 0x80000000u)->next_hop);
    EXPECT_EQ(&h, "lookup 10.20.30.40 (longest is the /31)", 31, lookup(&t, base));
    STEP(&h, "replace 10.20.30.40/31 with interface 7");
    struct route again = {base, 31, {false, 0, 7}};
    EXPECT_EQ(&h, "add result", SPONGE_OK, table_add(&t, &again));
    EXPECT_EQ(&h, "lookup 10.20.30.40", 7, lookup(&t, base));
    table_destroy(&t);
    harness_end(&h);
}

static long reference(const struct route *routes, size_t n, uint32_t dst) {
    long best = -1;
    int best_len = -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t mask = routes[i].prefix_length ? UINT32_MAX << (32 - routes[i].prefix_length) : 0;
        /* A later route for the same prefix and length replaces an earlier one (>=). */
        if (((dst ^ routes[i].prefix) & mask) == 0 && (int)routes[i].prefix_length >= best_len) {
            best = (long)routes[i].action.interface_num;
            best_len = routes[i].prefix_length;
        }
    }
    return best;
}

static void random_against_reference(bool trie) {
    struct harness h;
    harness_begin(&h, trie ? "route trie: random routes and lookups match a reference"
                           : "route table: random routes and lookups match a reference");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    for (int trial = 0; trial < 50; trial++) {
        struct table t;
        EXPECT_EQ(&h, "init", SPONGE_OK, table_init(&t, trie));
        struct route routes[200];
        size_t n = 1 + sponge_rng_below(&rng, 200);
        /* Prefixes drawn near a few seeds so that they overlap. */
        uint32_t seeds[4];
        for (int s = 0; s < 4; s++) {
            seeds[s] = (uint32_t)sponge_rng_next(&rng);
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t addr = seeds[sponge_rng_below(&rng, 4)] ^
                            (uint32_t)(sponge_rng_next(&rng) >> (33 + sponge_rng_below(&rng, 31)));
            routes[i] = (struct route){addr, (uint8_t)sponge_rng_below(&rng, 33), {false, 0, i}};
            if (table_add(&t, &routes[i]) != SPONGE_OK) {
                FAIL(&h, "out of memory");
            }
        }
        for (int q = 0; q < 2000; q++) {
            uint32_t dst = seeds[sponge_rng_below(&rng, 4)] ^
                           (uint32_t)(sponge_rng_next(&rng) >> (32 + sponge_rng_below(&rng, 32)));
            long want = reference(routes, n, dst), got = lookup(&t, dst);
            if (want != got) {
                char text[16];
                FAIL(&h, "trial %d: %zu routes, lookup %s: expected route %ld, got %ld", trial, n,
                     ipv4_format(dst, text), want, got);
            }
        }
        table_destroy(&t);
    }
    STEP(&h, "50 tables x 2000 lookups agree with the reference");
    harness_end(&h);
}

int main(void) {
    for (int trie = 0; trie <= 1; trie++) {
        nested_prefixes(trie);
        random_against_reference(trie);
    }
    return 0;
}
