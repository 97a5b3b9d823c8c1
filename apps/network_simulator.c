/* network_simulator: three routers and eight hosts on separate Ethernet segments, all in
 * memory. Hosts send many datagrams (seeded, reproducible) to each other, to addresses no
 * route covers, to addresses where nobody answers ARP, some with TTLs too low to arrive.
 * Where each one must end up is predicted from the drawing below, independently of the
 * routing tables; the program exits 0 only if every datagram that should arrive arrived
 * exactly once, intact, at the right host, nothing else arrived, and every router dropped
 * exactly what the prediction says, for the predicted reason.
 *
 *   lan1 192.168.1.0/24 (h1, h2)  --+
 *   lan2 192.168.2.0/24 (h3, h8)  --R1 --10.255.12.0/30-- R2 --10.255.23.0/30-- R3-- lan5 172.16.0.0/16 (h5)
 *                                                         |                      +-- lan6 10.2.9.0/24   (h6)
 *                                        lan4 10.2.0.0/16 (h4)                   +-- lan7 172.16.5.0/24 (h7)
 *
 * Overlapping prefixes: 10.2.9.0/24 (at R3) inside R2's 10.2.0.0/16; 172.16.5.0/24 and
 * 172.16.0.0/16 both at R3; 172.16.7.80/32 (h8, which lives on lan2 at R1) inside
 * 172.16.0.0/16, by host routes at all three routers. R1 and R3 have default routes to R2;
 * R2 has none, so R2 drops what nobody routes.
 *
 * Usage: network_simulator [-s SEED] [-n DATAGRAMS]   (SPONGE_SEED is honoured too) */

#include "net/network_interface.h"
#include "net/router.h"
#include "util/rng.h"
#include "wire/ipv4_datagram.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { R1, R2, R3, ROUTERS };
enum { LAN1, LAN2, LINK12, LAN4, LINK23, LAN5, LAN6, LAN7, LINKS };
enum { HOSTS = 8, MAX_ENDS = 4, BATCH = 16, MAX_PAYLOAD = 400, MAX_PROBLEMS = 10 };

/* What happens to a datagram in the end. */
enum fate { DELIVERED, TTL_EXPIRED, NO_ROUTE, NO_NEIGHBOUR };

static uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

struct host {
    const char *name;
    uint32_t ip, gateway;
    uint8_t prefix_length; /* what the host itself considers on-link */
    int link, home;        /* its segment and the router on it */
    struct network_interface ni;
};

/* One attachment to a segment: a host, or interface `iface` of a router. */
struct end {
    struct host *host;
    int router;
    size_t iface;
};

struct link {
    const char *name;
    struct end ends[MAX_ENDS];
    size_t count;
};

/* A destination the hosts send to, and where it is in the drawing. */
struct target {
    uint32_t addr;
    int host;        /* the host that has this address, or -1 */
    int last_router; /* the router that delivers to it or drops it */
    enum fate fate;  /* DELIVERED, NO_ROUTE (at last_router) or NO_NEIGHBOUR (nobody answers ARP) */
};

struct prediction {
    enum fate fate;
    int host;      /* DELIVERED: where */
    int at_router; /* router that drops it (TTL_EXPIRED, NO_ROUTE, NO_NEIGHBOUR), or -1 */
    int at_host;   /* NO_NEIGHBOUR on the sender's own segment: the sender, else -1 */
    unsigned hops; /* routers crossed to arrive */
    uint8_t ttl;
};

struct expected_counts {
    uint64_t forwarded[ROUTERS], ttl_expired[ROUTERS], no_route[ROUTERS], arp_gave_up[ROUTERS];
    uint64_t host_arp_gave_up[HOSTS];
    uint64_t delivered, dropped;
};

struct sim {
    struct router routers[ROUTERS];
    struct host hosts[HOSTS];
    struct link links[LINKS];
    struct target targets[16];
    size_t target_count;
    struct prediction *predicted; /* per datagram id */
    uint32_t *arrivals;           /* per datagram id */
    uint64_t sent, problems;
    struct expected_counts expect;
};

static void problem(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct sim *s, const char *fmt, ...) {
    if (s->problems++ < MAX_PROBLEMS) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "network_simulator: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
    }
}

static void die_oom(void) {
    fprintf(stderr, "network_simulator: out of memory\n");
    exit(1);
}

static struct eth_addr mac_for(int kind, int a, int b) {
    struct eth_addr m = {{0x02, 0x00, (uint8_t)kind, (uint8_t)a, (uint8_t)b, 0x01}};
    return m;
}

static void attach(struct sim *s, int link, struct end e) {
    struct link *l = &s->links[link];
    if (l->count == MAX_ENDS) {
        fprintf(stderr, "network_simulator: segment %s is full\n", l->name);
        exit(1);
    }
    l->ends[l->count++] = e;
}

static size_t router_port(struct sim *s, int r, uint32_t ip, int link) {
    size_t n = 0;
    if (router_add_interface(&s->routers[r], mac_for(1, r, link), ip, &n) != SPONGE_OK) {
        die_oom();
    }
    attach(s, link, (struct end){NULL, r, n});
    return n;
}

static void route(struct sim *s, int r, uint32_t prefix, uint8_t len, uint32_t next_hop, size_t iface) {
    if (router_add_route(&s->routers[r], prefix, len, next_hop != 0, next_hop, iface) != SPONGE_OK) {
        die_oom();
    }
}

static void add_host(struct sim *s, int i, const char *name, uint32_t ip, uint8_t prefix_length, uint32_t gateway,
                     int link, int home, const struct network_interface_config *cfg) {
    struct host *h = &s->hosts[i];
    *h = (struct host){
        .name = name, .ip = ip, .gateway = gateway, .prefix_length = prefix_length, .link = link, .home = home};
    if (network_interface_init(&h->ni, mac_for(2, i, link), ip, cfg) != SPONGE_OK) {
        die_oom();
    }
    attach(s, link, (struct end){h, -1, 0});
}

static void build(struct sim *s) {
    static const char *const link_names[LINKS] = {"lan1", "lan2", "r1-r2", "lan4", "r2-r3", "lan5", "lan6", "lan7"};
    for (int l = 0; l < LINKS; l++) {
        s->links[l].name = link_names[l];
    }
    /* Queues big enough for the traffic below: nothing may be dropped for lack of room. */
    struct router_config rcfg = router_default_config();
    rcfg.iface.pending_capacity = 256;
    rcfg.iface.frames_out_capacity = 256;
    rcfg.rx_queue_capacity = 256;
    for (int r = 0; r < ROUTERS; r++) {
        if (router_init(&s->routers[r], &rcfg) != SPONGE_OK) {
            fprintf(stderr, "network_simulator: out of memory\n");
            exit(1);
        }
    }
    size_t r1_lan1 = router_port(s, R1, ip4(192, 168, 1, 1), LAN1);
    size_t r1_lan2 = router_port(s, R1, ip4(192, 168, 2, 1), LAN2);
    size_t r1_up = router_port(s, R1, ip4(10, 255, 12, 1), LINK12);
    size_t r2_r1 = router_port(s, R2, ip4(10, 255, 12, 2), LINK12);
    size_t r2_lan4 = router_port(s, R2, ip4(10, 2, 0, 1), LAN4);
    size_t r2_r3 = router_port(s, R2, ip4(10, 255, 23, 1), LINK23);
    size_t r3_up = router_port(s, R3, ip4(10, 255, 23, 2), LINK23);
    size_t r3_lan5 = router_port(s, R3, ip4(172, 16, 0, 1), LAN5);
    size_t r3_lan6 = router_port(s, R3, ip4(10, 2, 9, 1), LAN6);
    size_t r3_lan7 = router_port(s, R3, ip4(172, 16, 5, 1), LAN7);

    route(s, R1, ip4(192, 168, 1, 0), 24, 0, r1_lan1);
    route(s, R1, ip4(192, 168, 2, 0), 24, 0, r1_lan2);
    route(s, R1, ip4(172, 16, 7, 80), 32, 0, r1_lan2); /* h8 lives on lan2 */
    route(s, R1, ip4(10, 255, 12, 0), 30, 0, r1_up);
    route(s, R1, 0, 0, ip4(10, 255, 12, 2), r1_up);

    route(s, R2, ip4(10, 2, 0, 0), 16, 0, r2_lan4);
    route(s, R2, ip4(10, 2, 9, 0), 24, ip4(10, 255, 23, 2), r2_r3);
    route(s, R2, ip4(192, 168, 0, 0), 16, ip4(10, 255, 12, 1), r2_r1);
    route(s, R2, ip4(172, 16, 0, 0), 16, ip4(10, 255, 23, 2), r2_r3);
    route(s, R2, ip4(172, 16, 7, 80), 32, ip4(10, 255, 12, 1), r2_r1);
    route(s, R2, ip4(10, 255, 12, 0), 30, 0, r2_r1);
    route(s, R2, ip4(10, 255, 23, 0), 30, 0, r2_r3);

    route(s, R3, ip4(172, 16, 0, 0), 16, 0, r3_lan5);
    route(s, R3, ip4(172, 16, 5, 0), 24, 0, r3_lan7);
    route(s, R3, ip4(10, 2, 9, 0), 24, 0, r3_lan6);
    route(s, R3, ip4(172, 16, 7, 80), 32, ip4(10, 255, 23, 1), r3_up);
    route(s, R3, ip4(10, 255, 23, 0), 30, 0, r3_up);
    route(s, R3, 0, 0, ip4(10, 255, 23, 1), r3_up);

    struct network_interface_config hcfg = rcfg.iface;
    add_host(s, 0, "h1", ip4(192, 168, 1, 10), 24, ip4(192, 168, 1, 1), LAN1, R1, &hcfg);
    add_host(s, 1, "h2", ip4(192, 168, 1, 20), 24, ip4(192, 168, 1, 1), LAN1, R1, &hcfg);
    add_host(s, 2, "h3", ip4(192, 168, 2, 30), 24, ip4(192, 168, 2, 1), LAN2, R1, &hcfg);
    add_host(s, 3, "h4", ip4(10, 2, 0, 40), 24, ip4(10, 2, 0, 1), LAN4, R2, &hcfg);
    add_host(s, 4, "h5", ip4(172, 16, 0, 50), 24, ip4(172, 16, 0, 1), LAN5, R3, &hcfg);
    add_host(s, 5, "h6", ip4(10, 2, 9, 60), 24, ip4(10, 2, 9, 1), LAN6, R3, &hcfg);
    add_host(s, 6, "h7", ip4(172, 16, 5, 70), 24, ip4(172, 16, 5, 1), LAN7, R3, &hcfg);
    add_host(s, 7, "h8", ip4(172, 16, 7, 80), 32, ip4(192, 168, 2, 1), LAN2, R1, &hcfg);

    for (int i = 0; i < HOSTS; i++) {
        s->targets[s->target_count++] = (struct target){s->hosts[i].ip, i, s->hosts[i].home, DELIVERED};
    }
    s->targets[s->target_count++] = (struct target){ip4(203, 0, 113, 5), -1, R2, NO_ROUTE};
    s->targets[s->target_count++] = (struct target){ip4(10, 3, 0, 1), -1, R2, NO_ROUTE};
    s->targets[s->target_count++] = (struct target){ip4(10, 2, 77, 7), -1, R2, NO_NEIGHBOUR};
    s->targets[s->target_count++] = (struct target){ip4(172, 16, 9, 9), -1, R3, NO_NEIGHBOUR};
    s->targets[s->target_count++] = (struct target){ip4(192, 168, 1, 99), -1, R1, NO_NEIGHBOUR};
}

static bool on_link(const struct host *h, uint32_t addr) {
    uint32_t mask = route_prefix_mask(h->prefix_length);
    return (addr & mask) == (h->ip & mask);
}

/* Where a datagram from host `src` to target `t` with this TTL ends, from the drawing: the
 * routers form a line R1 - R2 - R3, and each router needs TTL >= 2 to forward. */
static struct prediction predict(const struct sim *s, int src, const struct target *t, uint8_t ttl) {
    const struct host *h = &s->hosts[src];
    struct prediction p = {.fate = t->fate, .host = t->host, .at_router = -1, .at_host = -1, .ttl = ttl};
    if (on_link(h, t->addr)) {
        /* The sender delivers it itself; it arrives only if the target is on its segment. */
        bool here = t->host >= 0 && s->hosts[t->host].link == h->link;
        p.fate = here ? DELIVERED : NO_NEIGHBOUR;
        p.at_host = here ? -1 : src;
        return p;
    }
    int path[ROUTERS], n = 0;
    int step = t->last_router >= h->home ? 1 : -1;
    for (int r = h->home;; r += step) {
        path[n++] = r;
        if (r == t->last_router) {
            break;
        }
    }
    if (ttl <= n) {
        p.fate = TTL_EXPIRED;
        p.at_router = path[ttl ? ttl - 1 : 0];
        return p;
    }
    if (t->fate != DELIVERED) {
        p.at_router = t->last_router;
    }
    p.hops = (unsigned)n;
    return p;
}

/* Adds what the prediction means for each router's and host's counters. */
static void count_expected(struct expected_counts *e, const struct sim *s, int src, const struct target *t,
                           const struct prediction *p) {
    if (p->fate == DELIVERED) {
        e->delivered++;
    } else {
        e->dropped++;
    }
    if (p->at_host >= 0) {
        e->host_arp_gave_up[p->at_host]++;
        return;
    }
    const struct host *h = &s->hosts[src];
    if (on_link(h, t->addr)) {
        return;
    }
    /* Walk the line of routers from the sender's: each forwards it until one drops it. */
    int step = t->last_router >= h->home ? 1 : -1;
    for (int r = h->home;; r += step) {
        if (r == p->at_router && p->fate == TTL_EXPIRED) {
            e->ttl_expired[r]++;
            return;
        }
        if (r == p->at_router && p->fate == NO_ROUTE) {
            e->no_route[r]++;
            return;
        }
        e->forwarded[r]++;
        if (r == t->last_router) {
            if (p->fate == NO_NEIGHBOUR) {
                e->arp_gave_up[r]++;
            }
            return;
        }
    }
}

/* Payload: the datagram's id (4 bytes, big-endian) then bytes derived from it. */
static uint8_t filler(uint32_t id, size_t i) {
    return (uint8_t)(id * 131u + i * 7u + (i >> 3));
}

static size_t payload_len_for(uint32_t id) {
    return 4 + (id * 2654435761u >> 7) % (MAX_PAYLOAD - 4);
}

static void make_payload(uint32_t id, uint8_t *buf, size_t len) {
    buf[0] = (uint8_t)(id >> 24);
    buf[1] = (uint8_t)(id >> 16);
    buf[2] = (uint8_t)(id >> 8);
    buf[3] = (uint8_t)id;
    for (size_t i = 4; i < len; i++) {
        buf[i] = filler(id, i);
    }
}

static void host_received(struct sim *s, struct host *h, const struct ipv4_datagram *d) {
    char a[16], b[16];
    int me = (int)(h - s->hosts);
    if (d->header.dst != h->ip) {
        problem(s, "%s received a datagram for %s", h->name, ipv4_format(d->header.dst, a));
        return;
    }
    if (d->payload_len < 4) {
        problem(s, "%s received a datagram with a %zu-byte payload", h->name, d->payload_len);
        return;
    }
    uint32_t id =
        (uint32_t)d->payload[0] << 24 | (uint32_t)d->payload[1] << 16 | (uint32_t)d->payload[2] << 8 | d->payload[3];
    if (id >= s->sent) {
        problem(s, "%s received datagram #%" PRIu32 ", never sent", h->name, id);
        return;
    }
    const struct prediction *p = &s->predicted[id];
    if (p->fate != DELIVERED || p->host != me) {
        problem(s, "datagram #%" PRIu32 " (%s -> %s) arrived at %s, not expected there", id,
                ipv4_format(d->header.src, a), ipv4_format(d->header.dst, b), h->name);
        return;
    }
    if (s->arrivals[id]++) {
        problem(s, "datagram #%" PRIu32 " arrived at %s more than once", id, h->name);
    }
    uint8_t want[MAX_PAYLOAD];
    size_t want_len = payload_len_for(id);
    make_payload(id, want, want_len);
    if (d->payload_len != want_len || memcmp(want, d->payload, want_len) != 0) {
        problem(s, "datagram #%" PRIu32 " arrived at %s with a damaged payload", id, h->name);
    }
    if (d->header.ttl != p->ttl - p->hops) {
        problem(s, "datagram #%" PRIu32 " arrived with TTL %u, expected %u", id, d->header.ttl, p->ttl - p->hops);
    }
}

static struct network_interface *end_ni(struct sim *s, struct end *e) {
    return e->host ? &e->host->ni : router_interface(&s->routers[e->router], e->iface);
}

static void deliver(struct sim *s, struct end *to, const uint8_t *frame, size_t len) {
    if (!to->host) {
        router_recv_frame(&s->routers[to->router], to->iface, frame, len);
        return;
    }
    struct ipv4_datagram d;
    if (network_interface_recv_frame(&to->host->ni, frame, len, &d)) {
        host_received(s, to->host, &d);
    }
}

/* Shuttles frames over every segment and lets the routers route until nothing moves. */
static void run_until_quiet(struct sim *s) {
    for (;;) {
        bool moved = false;
        for (int l = 0; l < LINKS; l++) {
            struct link *link = &s->links[l];
            for (size_t from = 0; from < link->count; from++) {
                struct byte_view f;
                while (network_interface_frames_out(end_ni(s, &link->ends[from]), &f)) {
                    moved = true;
                    for (size_t to = 0; to < link->count; to++) {
                        if (to != from) {
                            deliver(s, &link->ends[to], f.data, f.len);
                        }
                    }
                }
            }
        }
        for (int r = 0; r < ROUTERS; r++) {
            router_route(&s->routers[r]);
        }
        if (!moved) {
            return;
        }
    }
}

static void tick_all(struct sim *s, uint64_t ms) {
    for (int i = 0; i < HOSTS; i++) {
        network_interface_tick(&s->hosts[i].ni, ms);
    }
    for (int r = 0; r < ROUTERS; r++) {
        router_tick(&s->routers[r], ms);
    }
}

static void send_one(struct sim *s, struct sponge_rng *rng) {
    uint32_t id = (uint32_t)s->sent;
    int src = (int)sponge_rng_below(rng, HOSTS);
    /* Three in four to another host; the rest to addresses that cannot be reached. */
    const struct target *t;
    do {
        t = sponge_rng_below(rng, 4) ? &s->targets[sponge_rng_below(rng, HOSTS)]
                                     : &s->targets[HOSTS + sponge_rng_below(rng, s->target_count - HOSTS)];
    } while (t->host == src);
    /* Mostly a normal TTL; one in four low enough that some expire on the way. */
    uint8_t ttl = sponge_rng_below(rng, 4) ? 64 : (uint8_t)sponge_rng_below(rng, 5);
    s->predicted[id] = predict(s, src, t, ttl);
    count_expected(&s->expect, s, src, t, &s->predicted[id]);

    uint8_t payload[MAX_PAYLOAD];
    size_t len = payload_len_for(id);
    make_payload(id, payload, len);
    struct host *h = &s->hosts[src];
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, h->ip, t->addr, payload, len);
    d.header.ttl = ttl;
    d.header.id = (uint16_t)id;
    ipv4_datagram_seal(&d);
    s->sent++;
    network_interface_send_datagram(&h->ni, &d, on_link(h, t->addr) ? t->addr : h->gateway);
}

static uint64_t arp_gave_up(struct sim *s, int r) {
    uint64_t n = 0;
    for (size_t i = 0; i < router_interface_count(&s->routers[r]); i++) {
        n += network_interface_counters(router_interface(&s->routers[r], i))->drop_arp_timeout;
    }
    return n;
}

/* Drops that must never happen here: the traffic fits every queue, and every frame is sound. */
static uint64_t unexpected_ni_drops(const struct network_interface *ni) {
    const struct network_interface_counters *c = network_interface_counters(ni);
    return c->drop_bad_ethernet + c->drop_bad_ipv4 + c->drop_bad_arp + c->drop_bad_ethertype + c->drop_oversize +
           c->drop_pending_full + c->drop_frames_out_full;
}

static void check_counter(struct sim *s, const char *who, const char *what, uint64_t expected, uint64_t actual) {
    if (expected != actual) {
        problem(s, "%s %s: expected %" PRIu64 ", counted %" PRIu64, who, what, expected, actual);
    }
}

static void check_and_report(struct sim *s) {
    static const char *const names[ROUTERS] = {"R1", "R2", "R3"};
    for (uint64_t id = 0; id < s->sent; id++) {
        if (s->predicted[id].fate == DELIVERED && s->arrivals[id] == 0) {
            problem(s, "datagram #%" PRIu64 " never arrived at %s", id, s->hosts[s->predicted[id].host].name);
        }
    }
    printf("what crossed each router:\n");
    for (int r = 0; r < ROUTERS; r++) {
        struct router *rt = &s->routers[r];
        const struct router_counters *c = router_counters(rt);
        uint64_t not_for_us = 0, other = 0;
        for (size_t i = 0; i < router_interface_count(rt); i++) {
            not_for_us += network_interface_counters(router_interface(rt, i))->drop_not_for_us;
            other += unexpected_ni_drops(router_interface(rt, i));
        }
        printf("  %s: forwarded %" PRIu64 "; dropped: TTL expired %" PRIu64 ", no route %" PRIu64
               ", bad header %" PRIu64 ", queue full %" PRIu64 ", no ARP reply %" PRIu64
               "; frames for others ignored %" PRIu64 "\n",
               names[r], c->forwarded, c->drop_ttl_expired, c->drop_no_route, c->drop_bad_header, c->drop_queue_full,
               arp_gave_up(s, r), not_for_us);
        check_counter(s, names[r], "forwarded", s->expect.forwarded[r], c->forwarded);
        check_counter(s, names[r], "TTL expired", s->expect.ttl_expired[r], c->drop_ttl_expired);
        check_counter(s, names[r], "no route", s->expect.no_route[r], c->drop_no_route);
        check_counter(s, names[r], "no ARP reply", s->expect.arp_gave_up[r], arp_gave_up(s, r));
        check_counter(s, names[r], "bad header + queue full + interface drops", 0,
                      c->drop_bad_header + c->drop_queue_full + other);
    }
    for (int i = 0; i < HOSTS; i++) {
        struct host *h = &s->hosts[i];
        check_counter(s, h->name, "no ARP reply", s->expect.host_arp_gave_up[i],
                      network_interface_counters(&h->ni)->drop_arp_timeout);
        check_counter(s, h->name, "interface drops", 0, unexpected_ni_drops(&h->ni));
    }
    uint64_t host_drops = 0;
    for (int i = 0; i < HOSTS; i++) {
        host_drops += s->expect.host_arp_gave_up[i];
    }
    printf("  hosts: no ARP reply on their own segment %" PRIu64 "\n", host_drops);
}

int main(int argc, char **argv) {
    uint64_t seed = 0, count = 2000;
    bool have_seed = false;
    const char *env = getenv("SPONGE_SEED");
    if (env && *env) {
        seed = strtoull(env, NULL, 0);
        have_seed = true;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 0);
            have_seed = true;
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            count = strtoull(argv[++i], NULL, 0);
        } else {
            fprintf(stderr, "usage: %s [-s SEED] [-n DATAGRAMS]\n", argv[0]);
            return 2;
        }
    }
    if (count == 0 || count > UINT32_MAX) {
        fprintf(stderr, "network_simulator: -n must be 1..%" PRIu32 "\n", UINT32_MAX);
        return 2;
    }
    if (!have_seed) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec;
    }
    printf("network_simulator: seed %" PRIu64 " (replay with -s %" PRIu64 "), %" PRIu64 " datagrams\n", seed, seed,
           count);
    struct sponge_rng rng;
    sponge_rng_seed(&rng, seed);

    struct sim *s = calloc(1, sizeof *s);
    if (!s) {
        die_oom();
    }
    s->predicted = calloc(count, sizeof *s->predicted);
    s->arrivals = calloc(count, sizeof *s->arrivals);
    if (!s->predicted || !s->arrivals) {
        die_oom();
    }
    build(s);
    while (s->sent < count) {
        for (int i = 0; i < BATCH && s->sent < count; i++) {
            send_one(s, &rng);
        }
        run_until_quiet(s);
        /* Let time pass: unanswered ARP requests give up, learned mappings age and expire. */
        tick_all(s, sponge_rng_below(&rng, 1500));
        run_until_quiet(s);
    }
    tick_all(s, NETWORK_INTERFACE_ARP_REQUEST_MS);
    run_until_quiet(s);
    check_and_report(s);

    uint64_t delivered = 0;
    for (uint64_t id = 0; id < s->sent; id++) {
        delivered += s->arrivals[id] ? 1 : 0;
    }
    int status = s->problems ? 1 : 0;
    if (s->problems) {
        fprintf(stderr, "network_simulator: %" PRIu64 " problems (first %d shown); replay with -s %" PRIu64 "\n",
                s->problems, MAX_PROBLEMS, seed);
    }
    printf("network_simulator: %" PRIu64 " datagrams delivered, %" PRIu64 " dropped as expected%s\n", delivered,
           s->expect.dropped, status ? " -- FAILED" : "");
    for (int i = 0; i < HOSTS; i++) {
        network_interface_destroy(&s->hosts[i].ni);
    }
    for (int r = 0; r < ROUTERS; r++) {
        router_destroy(&s->routers[r]);
    }
    free(s->predicted);
    free(s->arrivals);
    free(s);
    return status;
}
