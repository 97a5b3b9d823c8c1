/* Small helpers shared by the benchmark programs: a monotonic clock, seeded random data and
 * the median of several runs. */
#ifndef SPONGE_BENCH_COMMON_H
#define SPONGE_BENCH_COMMON_H

#include "util/rng.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** Seconds on CLOCK_MONOTONIC. */
static inline double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/** Fills buf[0..len) with bytes from a generator seeded with `seed`. */
static inline void bench_fill_random(uint8_t *buf, size_t len, uint64_t seed) {
    struct sponge_rng rng;
    sponge_rng_seed(&rng, seed);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t x = sponge_rng_next(&rng);
        memcpy(buf + i, &x, len - i < 8 ? len - i : 8);
    }
}

static inline int bench_compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/** The median of values[0..n) (n > 0); sorts the array. */
static inline double bench_median(double *values, size_t n) {
    qsort(values, n, sizeof values[0], bench_compare_double);
    return values[n / 2];
}

#endif
