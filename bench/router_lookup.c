/* router_lookup: longest-prefix match on a synthetic 1,000,000-route table with an
 * Internet-like prefix-length mix, random destinations. Checks a sample of answers against
 * a slow reference (one hash probe per prefix length, longest first) and fails loudly on a
 * mismatch. Prints build time, memory, and lookups per second as the last line. */
#include "net/lpm_table.h"
#include "util/rng.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUTES 1000000u
#define QUERIES (1u << 22)
#define PASSES 8
#define SAMPLE 200000u

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A prefix length drawn from a mix resembling a full BGP table: mostly /24, then /16-/23,
 * a few shorter and a few longer. */
static uint8_t draw_length(struct sponge_rng *rng) {
    uint64_t p = sponge_rng_below(rng, 1000);
    if (p < 580)
        return 24;
    if (p < 680)
        return 23;
    if (p < 780)
        return 22;
    if (p < 840)
        return 21;
    if (p < 890)
        return 20;
    if (p < 960)
        return (uint8_t)(16 + sponge_rng_below(rng, 4));
    if (p < 985)
        return (uint8_t)(8 + sponge_rng_below(rng, 8));
    return (uint8_t)(25 + sponge_rng_below(rng, 8));
}

/* The slow reference: an open-addressing hash of (prefix, length) -> value. */
struct ref_entry {
    uint32_t prefix;
    uint8_t len; /* 0 = empty slot; stores len + 1 */
    uint32_t value;
};
struct reference {
    struct ref_entry *slots;
    size_t mask;
};

static size_t ref_hash(uint32_t prefix, uint8_t len) {
    uint64_t x = ((uint64_t)prefix << 8 | len) * 0x9E3779B97F4A7C15ULL;
    return (size_t)(x >> 20);
}

static void ref_insert(struct reference *r, uint32_t prefix, uint8_t len, uint32_t value) {
    for (size_t i = ref_hash(prefix, len) & r->mask;; i = (i + 1) & r->mask) {
        if (r->slots[i].len == 0 || (r->slots[i].len == len + 1 && r->slots[i].prefix == prefix)) {
            r->slots[i] = (struct ref_entry){prefix, (uint8_t)(len + 1), value};
            return;
        }
    }
}

static uint32_t ref_lookup(const struct reference *r, uint32_t addr) {
    for (int len = 32; len >= 0; len--) {
        uint32_t prefix = len == 0 ? 0 : len == 32 ? addr : addr & ~(UINT32_MAX >> len);
        for (size_t i = ref_hash(prefix, (uint8_t)len) & r->mask; r->slots[i].len; i = (i + 1) & r->mask) {
            if (r->slots[i].len == len + 1 && r->slots[i].prefix == prefix) {
                return r->slots[i].value;
            }
        }
    }
    return LPM_NO_MATCH;
}

int main(void) {
    struct sponge_rng rng;
    const char *env = getenv("SPONGE_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    sponge_rng_seed(&rng, seed);
    printf("seed: %" PRIu64 "\n", seed);

    uint32_t *prefixes = malloc(ROUTES * sizeof *prefixes);
    uint8_t *lens = malloc(ROUTES);
    uint32_t *queries = malloc(QUERIES * sizeof *queries);
    uint32_t *answers = malloc(QUERIES * sizeof *answers);
    struct reference ref = {calloc((size_t)1 << 22, sizeof(struct ref_entry)), ((size_t)1 << 22) - 1};
    if (!prefixes || !lens || !queries || !answers || !ref.slots) {
        fprintf(stderr, "router_lookup: out of memory\n");
        return 1;
    }
    for (uint32_t i = 0; i < ROUTES; i++) {
        lens[i] = i == 0 ? 0 : draw_length(&rng);
        uint32_t a = (uint32_t)sponge_rng_next(&rng);
        prefixes[i] = lens[i] == 0 ? 0 : lens[i] == 32 ? a : a & ~(UINT32_MAX >> lens[i]);
    }

    struct lpm_table table;
    double t0 = now();
    if (lpm_table_init(&table, 0) != SPONGE_OK) {
        fprintf(stderr, "router_lookup: out of memory\n");
        return 1;
    }
    for (uint32_t i = 0; i < ROUTES; i++) {
        if (lpm_table_insert(&table, prefixes[i], lens[i], i) != SPONGE_OK) {
            fprintf(stderr, "router_lookup: insert %u failed\n", i);
            return 1;
        }
    }
    double build_s = now() - t0;
    for (uint32_t i = 0; i < ROUTES; i++) {
        ref_insert(&ref, prefixes[i], lens[i], i);
    }

    for (uint32_t i = 0; i < QUERIES; i++) {
        queries[i] = (uint32_t)sponge_rng_next(&rng);
    }
    /* Median of PASSES timed passes over the random destinations. */
    double rates[PASSES];
    for (int pass = 0; pass < PASSES; pass++) {
        double s = now();
        for (uint32_t i = 0; i < QUERIES; i++) {
            answers[i] = lpm_table_lookup(&table, queries[i]);
        }
        rates[pass] = QUERIES / (now() - s) / 1e6;
    }
    for (int i = 1; i < PASSES; i++) {
        for (int j = i; j > 0 && rates[j - 1] > rates[j]; j--) {
            double tmp = rates[j];
            rates[j] = rates[j - 1];
            rates[j - 1] = tmp;
        }
    }

    for (uint32_t i = 0; i < SAMPLE; i++) {
        uint32_t k = (uint32_t)sponge_rng_below(&rng, QUERIES);
        uint32_t want = ref_lookup(&ref, queries[k]);
        if (answers[k] != want) {
            fprintf(stderr, "router_lookup: WRONG ANSWER for %08x: table %u, reference %u (seed %" PRIu64 ")\n",
                    queries[k], answers[k], want, seed);
            return 1;
        }
    }
    printf("routes: %u (%zu prefixes), build %.3f s, table %.1f MiB\n", ROUTES, lpm_table_prefixes(&table), build_s,
           (double)lpm_table_memory(&table) / (1 << 20));
    printf("%u sampled answers match the reference\n", SAMPLE);
    printf("router_lookup: %.1f M lookups/s\n", rates[PASSES / 2]);
    lpm_table_destroy(&table);
    free(prefixes);
    free(lens);
    free(queries);
    free(answers);
    free(ref.slots);
    return 0;
}
