/* network_simulator: a topology of our Routers and hosts, all in memory (the in-memory runner of
 * docs/topologies.md). Hosts send many datagrams (seeded, reproducible): first one between every
 * ordered pair of hosts, then at random to other hosts, to addresses no route covers, to
 * addresses on a link where nobody answers ARP, some with TTLs too low to arrive. Where each
 * one must end up is predicted from the drawing (net/topology_walk.h), independently of the
 * routing tables the routers are given (net/topology_tables.h); the program exits 0 only if
 * every datagram that should arrive arrived exactly once, intact, with the predicted TTL, at
 * the right host, nothing else arrived, and every router dropped exactly what the prediction
 * says, for the predicted reason.
 *
 * Without -t it runs CS144's lab-6 network (the text below, also etc/topologies/lab6.topo).
 * Link impairments (loss, duplication, delay, reordering) are realised by the namespace runner
 * only; here every datagram fits the smallest MTU of the topology.
 *
 * Usage: network_simulator [-t FILE] [-s SEED] [-n DATAGRAMS] [--stats FILE] [--print-builtin]
 *   (SPONGE_SEED is honoured too; --stats writes per-link frame counts and per-router counters
 *   for apps/topology's picture) */

#include "adapters/text_file.h"
#include "net/network_interface.h"
#include "net/router.h"
#include "net/topology.h"
#include "net/topology_tables.h"
#include "net/topology_walk.h"
#include "util/rng.h"
#include "wire/ipv4_datagram.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { BATCH = 16, MAX_PAYLOAD = 400, MAX_PROBLEMS = 10, QUEUE = 64 };

static const char LAB6[] =
    "# CS144's lab-6 network (apps/network_simulator.c's built-in topology): three routers in a\n"
    "# line, eight hosts on seven LANs. Overlapping prefixes: lan6 10.2.9.0/24 (at R3) inside lan4\n"
    "# 10.2.0.0/16 (at R2); lan7 172.16.5.0/24 inside lan5 172.16.0.0/16 (both at R3); h8 lives on\n"
    "# lan2 at R1 with the address 172.16.7.80/32, inside lan5's prefix. Routes are given: R1 and\n"
    "# R3 have default routes to R2, R2 has none (so R2 drops what nobody routes).\n"
    "router R1\n"
    "router R2\n"
    "router R3\n"
    "host h1\n"
    "host h2\n"
    "host h3\n"
    "host h4\n"
    "host h5\n"
    "host h6\n"
    "host h7\n"
    "host h8\n"
    "link lan1 192.168.1.0/24 R1=192.168.1.1 h1=192.168.1.10 h2=192.168.1.20\n"
    "link lan2 192.168.2.0/24 R1=192.168.2.1 h3=192.168.2.30 h8=172.16.7.80/32\n"
    "link r1-r2 10.255.12.0/30 R1=10.255.12.1 R2=10.255.12.2\n"
    "link lan4 10.2.0.0/16 R2=10.2.0.1 h4=10.2.0.40/24\n"
    "link r2-r3 10.255.23.0/30 R2=10.255.23.1 R3=10.255.23.2\n"
    "link lan5 172.16.0.0/16 R3=172.16.0.1 h5=172.16.0.50/24\n"
    "link lan6 10.2.9.0/24 R3=10.2.9.1 h6=10.2.9.60\n"
    "link lan7 172.16.5.0/24 R3=172.16.5.1 h7=172.16.5.70\n"
    "route R1 0.0.0.0/0 via 10.255.12.2\n"
    "route R2 10.2.9.0/24 via 10.255.23.2\n"
    "route R2 192.168.0.0/16 via 10.255.12.1\n"
    "route R2 172.16.0.0/16 via 10.255.23.2\n"
    "route R2 172.16.7.80/32 via 10.255.12.1\n"
    "route R3 172.16.7.80/32 via 10.255.23.1\n"
    "route R3 0.0.0.0/0 via 10.255.23.1\n";

/* What a datagram's prediction says, kept per datagram id. */
struct prediction {
    enum topology_fate fate;
    uint32_t host; /* DELIVERED: the node */
    uint8_t ttl_at_arrival;
};

struct expected_counts {
    uint64_t forwarded, ttl_expired, no_route, arp_gave_up;
};

/* One node of the topology: a router (our Router) or a host (a NetworkInterface). */
struct sim_node {
    struct router *router;          /* routers */
    struct network_interface *host; /* hosts */
    struct expected_counts expect;
};

struct sim {
    const struct topology *t;
    struct topology_walker walker;
    struct sim_node *nodes;
    uint64_t *link_frames; /* frames carried per link */
    uint32_t *targets;     /* host addresses first, then unreachable ones */
    size_t target_count, host_count;
    size_t *hosts; /* node indexes of the hosts */
    size_t max_payload;
    struct prediction *predicted; /* per datagram id */
    uint32_t *arrivals;           /* per datagram id */
    uint64_t sent, problems, delivered_expected, dropped_expected;
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

static void *checked_calloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        die_oom();
    }
    return p;
}

static struct eth_addr mac_for(size_t node, size_t iface) {
    struct eth_addr m = {{0x02, (uint8_t)(node >> 8), (uint8_t)node, (uint8_t)(iface >> 8), (uint8_t)iface, 0x01}};
    return m;
}

static const char *name_of(const struct sim *s, size_t node) {
    return s->t->nodes[node].name;
}

static struct network_interface *member_ni(struct sim *s, size_t m) {
    const struct topology_member *mb = &s->t->members[m];
    struct sim_node *n = &s->nodes[mb->node];
    return n->router ? router_interface(n->router, mb->iface) : n->host;
}

static void build_nodes(struct sim *s) {
    const struct topology *t = s->t;
    unsigned min_mtu = TOPOLOGY_MAX_MTU;
    for (size_t li = 0; li < t->link_count; li++) {
        min_mtu = t->links[li].mtu < min_mtu ? t->links[li].mtu : min_mtu;
    }
    s->max_payload = min_mtu - IPV4_MIN_HEADER_LEN < MAX_PAYLOAD ? min_mtu - IPV4_MIN_HEADER_LEN : MAX_PAYLOAD;
    /* Queues big enough for the traffic below: nothing may be dropped for lack of room. */
    struct router_config rcfg = router_default_config();
    rcfg.iface.pending_capacity = QUEUE;
    rcfg.iface.frames_out_capacity = QUEUE;
    rcfg.rx_queue_capacity = QUEUE;
    s->nodes = checked_calloc(t->node_count, sizeof *s->nodes);
    s->hosts = checked_calloc(t->node_count, sizeof *s->hosts);
    for (size_t i = 0; i < t->node_count; i++) {
        struct sim_node *n = &s->nodes[i];
        if (t->nodes[i].kind == TOPOLOGY_ROUTER) {
            n->router = checked_calloc(1, sizeof *n->router);
            if (router_init(n->router, &rcfg) != SPONGE_OK) {
                die_oom();
            }
            continue;
        }
        const struct topology_member *m = &t->members[t->nodes[i].host_member];
        struct network_interface_config hcfg = rcfg.iface;
        hcfg.max_datagram_len = t->links[m->link].mtu;
        n->host = checked_calloc(1, sizeof *n->host);
        if (network_interface_init(n->host, mac_for(i, 0), m->addr, &hcfg) != SPONGE_OK) {
            die_oom();
        }
        s->hosts[s->host_count++] = i;
    }
    /* Router interfaces in the file's order, which is their numbering (net/topology.h). */
    for (size_t m = 0; m < t->member_count; m++) {
        const struct topology_member *mb = &t->members[m];
        size_t idx;
        if (s->nodes[mb->node].router && router_add_interface(s->nodes[mb->node].router, mac_for(mb->node, mb->iface),
                                                              mb->addr, &idx) != SPONGE_OK) {
            die_oom();
        }
    }
    struct topology_route *routes;
    size_t count;
    if (topology_tables(t, &routes, &count) != SPONGE_OK) {
        die_oom();
    }
    for (size_t i = 0; i < count; i++) {
        const struct topology_route *r = &routes[i];
        size_t iface = t->members[topology_membership(t, r->router, r->link)].iface;
        if (router_add_route(s->nodes[r->router].router, r->prefix, r->prefix_length, r->has_next_hop, r->next_hop,
                             iface) != SPONGE_OK) {
            die_oom();
        }
    }
    free(routes);
}

static bool address_used(const struct topology *t, uint32_t a) {
    for (size_t m = 0; m < t->member_count; m++) {
        if (t->members[m].addr == a) {
            return true;
        }
    }
    return false;
}

/* Every host's address, then for each link an unused address in its prefix (nobody answers
 * ARP there), then addresses outside every link's prefix. */
static void choose_targets(struct sim *s) {
    const struct topology *t = s->t;
    static const uint32_t outside[] = {0xCB007105u /* 203.0.113.5 */, 0xC6336407u /* 198.51.100.7 */,
                                       0x0A030001u /* 10.3.0.1 */, 0x01020304u /* 1.2.3.4 */};
    s->targets = checked_calloc(s->host_count + t->link_count + 4, sizeof *s->targets);
    for (size_t i = 0; i < s->host_count; i++) {
        s->targets[s->target_count++] = t->members[t->nodes[s->hosts[i]].host_member].addr;
    }
    for (size_t li = 0; li < t->link_count; li++) {
        const struct topology_link *l = &t->links[li];
        uint32_t size = l->prefix_length >= 31 ? 0 : (uint32_t)1 << (32 - l->prefix_length);
        /* Try a few addresses from the top of the prefix down (below its broadcast address). */
        for (uint32_t k = 2; k < size && k < 12; k++) {
            uint32_t a = l->prefix + size - k;
            if (!address_used(t, a)) {
                s->targets[s->target_count++] = a;
                break;
            }
        }
    }
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        bool covered = false;
        for (size_t li = 0; li < t->link_count; li++) {
            covered |= topology_in_prefix(outside[i], t->links[li].prefix, t->links[li].prefix_length);
        }
        if (!covered) {
            s->targets[s->target_count++] = outside[i];
        }
    }
}

/* Adds what the prediction means for each router's counters. */
static void count_expected(struct sim *s, const struct topology_walk *w) {
    if (w->fate == TOPOLOGY_DELIVERED) {
        s->delivered_expected++;
    } else {
        s->dropped_expected++;
    }
    for (size_t k = 0; k < w->hops; k++) {
        struct sim_node *n = &s->nodes[s->t->members[w->path[k]].node];
        bool last = k + 1 == w->hops;
        if (last && w->fate == TOPOLOGY_TTL_EXPIRED) {
            n->expect.ttl_expired++;
        } else if (last && w->fate == TOPOLOGY_NO_ROUTE) {
            n->expect.no_route++;
        } else {
            n->expect.forwarded++;
        }
    }
    if (w->fate == TOPOLOGY_NO_NEIGHBOUR) {
        s->nodes[w->at].expect.arp_gave_up++;
    }
}

/* Payload: the datagram's id (4 bytes, big-endian) then bytes derived from it. */
static uint8_t filler(uint32_t id, size_t i) {
    return (uint8_t)(id * 131u + i * 7u + (i >> 3));
}

static size_t payload_len_for(const struct sim *s, uint32_t id) {
    return 4 + (id * 2654435761u >> 7) % (s->max_payload - 3);
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

static void host_received(struct sim *s, size_t me, const struct ipv4_datagram *d) {
    char a[16], b[16];
    const char *name = name_of(s, me);
    if (d->header.dst != network_interface_ip(s->nodes[me].host)) {
        problem(s, "%s received a datagram for %s", name, ipv4_format(d->header.dst, a));
        return;
    }
    if (d->payload_len < 4) {
        problem(s, "%s received a datagram with a %zu-byte payload", name, d->payload_len);
        return;
    }
    uint32_t id =
        (uint32_t)d->payload[0] << 24 | (uint32_t)d->payload[1] << 16 | (uint32_t)d->payload[2] << 8 | d->payload[3];
    if (id >= s->sent) {
        problem(s, "%s received datagram #%" PRIu32 ", never sent", name, id);
        return;
    }
    const struct prediction *p = &s->predicted[id];
    if (p->fate != TOPOLOGY_DELIVERED || p->host != me) {
        problem(s, "datagram #%" PRIu32 " (%s -> %s) arrived at %s, not expected there", id,
                ipv4_format(d->header.src, a), ipv4_format(d->header.dst, b), name);
        return;
    }
    if (s->arrivals[id]++) {
        problem(s, "datagram #%" PRIu32 " arrived at %s more than once", id, name);
    }
    uint8_t want[MAX_PAYLOAD];
    size_t want_len = payload_len_for(s, id);
    make_payload(id, want, want_len);
    if (d->payload_len != want_len || memcmp(want, d->payload, want_len) != 0) {
        problem(s, "datagram #%" PRIu32 " arrived at %s with a damaged payload", id, name);
    }
    if (d->header.ttl != p->ttl_at_arrival) {
        problem(s, "datagram #%" PRIu32 " arrived with TTL %u, expected %u", id, d->header.ttl, p->ttl_at_arrival);
    }
}

static void deliver(struct sim *s, size_t m, const uint8_t *frame, size_t len) {
    const struct topology_member *mb = &s->t->members[m];
    struct sim_node *n = &s->nodes[mb->node];
    if (n->router) {
        router_recv_frame(n->router, mb->iface, frame, len);
        return;
    }
    struct ipv4_datagram d;
    if (network_interface_recv_frame(n->host, frame, len, &d)) {
        host_received(s, mb->node, &d);
    }
}

/* Shuttles frames over every link and lets the routers route until nothing moves. */
static void run_until_quiet(struct sim *s) {
    const struct topology *t = s->t;
    for (;;) {
        bool moved = false;
        for (size_t li = 0; li < t->link_count; li++) {
            const struct topology_link *l = &t->links[li];
            size_t end = l->first_member + l->member_count;
            for (size_t from = l->first_member; from < end; from++) {
                struct byte_view f;
                while (network_interface_frames_out(member_ni(s, from), &f)) {
                    moved = true;
                    s->link_frames[li]++;
                    for (size_t to = l->first_member; to < end; to++) {
                        if (to != from) {
                            deliver(s, to, f.data, f.len);
                        }
                    }
                }
            }
        }
        for (size_t i = 0; i < t->node_count; i++) {
            if (s->nodes[i].router) {
                router_route(s->nodes[i].router);
            }
        }
        if (!moved) {
            return;
        }
    }
}

static void tick_all(struct sim *s, uint64_t ms) {
    for (size_t i = 0; i < s->t->node_count; i++) {
        if (s->nodes[i].router) {
            router_tick(s->nodes[i].router, ms);
        } else {
            network_interface_tick(s->nodes[i].host, ms);
        }
    }
}

static void send_one(struct sim *s, struct sponge_rng *rng) {
    uint32_t id = (uint32_t)s->sent;
    size_t src, target;
    uint64_t pairs = (uint64_t)s->host_count * (s->host_count - 1);
    if (s->sent < pairs) { /* first every ordered pair of hosts once */
        src = (size_t)(s->sent / (s->host_count - 1));
        target = (size_t)(s->sent % (s->host_count - 1));
        target += target >= src;
    } else {
        src = (size_t)sponge_rng_below(rng, s->host_count);
        /* Three in four to another host; the rest to addresses that cannot be reached. */
        do {
            target = sponge_rng_below(rng, 4) || s->target_count == s->host_count
                         ? (size_t)sponge_rng_below(rng, s->host_count)
                         : s->host_count + (size_t)sponge_rng_below(rng, s->target_count - s->host_count);
        } while (target == src);
    }
    /* Mostly a normal TTL; one in four low enough that some expire on the way. */
    uint8_t ttl = s->sent < pairs || sponge_rng_below(rng, 4) ? 64 : (uint8_t)sponge_rng_below(rng, 6);
    size_t node = s->hosts[src];
    uint32_t dst = s->targets[target];
    struct topology_walk w;
    topology_walk(&s->walker, node, dst, ttl, &w);
    s->predicted[id] =
        (struct prediction){.fate = w.fate, .host = (uint32_t)w.host, .ttl_at_arrival = (uint8_t)(ttl - w.hops)};
    count_expected(s, &w);

    uint8_t payload[MAX_PAYLOAD];
    size_t len = payload_len_for(s, id);
    make_payload(id, payload, len);
    const struct topology_node *h = &s->t->nodes[node];
    const struct topology_member *hm = &s->t->members[h->host_member];
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, hm->addr, dst, payload, len);
    d.header.ttl = ttl;
    d.header.id = (uint16_t)id;
    ipv4_datagram_seal(&d);
    s->sent++;
    bool on_link = topology_in_prefix(dst, hm->addr, hm->prefix_length);
    network_interface_send_datagram(s->nodes[node].host, &d, on_link ? dst : h->gateway);
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

/* A router's interface drops summed: ARP gave up, others' frames ignored, anything else. */
struct router_ni_sums {
    uint64_t arp_gave_up, not_for_us, other;
};

static struct router_ni_sums router_ni_sums(struct router *rt) {
    struct router_ni_sums sum = {0};
    for (size_t i = 0; i < router_interface_count(rt); i++) {
        const struct network_interface *ni = router_interface(rt, i);
        sum.arp_gave_up += network_interface_counters(ni)->drop_arp_timeout;
        sum.not_for_us += network_interface_counters(ni)->drop_not_for_us;
        sum.other += unexpected_ni_drops(ni);
    }
    return sum;
}

static void check_and_report(struct sim *s) {
    for (uint64_t id = 0; id < s->sent; id++) {
        if (s->predicted[id].fate == TOPOLOGY_DELIVERED && s->arrivals[id] == 0) {
            problem(s, "datagram #%" PRIu64 " never arrived at %s", id, name_of(s, s->predicted[id].host));
        }
    }
    printf("what crossed each router:\n");
    uint64_t host_drops = 0;
    for (size_t i = 0; i < s->t->node_count; i++) {
        struct sim_node *n = &s->nodes[i];
        const char *name = name_of(s, i);
        if (!n->router) {
            host_drops += network_interface_counters(n->host)->drop_arp_timeout;
            check_counter(s, name, "no ARP reply", n->expect.arp_gave_up,
                          network_interface_counters(n->host)->drop_arp_timeout);
            check_counter(s, name, "interface drops", 0, unexpected_ni_drops(n->host));
            continue;
        }
        const struct router_counters *c = router_counters(n->router);
        struct router_ni_sums sum = router_ni_sums(n->router);
        printf("  %s: forwarded %" PRIu64 "; dropped: TTL expired %" PRIu64 ", no route %" PRIu64
               ", bad header %" PRIu64 ", queue full %" PRIu64 ", no ARP reply %" PRIu64
               "; frames for others ignored %" PRIu64 "\n",
               name, c->forwarded, c->drop_ttl_expired, c->drop_no_route, c->drop_bad_header, c->drop_queue_full,
               sum.arp_gave_up, sum.not_for_us);
        check_counter(s, name, "forwarded", n->expect.forwarded, c->forwarded);
        check_counter(s, name, "TTL expired", n->expect.ttl_expired, c->drop_ttl_expired);
        check_counter(s, name, "no route", n->expect.no_route, c->drop_no_route);
        check_counter(s, name, "no ARP reply", n->expect.arp_gave_up, sum.arp_gave_up);
        check_counter(s, name, "bad header + queue full + interface drops", 0,
                      c->drop_bad_header + c->drop_queue_full + sum.other);
    }
    printf("  hosts: no ARP reply on their own link %" PRIu64 "\n", host_drops);
}

/* The statistics apps/topology draws (docs/topologies.md): frames per link, drops per router. */
static int write_stats(struct sim *s, const char *path) {
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "network_simulator: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (size_t li = 0; li < s->t->link_count; li++) {
        fprintf(f, "link %s frames=%" PRIu64 "\n", s->t->links[li].name, s->link_frames[li]);
    }
    for (size_t i = 0; i < s->t->node_count; i++) {
        if (s->nodes[i].router) {
            const struct router_counters *c = router_counters(s->nodes[i].router);
            struct router_ni_sums sum = router_ni_sums(s->nodes[i].router);
            fprintf(f,
                    "router %s forwarded=%" PRIu64 " ttl_expired=%" PRIu64 " no_route=%" PRIu64 " bad_header=%" PRIu64
                    " queue_full=%" PRIu64 " arp_timeout=%" PRIu64 "\n",
                    name_of(s, i), c->forwarded, c->drop_ttl_expired, c->drop_no_route, c->drop_bad_header,
                    c->drop_queue_full, sum.arp_gave_up);
        }
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "network_simulator: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* The whole file, or NULL after one line on stderr. */
static char *slurp(const char *path) {
    char why[256];
    char *text = text_file_read(path, TOPOLOGY_MAX_TEXT, why, sizeof why);
    if (!text) {
        fprintf(stderr, "network_simulator: %s\n", why);
    }
    return text;
}

struct options {
    const char *file, *stats;
    uint64_t seed, count;
    bool have_seed, print_builtin;
};

static int parse_options(int argc, char **argv, struct options *o) {
    *o = (struct options){.count = 2000};
    const char *env = getenv("SPONGE_SEED");
    if (env && *env) {
        o->seed = strtoull(env, NULL, 0);
        o->have_seed = true;
    }
    for (int i = 1; i < argc; i++) {
        bool value = i + 1 < argc;
        if (strcmp(argv[i], "-s") == 0 && value) {
            o->seed = strtoull(argv[++i], NULL, 0);
            o->have_seed = true;
        } else if (strcmp(argv[i], "-n") == 0 && value) {
            o->count = strtoull(argv[++i], NULL, 0);
        } else if (strcmp(argv[i], "-t") == 0 && value) {
            o->file = argv[++i];
        } else if (strcmp(argv[i], "--stats") == 0 && value) {
            o->stats = argv[++i];
        } else if (strcmp(argv[i], "--print-builtin") == 0) {
            o->print_builtin = true;
        } else {
            fprintf(stderr, "usage: %s [-t FILE] [-s SEED] [-n DATAGRAMS] [--stats FILE] [--print-builtin]\n", argv[0]);
            return -1;
        }
    }
    if (o->count == 0 || o->count > UINT32_MAX) {
        fprintf(stderr, "network_simulator: -n must be 1..%" PRIu32 "\n", UINT32_MAX);
        return -1;
    }
    if (!o->have_seed) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        o->seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec;
    }
    return 0;
}

static void run(struct sim *s, const struct options *o) {
    struct sponge_rng rng;
    sponge_rng_seed(&rng, o->seed);
    s->predicted = checked_calloc(o->count, sizeof *s->predicted);
    s->arrivals = checked_calloc(o->count, sizeof *s->arrivals);
    s->link_frames = checked_calloc(s->t->link_count, sizeof *s->link_frames);
    build_nodes(s);
    choose_targets(s);
    while (s->sent < o->count) {
        for (int i = 0; i < BATCH && s->sent < o->count; i++) {
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
}

static void free_sim(struct sim *s) {
    for (size_t i = 0; s->nodes && i < s->t->node_count; i++) {
        if (s->nodes[i].router) {
            router_destroy(s->nodes[i].router);
            free(s->nodes[i].router);
        } else if (s->nodes[i].host) {
            network_interface_destroy(s->nodes[i].host);
            free(s->nodes[i].host);
        }
    }
    free(s->nodes);
    free(s->hosts);
    free(s->targets);
    free(s->link_frames);
    free(s->predicted);
    free(s->arrivals);
    topology_walker_destroy(&s->walker);
}

int main(int argc, char **argv) {
    struct options o;
    if (parse_options(argc, argv, &o) != 0) {
        return 2;
    }
    if (o.print_builtin) {
        fputs(LAB6, stdout);
        return 0;
    }
    char *text = o.file ? slurp(o.file) : NULL;
    if (o.file && !text) {
        return 1;
    }
    struct topology t;
    struct topology_error err;
    enum sponge_err e = topology_parse(text ? text : LAB6, &t, &err);
    free(text);
    if (e != SPONGE_OK) {
        if (e == SPONGE_ERR_NO_MEMORY) {
            die_oom();
        }
        fprintf(stderr, "%s:%zu: %s\n", o.file ? o.file : "(built-in lab-6 topology)", err.line, err.why);
        topology_destroy(&t);
        return 1;
    }
    printf("network_simulator: %s, seed %" PRIu64 " (replay with -s %" PRIu64 "), %" PRIu64 " datagrams\n",
           o.file ? o.file : "lab-6 topology", o.seed, o.seed, o.count);
    struct sim s = {.t = &t};
    if (topology_walker_init(&s.walker, &t) != SPONGE_OK) {
        die_oom();
    }
    run(&s, &o);
    uint64_t delivered = 0;
    for (uint64_t id = 0; id < s.sent; id++) {
        delivered += s.arrivals[id] ? 1 : 0;
    }
    int status = s.problems ? 1 : 0;
    if (o.stats && write_stats(&s, o.stats) != 0) {
        status = 1;
    }
    if (s.problems) {
        fprintf(stderr, "network_simulator: %" PRIu64 " problems (first %d shown); replay with -s %" PRIu64 "\n",
                s.problems, MAX_PROBLEMS, o.seed);
    }
    printf("network_simulator: %" PRIu64 " datagrams delivered, %" PRIu64 " dropped as expected%s\n", delivered,
           s.dropped_expected, status ? " -- FAILED" : "");
    free_sim(&s);
    topology_destroy(&t);
    return status;
}
