/* Router, lab 6: several gateways behind one interface, and more queued datagrams than the
 * router looks up in one batch. Routes that share an interface but not a next hop must each
 * reach their own gateway; one router_route call forwards everything queued (RFC 1812 5.2),
 * across batch boundaries and the queue's wrap-around, in order of arrival, each datagram on
 * its own route. */

#include "topology.h"

#include <stdio.h>

enum { LINK_A, LINK_B, LINK_C };

/* Router interfaces: 0 on link A (10.0.0.0/24, host a), 1 on link B (10.1.0.0/24: host b and
 * gateways g1, g2), 2 on link C (10.2.0.0/24, host c). Networks 172.16/16 and 172.18/16 lie
 * behind g1, 172.17/16 behind g2. */
static struct topo *gateways_net(struct harness *h, const struct router_config *cfg) {
    struct topo *t = topo_new(h);
    struct router *r = topo_router(t, cfg);
    topo_router_iface(t, r, ip4(10, 0, 0, 1), LINK_A);
    topo_router_iface(t, r, ip4(10, 1, 0, 1), LINK_B);
    topo_router_iface(t, r, ip4(10, 2, 0, 1), LINK_C);
    topo_host(t, "a", ip4(10, 0, 0, 10), 24, ip4(10, 0, 0, 1), LINK_A);
    topo_host(t, "b", ip4(10, 1, 0, 10), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_host(t, "g1", ip4(10, 1, 0, 21), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_host(t, "g2", ip4(10, 1, 0, 22), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_host(t, "c", ip4(10, 2, 0, 10), 24, ip4(10, 2, 0, 1), LINK_C);
    topo_route(t, r, ip4(10, 0, 0, 0), 24, false, 0, 0);
    topo_route(t, r, ip4(10, 1, 0, 0), 24, false, 0, 1);
    topo_route(t, r, ip4(10, 2, 0, 0), 24, false, 0, 2);
    topo_route(t, r, ip4(172, 16, 0, 0), 16, true, ip4(10, 1, 0, 21), 1);
    topo_route(t, r, ip4(172, 17, 0, 0), 16, true, ip4(10, 1, 0, 22), 1);
    topo_route(t, r, ip4(172, 18, 0, 0), 16, true, ip4(10, 1, 0, 21), 1);
    return t;
}

static void send_and_expect(struct harness *h, struct topo *t, uint32_t dst, struct topo_host *to, const char *why) {
    char dst_text[16];
    STEP(h, "a sends to %s: expect it at %s (%s)", ipv4_format(dst, dst_text), to->name, why);
    struct ipv4_datagram d = topo_dgram(t->hosts[0].ip, dst, 64, why);
    size_t before = to->received, total = topo_total_received(t);
    topo_send(&t->hosts[0], &d);
    topo_run(t);
    expect_arrival(h, to, before, &d, 1);
    EXPECT_EQ(h, "datagrams received anywhere", total + 1, topo_total_received(t));
}

static void gateways_on_one_interface(void) {
    struct harness h;
    harness_begin(&h, "router: routes via different gateways on one interface reach their own gateway [L6.R5]");
    struct topo *t = gateways_net(&h, NULL);
    struct topo_host *b = &t->hosts[1], *g1 = &t->hosts[2], *g2 = &t->hosts[3];
    send_and_expect(&h, t, ip4(172, 16, 3, 4), g1, "172.16.0.0/16 via g1");
    send_and_expect(&h, t, ip4(172, 17, 3, 4), g2, "172.17.0.0/16 via g2, same interface");
    send_and_expect(&h, t, ip4(172, 18, 3, 4), g1, "172.18.0.0/16 via g1 again");
    send_and_expect(&h, t, b->ip, b, "10.1.0.0/24 direct, same interface");
    send_and_expect(&h, t, ip4(172, 17, 9, 9), g2, "172.17.0.0/16 via g2 again");
    topo_free(t);
    harness_end(&h);
}

/* The burst fills the queue exactly, starting 4 entries in (so it wraps), and spans three
 * of the router's lookup batches (32 in net/router.c) and of the table's chunks (32). */
enum { QUEUE = 70, BATCHED = 70 };

/* Where datagram i of the burst goes: its destination, the interface it leaves by, and the
 * host (index in the topology) that must receive it. */
struct hop {
    uint32_t dst;
    size_t iface;
    size_t host;
};

static struct hop burst_hop(unsigned i) {
    static const struct hop hops[] = {
        {0xac100000u, 1, 2}, /* 172.16.x.y via g1 */
        {0x0a02000au, 2, 4}, /* c, direct */
        {0xac110000u, 1, 3}, /* 172.17.x.y via g2 */
        {0x0a01000au, 1, 1}, /* b, direct */
        {0xac120000u, 1, 2}, /* 172.18.x.y via g1 */
    };
    /* An irregular pattern, so that no batch looks like the one before it. */
    struct hop hop = hops[(i * 7 + i / 5) % 5];
    if (hop.dst >> 24 == 172) {
        hop.dst |= i + 1;
    }
    return hop;
}

/* Frame carrying `d` from host a to the router's interface 0. */
static size_t frame_from_a(struct topo *t, const struct ipv4_datagram *d, uint8_t *frame, size_t cap) {
    struct ethernet_header eh = {network_interface_eth(router_interface(&t->routers[0], 0)),
                                 network_interface_eth(&t->hosts[0].ni), ETHERTYPE_IPV4};
    ethernet_header_serialize(&eh, frame, cap);
    ipv4_datagram_serialize(d, frame + ETH_HEADER_LEN, cap - ETH_HEADER_LEN);
    return ETH_HEADER_LEN + ipv4_datagram_len(d);
}

static void more_than_one_batch(void) {
    struct harness h;
    harness_begin(&h, "router: one router_route forwards a queue longer than a lookup batch, in order [L6.R8]");
    struct router_config cfg = router_default_config();
    cfg.rx_queue_capacity = QUEUE;
    cfg.iface.frames_out_capacity = 2 * QUEUE;
    struct topo *t = gateways_net(&h, &cfg);
    struct router *r = &t->routers[0];
    STEP(&h, "one datagram to each next hop first: ARP resolved, and the queue's start moves on");
    send_and_expect(&h, t, ip4(172, 16, 0, 1), &t->hosts[2], "via g1");
    send_and_expect(&h, t, ip4(172, 17, 0, 1), &t->hosts[3], "via g2");
    send_and_expect(&h, t, t->hosts[1].ip, &t->hosts[1], "b");
    send_and_expect(&h, t, t->hosts[4].ip, &t->hosts[4], "c");
    uint64_t forwarded = r->counters.forwarded;

    STEP(&h, "%d frames from a to the router's interface 0, queued before router_route (queue of %d)", BATCHED, QUEUE);
    char text[BATCHED][16];
    for (unsigned i = 0; i < BATCHED; i++) {
        snprintf(text[i], sizeof text[i], "burst %u", i);
        struct ipv4_datagram d = topo_dgram(t->hosts[0].ip, burst_hop(i).dst, 64, text[i]);
        uint8_t frame[256];
        router_recv_frame(r, 0, frame, frame_from_a(t, &d, frame, sizeof frame));
    }
    EXPECT_EQ(&h, "router: dropped, queue full", 0, r->counters.drop_queue_full);
    STEP(&h, "router_route once");
    router_route(r);
    EXPECT_EQ(&h, "forwarded by this call", BATCHED, r->counters.forwarded - forwarded);

    /* Each interface's frames, in order: the burst's datagrams for it, each to its host's
     * Ethernet address, TTL 63 and a valid checksum. */
    for (size_t iface = 1; iface <= 2; iface++) {
        struct network_interface *out = router_interface(r, iface);
        for (unsigned i = 0; i < BATCHED; i++) {
            struct hop hop = burst_hop(i);
            if (hop.iface != iface) {
                continue;
            }
            STEP(&h, "interface %zu: the next frame is burst %u, to %s", iface, i, t->hosts[hop.host].name);
            struct byte_view f;
            EXPECT_TRUE(&h, "a frame is queued", network_interface_frames_out(out, &f));
            struct ethernet_header eh;
            struct ipv4_datagram got;
            EXPECT_EQ(&h, "ethernet parse", SPONGE_OK, ethernet_header_parse(f.data, f.len, &eh));
            struct eth_addr want_eth = network_interface_eth(&t->hosts[hop.host].ni);
            EXPECT_BYTES(&h, "frame destination", want_eth.b, ETH_ADDR_LEN, eh.dst.b, ETH_ADDR_LEN);
            EXPECT_EQ(&h, "IPv4 parse (checksum verified)", SPONGE_OK,
                      ipv4_datagram_parse(f.data + ETH_HEADER_LEN, f.len - ETH_HEADER_LEN, &got));
            EXPECT_EQ(&h, "destination address", hop.dst, got.header.dst);
            EXPECT_EQ(&h, "TTL", 63, got.header.ttl);
            EXPECT_BYTES(&h, "payload", text[i], strlen(text[i]), got.payload, got.payload_len);
        }
        struct byte_view f;
        EXPECT_BOOL(&h, "another frame is queued", false, network_interface_frames_out(out, &f));
    }
    topo_free(t);
    harness_end(&h);
}

int main(void) {
    gateways_on_one_interface();
    more_than_one_batch();
    return 0;
}
