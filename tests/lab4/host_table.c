/* The host's 4-tuple table and RFC 6056 ephemeral ports, step by step. */
#include "harness.h"
#include "tcp/connection_table.h"
#include "tcp/ephemeral_ports.h"
#include "util/rng.h"

#include <stdbool.h>
#include <string.h>

static const uint8_t KEY[SIPHASH_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static struct tcp_four_tuple tuple(uint32_t i) {
    /* Tuples that differ in one field only, to catch a hash or compare that ignores one. */
    return (struct tcp_four_tuple){.local_addr = 0xA9FE9009u,
                                   .remote_addr = 0xA9FE9001u + (i % 3),
                                   .local_port = 80,
                                   .remote_port = (uint16_t)(40000 + i / 3)};
}

static int insert_lookup_remove(void) {
    struct harness h;
    struct connection_table t;
    harness_begin(&h, "table: insert, lookup, remove [L4.R21]");
    STEP(&h, "table of 4");
    EXPECT_EQ(&h, "init", SPONGE_OK, connection_table_init(&t, 4, KEY));
    struct tcp_four_tuple a = tuple(0), b = tuple(1), c = tuple(3);
    EXPECT_EQ(&h, "lookup in an empty table", CONNECTION_TABLE_NONE, connection_table_lookup(&t, &a));
    EXPECT_TRUE(&h, "insert a -> 7", connection_table_insert(&t, &a, 7));
    EXPECT_TRUE(&h, "insert b -> 8", connection_table_insert(&t, &b, 8));
    EXPECT_EQ(&h, "lookup a", 7, connection_table_lookup(&t, &a));
    EXPECT_EQ(&h, "lookup b", 8, connection_table_lookup(&t, &b));
    EXPECT_EQ(&h, "lookup c (other remote port)", CONNECTION_TABLE_NONE, connection_table_lookup(&t, &c));
    struct tcp_four_tuple a_other_local = a;
    a_other_local.local_port = 81;
    EXPECT_EQ(&h, "lookup a with another local port", CONNECTION_TABLE_NONE,
              connection_table_lookup(&t, &a_other_local));
    EXPECT_EQ(&h, "count", 2, connection_table_count(&t));
    EXPECT_TRUE(&h, "remove a", connection_table_remove(&t, &a));
    EXPECT_BOOL(&h, "remove a again", false, connection_table_remove(&t, &a));
    EXPECT_EQ(&h, "lookup a after remove", CONNECTION_TABLE_NONE, connection_table_lookup(&t, &a));
    EXPECT_EQ(&h, "lookup b still", 8, connection_table_lookup(&t, &b));
    EXPECT_TRUE(&h, "insert a -> 9 again", connection_table_insert(&t, &a, 9));
    EXPECT_EQ(&h, "lookup a", 9, connection_table_lookup(&t, &a));
    connection_table_destroy(&t);
    return harness_end(&h);
}

static int bounded(void) {
    struct harness h;
    struct connection_table t;
    harness_begin(&h, "table: bounded size, full table refuses [L4.R21]");
    STEP(&h, "table of 3");
    EXPECT_EQ(&h, "init", SPONGE_OK, connection_table_init(&t, 3, KEY));
    for (uint32_t i = 0; i < 3; i++) {
        struct tcp_four_tuple x = tuple(i);
        EXPECT_TRUE(&h, "insert", connection_table_insert(&t, &x, i));
    }
    struct tcp_four_tuple d = tuple(3);
    EXPECT_BOOL(&h, "a fourth insert is refused", false, connection_table_insert(&t, &d, 3));
    EXPECT_EQ(&h, "count", 3, connection_table_count(&t));
    struct tcp_four_tuple x1 = tuple(1);
    EXPECT_TRUE(&h, "remove one", connection_table_remove(&t, &x1));
    EXPECT_TRUE(&h, "then the fourth fits", connection_table_insert(&t, &d, 3));
    EXPECT_EQ(&h, "capacity", 3, connection_table_capacity(&t));
    connection_table_destroy(&t);
    return harness_end(&h);
}

/* 200 tuples in 512 buckets: chains of two and more are certain (birthday bound), so removal
 * from the head, middle and end of chains is exercised; checked against a plain array. */
static int collisions(void) {
    struct harness h;
    struct connection_table t;
    harness_begin(&h, "table: many tuples, chains, random removals [L4.R21]");
    uint64_t seed = harness_seed(&h);
    struct sponge_rng rng;
    sponge_rng_seed(&rng, seed);
    enum { N = 200 };
    bool present[N] = {false};
    EXPECT_EQ(&h, "init", SPONGE_OK, connection_table_init(&t, N, KEY));
    for (int round = 0; round < 5000; round++) {
        uint32_t i = (uint32_t)sponge_rng_below(&rng, N);
        struct tcp_four_tuple x = tuple(i);
        if (present[i]) {
            if (!connection_table_remove(&t, &x)) {
                FAIL(&h, "round %d: tuple %u present but not removed", round, (unsigned)i);
            }
        } else if (!connection_table_insert(&t, &x, i)) {
            FAIL(&h, "round %d: insert of %u refused with %u stored", round, (unsigned)i,
                 (unsigned)connection_table_count(&t));
        }
        present[i] = !present[i];
        uint32_t j = (uint32_t)sponge_rng_below(&rng, N);
        struct tcp_four_tuple y = tuple(j);
        uint32_t want = present[j] ? j : CONNECTION_TABLE_NONE;
        if (connection_table_lookup(&t, &y) != want) {
            FAIL(&h, "round %d: lookup of %u gave %u, expected %u", round, (unsigned)j,
                 (unsigned)connection_table_lookup(&t, &y), (unsigned)want);
        }
    }
    uint32_t count = 0;
    for (uint32_t i = 0; i < N; i++) {
        struct tcp_four_tuple x = tuple(i);
        count += present[i];
        EXPECT_EQ(&h, "final lookup", present[i] ? i : CONNECTION_TABLE_NONE, connection_table_lookup(&t, &x));
    }
    EXPECT_EQ(&h, "count matches", count, connection_table_count(&t));
    connection_table_destroy(&t);
    return harness_end(&h);
}

struct used_ports {
    bool used[65536];
};

static bool port_free(void *arg, uint16_t port) {
    return !((struct used_ports *)arg)->used[port];
}

static int ephemeral(void) {
    struct harness h;
    harness_begin(&h, "ephemeral ports: unique, in range, skip used, exhaust [L4.R21]");
    static struct used_ports u;
    memset(&u, 0, sizeof u);
    struct ephemeral_ports e;
    STEP(&h, "ports 50000..50099");
    ephemeral_ports_init(&e, 50000, 50099, KEY);
    u.used[50042] = true; /* in use already: must never be picked */
    uint16_t first = 0;
    for (int i = 0; i < 99; i++) {
        uint16_t p = 0;
        if (!ephemeral_ports_pick(&e, 1, 2, 80, port_free, &u, &p)) {
            FAIL(&h, "pick %d failed with %d ports left", i, 99 - i);
        }
        if (p < 50000 || p > 50099 || u.used[p]) {
            FAIL(&h, "pick %d gave port %u (out of range or in use)", i, (unsigned)p);
        }
        if (i == 0) {
            first = p;
        }
        u.used[p] = true;
    }
    uint16_t p = 0;
    EXPECT_BOOL(&h, "the range is exhausted", false, ephemeral_ports_pick(&e, 1, 2, 80, port_free, &u, &p));
    STEP(&h, "free the first port picked: it is the one found next");
    u.used[first] = false;
    EXPECT_TRUE(&h, "pick", ephemeral_ports_pick(&e, 1, 2, 80, port_free, &u, &p));
    EXPECT_EQ(&h, "port", first, p);

    STEP(&h, "a fresh range: successive picks towards one peer move on (no immediate reuse)");
    memset(&u, 0, sizeof u);
    ephemeral_ports_init(&e, 1024, 65535, KEY);
    uint16_t a = 0, b = 0;
    EXPECT_TRUE(&h, "pick", ephemeral_ports_pick(&e, 1, 2, 80, port_free, &u, &a));
    EXPECT_TRUE(&h, "pick again (first still free)", ephemeral_ports_pick(&e, 1, 2, 80, port_free, &u, &b));
    EXPECT_TRUE(&h, "different ports", a != b);
    return harness_end(&h);
}

int main(void) {
    insert_lookup_remove();
    bounded();
    collisions();
    ephemeral();
    return 0;
}
