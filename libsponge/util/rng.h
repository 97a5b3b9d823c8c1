#ifndef SPONGE_UTIL_RNG_H
#define SPONGE_UTIL_RNG_H

#include <stdint.h>

/** A small seeded pseudo-random generator (splitmix64): reproducible from its seed, with
 *  its state in the caller's struct. Not for anything secret. */
struct sponge_rng {
    uint64_t state;
};

static inline void sponge_rng_seed(struct sponge_rng *r, uint64_t seed) {
    r->state = seed;
}

static inline uint64_t sponge_rng_next(struct sponge_rng *r) {
    uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/** A uniform value in [0, bound); bound must be non-zero. */
static inline uint64_t sponge_rng_below(struct sponge_rng *r, uint64_t bound) {
    return (uint64_t)(((unsigned __int128)sponge_rng_next(r) * bound) >> 64);
}

/** A uniform double in [0, 1). */
static inline double sponge_rng_unit(struct sponge_rng *r) {
    return (double)(sponge_rng_next(r) >> 11) * 0x1.0p-53;
}

#endif
