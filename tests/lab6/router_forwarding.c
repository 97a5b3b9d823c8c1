/* Router, lab 6: forwarding on a small topology in memory. Longest-prefix match with
 * overlapping prefixes, a default route, a host (/32) route, next hops and direct delivery,
 * and two routers in a row. Every arrival is checked byte for byte, TTL and checksum too. */

#include "topology.h"

enum { LINK_A, LINK_B, LINK_C, LINK_D };

/* Route set for the one-router network; `order` picks the order they are added in. */
static void add_routes(struct topo *t, struct router *r, int order) {
    struct route routes[] = {
        {ip4(10, 0, 0, 0), 24, {false, 0, 0}},
        {ip4(10, 1, 0, 0), 16, {false, 0, 1}},
        {ip4(10, 1, 5, 0), 24, {true, ip4(192, 168, 0, 7), 3}},
        {ip4(10, 1, 5, 9), 32, {false, 0, 1}},
        {ip4(172, 16, 0, 0), 24, {false, 0, 2}},
        {ip4(192, 168, 0, 0), 24, {false, 0, 3}},
        {0, 0, {true, ip4(172, 16, 0, 2), 2}},
    };
    size_t n = sizeof routes / sizeof routes[0];
    for (size_t i = 0; i < n; i++) {
        const struct route *rt = &routes[order ? n - 1 - i : i];
        topo_route(t, r, rt->prefix, rt->prefix_length, rt->action.has_next_hop, rt->action.next_hop,
                   rt->action.interface_num);
    }
}

static void send_and_expect(struct harness *h, struct topo *t, struct topo_host *from, uint32_t dst,
                            struct topo_host *to, unsigned hops, const char *why) {
    char dst_text[16];
    STEP(h, "%s sends to %s: expect it at %s (%s)", from->name, ipv4_format(dst, dst_text), to->name, why);
    struct ipv4_datagram d = topo_dgram(from->ip, dst, 64, why);
    size_t before = to->received, total = topo_total_received(t);
    topo_send(from, &d);
    topo_run(t);
    expect_arrival(h, to, before, &d, hops);
    EXPECT_EQ(h, "datagrams received anywhere", total + 1, topo_total_received(t));
}

static void one_router(int order) {
    struct harness h;
    harness_begin(&h, order ? "router: longest-prefix match (routes added most specific first) [L6.R1 L6.R5]"
                            : "router: longest-prefix match (routes added least specific first) [L6.R1 L6.R5]");
    struct topo *t = topo_new(&h);
    struct router *r = topo_router(t, NULL);
    topo_router_iface(t, r, ip4(10, 0, 0, 1), LINK_A);
    topo_router_iface(t, r, ip4(10, 1, 0, 1), LINK_B);
    topo_router_iface(t, r, ip4(172, 16, 0, 1), LINK_C);
    topo_router_iface(t, r, ip4(192, 168, 0, 1), LINK_D);
    struct topo_host *a1 = topo_host(t, "a1", ip4(10, 0, 0, 10), 24, ip4(10, 0, 0, 1), LINK_A);
    struct topo_host *a2 = topo_host(t, "a2", ip4(10, 0, 0, 20), 24, ip4(10, 0, 0, 1), LINK_A);
    struct topo_host *b1 = topo_host(t, "b1", ip4(10, 1, 0, 10), 16, ip4(10, 1, 0, 1), LINK_B);
    struct topo_host *b9 = topo_host(t, "b9", ip4(10, 1, 5, 9), 16, ip4(10, 1, 0, 1), LINK_B);
    struct topo_host *up = topo_host(t, "upstream", ip4(172, 16, 0, 2), 24, ip4(172, 16, 0, 1), LINK_C);
    struct topo_host *d7 = topo_host(t, "d7", ip4(192, 168, 0, 7), 24, ip4(192, 168, 0, 1), LINK_D);
    add_routes(t, r, order);

    send_and_expect(&h, t, a1, a2->ip, a2, 0, "same subnet, no router");
    EXPECT_EQ(&h, "router forwarded", 0, r->counters.forwarded);
    send_and_expect(&h, t, a1, b1->ip, b1, 1, "10.1.0.0/16, direct");
    send_and_expect(&h, t, a1, ip4(10, 1, 5, 1), d7, 1, "10.1.5.0/24 beats /16, via 192.168.0.7");
    send_and_expect(&h, t, a1, b9->ip, b9, 1, "10.1.5.9/32 beats /24 and /16, direct");
    send_and_expect(&h, t, a1, ip4(10, 1, 5, 10), d7, 1, "10.1.5.10: /32 does not match, /24 does");
    send_and_expect(&h, t, a1, ip4(8, 8, 8, 8), up, 1, "default route via 172.16.0.2");
    send_and_expect(&h, t, a1, ip4(10, 2, 0, 1), up, 1, "10.2.0.1 misses 10.1.0.0/16: default");
    send_and_expect(&h, t, a1, ip4(11, 0, 0, 10), up, 1, "11.0.0.10 misses 10.0.0.0/24: default");
    send_and_expect(&h, t, up, a2->ip, a2, 1, "back from upstream, 10.0.0.0/24");
    send_and_expect(&h, t, d7, b9->ip, b9, 1, "from link D to the /32 host");
    EXPECT_EQ(&h, "router forwarded", 9, r->counters.forwarded);

    STEP(&h, "a1 sends to 10.1.6.1 (10.1.0.0/16, nobody there): ARP on link B goes unanswered");
    struct ipv4_datagram lost = topo_dgram(a1->ip, ip4(10, 1, 6, 1), 64, "nobody home");
    size_t total = topo_total_received(t);
    topo_send(a1, &lost);
    topo_run(t);
    EXPECT_EQ(&h, "datagrams received anywhere", total, topo_total_received(t));
    topo_tick(t, NETWORK_INTERFACE_ARP_REQUEST_MS);
    EXPECT_EQ(&h, "router interface 1: dropped for ARP timeout", 1,
              network_interface_counters(router_interface(r, 1))->drop_arp_timeout);
    EXPECT_EQ(&h, "router drops (TTL, no route, bad header, queue full)", 0,
              r->counters.drop_ttl_expired + r->counters.drop_no_route + r->counters.drop_bad_header +
                  r->counters.drop_queue_full);
    topo_free(t);
    harness_end(&h);
}

static void route_replaced(void) {
    struct harness h;
    harness_begin(&h, "router: a route for the same prefix replaces the old one [L6.R6]");
    struct topo *t = topo_new(&h);
    struct router *r = topo_router(t, NULL);
    topo_router_iface(t, r, ip4(10, 0, 0, 1), LINK_A);
    topo_router_iface(t, r, ip4(10, 1, 0, 1), LINK_B);
    struct topo_host *a = topo_host(t, "a", ip4(10, 0, 0, 10), 24, ip4(10, 0, 0, 1), LINK_A);
    struct topo_host *b = topo_host(t, "b", ip4(10, 1, 0, 10), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_route(t, r, ip4(10, 0, 0, 0), 24, false, 0, 0);
    STEP(&h, "route 10.9.0.0/16 via a (10.0.0.10), written as 10.9.77.77/16");
    topo_route(t, r, ip4(10, 9, 77, 77), 16, true, a->ip, 0);
    send_and_expect(&h, t, b, ip4(10, 9, 1, 1), a, 1, "10.9.0.0/16 via a");
    STEP(&h, "route 10.9.0.0/16 again, now via b (10.1.0.10)");
    topo_route(t, r, ip4(10, 9, 0, 0), 16, true, b->ip, 1);
    topo_route(t, r, ip4(10, 1, 0, 0), 24, false, 0, 1);
    send_and_expect(&h, t, a, ip4(10, 9, 1, 1), b, 1, "10.9.0.0/16 via b");
    topo_free(t);
    harness_end(&h);
}

static void two_routers(void) {
    struct harness h;
    harness_begin(&h, "router: two routers in a row, TTL counts both [L6.R3]");
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
    topo_route(t, r1, ip4(10, 9, 0, 0), 30, false, 0, 1);
    topo_route(t, r1, 0, 0, true, ip4(10, 9, 0, 2), 1);
    topo_route(t, r2, ip4(10, 0, 2, 0), 24, false, 0, 1);
    topo_route(t, r2, ip4(10, 9, 0, 0), 30, false, 0, 0);
    topo_route(t, r2, 0, 0, true, ip4(10, 9, 0, 1), 0);

    send_and_expect(&h, t, h1, h2->ip, h2, 2, "r1 default, r2 direct");
    send_and_expect(&h, t, h2, h1->ip, h1, 2, "r2 default, r1 direct");
    STEP(&h, "h1 sends to h2 with TTL 3: arrives with TTL 1");
    struct ipv4_datagram d = topo_dgram(h1->ip, h2->ip, 3, "ttl 3");
    size_t before = h2->received;
    topo_send(h1, &d);
    topo_run(t);
    expect_arrival(&h, h2, before, &d, 2);
    STEP(&h, "h1 sends to h2 with TTL 2: r1 forwards it, r2 drops it");
    d = topo_dgram(h1->ip, h2->ip, 2, "ttl 2");
    uint64_t fwd1 = r1->counters.forwarded;
    topo_send(h1, &d);
    topo_run(t);
    EXPECT_EQ(&h, "h2 received nothing more", before + 1, h2->received);
    EXPECT_EQ(&h, "r1 forwarded", fwd1 + 1, r1->counters.forwarded);
    EXPECT_EQ(&h, "r2 dropped, TTL expired", 1, r2->counters.drop_ttl_expired);
    STEP(&h, "h1 sends to 10.7.7.7 with TTL 64: the two defaults bounce it until its TTL runs out");
    d = topo_dgram(h1->ip, ip4(10, 7, 7, 7), 64, "loop");
    uint64_t forwarded = r1->counters.forwarded + r2->counters.forwarded;
    topo_send(h1, &d);
    topo_run(t);
    EXPECT_EQ(&h, "forwards by both routers", forwarded + 63, r1->counters.forwarded + r2->counters.forwarded);
    EXPECT_EQ(&h, "TTL drops by both routers", 2, r1->counters.drop_ttl_expired + r2->counters.drop_ttl_expired);
    EXPECT_EQ(&h, "datagrams received anywhere", 3, topo_total_received(t));
    topo_free(t);
    harness_end(&h);
}

int main(void) {
    one_router(0);
    one_router(1);
    route_replaced();
    two_routers();
    return 0;
}
