#ifndef SPONGE_TESTS_LAB6_TOPOLOGY_H
#define SPONGE_TESTS_LAB6_TOPOLOGY_H

/* A small network in memory for the Router tests: Ethernet links (each a broadcast segment),
 * hosts (a NetworkInterface, an address, a subnet and a default gateway) and routers. Frames
 * move only when the test calls topo_run, which shuttles them until the network is quiet.
 * Every datagram a host's interface accepts is recorded, bytes and all. */

#include "harness.h"
#include "net/network_interface.h"
#include "net/router.h"
#include "wire/ipv4_datagram.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPO_LINKS 8
#define TOPO_ENDS 8
#define TOPO_HOSTS 12
#define TOPO_ROUTERS 3
#define TOPO_RECORDED 16
#define TOPO_MTU 1500

struct topo_host {
    const char *name;
    struct network_interface ni;
    uint32_t ip, gateway;
    uint8_t prefix_length;
    size_t received;                        /* datagrams delivered so far (only the first TOPO_RECORDED kept) */
    uint8_t bytes[TOPO_RECORDED][TOPO_MTU]; /* each one as it arrived */
    size_t len[TOPO_RECORDED];
};

/* One attachment to a link: a host, or interface `iface` of a router. */
struct topo_end {
    struct topo_host *host;
    struct router *router;
    size_t iface;
};

struct topo {
    struct harness *h;
    struct topo_end links[TOPO_LINKS][TOPO_ENDS];
    size_t ends[TOPO_LINKS];
    struct topo_host hosts[TOPO_HOSTS];
    size_t host_count;
    struct router routers[TOPO_ROUTERS];
    size_t router_count;
    uint8_t next_mac;
};

static inline uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

static inline struct topo *topo_new(struct harness *h) {
    struct topo *t = calloc(1, sizeof *t);
    if (!t) {
        FAIL(h, "out of memory");
    }
    t->h = h;
    return t;
}

static inline void topo_free(struct topo *t) {
    for (size_t i = 0; i < t->host_count; i++) {
        network_interface_destroy(&t->hosts[i].ni);
    }
    for (size_t i = 0; i < t->router_count; i++) {
        router_destroy(&t->routers[i]);
    }
    free(t);
}

static inline struct eth_addr topo_mac(struct topo *t) {
    struct eth_addr a = {{0x02, 0, 0, 0, 0x06, ++t->next_mac}};
    return a;
}

static inline void topo_attach(struct topo *t, size_t link, struct topo_end end) {
    if (link >= TOPO_LINKS || t->ends[link] == TOPO_ENDS) {
        FAIL(t->h, "topology too big");
    }
    t->links[link][t->ends[link]++] = end;
}

/* A host at ip/prefix_length on `link`, sending off-subnet datagrams to `gateway`. */
static inline struct topo_host *topo_host(struct topo *t, const char *name, uint32_t ip, uint8_t prefix_length,
                                          uint32_t gateway, size_t link) {
    if (t->host_count == TOPO_HOSTS) {
        FAIL(t->h, "too many hosts");
    }
    struct topo_host *host = &t->hosts[t->host_count++];
    host->name = name;
    host->ip = ip;
    host->gateway = gateway;
    host->prefix_length = prefix_length;
    struct network_interface_config cfg = network_interface_default_config();
    if (network_interface_init(&host->ni, topo_mac(t), ip, &cfg) != SPONGE_OK) {
        FAIL(t->h, "out of memory");
    }
    topo_attach(t, link, (struct topo_end){host, NULL, 0});
    return host;
}

static inline struct router *topo_router(struct topo *t, const struct router_config *cfg) {
    if (t->router_count == TOPO_ROUTERS) {
        FAIL(t->h, "too many routers");
    }
    struct router_config def = router_default_config();
    struct router *r = &t->routers[t->router_count++];
    if (router_init(r, cfg ? cfg : &def) != SPONGE_OK) {
        FAIL(t->h, "router_init: out of memory");
    }
    return r;
}

/* Adds an interface at `ip` with this MTU to router r, attached to `link`; returns its number. */
static inline size_t topo_router_iface_mtu(struct topo *t, struct router *r, uint32_t ip, size_t mtu, size_t link) {
    size_t n = 0;
    if (router_add_interface_mtu(r, topo_mac(t), ip, mtu, &n) != SPONGE_OK) {
        FAIL(t->h, "out of memory");
    }
    topo_attach(t, link, (struct topo_end){NULL, r, n});
    return n;
}

/* Adds an interface at `ip` (the router's default MTU) to router r, attached to `link`. */
static inline size_t topo_router_iface(struct topo *t, struct router *r, uint32_t ip, size_t link) {
    return topo_router_iface_mtu(t, r, ip, router_default_config().iface.max_datagram_len, link);
}

static inline void topo_route(struct topo *t, struct router *r, uint32_t prefix, uint8_t len, bool has_next_hop,
                              uint32_t next_hop, size_t iface) {
    if (router_add_route(r, prefix, len, has_next_hop, next_hop, iface) != SPONGE_OK) {
        FAIL(t->h, "out of memory");
    }
}

/* The host sends d: to the destination itself on its own subnet, else to its gateway. */
static inline void topo_send(struct topo_host *host, const struct ipv4_datagram *d) {
    uint32_t mask = route_prefix_mask(host->prefix_length);
    bool local = (d->header.dst & mask) == (host->ip & mask);
    network_interface_send_datagram(&host->ni, d, local ? d->header.dst : host->gateway);
}

static inline struct network_interface *topo_end_ni(struct topo_end *e) {
    return e->host ? &e->host->ni : router_interface(e->router, e->iface);
}

static inline void topo_deliver(struct topo_end *to, const uint8_t *frame, size_t len) {
    if (to->router) {
        router_recv_frame(to->router, to->iface, frame, len);
        return;
    }
    struct topo_host *host = to->host;
    struct ipv4_datagram d;
    if (network_interface_recv_frame(&host->ni, frame, len, &d)) {
        if (host->received < TOPO_RECORDED) {
            host->len[host->received] = ipv4_datagram_len(&d);
            ipv4_datagram_serialize(&d, host->bytes[host->received], TOPO_MTU);
        }
        host->received++;
    }
}

/* Moves frames across links and lets routers route until nothing moves. */
static inline void topo_run(struct topo *t) {
    for (int pass = 0; pass < 1000; pass++) {
        bool moved = false;
        for (size_t link = 0; link < TOPO_LINKS; link++) {
            for (size_t from = 0; from < t->ends[link]; from++) {
                struct byte_view f;
                while (network_interface_frames_out(topo_end_ni(&t->links[link][from]), &f)) {
                    moved = true;
                    for (size_t to = 0; to < t->ends[link]; to++) {
                        if (to != from) {
                            topo_deliver(&t->links[link][to], f.data, f.len);
                        }
                    }
                }
            }
        }
        for (size_t i = 0; i < t->router_count; i++) {
            router_route(&t->routers[i]);
        }
        if (!moved) {
            return;
        }
    }
    FAIL(t->h, "the network never went quiet");
}

static inline void topo_tick(struct topo *t, uint64_t ms) {
    for (size_t i = 0; i < t->host_count; i++) {
        network_interface_tick(&t->hosts[i].ni, ms);
    }
    for (size_t i = 0; i < t->router_count; i++) {
        router_tick(&t->routers[i], ms);
    }
}

static inline size_t topo_total_received(const struct topo *t) {
    size_t n = 0;
    for (size_t i = 0; i < t->host_count; i++) {
        n += t->hosts[i].received;
    }
    return n;
}

/* A UDP datagram src -> dst with the given TTL and text payload (a view), checksum valid. */
static inline struct ipv4_datagram topo_dgram(uint32_t src, uint32_t dst, uint8_t ttl, const char *payload) {
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, src, dst, (const uint8_t *)payload, strlen(payload));
    d.header.ttl = ttl;
    ipv4_datagram_seal(&d);
    return d;
}

/* Checks that `host` received exactly one more datagram since `before` and that it is `sent`
 * after `hops` routers: same bytes except a TTL lower by hops and a checksum that verifies
 * (full parse) and equals a fresh computation. */
static inline void expect_arrival(struct harness *h, const struct topo_host *host, size_t before,
                                  const struct ipv4_datagram *sent, unsigned hops) {
    char what[96];
    snprintf(what, sizeof what, "datagrams received by %s", host->name);
    EXPECT_EQ(h, what, before + 1, host->received);
    struct ipv4_datagram want = *sent;
    want.header.ttl = (uint8_t)(want.header.ttl - hops);
    ipv4_datagram_seal(&want);
    uint8_t want_bytes[TOPO_MTU];
    ipv4_datagram_serialize(&want, want_bytes, sizeof want_bytes);
    struct ipv4_datagram got;
    EXPECT_EQ(h, "full parse of the arrived datagram (checksum verified)", SPONGE_OK,
              ipv4_datagram_parse(host->bytes[before], host->len[before], &got));
    EXPECT_EQ(h, "TTL", want.header.ttl, got.header.ttl);
    EXPECT_EQ(h, "checksum (as a fresh computation)", want.header.checksum, got.header.checksum);
    EXPECT_BYTES(h, "datagram bytes", want_bytes, ipv4_datagram_len(&want), host->bytes[before], host->len[before]);
}

#endif
