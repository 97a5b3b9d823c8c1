/* route_insert: the time to build a route table of 100,000 routes whose next hops are 1,000
 * gateways on one interface (and, for scale, the same routes over 10 and over 10,000
 * gateways), through route_trie_add. Each route is a distinct /24, round-robin over the
 * gateways. The actions (interface, next hop) are deduplicated through a hash, so the build
 * should cost the same whatever the number of gateways. Checks every route's next hop after the build. Prints the
 * median build time over 1,000 gateways as the last line, in the thread's CPU time (the wall
 * time, printed above it, suffers more from a busy host). */
#include "net/route_trie.h"
#include "synthetic_routes.h" /* bench_cpu_now */

#include <stdio.h>

#define ROUTES 100000u
#define PASSES 7

static uint32_t prefix_of(uint32_t i) {
    return 0x01000000u + (i << 8); /* distinct /24s from 1.0.0.0 */
}

static uint32_t gateway_of(uint32_t i, uint32_t gateways) {
    return 0xc0a80000u + i % gateways; /* 192.168.x.y */
}

/* Builds the table once and checks it; the build's wall and CPU time go to *wall_ms, *cpu_ms. */
static void build(uint32_t gateways, double *wall_ms, double *cpu_ms) {
    struct route_trie t;
    if (route_trie_init(&t) != SPONGE_OK) {
        fprintf(stderr, "route_insert: out of memory\n");
        exit(1);
    }
    double start = bench_now(), cpu_start = bench_cpu_now();
    for (uint32_t i = 0; i < ROUTES; i++) {
        struct route r = {prefix_of(i), 24, {true, gateway_of(i, gateways), 0}};
        if (route_trie_add(&t, &r) != SPONGE_OK) {
            fprintf(stderr, "route_insert: route %u not added\n", i);
            exit(1);
        }
    }
    *cpu_ms = (bench_cpu_now() - cpu_start) * 1e3;
    *wall_ms = (bench_now() - start) * 1e3;
    for (uint32_t i = 0; i < ROUTES; i++) {
        const struct route_action *a = route_trie_lookup(&t, prefix_of(i) | 0x7f);
        if (!a || !a->has_next_hop || a->next_hop != gateway_of(i, gateways) || a->interface_num != 0) {
            fprintf(stderr, "route_insert: WRONG next hop for route %u\n", i);
            exit(1);
        }
    }
    route_trie_destroy(&t);
}

int main(void) {
    static const uint32_t gateways[3] = {10, 1000, 10000};
    double wall[3][PASSES], cpu[3][PASSES];
    for (int pass = 0; pass < PASSES; pass++) { /* interleaved, so that load hits all alike */
        for (int g = 0; g < 3; g++) {
            build(gateways[g], &wall[g][pass], &cpu[g][pass]);
        }
    }
    double cpu_ms[3];
    for (int g = 0; g < 3; g++) {
        cpu_ms[g] = bench_median(cpu[g], PASSES);
        printf("%u routes over %u gateways: %.2f ms wall, %.2f ms CPU (medians of %d; CPU %.2fx that over 10)\n",
               ROUTES, gateways[g], bench_median(wall[g], PASSES), cpu_ms[g], PASSES, cpu_ms[g] / cpu_ms[0]);
    }
    printf("route_insert: %.2f ms CPU\n", cpu_ms[1]);
    return 0;
}
