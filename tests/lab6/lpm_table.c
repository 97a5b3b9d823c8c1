/* The longest-prefix-match table behind the Router, checked step by step and against a
 * linear-scan model on random tables. */
#include "net/lpm_table.h"
#include "harness.h"
#include "util/rng.h"

#include <stdio.h>
#include <stdlib.h>

static uint32_t ip(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d;
}

struct route {
    uint32_t prefix;
    uint8_t len;
    uint32_t value;
};

/* The model: scan every route, keep the longest match (the last added wins a tie). */
static uint32_t model_lookup(const struct route *routes, size_t n, uint32_t addr) {
    int best_len = -1;
    uint32_t best = LPM_NO_MATCH;
    for (size_t i = 0; i < n; i++) {
        uint32_t mask = routes[i].len == 0 ? 0 : UINT32_MAX << (32 - routes[i].len);
        if (((addr ^ routes[i].prefix) & mask) == 0 && (int)routes[i].len >= best_len) {
            best_len = routes[i].len;
            best = routes[i].value;
        }
    }
    return best;
}

static void add(struct harness *h, struct lpm_table *t, uint32_t prefix, uint8_t len, uint32_t value) {
    STEP(h, "add %u.%u.%u.%u/%u -> %u", prefix >> 24, (prefix >> 16) & 255, (prefix >> 8) & 255, prefix & 255, len,
         value);
    EXPECT_EQ(h, "insert result", SPONGE_OK, lpm_table_insert(t, prefix, len, value));
}

static void expect(struct harness *h, struct lpm_table *t, uint32_t addr, uint32_t value) {
    char what[64];
    snprintf(what, sizeof what, "lookup %u.%u.%u.%u", addr >> 24, (addr >> 16) & 255, (addr >> 8) & 255, addr & 255);
    EXPECT_EQ(h, what, value, lpm_table_lookup(t, addr));
}

static void test_overlapping_prefixes(void) {
    struct harness h;
    harness_begin(&h, "lpm: overlapping prefixes, longer added first [L6.R1]");
    struct lpm_table t;
    EXPECT_EQ(&h, "init", SPONGE_OK, lpm_table_init(&t, 0));
    expect(&h, &t, ip(1, 2, 3, 4), LPM_NO_MATCH);
    add(&h, &t, ip(10, 1, 2, 128), 25, 4);
    add(&h, &t, ip(10, 1, 2, 0), 24, 3);
    add(&h, &t, ip(10, 1, 0, 0), 16, 2);
    add(&h, &t, ip(10, 0, 0, 0), 8, 1);
    add(&h, &t, ip(10, 1, 2, 200), 32, 5);
    expect(&h, &t, ip(10, 1, 2, 129), 4);
    expect(&h, &t, ip(10, 1, 2, 127), 3);
    expect(&h, &t, ip(10, 1, 3, 1), 2);
    expect(&h, &t, ip(10, 2, 0, 1), 1);
    expect(&h, &t, ip(10, 1, 2, 200), 5);
    expect(&h, &t, ip(10, 1, 2, 201), 4);
    expect(&h, &t, ip(11, 0, 0, 0), LPM_NO_MATCH);
    add(&h, &t, 0, 0, 0);
    expect(&h, &t, ip(11, 0, 0, 0), 0);
    expect(&h, &t, ip(10, 1, 2, 129), 4);
    STEP(&h, "the same prefix again replaces its value");
    add(&h, &t, ip(10, 1, 0, 0), 16, 7);
    expect(&h, &t, ip(10, 1, 3, 1), 7);
    expect(&h, &t, ip(10, 1, 2, 1), 3);
    STEP(&h, "host bits past the length are ignored");
    add(&h, &t, ip(192, 168, 77, 99), 20, 8);
    expect(&h, &t, ip(192, 168, 64, 1), 8);
    expect(&h, &t, ip(192, 168, 80, 1), 0);
    EXPECT_EQ(&h, "prefixes", 8, lpm_table_prefixes(&t));
    lpm_table_destroy(&t);
    harness_end(&h);
}

static void test_bad_arguments(void) {
    struct harness h;
    harness_begin(&h, "lpm: bad arguments and the chunk limit leave the table unchanged [L6.R7]");
    struct lpm_table t;
    EXPECT_EQ(&h, "init with room for 2 chunks", SPONGE_OK, lpm_table_init(&t, 2));
    EXPECT_EQ(&h, "length 33 rejected", SPONGE_ERR_INVALID_ARGUMENT, lpm_table_insert(&t, 0, 33, 1));
    EXPECT_EQ(&h, "value too large rejected", SPONGE_ERR_INVALID_ARGUMENT,
              lpm_table_insert(&t, 0, 8, LPM_MAX_VALUE + 1));
    add(&h, &t, ip(10, 0, 0, 0), 8, 1);
    add(&h, &t, ip(10, 0, 0, 1), 32, 2); /* uses both chunks */
    EXPECT_EQ(&h, "a /32 in another /16 needs chunks beyond the limit", SPONGE_ERR_INVALID_ARGUMENT,
              lpm_table_insert(&t, ip(10, 9, 0, 1), 32, 3));
    expect(&h, &t, ip(10, 9, 0, 1), 1);
    expect(&h, &t, ip(10, 0, 0, 1), 2);
    EXPECT_EQ(&h, "prefixes", 2, lpm_table_prefixes(&t));
    lpm_table_destroy(&t);
    harness_end(&h);
}

static void test_random_against_model(void) {
    struct harness h;
    harness_begin(&h, "lpm: random tables against a linear-scan model [L6.R1 L6.R7]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    for (int round = 0; round < 40; round++) {
        size_t n = 1 + sponge_rng_below(&rng, 300);
        struct route *routes = malloc(n * sizeof *routes);
        if (!routes) {
            FAIL(&h, "out of memory");
        }
        STEP(&h, "round %d: %zu random routes clustered under a few /8s", round, n);
        struct lpm_table t;
        EXPECT_EQ(&h, "init", SPONGE_OK, lpm_table_init(&t, 0));
        for (size_t i = 0; i < n; i++) {
            /* Cluster under 3 first octets so prefixes overlap often. */
            uint32_t a = (uint32_t)(10 + sponge_rng_below(&rng, 3)) << 24 | (uint32_t)sponge_rng_below(&rng, 4) << 16 |
                         (uint32_t)sponge_rng_below(&rng, 1 << 16);
            routes[i].len = (uint8_t)sponge_rng_below(&rng, 33);
            routes[i].prefix = a;
            routes[i].value = (uint32_t)i;
            if (lpm_table_insert(&t, a, routes[i].len, (uint32_t)i) != SPONGE_OK) {
                FAIL(&h, "insert %zu failed", i);
            }
        }
        for (int q = 0; q < 3000; q++) {
            uint32_t addr =
                q % 2 ? routes[sponge_rng_below(&rng, n)].prefix ^ (uint32_t)sponge_rng_below(&rng, 256)
                      : (uint32_t)(10 + sponge_rng_below(&rng, 4)) << 24 | (uint32_t)sponge_rng_below(&rng, 1u << 24);
            uint32_t want = model_lookup(routes, n, addr);
            uint32_t got = lpm_table_lookup(&t, addr);
            if (want != got) {
                FAIL(&h, "address %08x: model says %u, lookup says %u", addr, want, got);
            }
        }
        lpm_table_destroy(&t);
        free(routes);
    }
    harness_end(&h);
}

/* Enough routes that nodes outgrow their blocks many times and the pool is compacted (live
 * nodes copied into a new array) while the table grows: answers must stay right throughout. */
static void test_large_table_against_model(void) {
    struct harness h;
    harness_begin(&h, "lpm: 20000 routes over 64 /16s, checked while the table grows [L6.R7]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    const size_t n = 20000;
    struct route *routes = malloc(n * sizeof *routes);
    if (!routes) {
        FAIL(&h, "out of memory");
    }
    struct lpm_table t;
    EXPECT_EQ(&h, "init", SPONGE_OK, lpm_table_init(&t, 0));
    size_t before = lpm_table_memory(&t);
    for (size_t i = 0; i < n; i++) {
        uint32_t a = (uint32_t)(20 + sponge_rng_below(&rng, 4)) << 24 | (uint32_t)sponge_rng_below(&rng, 16) << 16 |
                     (uint32_t)sponge_rng_below(&rng, 1 << 16);
        /* Mostly 17..28 (level-2 and level-3 nodes), a few short ones that cover many nodes. */
        routes[i].len = (uint8_t)(i % 50 == 0 ? 8 + sponge_rng_below(&rng, 9) : 17 + sponge_rng_below(&rng, 12));
        routes[i].prefix = a;
        routes[i].value = (uint32_t)i;
        if (lpm_table_insert(&t, a, routes[i].len, (uint32_t)i) != SPONGE_OK) {
            FAIL(&h, "insert %zu failed", i);
        }
        if ((i + 1) % 5000 != 0) {
            continue;
        }
        STEP(&h, "after %zu routes: 2000 lookups against the model", i + 1);
        for (int q = 0; q < 2000; q++) {
            uint32_t addr =
                q % 2 ? routes[sponge_rng_below(&rng, i + 1)].prefix ^ (uint32_t)sponge_rng_below(&rng, 4096)
                      : (uint32_t)(19 + sponge_rng_below(&rng, 6)) << 24 | (uint32_t)sponge_rng_below(&rng, 1u << 24);
            uint32_t want = model_lookup(routes, i + 1, addr);
            uint32_t got = lpm_table_lookup(&t, addr);
            if (want != got) {
                FAIL(&h, "address %08x: model says %u, lookup says %u", addr, want, got);
            }
        }
    }
    STEP(&h, "batch lookups (0..70 addresses) give the same answers as single ones");
    uint32_t addrs[70], values[70];
    for (size_t m = 0; m <= 70; m += 7) {
        for (size_t k = 0; k < m; k++) {
            addrs[k] = k % 2 ? routes[sponge_rng_below(&rng, n)].prefix ^ (uint32_t)sponge_rng_below(&rng, 256)
                             : (uint32_t)sponge_rng_next(&rng);
        }
        lpm_table_lookup_batch(&t, addrs, m, values);
        for (size_t k = 0; k < m; k++) {
            if (values[k] != lpm_table_lookup(&t, addrs[k])) {
                FAIL(&h, "batch of %zu, address %08x: batch says %u, single lookup %u", m, addrs[k], values[k],
                     lpm_table_lookup(&t, addrs[k]));
            }
        }
    }
    STEP(&h, "the portable popcount gives the same answers as the CPU's (private switch, for this test)");
    for (int q = 0; q < 2000; q++) {
        uint32_t addr = routes[sponge_rng_below(&rng, n)].prefix ^ (uint32_t)sponge_rng_below(&rng, 4096);
        bool hw = t.hw_popcount;
        uint32_t fast = lpm_table_lookup(&t, addr);
        t.hw_popcount = false;
        uint32_t portable = lpm_table_lookup(&t, addr);
        t.hw_popcount = hw;
        if (fast != portable) {
            FAIL(&h, "address %08x: %u with the CPU's popcount, %u without", addr, fast, portable);
        }
    }
    STEP(&h, "the table grew, but stays compact: under 64 bytes per route beyond the first level");
    EXPECT_TRUE(&h, "grew", lpm_table_memory(&t) > before);
    EXPECT_TRUE(&h, "compact", lpm_table_memory(&t) - before < 64 * n);
    lpm_table_destroy(&t);
    free(routes);
    harness_end(&h);
}

int main(void) {
    test_overlapping_prefixes();
    test_bad_arguments();
    test_random_against_model();
    test_large_table_against_model();
    return 0;
}
