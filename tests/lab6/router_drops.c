/* Router, lab 6: what it drops, each counted by reason — TTL expired, no route, bad header,
 * queue full — and a random check that the incrementally updated checksum (RFC 1624) always
 * equals a fresh computation after one and two hops. */

#include "topology.h"
#include "util/rng.h"
#include "wire/ethernet.h"

enum { LINK_A, LINK_B, LINK_C };

/* One router between link A (10.0.0.0/24, host a) and link B (10.1.0.0/24, host b); no
 * default route unless asked. */
static struct topo *small_net(struct harness *h, const struct router_config *cfg, bool with_default) {
    struct topo *t = topo_new(h);
    struct router *r = topo_router(t, cfg);
    topo_router_iface(t, r, ip4(10, 0, 0, 1), LINK_A);
    topo_router_iface(t, r, ip4(10, 1, 0, 1), LINK_B);
    topo_host(t, "a", ip4(10, 0, 0, 10), 24, ip4(10, 0, 0, 1), LINK_A);
    topo_host(t, "b", ip4(10, 1, 0, 10), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_route(t, r, ip4(10, 0, 0, 0), 24, false, 0, 0);
    topo_route(t, r, ip4(10, 1, 0, 0), 24, false, 0, 1);
    if (with_default) {
        topo_route(t, r, 0, 0, true, ip4(10, 1, 0, 10), 1);
    }
    return t;
}

static void ttl_expiry(void) {
    struct harness h;
    harness_begin(&h, "router: TTL 0 and 1 are dropped, TTL 2 arrives with 1");
    struct topo *t = small_net(&h, NULL, false);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    for (unsigned ttl = 0; ttl <= 1; ttl++) {
        STEP(&h, "a sends to b with TTL %u", ttl);
        struct ipv4_datagram d = topo_dgram(a->ip, b->ip, (uint8_t)ttl, "expiring");
        topo_send(a, &d);
        topo_run(t);
        EXPECT_EQ(&h, "b received", 0, b->received);
        EXPECT_EQ(&h, "dropped, TTL expired", ttl + 1, r->counters.drop_ttl_expired);
    }
    STEP(&h, "a sends to b with TTL 2");
    struct ipv4_datagram d = topo_dgram(a->ip, b->ip, 2, "just enough");
    topo_send(a, &d);
    topo_run(t);
    expect_arrival(&h, b, 0, &d, 1);
    STEP(&h, "TTL 1 to a destination with no route: the TTL check comes first");
    d = topo_dgram(a->ip, ip4(192, 0, 2, 1), 1, "both");
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "dropped, TTL expired", 3, r->counters.drop_ttl_expired);
    EXPECT_EQ(&h, "dropped, no route", 0, r->counters.drop_no_route);
    EXPECT_EQ(&h, "forwarded", 1, r->counters.forwarded);
    topo_free(t);
    harness_end(&h);
}

static void no_route(void) {
    struct harness h;
    harness_begin(&h, "router: no matching route, no default: dropped");
    struct topo *t = small_net(&h, NULL, false);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0];
    /* (The limited broadcast is a drop of its own: router_mtu.) */
    const uint32_t dsts[] = {ip4(8, 8, 8, 8), ip4(10, 0, 1, 1), ip4(10, 2, 0, 10)};
    for (size_t i = 0; i < 3; i++) {
        char text[16];
        STEP(&h, "a sends to %s", ipv4_format(dsts[i], text));
        struct ipv4_datagram d = topo_dgram(a->ip, dsts[i], 64, "nowhere");
        topo_send(a, &d);
        topo_run(t);
        EXPECT_EQ(&h, "dropped, no route", i + 1, r->counters.drop_no_route);
    }
    EXPECT_EQ(&h, "datagrams received anywhere", 0, topo_total_received(t));
    EXPECT_EQ(&h, "frames sent by router interface 1", 0,
              network_interface_counters(router_interface(r, 1))->frames_sent);
    topo_free(t);
    harness_end(&h);
}

static void bad_header_and_queue_full(void) {
    struct harness h;
    harness_begin(&h, "router: bad IPv4 headers and a full queue are counted");
    struct router_config cfg = router_default_config();
    cfg.rx_queue_capacity = 2;
    struct topo *t = small_net(&h, &cfg, false);
    struct router *r = &t->routers[0];
    struct topo_host *b = &t->hosts[1];
    struct eth_addr router_mac = network_interface_eth(router_interface(r, 0));
    struct eth_addr a_mac = network_interface_eth(&t->hosts[0].ni);
    uint8_t frame[128];
    struct ethernet_header eh = {router_mac, a_mac, ETHERTYPE_IPV4};
    ethernet_header_serialize(&eh, frame, sizeof frame);
    struct ipv4_datagram d = topo_dgram(ip4(10, 0, 0, 10), b->ip, 64, "raw");
    ipv4_datagram_serialize(&d, frame + ETH_HEADER_LEN, sizeof frame - ETH_HEADER_LEN);
    size_t len = ETH_HEADER_LEN + ipv4_datagram_len(&d);

    STEP(&h, "frame to the router with a damaged IPv4 checksum");
    frame[ETH_HEADER_LEN + 11] ^= 0xff;
    router_recv_frame(r, 0, frame, len);
    frame[ETH_HEADER_LEN + 11] ^= 0xff;
    STEP(&h, "frame to the router with IPv4 version 5");
    frame[ETH_HEADER_LEN] ^= 0x10;
    router_recv_frame(r, 0, frame, len);
    frame[ETH_HEADER_LEN] ^= 0x10;
    EXPECT_EQ(&h, "router: dropped, bad header", 2, r->counters.drop_bad_header);
    EXPECT_EQ(&h, "interface 0: dropped, bad IPv4", 2,
              network_interface_counters(router_interface(r, 0))->drop_bad_ipv4);
    STEP(&h, "3 good frames before router_route, queue of 2");
    for (int i = 0; i < 3; i++) {
        router_recv_frame(r, 0, frame, len);
    }
    EXPECT_EQ(&h, "router: dropped, queue full", 1, r->counters.drop_queue_full);
    router_route(r);
    EXPECT_EQ(&h, "forwarded", 2, r->counters.forwarded);
    topo_run(t);
    expect_arrival(&h, b, 1, &d, 1);
    STEP(&h, "an ARP request for the router is answered, not counted as a router drop");
    uint64_t replies = network_interface_counters(router_interface(r, 0))->arp_replies_sent;
    topo_tick(t, NETWORK_INTERFACE_ARP_ENTRY_MS);
    struct ipv4_datagram again = topo_dgram(ip4(10, 0, 0, 10), b->ip, 64, "after the cache expired");
    topo_send(&t->hosts[0], &again);
    topo_run(t);
    expect_arrival(&h, b, 2, &again, 1);
    EXPECT_EQ(&h, "router ARP replies on interface 0", replies + 1,
              network_interface_counters(router_interface(r, 0))->arp_replies_sent);
    EXPECT_EQ(&h, "router drops", 3,
              r->counters.drop_bad_header + r->counters.drop_queue_full + r->counters.drop_no_route +
                  r->counters.drop_ttl_expired);
    topo_free(t);
    harness_end(&h);
}

/* Random headers (TTL, protocol, TOS, id, flags, options) and payloads across two routers:
 * each arrival parses (checksum verified) and matches the original with TTL - 2 and a
 * freshly computed checksum. */
static void random_checksums(void) {
    struct harness h;
    harness_begin(&h, "router: incremental checksum equals a fresh one (random headers, two hops)");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    struct topo *t = topo_new(&h);
    struct router *r1 = topo_router(t, NULL);
    struct router *r2 = topo_router(t, NULL);
    topo_router_iface(t, r1, ip4(10, 0, 1, 1), LINK_A);
    topo_router_iface(t, r1, ip4(10, 9, 0, 1), LINK_B);
    topo_router_iface(t, r2, ip4(10, 9, 0, 2), LINK_B);
    topo_router_iface(t, r2, ip4(10, 0, 2, 1), LINK_C);
    struct topo_host *h1 = topo_host(t, "h1", ip4(10, 0, 1, 10), 24, ip4(10, 0, 1, 1), LINK_A);
    struct topo_host *h2 = topo_host(t, "h2", ip4(10, 0, 2, 10), 24, ip4(10, 0, 2, 1), LINK_C);
    topo_route(t, r1, ip4(10, 0, 1, 0), 24, false, 0, 0);
    topo_route(t, r1, 0, 0, true, ip4(10, 9, 0, 2), 1);
    topo_route(t, r2, ip4(10, 0, 2, 0), 24, false, 0, 1);
    uint8_t payload[600];
    for (int i = 0; i < 3000; i++) {
        for (size_t j = 0; j < sizeof payload; j++) {
            payload[j] = (uint8_t)sponge_rng_next(&rng);
        }
        struct ipv4_datagram d;
        ipv4_datagram_init(&d, (uint8_t)sponge_rng_next(&rng), h1->ip, h2->ip, payload,
                           sponge_rng_below(&rng, sizeof payload));
        d.header.ttl = (uint8_t)(3 + sponge_rng_below(&rng, 253));
        d.header.tos = (uint8_t)sponge_rng_next(&rng);
        d.header.id = (uint16_t)sponge_rng_next(&rng);
        d.header.df = sponge_rng_below(&rng, 2);
        d.header.options_len = (uint8_t)(4 * sponge_rng_below(&rng, 11));
        for (size_t j = 0; j < d.header.options_len; j++) {
            d.header.options[j] = (uint8_t)sponge_rng_next(&rng);
        }
        d.header.ihl = (uint8_t)(5 + d.header.options_len / 4);
        ipv4_datagram_seal(&d);
        size_t before = h2->received;
        topo_send(h1, &d);
        topo_run(t);
        if (h2->received != before + 1) {
            FAIL(&h, "datagram %d (TTL %u) did not arrive exactly once", i, d.header.ttl);
        }
        /* Keep the record from filling: check the arrival, then forget it. */
        expect_arrival(&h, h2, before, &d, 2);
        h2->received = 0;
    }
    STEP(&h, "3000 random datagrams arrived with valid, fresh-equal checksums");
    EXPECT_EQ(&h, "r2 forwarded", 3000, r2->counters.forwarded);
    topo_free(t);
    harness_end(&h);
}

int main(void) {
    ttl_expiry();
    no_route();
    bad_header_and_queue_full();
    random_checksums();
    return 0;
}
