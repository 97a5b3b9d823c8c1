/* A synthetic Internet-like routing table for the router benchmarks, and a slow reference
 * lookup to check answers against (one hash probe per prefix length, longest first). */
#ifndef SPONGE_BENCH_SYNTHETIC_ROUTES_H
#define SPONGE_BENCH_SYNTHETIC_ROUTES_H

#include "bench_common.h"

#include <stdio.h>
#include <sys/prctl.h>

/* SPONGE_NO_THP=1 in the environment asks the kernel not to back this process with
 * transparent huge pages (PR_SET_THP_DISABLE), to measure the router without them whatever
 * the system setting. Prints which it is. */
static inline void bench_huge_pages_from_env(void) {
    const char *v = getenv("SPONGE_NO_THP");
    int off = v && strcmp(v, "1") == 0;
    if (off && prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) {
        perror("prctl(PR_SET_THP_DISABLE)");
        exit(1);
    }
    printf("transparent huge pages: %s\n",
           off ? "disabled for this process (SPONGE_NO_THP=1)" : "as the system allows");
}

/* Seconds of CPU time this thread has used: on a shared host, a rate over CPU time leaves out
 * the time other processes held the CPU (it still includes their effect on caches). */
static inline double bench_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Prints how much of this process's memory the kernel backs with huge pages (AnonHugePages). */
static inline void bench_report_huge_pages(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    char line[128];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "AnonHugePages:", 14) == 0) {
            printf("huge pages in use: %s", line + 14 + strspn(line + 14, " "));
        }
    }
    if (f) {
        fclose(f);
    }
}

/* A prefix length drawn from a mix resembling a full BGP table: mostly /24, then /16-/23,
 * a few shorter and a few longer. */
static inline uint8_t synthetic_prefix_length(struct sponge_rng *rng) {
    uint64_t p = sponge_rng_below(rng, 1000);
    if (p < 580) {
        return 24;
    }
    if (p < 680) {
        return 23;
    }
    if (p < 780) {
        return 22;
    }
    if (p < 840) {
        return 21;
    }
    if (p < 890) {
        return 20;
    }
    if (p < 960) {
        return (uint8_t)(16 + sponge_rng_below(rng, 4));
    }
    if (p < 985) {
        return (uint8_t)(8 + sponge_rng_below(rng, 8));
    }
    return (uint8_t)(25 + sponge_rng_below(rng, 8));
}

static inline uint32_t synthetic_mask(uint8_t len) {
    return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/* n routes: route 0 is the default route, the others random prefixes of synthetic lengths. */
static inline void synthetic_routes(struct sponge_rng *rng, uint32_t *prefixes, uint8_t *lens, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        lens[i] = i == 0 ? 0 : synthetic_prefix_length(rng);
        prefixes[i] = (uint32_t)sponge_rng_next(rng) & synthetic_mask(lens[i]);
    }
}

/* The slow reference: an open-addressing hash of (prefix, length) -> route index. */
struct reference_entry {
    uint32_t prefix;
    uint8_t len; /* len + 1; 0 = empty slot */
    uint32_t value;
};
struct reference_table {
    struct reference_entry *slots;
    size_t mask;
};

static inline size_t reference_hash(uint32_t prefix, uint8_t len) {
    return (size_t)((((uint64_t)prefix << 8) | len) * 0x9E3779B97F4A7C15ULL >> 20);
}

/* Room for `n` routes at a load of at most one half; false if out of memory. */
static inline int reference_init(struct reference_table *r, uint32_t n) {
    size_t size = 1;
    while (size < 2 * (size_t)n) {
        size <<= 1;
    }
    r->slots = calloc(size, sizeof *r->slots);
    r->mask = size - 1;
    return r->slots != NULL;
}

/* Later routes for the same prefix and length replace earlier ones. */
static inline void reference_insert(struct reference_table *r, uint32_t prefix, uint8_t len, uint32_t value) {
    for (size_t i = reference_hash(prefix, len) & r->mask;; i = (i + 1) & r->mask) {
        if (r->slots[i].len == 0 || (r->slots[i].len == len + 1 && r->slots[i].prefix == prefix)) {
            r->slots[i] = (struct reference_entry){prefix, (uint8_t)(len + 1), value};
            return;
        }
    }
}

/* The route index of the longest prefix matching addr, or UINT32_MAX. */
static inline uint32_t reference_lookup(const struct reference_table *r, uint32_t addr) {
    for (int len = 32; len >= 0; len--) {
        uint32_t prefix = addr & synthetic_mask((uint8_t)len);
        for (size_t i = reference_hash(prefix, (uint8_t)len) & r->mask; r->slots[i].len; i = (i + 1) & r->mask) {
            if (r->slots[i].len == len + 1 && r->slots[i].prefix == prefix) {
                return r->slots[i].value;
            }
        }
    }
    return UINT32_MAX;
}

#endif
