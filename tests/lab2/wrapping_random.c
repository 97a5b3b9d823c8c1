/* A million random round trips: unwrap(wrap(n, isn), isn, checkpoint) == n whenever the
 * checkpoint is within 2^31 of n; and unwrap of arbitrary inputs agrees with a brute-force
 * search over the three candidates around the checkpoint. Seeded: replay with SPONGE_SEED. */
#include "harness.h"
#include "tcp/wrapping_integers.h"
#include "util/rng.h"

#include <inttypes.h>

#define ROUNDS 1000000
#define TWO31 (INT64_C(1) << 31)

/* An absolute seqno from one of three regimes: anywhere, near 0, near 2^64. */
static uint64_t random_abs(struct sponge_rng *rng) {
    switch (sponge_rng_below(rng, 3)) {
        case 0:
            return sponge_rng_next(rng);
        case 1:
            return sponge_rng_below(rng, UINT64_C(1) << 34);
        default:
            return UINT64_MAX - sponge_rng_below(rng, UINT64_C(1) << 34);
    }
}

/* Reference: the candidate congruent to (n - isn) mod 2^32 nearest the checkpoint, ties to the
 * smaller, computed in 128-bit arithmetic over the candidates one span either side. */
static uint64_t reference_unwrap(uint32_t n, uint32_t isn, uint64_t checkpoint) {
    __int128 base = (__int128)(checkpoint & ~(uint64_t)UINT32_MAX) + (uint32_t)(n - isn);
    __int128 best = -1, best_dist = 0;
    for (int k = -1; k <= 1; k++) {
        __int128 cand = base + (__int128)k * ((__int128)1 << 32);
        if (cand < 0 || cand > (__int128)UINT64_MAX) {
            continue;
        }
        __int128 dist = cand > (__int128)checkpoint ? cand - checkpoint : checkpoint - cand;
        if (best < 0 || dist < best_dist) {
            best = cand;
            best_dist = dist;
        }
    }
    return (uint64_t)best;
}

int main(void) {
    struct harness h;
    struct sponge_rng rng;

    harness_begin(&h, "wrapping random: round trips [L2.R1 L2.R2]");
    sponge_rng_seed(&rng, harness_seed(&h));
    STEP(&h, "%d round trips with the checkpoint within 2^31 of n", ROUNDS);
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t n = random_abs(&rng);
        struct wrap32 isn = wrap32_of((uint32_t)sponge_rng_next(&rng));
        /* delta in [-(2^31 - 1), 2^31]: n is then the nearest candidate, or tied and smaller. */
        int64_t delta = (int64_t)sponge_rng_below(&rng, (uint64_t)(2 * TWO31)) - (TWO31 - 1);
        uint64_t checkpoint = n + (uint64_t)delta;
        if ((delta < 0 && checkpoint > n) || (delta > 0 && checkpoint < n)) {
            continue; /* the checkpoint would leave [0, 2^64) */
        }
        uint64_t got = unwrap(wrap(n, isn), isn, checkpoint);
        if (got != n) {
            FAIL(&h, "round %d: unwrap(wrap(%" PRIu64 ", isn %" PRIu32 "), checkpoint %" PRIu64 ") = %" PRIu64, i, n,
                 isn.raw, checkpoint, got);
        }
    }
    harness_end(&h);

    harness_begin(&h, "wrapping random: unwrap against a brute-force reference [L2.R2]");
    sponge_rng_seed(&rng, harness_seed(&h) ^ 0x5eed);
    STEP(&h, "%d arbitrary (n, isn, checkpoint) triples", ROUNDS);
    for (int i = 0; i < ROUNDS; i++) {
        uint32_t n = (uint32_t)sponge_rng_next(&rng);
        uint32_t isn = (uint32_t)sponge_rng_next(&rng);
        uint64_t checkpoint = random_abs(&rng);
        uint64_t want = reference_unwrap(n, isn, checkpoint);
        uint64_t got = unwrap(wrap32_of(n), wrap32_of(isn), checkpoint);
        if (got != want) {
            FAIL(&h,
                 "round %d: unwrap(%" PRIu32 ", isn %" PRIu32 ", checkpoint %" PRIu64 ") = %" PRIu64
                 ", reference %" PRIu64,
                 i, n, isn, checkpoint, got, want);
        }
    }
    return harness_end(&h);
}
