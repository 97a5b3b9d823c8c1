/* The Router's forwarding table on its own: longest-prefix match (RFC 1812 5.2.4.3) over
 * overlapping prefixes of every length, replacement of a route for the same prefix, and a
 * routes that differ only in their next hop, and a random comparison (single and batched
 * lookups) against a plain reference written here. The lookup structure may
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

/* Lab 6's table has no batch interface: the router looks its addresses up one by one. */
static void table_lookup_batch(const struct table *t, const uint32_t *dsts, size_t n, const struct route_action **out) {
    if (t->trie) {
        route_trie_lookup_batch(&t->fast, dsts, n, out);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = route_table_lookup(&t->lab, dsts[i]);
    }
}

/* The interface number of the chosen route, or -1 for none. */
static long lookup(const struct table *t, uint32_t dst) {
    const struct route_action *r = table_lookup(t, dst);
    return r ? (long)r->interface_num : -1;
}

static void nested_prefixes(bool trie) {
    struct harness h;
    harness_begin(&h, trie ? "route trie: nested prefixes of every length [L6.R1]"
                           : "route table: nested prefixes of every length [L6.R1]");
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

/* Same interface, same next hop (or none); NULL means no route. */
static bool same_action(const struct route_action *a, const struct route_action *b) {
    if (!a || !b) {
        return a == b;
    }
    return a->interface_num == b->interface_num && a->has_next_hop == b->has_next_hop &&
           (!a->has_next_hop || a->next_hop == b->next_hop);
}

/* Expects `got` to be exactly `want` (NULL: no route). */
static void expect_action(struct harness *h, const char *what, const struct route_action *want,
                          const struct route_action *got) {
    char text[160], w[16], g[16];
    if (!want || !got) {
        EXPECT_BOOL(h, what, want != NULL, got != NULL);
        return;
    }
    snprintf(text, sizeof text, "%s: interface %zu, next hop %s (got interface %zu, next hop %s)", what,
             want->interface_num, want->has_next_hop ? ipv4_format(want->next_hop, w) : "none", got->interface_num,
             got->has_next_hop ? ipv4_format(got->next_hop, g) : "none");
    EXPECT_TRUE(h, text, same_action(want, got));
}

static void gateways_on_one_interface(bool trie) {
    struct harness h;
    harness_begin(&h,
                  trie ? "route trie: routes that differ only in next hop (or interface) each keep their own [L6.R6]"
                       : "route table: routes that differ only in next hop (or interface) each keep their own [L6.R6]");
    struct table t;
    EXPECT_EQ(&h, "init", SPONGE_OK, table_init(&t, trie));
    struct route routes[] = {
        {ip4(10, 1, 0, 0), 16, {true, ip4(192, 168, 0, 1), 0}},
        {ip4(10, 2, 0, 0), 16, {true, ip4(192, 168, 0, 2), 0}},
        {ip4(10, 3, 0, 0), 16, {false, 0, 0}},
        {ip4(10, 4, 0, 0), 16, {true, 0, 0}}, /* next hop 0.0.0.0 is not "no next hop" */
        {ip4(10, 5, 0, 0), 16, {true, ip4(192, 168, 0, 1), 1}},
        {ip4(10, 6, 0, 0), 16, {true, ip4(192, 168, 0, 2), 0}}, /* shares 10.2.0.0/16's action */
    };
    size_t n = sizeof routes / sizeof routes[0];
    for (size_t i = 0; i < n; i++) {
        char text[16];
        STEP(&h, "add %s/16", ipv4_format(routes[i].prefix, text));
        EXPECT_EQ(&h, "add result", SPONGE_OK, table_add(&t, &routes[i]));
    }
    for (size_t i = 0; i < n; i++) {
        char text[16], what[64];
        snprintf(what, sizeof what, "route for %s", ipv4_format(routes[i].prefix | 0x0909, text));
        expect_action(&h, what, &routes[i].action, table_lookup(&t, routes[i].prefix | 0x0909));
    }
    /* Enough distinct actions to grow the action array (and its hash) several times. */
    enum { GATEWAYS = 1000, MANY = 3000 };
    STEP(&h, "add %d /24s in 20.0.0.0/8, round-robin over %d gateways on interface 2", MANY, GATEWAYS);
    for (uint32_t i = 0; i < MANY; i++) {
        struct route r = {ip4(20, 0, 0, 0) + (i << 8), 24, {true, ip4(172, 16, 0, 0) + i % GATEWAYS, 2}};
        if (table_add(&t, &r) != SPONGE_OK) {
            FAIL(&h, "route %u not added", i);
        }
    }
    STEP(&h, "look every one up, in one batch");
    static uint32_t dsts[MANY];
    static const struct route_action *got[MANY];
    for (uint32_t i = 0; i < MANY; i++) {
        dsts[i] = ip4(20, 0, 0, 77) + (i << 8);
    }
    table_lookup_batch(&t, dsts, MANY, got);
    for (uint32_t i = 0; i < MANY; i++) {
        struct route_action want = {true, ip4(172, 16, 0, 0) + i % GATEWAYS, 2};
        if (!same_action(&want, got[i])) {
            char text[16];
            expect_action(&h, ipv4_format(dsts[i], text), &want, got[i]);
        }
    }
    STEP(&h, "the first routes are unchanged");
    for (size_t i = 0; i < n; i++) {
        expect_action(&h, "route", &routes[i].action, table_lookup(&t, routes[i].prefix));
    }
    table_destroy(&t);
    harness_end(&h);
}

/* The index of the route a reference longest-prefix match picks, or -1 for none. */
static long reference(const struct route *routes, size_t n, uint32_t dst) {
    long best = -1;
    int best_len = -1;
    for (size_t i = 0; i < n; i++) {
        uint32_t mask = routes[i].prefix_length ? UINT32_MAX << (32 - routes[i].prefix_length) : 0;
        /* A later route for the same prefix and length replaces an earlier one (>=). */
        if (((dst ^ routes[i].prefix) & mask) == 0 && (int)routes[i].prefix_length >= best_len) {
            best = (long)i;
            best_len = routes[i].prefix_length;
        }
    }
    return best;
}

/* A random action from a small set, so that routes share actions and routes on one
 * interface differ by next hop only: interface 0..2, no next hop or one of 3 gateways. */
static struct route_action random_action(struct sponge_rng *rng) {
    static const uint32_t gateways[3] = {0x0a000001, 0x0a000002, 0xc0a80001};
    uint64_t pick = sponge_rng_below(rng, 12);
    struct route_action a = {pick % 4 != 3, pick % 4 != 3 ? gateways[pick % 4] : 0, (size_t)(pick / 4)};
    return a;
}

static void random_against_reference(bool trie) {
    struct harness h;
    harness_begin(&h, trie ? "route trie: random routes and lookups (single and batched) match a reference [L6.R7]"
                           : "route table: random routes and lookups (single and batched) match a reference [L6.R7]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    enum { QUERIES = 2000 };
    static uint32_t dsts[QUERIES];
    static const struct route_action *batch[QUERIES];
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
            routes[i] = (struct route){addr, (uint8_t)sponge_rng_below(&rng, 33), random_action(&rng)};
            if (table_add(&t, &routes[i]) != SPONGE_OK) {
                FAIL(&h, "out of memory");
            }
        }
        for (int q = 0; q < QUERIES; q++) {
            dsts[q] = seeds[sponge_rng_below(&rng, 4)] ^
                      (uint32_t)(sponge_rng_next(&rng) >> (32 + sponge_rng_below(&rng, 32)));
        }
        /* Batches of 1 to 100 addresses: most span more than one of the table's lookup chunks. */
        for (size_t done = 0, len; done < QUERIES; done += len) {
            len = 1 + (size_t)sponge_rng_below(&rng, 100);
            len = len < QUERIES - done ? len : QUERIES - done;
            table_lookup_batch(&t, dsts + done, len, batch + done);
        }
        for (int q = 0; q < QUERIES; q++) {
            long want = reference(routes, n, dsts[q]);
            const struct route_action *w = want < 0 ? NULL : &routes[want].action;
            const struct route_action *single = table_lookup(&t, dsts[q]);
            if (!same_action(w, single) || !same_action(w, batch[q])) {
                char text[160], d[16];
                snprintf(text, sizeof text, "trial %d: %zu routes, lookup %d of %s (reference: route %ld)", trial, n, q,
                         ipv4_format(dsts[q], d), want);
                expect_action(&h, text, w, single);
                expect_action(&h, text, w, batch[q]);
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
        gateways_on_one_interface(trie);
        random_against_reference(trie);
    }
    return 0;
}
