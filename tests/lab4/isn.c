/* SipHash-2-4 against the reference vectors of the SipHash paper (key 00 01 .. 0f, message
 * 00 01 .. len-1), and RFC 6528 initial sequence numbers: different 4-tuples get unrelated
 * ISNs, the same tuple advances with the 4-microsecond clock, and an ISN cannot be worked out
 * from another connection's without the key. */
#include "adapters/isn.h"
#include "harness.h"
#include "tcp/wrapping_integers.h"
#include "util/rng.h"
#include "util/siphash.h"

#include <string.h>

static int siphash_vectors(void) {
    struct harness h;
    harness_begin(&h, "siphash-2-4: reference vectors [L4.R22]");
    static const struct {
        size_t len;
        uint64_t hash;
    } vectors[] = {
        {0, 0x726fdb47dd0e0e31ULL}, {1, 0x74f839c593dc67fdULL}, {2, 0x0d6c8009d9a94f5aULL}, {3, 0x85676696d7fb7e2dULL},
        {7, 0xab0200f58b01d137ULL}, {8, 0x93f5f5799a932462ULL}, {9, 0x9e0082df0ba9e4b0ULL}, {15, 0xa129ca6149be45e5ULL},
    };
    uint8_t key[SIPHASH_KEY_LEN], msg[16];
    for (unsigned i = 0; i < sizeof key; i++) {
        key[i] = (uint8_t)i;
        msg[i] = (uint8_t)i;
    }
    for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
        STEP(&h, "siphash24(key 00..0f, %zu bytes 00..)", vectors[i].len);
        EXPECT_EQ(&h, "hash", vectors[i].hash, siphash24(key, msg, vectors[i].len));
    }
    return harness_end(&h);
}

static int isn_tuples_and_clock(void) {
    struct harness h;
    harness_begin(&h, "rfc 6528 isn: tuples differ, the clock advances it [L4.R22]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    struct isn_secret s;
    for (unsigned i = 0; i < sizeof s.key; i++) {
        s.key[i] = (uint8_t)sponge_rng_next(&rng);
    }
    uint32_t a = 0xa9fe9009u, b = 0xa9fe9001u;
    uint64_t t = sponge_rng_below(&rng, 1ULL << 40);
    STEP(&h, "isn for %08x:1000 -> %08x:80 at t and other tuples at t", a, b);
    uint32_t base = isn_compute(&s, a, 1000, b, 80, t);
    EXPECT_TRUE(&h, "other local port", isn_compute(&s, a, 1001, b, 80, t) != base);
    EXPECT_TRUE(&h, "other remote port", isn_compute(&s, a, 1000, b, 81, t) != base);
    EXPECT_TRUE(&h, "other local address", isn_compute(&s, a + 1, 1000, b, 80, t) != base);
    EXPECT_TRUE(&h, "other remote address", isn_compute(&s, a, 1000, b + 1, 80, t) != base);
    EXPECT_TRUE(&h, "swapped ends", isn_compute(&s, b, 80, a, 1000, t) != base);
    STEP(&h, "same tuple 4000 us later: 1000 ticks of the 4-us timer");
    EXPECT_EQ(&h, "isn advance", 1000, (uint32_t)(isn_compute(&s, a, 1000, b, 80, t + 4000) - base));
    STEP(&h, "same tuple, successive real-clock reads");
    uint32_t first = isn_generate(&s, a, 1000, b, 80);
    uint32_t second = isn_generate(&s, a, 1000, b, 80);
    EXPECT_TRUE(&h, "second >= first (seq_geq)", seq_geq(wrap32_of(second), wrap32_of(first)));
    EXPECT_TRUE(&h, "advance below 2^20 ticks (4 s)", (uint32_t)(second - first) < (1u << 20));
    return harness_end(&h);
}

static int isn_unpredictable(void) {
    struct harness h;
    harness_begin(&h, "rfc 6528 isn: not predictable from other connections [L4.R22]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    struct isn_secret s1, s2;
    for (unsigned i = 0; i < sizeof s1.key; i++) {
        s1.key[i] = (uint8_t)sponge_rng_next(&rng);
        s2.key[i] = (uint8_t)sponge_rng_next(&rng);
    }
    uint32_t a = 0xa9fe9009u, b = 0xa9fe9001u;
    uint64_t t = sponge_rng_below(&rng, 1ULL << 40);
    /* An observer who connected from port 1000 and knows the time cannot step to port 1001:
     * the offset between two tuples depends on the key. */
    STEP(&h, "offset between ports 1000 and 1001 under two keys");
    uint32_t d1 = isn_compute(&s1, a, 1001, b, 80, t) - isn_compute(&s1, a, 1000, b, 80, t);
    uint32_t d2 = isn_compute(&s2, a, 1001, b, 80, t) - isn_compute(&s2, a, 1000, b, 80, t);
    EXPECT_TRUE(&h, "offsets differ", d1 != d2);
    STEP(&h, "offsets between consecutive ports are not one constant");
    uint32_t d3 = isn_compute(&s1, a, 1002, b, 80, t) - isn_compute(&s1, a, 1001, b, 80, t);
    EXPECT_TRUE(&h, "1000->1001 != 1001->1002", d1 != d3);
    STEP(&h, "two fresh keys from getrandom");
    struct isn_secret r1, r2;
    EXPECT_EQ(&h, "first key", SPONGE_OK, isn_secret_init(&r1));
    EXPECT_EQ(&h, "second key", SPONGE_OK, isn_secret_init(&r2));
    EXPECT_TRUE(&h, "keys differ", memcmp(r1.key, r2.key, sizeof r1.key) != 0);
    EXPECT_TRUE(&h, "same tuple and time, different ISN",
                isn_compute(&r1, a, 1000, b, 80, t) != isn_compute(&r2, a, 1000, b, 80, t));
    return harness_end(&h);
}

int main(void) {
    int failed = 0;
    failed |= siphash_vectors();
    failed |= isn_tuples_and_clock();
    failed |= isn_unpredictable();
    return failed;
}
