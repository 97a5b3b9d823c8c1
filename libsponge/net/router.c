#include "net/router.h"

#include "net/icmp_reply.h"
#include "net/ipv4_fragmenter.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct router_config router_default_config(void) {
    struct router_config c = {
        .iface = network_interface_default_config(),
        .rx_queue_capacity = 64,
        .icmp_error_burst = 20,
        .icmp_error_interval_ms = 50,
        .icmp_arp_failures = 16,
        .icmp_dest_slots = 64,
        .icmp_dest_burst = 10,
        .icmp_dest_interval_ms = 100,
    };
    return c;
}

enum sponge_err router_init(struct router *r, const struct router_config *cfg) {
    assert(cfg->rx_queue_capacity > 0);
    assert(!cfg->icmp || (cfg->icmp_error_burst > 0 && cfg->icmp_error_interval_ms > 0 && cfg->icmp_dest_slots > 0 &&
                          cfg->icmp_dest_burst > 0 && cfg->icmp_dest_interval_ms > 0));
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    r->icmp_tokens = cfg->icmp_error_burst;
    if (cfg->icmp) {
        r->icmp_dests = calloc(cfg->icmp_dest_slots, sizeof *r->icmp_dests);
        if (!r->icmp_dests) {
            return SPONGE_ERR_NO_MEMORY;
        }
    }
    if (cfg->icmp && cfg->icmp_arp_failures > 0) {
        r->arp_failures = malloc(cfg->icmp_arp_failures * ICMP_ERROR_MAX_DATAGRAM);
        r->arp_failure_len = calloc(cfg->icmp_arp_failures, sizeof *r->arp_failure_len);
        if (!r->arp_failures || !r->arp_failure_len) {
            return SPONGE_ERR_NO_MEMORY;
        }
    }
    return cfg->fast_routes ? route_trie_init(&r->fast_routes) : route_table_init(&r->routes);
}

static void port_free(struct router_port *p) {
    network_interface_destroy(&p->ni);
    free(p->rx_headers);
    free(p->rx_payload_len);
    free(p->rx_payloads);
    free(p);
}

void router_destroy(struct router *r) {
    for (size_t i = 0; i < r->port_count; i++) {
        port_free(r->ports[i]);
    }
    free(r->ports);
    free(r->arp_failures);
    free(r->arp_failure_len);
    free(r->icmp_dests);
    r->icmp_dests = NULL;
    r->arp_failures = NULL;
    r->arp_failure_len = NULL;
    r->ports = NULL;
    r->port_count = r->port_capacity = 0;
    if (r->cfg.fast_routes) {
        route_trie_destroy(&r->fast_routes);
    } else {
        route_table_destroy(&r->routes);
    }
}

/* The route for `dst` from the configured table (NULL: none matches). */
static const struct route_action *lookup_route(const struct router *r, uint32_t dst) {
    return r->cfg.fast_routes ? route_trie_lookup(&r->fast_routes, dst) : route_table_lookup(&r->routes, dst);
}

/* The routes for dsts[0..n) into routes[0..n): the trie overlaps the lookups of a batch. */
static void lookup_routes(const struct router *r, const uint32_t *dsts, size_t n, const struct route_action **routes) {
    if (r->cfg.fast_routes) {
        route_trie_lookup_batch(&r->fast_routes, dsts, n, routes);
        return;
    }
    for (size_t k = 0; k < n; k++) {
        routes[k] = route_table_lookup(&r->routes, dsts[k]);
    }
}

/* An interface gave up on a datagram whose next hop never answered ARP: keep its start for
 * a Host Unreachable sent after the interface's tick (not from inside it). */
static void remember_arp_failure(void *ctx, const uint8_t *datagram, size_t len) {
    struct router *r = ctx;
    if (r->arp_failure_count == r->cfg.icmp_arp_failures) {
        r->counters.icmp_rate_limited++; /* more failures in one tick than remembered: a rate bound too */
        return;
    }
    size_t n = len < ICMP_ERROR_MAX_DATAGRAM ? len : ICMP_ERROR_MAX_DATAGRAM;
    memcpy(r->arp_failures + r->arp_failure_count * ICMP_ERROR_MAX_DATAGRAM, datagram, n);
    r->arp_failure_len[r->arp_failure_count++] = n;
}

enum sponge_err router_add_interface(struct router *r, struct eth_addr eth, uint32_t ip, size_t *index) {
    return router_add_interface_mtu(r, eth, ip, r->cfg.iface.max_datagram_len, index);
}

enum sponge_err router_add_interface_mtu(struct router *r, struct eth_addr eth, uint32_t ip, size_t mtu,
                                         size_t *index) {
    assert(mtu >= IPV4_MIN_HEADER_LEN && mtu <= UINT16_MAX);
    if (r->port_count == r->port_capacity) {
        size_t cap = r->port_capacity ? 2 * r->port_capacity : 4;
        struct router_port **grown = realloc(r->ports, cap * sizeof *grown);
        if (!grown) {
            return SPONGE_ERR_NO_MEMORY;
        }
        r->ports = grown;
        r->port_capacity = cap;
    }
    struct router_port *p = calloc(1, sizeof *p);
    if (!p) {
        return SPONGE_ERR_NO_MEMORY;
    }
    struct network_interface_config icfg = r->cfg.iface;
    icfg.max_datagram_len = mtu;
    p->mtu = mtu;
    if (r->arp_failures) {
        icfg.arp_failed = remember_arp_failure;
        icfg.arp_failed_ctx = r;
    }
    if (network_interface_init(&p->ni, eth, ip, &icfg) != SPONGE_OK) {
        free(p);
        return SPONGE_ERR_NO_MEMORY;
    }
    size_t cap = r->cfg.rx_queue_capacity;
    p->rx_headers = calloc(cap, sizeof *p->rx_headers);
    p->rx_payload_len = calloc(cap, sizeof *p->rx_payload_len);
    p->rx_payloads = malloc(cap * mtu);
    if (!p->rx_headers || !p->rx_payload_len || !p->rx_payloads) {
        port_free(p);
        return SPONGE_ERR_NO_MEMORY;
    }
    *index = r->port_count;
    r->ports[r->port_count++] = p;
    return SPONGE_OK;
}

struct network_interface *router_interface(struct router *r, size_t n) {
    assert(n < r->port_count);
    return &r->ports[n]->ni;
}

size_t router_interface_mtu(const struct router *r, size_t n) {
    assert(n < r->port_count);
    return r->ports[n]->mtu;
}

size_t router_interface_count(const struct router *r) {
    return r->port_count;
}

void router_recv_frame(struct router *r, size_t n, const uint8_t *frame, size_t len) {
    assert(n < r->port_count);
    struct router_port *p = r->ports[n];
    const struct network_interface_counters *c = network_interface_counters(&p->ni);
    uint64_t bad_before = c->drop_bad_ipv4 + c->drop_oversize;
    struct ipv4_datagram d;
    if (!network_interface_recv_frame(&p->ni, frame, len, &d)) {
        /* The interface counted its reason; a broken IPv4 header is also the router's. */
        r->counters.drop_bad_header += c->drop_bad_ipv4 + c->drop_oversize - bad_before;
        return;
    }
    if (p->rx_count == r->cfg.rx_queue_capacity) {
        r->counters.drop_queue_full++;
        return;
    }
    /* The interface accepted it, so it fits in the port's MTU. */
    size_t slot = (p->rx_head + p->rx_count++) % r->cfg.rx_queue_capacity;
    p->rx_headers[slot] = d.header;
    p->rx_payload_len[slot] = d.payload_len;
    memcpy(p->rx_payloads + slot * p->mtu, d.payload, d.payload_len);
}

enum sponge_err router_add_route(struct router *r, uint32_t prefix, uint8_t prefix_length, bool has_next_hop,
                                 uint32_t next_hop, size_t interface_num) {
    assert(prefix_length <= 32 && interface_num < r->port_count);
    struct route route = {
        .prefix = prefix,
        .prefix_length = prefix_length,
        .action = {.has_next_hop = has_next_hop, .next_hop = next_hop, .interface_num = interface_num},
    };
    return r->cfg.fast_routes ? route_trie_add(&r->fast_routes, &route) : route_table_add(&r->routes, &route);
}

/* Hands d to interface `out` for next_hop, in fragments if it is longer than that interface's
 * MTU (RFC 791 3.2; the caller has checked DF). Returns false, sending nothing, for a fragment
 * whose pieces would need offsets past the 13-bit field (counted as a bad header). */
static bool transmit(struct router *r, size_t out, const struct ipv4_datagram *d, uint32_t next_hop) {
    struct router_port *p = r->ports[out];
    if (ipv4_datagram_len(d) <= p->mtu || p->mtu < IPV4_MIN_MTU) {
        /* (A link below RFC 791's smallest MTU cannot carry fragments: the interface drops
         * what is too long for it, counted as oversize.) */
        network_interface_send_datagram(&p->ni, d, next_hop);
        return true;
    }
    struct ipv4_fragmenter f;
    struct ipv4_datagram frag;
    if (!ipv4_fragmenter_init(&f, d, p->mtu)) {
        r->counters.drop_bad_header++;
        return false;
    }
    while (ipv4_fragmenter_next(&f, &frag)) {
        network_interface_send_datagram(&p->ni, &frag, next_hop);
        r->counters.fragments_sent++;
    }
    r->counters.fragmented++;
    return true;
}

/* Sends a datagram the router made (an ICMP message) towards its destination, like any other;
 * one longer than the way out allows is fragmented whatever its DF (it is ours to split). */
static bool send_own(struct router *r, const struct ipv4_datagram *d) {
    const struct route_action *route = lookup_route(r, d->header.dst);
    if (!route) {
        r->counters.icmp_no_route++;
        return false;
    }
    /* Our own messages start at offset 0 and are short: they always split. */
    return transmit(r, route->interface_num, d, route->has_next_hop ? route->next_hop : d->header.dst);
}

/* Adds the tokens a destination's bucket earned since it was last refilled. */
static void dest_refill(const struct router *r, struct router_icmp_dest *b) {
    uint64_t earned = (r->clock_ms - b->refilled_ms) / r->cfg.icmp_dest_interval_ms;
    b->refilled_ms += earned * r->cfg.icmp_dest_interval_ms;
    uint64_t room = r->cfg.icmp_dest_burst - b->tokens;
    b->tokens += (uint32_t)(earned < room ? earned : room);
}

/* The bucket of destination `addr`, refilled up to now. A destination not in the table takes
 * a free slot, or one whose bucket is full again (no different from a fresh one), or else the
 * least recently used one: the table never grows, and a flood of sources only forgets the
 * oldest (which makes them less limited, never more). */
static struct router_icmp_dest *dest_bucket(struct router *r, uint32_t addr) {
    struct router_icmp_dest *victim = NULL;
    bool victim_fresh = false;
    for (size_t i = 0; i < r->cfg.icmp_dest_slots; i++) {
        struct router_icmp_dest *b = &r->icmp_dests[i];
        if (b->used) {
            dest_refill(r, b);
            if (b->addr == addr) {
                return b;
            }
        }
        bool fresh = !b->used || b->tokens == r->cfg.icmp_dest_burst;
        if (!victim || (fresh && !victim_fresh) || (!fresh && !victim_fresh && b->used_ms < victim->used_ms)) {
            victim = b;
            victim_fresh = fresh;
        }
    }
    *victim = (struct router_icmp_dest){
        .used = true, .addr = addr, .tokens = r->cfg.icmp_dest_burst, .refilled_ms = r->clock_ms};
    return victim;
}

/* Sends ICMP error type/code about `offending` from `src` (0: the address of the interface it
 * leaves by, RFC 1812 4.3.2.4), unless RFC 1812 4.3.2.7 forbids it or the bucket is empty. */
static void send_error(struct router *r, const struct ipv4_datagram *offending, uint8_t type, uint8_t code,
                       uint16_t mtu, uint32_t src) {
    if (!icmp_error_allowed(offending)) {
        r->counters.icmp_not_allowed++;
        return;
    }
    /* RFC 1812 4.3.2.8: a router limits the rate of the ICMP errors it sends, per destination
     * as well as in all, so that one source's errors cannot use up everyone's budget. */
    struct router_icmp_dest *dest = dest_bucket(r, offending->header.src);
    dest->used_ms = r->clock_ms;
    if (dest->tokens == 0) {
        r->counters.icmp_rate_limited_dest++;
        return;
    }
    if (r->icmp_tokens == 0) {
        r->counters.icmp_rate_limited++;
        return;
    }
    if (src == 0) {
        const struct route_action *back = lookup_route(r, offending->header.src);
        if (!back) {
            r->counters.icmp_no_route++;
            return;
        }
        src = network_interface_ip(&r->ports[back->interface_num]->ni);
    }
    uint8_t msg[ICMP_ERROR_MAX_DATAGRAM];
    struct ipv4_datagram err;
    icmp_error_build(offending, type, code, mtu, src, msg, sizeof msg, &err);
    if (send_own(r, &err)) {
        r->icmp_tokens--;
        dest->tokens--;
        if (type == ICMP_TIME_EXCEEDED) {
            r->counters.icmp_time_exceeded_sent++;
        } else {
            r->counters.icmp_unreachable_sent++;
            r->counters.icmp_frag_needed_sent += code == ICMP_UNREACH_FRAG_NEEDED;
        }
    }
}

/* Is `addr` the address of one of our interfaces? */
static bool is_own_address(const struct router *r, uint32_t addr) {
    for (size_t i = 0; i < r->port_count; i++) {
        if (network_interface_ip(&r->ports[i]->ni) == addr) {
            return true;
        }
    }
    return false;
}

/* A datagram to one of our addresses (ICMP on): the router is then a host (RFC 1812 4.3.3.6,
 * RFC 1122 3.2.2.6 for echo; 3.2.2.1 for the unreachable transport). `msg` is the payload's
 * writable storage (the receive slot), where an echo request becomes its reply. */
static void deliver_locally(struct router *r, const struct ipv4_datagram *d, uint8_t *msg) {
    struct ipv4_datagram reply;
    if (d->header.protocol == IPV4_PROTO_ICMP) {
        if (icmp_echo_answer(&d->header, msg, d->payload_len, &reply) != SPONGE_OK) {
            r->counters.drop_for_us++;
        } else if (send_own(r, &reply)) { /* else counted as icmp_no_route */
            r->counters.icmp_echo_replied++;
        }
        return;
    }
    r->counters.drop_for_us++;
    /* No transport here: UDP (traceroute to the router itself) learns "port", others "protocol". */
    uint8_t code = d->header.protocol == IPV4_PROTO_UDP ? ICMP_UNREACH_PORT : ICMP_UNREACH_PROTOCOL;
    send_error(r, d, ICMP_DEST_UNREACHABLE, code, 0, d->header.dst);
}

/* Datagrams whose routes are looked up together (see router_route). */
#define LOOKUP_BATCH 32

/* Forwards d along `route` (its longest-prefix match, NULL if none). `in` is the interface it
 * arrived on; `msg` the payload's writable storage (see above). */
static void forward(struct router *r, struct ipv4_datagram *d, size_t in, uint8_t *msg,
                    const struct route_action *route) {
    uint32_t in_addr = network_interface_ip(&r->ports[in]->ni);
    /* RFC 1812 5.3.5.1: a limited broadcast is for the link it arrived on, never forwarded. */
    if (d->header.dst == 0xffffffffu) {
        r->counters.drop_broadcast++;
        return;
    }
    if (r->cfg.icmp && is_own_address(r, d->header.dst)) {
        deliver_locally(r, d, msg);
        return;
    }
    /* RFC 1812 5.3.1: a datagram that arrives with TTL 0 or 1 must not be forwarded. */
    if (d->header.ttl <= 1) {
        r->counters.drop_ttl_expired++;
        if (r->cfg.icmp) {
            send_error(r, d, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, 0, in_addr);
        }
        return;
    }
    if (!route) {
        r->counters.drop_no_route++;
        if (r->cfg.icmp) {
            send_error(r, d, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_NET, 0, in_addr);
        }
        return;
    }
    size_t mtu = r->ports[route->interface_num]->mtu;
    if (d->header.df && ipv4_datagram_len(d) > mtu) {
        /* RFC 1812 5.2.6 / RFC 1191 section 4: not fragmented, and the source is told the MTU
         * of the next hop so that it can send smaller datagrams (path MTU discovery). */
        r->counters.drop_frag_needed++;
        if (r->cfg.icmp) {
            send_error(r, d, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, (uint16_t)mtu, in_addr);
        }
        return;
    }
    /* Incremental checksum update (RFC 1624 eqn. 3), allowed for forwarding by RFC 1812 5.3.1. */
    ipv4_header_decrement_ttl(&d->header);
    if (transmit(r, route->interface_num, d, route->has_next_hop ? route->next_hop : d->header.dst)) {
        r->counters.forwarded++;
    }
}

void router_route(struct router *r) {
    const size_t cap = r->cfg.rx_queue_capacity;
    for (size_t i = 0; i < r->port_count; i++) {
        struct router_port *p = r->ports[i];
        while (p->rx_count) {
            /* Look the routes of up to LOOKUP_BATCH queued datagrams up before forwarding any:
             * in a large table each lookup is a cache miss or two, and a batch lookup lets the
             * CPU wait for those misses together rather than one after another. */
            const struct route_action *routes[LOOKUP_BATCH];
            uint32_t dsts[LOOKUP_BATCH];
            size_t n = p->rx_count < LOOKUP_BATCH ? p->rx_count : LOOKUP_BATCH;
            for (size_t k = 0; k < n; k++) {
                dsts[k] = p->rx_headers[(p->rx_head + k) % cap].dst;
            }
            lookup_routes(r, dsts, n, routes);
            for (size_t k = 0; k < n; k++) {
                size_t slot = p->rx_head;
                p->rx_head = (p->rx_head + 1) % cap;
                p->rx_count--;
                uint8_t *payload = p->rx_payloads + slot * p->mtu;
                struct ipv4_datagram d = {
                    .header = p->rx_headers[slot],
                    .payload = payload,
                    .payload_len = p->rx_payload_len[slot],
                };
                forward(r, &d, i, payload, routes[k]);
            }
        }
    }
}

/* Host Unreachable for every datagram the interfaces gave up on during this tick (RFC 1812
 * 4.3.3.1 / RFC 792: the next hop did not answer ARP). */
static void report_arp_failures(struct router *r) {
    for (size_t i = 0; i < r->arp_failure_count; i++) {
        const uint8_t *bytes = r->arp_failures + i * ICMP_ERROR_MAX_DATAGRAM;
        struct byte_view first;
        struct ipv4_datagram d;
        /* The interface held it as sent (a valid header): read it like a quote, since only
         * its start was kept. */
        if (icmp_quote_parse(bytes, r->arp_failure_len[i], &d.header, &first) == SPONGE_OK) {
            d.payload = first.data;
            d.payload_len = first.len;
            send_error(r, &d, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_HOST, 0, 0);
        }
    }
    r->arp_failure_count = 0;
}

void router_tick(struct router *r, uint64_t ms) {
    r->clock_ms += ms;
    for (size_t i = 0; i < r->port_count; i++) {
        network_interface_tick(&r->ports[i]->ni, ms);
    }
    if (!r->cfg.icmp) {
        return;
    }
    report_arp_failures(r);
    /* Token bucket: one token per interval, at most a burst's worth saved up. */
    r->icmp_refill_ms += ms;
    uint64_t earned = r->icmp_refill_ms / r->cfg.icmp_error_interval_ms;
    r->icmp_refill_ms %= r->cfg.icmp_error_interval_ms;
    uint64_t room = r->cfg.icmp_error_burst - r->icmp_tokens;
    r->icmp_tokens += (uint32_t)(earned < room ? earned : room);
}

const struct router_counters *router_counters(const struct router *r) {
    return &r->counters;
}
