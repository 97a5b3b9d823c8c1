/* router_forward: datagrams per second through a Router with 3 interfaces and a synthetic
 * 1,000,000-route table: each Ethernet frame is parsed, its datagram queued, looked up, its
 * TTL and checksum rewritten, and a new frame made for the next hop. One untimed pass checks
 * every output (interface, next-hop Ethernet address, TTL, checksum) against a slow reference;
 * the timed passes check the counts. Prints the median rate as the last line. */
#include "net/router.h"
#include "synthetic_routes.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/ipv4_datagram.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define ROUTES 1000000u
#define FRAMES 65536u
#define BATCH 64u
#define PASSES 7
#define FRAME_LEN 60u /* a minimum-size Ethernet frame: 14 + 20 + 26 bytes */

static const uint32_t next_hop_ip[3] = {0, 0x0a010002, 0x0a020002}; /* 10.1.0.2, 10.2.0.2 */
static const struct eth_addr router_mac[3] = {{{2, 0, 0, 0, 0, 1}}, {{2, 0, 0, 0, 1, 1}}, {{2, 0, 0, 0, 2, 1}}};
static const struct eth_addr peer_mac[3] = {{{2, 0, 0, 0, 0, 2}}, {{2, 0, 0, 0, 1, 2}}, {{2, 0, 0, 0, 2, 2}}};

static void die(const char *why) {
    fprintf(stderr, "router_forward: %s\n", why);
    exit(1);
}

/* Teaches interface n its next hop's Ethernet address with an ARP reply. */
static void learn_next_hop(struct router *r, size_t n) {
    uint8_t frame[ETH_HEADER_LEN + ARP_MESSAGE_LEN];
    struct ethernet_header eh = {router_mac[n], peer_mac[n], ETHERTYPE_ARP};
    struct arp_message am = {ARP_OPCODE_REPLY, peer_mac[n], next_hop_ip[n], router_mac[n], 0x0a000001u + (uint32_t)n};
    am.target_ip = n == 1 ? 0x0a010001 : 0x0a020001;
    if (ethernet_header_serialize(&eh, frame, sizeof frame) != SPONGE_OK ||
        arp_message_serialize(&am, frame + ETH_HEADER_LEN, ARP_MESSAGE_LEN) != SPONGE_OK) {
        die("cannot build ARP reply");
    }
    router_recv_frame(r, n, frame, sizeof frame);
}

/* Pops every frame the router sent; with `ref`, checks each against the reference. */
static uint64_t drain(struct router *r, const struct reference_table *ref) {
    uint64_t n = 0;
    for (size_t i = 1; i < 3; i++) {
        struct byte_view f;
        while (network_interface_frames_out(router_interface(r, i), &f)) {
            n++;
            if (!ref) {
                continue;
            }
            struct ethernet_header eh;
            struct ipv4_header ih;
            size_t off;
            if (ethernet_header_parse(f.data, f.len, &eh) != SPONGE_OK || eh.ethertype != ETHERTYPE_IPV4 ||
                ipv4_header_parse(f.data + ETH_HEADER_LEN, f.len - ETH_HEADER_LEN, &ih, &off) != SPONGE_OK) {
                die("WRONG: output frame does not parse (or its checksum is bad)");
            }
            uint32_t route = reference_lookup(ref, ih.dst);
            size_t want_iface = route % 2 ? 1 : 2;
            if (ih.ttl != 63 || i != want_iface || !eth_addr_equal(eh.dst, peer_mac[i])) {
                die("WRONG: datagram left by the wrong interface, next hop or TTL");
            }
        }
    }
    return n;
}

static uint64_t forward_all(struct router *r, uint8_t (*frames)[FRAME_LEN], const struct reference_table *ref) {
    uint64_t out = 0;
    for (uint32_t i = 0; i < FRAMES; i += BATCH) {
        for (uint32_t j = i; j < i + BATCH; j++) {
            router_recv_frame(r, 0, frames[j], FRAME_LEN);
        }
        router_route(r);
        out += drain(r, ref);
    }
    return out;
}

int main(void) {
    struct sponge_rng rng;
    const char *env = getenv("SPONGE_SEED");
    uint64_t seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
    sponge_rng_seed(&rng, seed);
    printf("seed: %" PRIu64 "\n", seed);
    bench_huge_pages_from_env();

    uint32_t *prefixes = malloc(ROUTES * sizeof *prefixes);
    uint8_t *lens = malloc(ROUTES);
    uint8_t(*frames)[FRAME_LEN] = malloc(FRAMES * sizeof *frames);
    struct reference_table ref;
    if (!prefixes || !lens || !frames || !reference_init(&ref, ROUTES)) {
        die("out of memory");
    }
    synthetic_routes(&rng, prefixes, lens, ROUTES);

    struct router_config cfg = router_default_config();
    cfg.rx_queue_capacity = BATCH;
    cfg.iface.frames_out_capacity = BATCH;
    cfg.fast_routes = true; /* the given trie (net/route_trie.h): a million routes */
    struct router r;
    if (router_init(&r, &cfg) != SPONGE_OK) {
        die("out of memory");
    }
    for (size_t i = 0; i < 3; i++) {
        size_t index;
        if (router_add_interface(&r, router_mac[i], i == 0 ? 0x0a000001 : next_hop_ip[i] - 1, &index) != SPONGE_OK) {
            die("cannot add interface");
        }
    }
    double t0 = bench_now();
    for (uint32_t i = 0; i < ROUTES; i++) {
        size_t iface = i % 2 ? 1 : 2;
        if (router_add_route(&r, prefixes[i], lens[i], true, next_hop_ip[iface], iface) != SPONGE_OK) {
            die("cannot add route");
        }
        reference_insert(&ref, prefixes[i], lens[i], i);
    }
    printf("table of %u routes built in %.3f s\n", ROUTES, bench_now() - t0);
    learn_next_hop(&r, 1);
    learn_next_hop(&r, 2);

    static const uint8_t payload[FRAME_LEN - ETH_HEADER_LEN - IPV4_MIN_HEADER_LEN] = "sponge router_forward...";
    for (uint32_t i = 0; i < FRAMES; i++) {
        struct ethernet_header eh = {router_mac[0], peer_mac[0], ETHERTYPE_IPV4};
        struct ipv4_datagram d;
        ipv4_datagram_init(&d, IPV4_PROTO_UDP, 0x0a000002, (uint32_t)sponge_rng_next(&rng), payload, sizeof payload);
        if (ethernet_header_serialize(&eh, frames[i], FRAME_LEN) != SPONGE_OK ||
            ipv4_datagram_serialize(&d, frames[i] + ETH_HEADER_LEN, FRAME_LEN - ETH_HEADER_LEN) != SPONGE_OK) {
            die("cannot build a frame");
        }
    }

    if (forward_all(&r, frames, &ref) != FRAMES) {
        die("WRONG: datagrams lost in the checked pass");
    }
    printf("checked pass: %u datagrams forwarded correctly\n", FRAMES);
    double rates[PASSES], cpu_rates[PASSES];
    for (int pass = 0; pass < PASSES; pass++) {
        double s = bench_now(), c = bench_cpu_now();
        if (forward_all(&r, frames, NULL) != FRAMES) {
            die("WRONG: datagrams lost");
        }
        rates[pass] = FRAMES / (bench_now() - s) / 1e6;
        cpu_rates[pass] = FRAMES / (bench_cpu_now() - c) / 1e6;
    }
    bench_report_huge_pages();
    printf("over CPU time: %.2f M datagrams/s\n", bench_median(cpu_rates, PASSES));
    printf("router_forward: %.2f M datagrams/s\n", bench_median(rates, PASSES));
    router_destroy(&r);
    free(prefixes);
    free(lens);
    free(frames);
    free(ref.slots);
    return 0;
}
