/* router_lookup: longest-prefix match on a synthetic 1,000,000-route table with an
 * Internet-like prefix-length mix, random destinations. Checks a sample of answers against
 * a slow reference and fails loudly on a mismatch. Prints build time, memory, and the median
 * lookup rate as the last line. */
#include "net/lpm_table.h"
#include "synthetic_routes.h"

#include <inttypes.h>
#include <stdio.h>

#define ROUTES 1000000u
#define QUERIES (1u << 22)
#define PASSES 7
#define SAMPLE 200000u

int main(void) {
    struct sponge_rng rng;
    const char *env = getenv("SPONGE_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    sponge_rng_seed(&rng, seed);
    printf("seed: %" PRIu64 "\n", seed);
    bench_huge_pages_from_env();

    uint32_t *prefixes = malloc(ROUTES * sizeof *prefixes);
    uint8_t *lens = malloc(ROUTES);
    uint32_t *queries = malloc(QUERIES * sizeof *queries);
    uint32_t *answers = malloc(QUERIES * sizeof *answers);
    uint32_t *batch_answers = malloc(QUERIES * sizeof *batch_answers);
    struct reference_table ref;
    struct lpm_table table;
    if (!prefixes || !lens || !queries || !answers || !batch_answers || !reference_init(&ref, ROUTES) ||
        lpm_table_init(&table, 0) != SPONGE_OK) {
        fprintf(stderr, "router_lookup: out of memory\n");
        return 1;
    }
    synthetic_routes(&rng, prefixes, lens, ROUTES);

    double t0 = bench_now();
    for (uint32_t i = 0; i < ROUTES; i++) {
        if (lpm_table_insert(&table, prefixes[i], lens[i], i) != SPONGE_OK) {
            fprintf(stderr, "router_lookup: insert %u failed\n", i);
            return 1;
        }
    }
    double build_s = bench_now() - t0;
    for (uint32_t i = 0; i < ROUTES; i++) {
        reference_insert(&ref, prefixes[i], lens[i], i);
    }

    for (uint32_t i = 0; i < QUERIES; i++) {
        queries[i] = (uint32_t)sponge_rng_next(&rng);
    }
    double rates[PASSES], cpu_rates[PASSES];
    for (int pass = 0; pass < PASSES; pass++) {
        double s = bench_now(), c = bench_cpu_now();
        for (uint32_t i = 0; i < QUERIES; i++) {
            answers[i] = lpm_table_lookup(&table, queries[i]);
        }
        rates[pass] = QUERIES / (bench_now() - s) / 1e6;
        cpu_rates[pass] = QUERIES / (bench_cpu_now() - c) / 1e6;
    }

    /* The same queries through lpm_table_lookup_batch (as router_route uses it), 32 at a time. */
    double batch_rates[PASSES];
    for (int pass = 0; pass < PASSES; pass++) {
        double s = bench_now();
        for (uint32_t i = 0; i < QUERIES; i += 32) {
            lpm_table_lookup_batch(&table, queries + i, 32, batch_answers + i);
        }
        batch_rates[pass] = QUERIES / (bench_now() - s) / 1e6;
    }

    for (uint32_t i = 0; i < SAMPLE; i++) {
        uint32_t k = (uint32_t)sponge_rng_below(&rng, QUERIES);
        uint32_t want = reference_lookup(&ref, queries[k]);
        want = want == UINT32_MAX ? LPM_NO_MATCH : want;
        if (answers[k] != want || batch_answers[k] != want) {
            fprintf(stderr,
                    "router_lookup: WRONG ANSWER for %08x: table %u, batch %u, reference %u (seed %" PRIu64 ")\n",
                    queries[k], answers[k], batch_answers[k], want, seed);
            return 1;
        }
    }
    printf("routes: %u, build %.3f s, table %.1f MiB; %u sampled answers match the reference\n", ROUTES, build_s,
           (double)lpm_table_memory(&table) / (1 << 20), SAMPLE);
    bench_report_huge_pages();
    printf("over CPU time: %.1f M lookups/s\n", bench_median(cpu_rates, PASSES));
    printf("batch lookups (32 at a time): %.1f M lookups/s\n", bench_median(batch_rates, PASSES));
    printf("router_lookup: %.1f M lookups/s\n", bench_median(rates, PASSES));
    lpm_table_destroy(&table);
    free(prefixes);
    free(lens);
    free(queries);
    free(answers);
    free(batch_answers);
    free(ref.slots);
    return 0;
}
