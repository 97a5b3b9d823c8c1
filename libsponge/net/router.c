#include "net/router.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct router_config router_default_config(void) {
    struct router_config c = {.iface = network_interface_default_config(), .rx_queue_capacity = 64};
    return c;
}

/* LAB6 BEGIN: Router, longest-prefix match forwarding between interfaces */

enum sponge_err router_init(struct router *r, const struct router_config *cfg) {
    assert(cfg->rx_queue_capacity > 0);
    memset(r, 0, sizeof *r);
    r->cfg = *cfg;
    return route_table_init(&r->routes);
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
    r->ports = NULL;
    r->port_count = r->port_capacity = 0;
    route_table_destroy(&r->routes);
}

enum sponge_err router_add_interface(struct router *r, struct eth_addr eth, uint32_t ip, size_t *index) {
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
    if (network_interface_init(&p->ni, eth, ip, &r->cfg.iface) != SPONGE_OK) {
        free(p);
        return SPONGE_ERR_NO_MEMORY;
    }
    size_t cap = r->cfg.rx_queue_capacity;
    p->rx_headers = calloc(cap, sizeof *p->rx_headers);
    p->rx_payload_len = calloc(cap, sizeof *p->rx_payload_len);
    p->rx_payloads = malloc(cap * r->cfg.iface.max_datagram_len);
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
    /* The interface accepted it, so it fits in max_datagram_len. */
    size_t slot = (p->rx_head + p->rx_count++) % r->cfg.rx_queue_capacity;
    p->rx_headers[slot] = d.header;
    p->rx_payload_len[slot] = d.payload_len;
    memcpy(p->rx_payloads + slot * r->cfg.iface.max_datagram_len, d.payload, d.payload_len);
}

enum sponge_err router_add_route(struct router *r, uint32_t prefix, uint8_t prefix_length, bool has_next_hop,
                                 uint32_t next_hop, size_t interface_num) {
    assert(prefix_length <= 32 && interface_num < r->port_count);
    struct route route = {
        .prefix = prefix,
        .prefix_length = prefix_length,
        .action = {.has_next_hop = has_next_hop, .next_hop = next_hop, .interface_num = interface_num},
    };
    return route_table_add(&r->routes, &route);
}

/* Datagrams whose routes are looked up together (see router_route). */
#define LOOKUP_BATCH 32

/* Forwards d along `route` (its longest-prefix match, NULL if none). */
static void forward(struct router *r, struct ipv4_datagram *d, const struct route_action *route) {
    /* RFC 1812 5.3.1: a datagram that arrives with TTL 0 or 1 must not be forwarded. */
    if (d->header.ttl <= 1) {
        r->counters.drop_ttl_expired++;
        return;
    }
    if (!route) {
        r->counters.drop_no_route++;
        return;
    }
    /* Incremental checksum update (RFC 1624 eqn. 3), allowed for forwarding by RFC 1812 5.3.1. */
    ipv4_header_decrement_ttl(&d->header);
    uint32_t next_hop = route->has_next_hop ? route->next_hop : d->header.dst;
    network_interface_send_datagram(&r->ports[route->interface_num]->ni, d, next_hop);
    r->counters.forwarded++;
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
            route_table_lookup_batch(&r->routes, dsts, n, routes);
            for (size_t k = 0; k < n; k++) {
                size_t slot = p->rx_head;
                p->rx_head = (p->rx_head + 1) % cap;
                p->rx_count--;
                struct ipv4_datagram d = {
                    .header = p->rx_headers[slot],
                    .payload = p->rx_payloads + slot * r->cfg.iface.max_datagram_len,
                    .payload_len = p->rx_payload_len[slot],
                };
                forward(r, &d, routes[k]);
            }
        }
    }
}

void router_tick(struct router *r, uint64_t ms) {
    for (size_t i = 0; i < r->port_count; i++) {
        network_interface_tick(&r->ports[i]->ni, ms);
    }
}

const struct router_counters *router_counters(const struct router *r) {
    return &r->counters;
}
