#ifndef SPONGE_NET_ROUTE_TABLE_H
#define SPONGE_NET_ROUTE_TABLE_H

/* The Router's forwarding table (lab 6): longest-prefix match over IPv4 routes (RFC 1812
 * 5.2.4.3). A route is a prefix plus an action (where matching datagrams go: an interface and
 * an optional next hop). The Router reaches its table only through these functions, so any
 * structure that gives the right answers will do; a list scanned in full on every lookup is
 * fine for the lab. For a million routes the project gives a trie behind the same interface
 * (net/route_trie.h), which a router uses when configured to (router_config.fast_routes). */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Where a matching datagram goes. */
struct route_action {
    bool has_next_hop;
    uint32_t next_hop; /* if has_next_hop; else the destination itself is the next hop */
    size_t interface_num;
};

/** A route as added: prefix/prefix_length and its action. */
struct route {
    uint32_t prefix;       /* host order; bits past prefix_length are ignored */
    uint8_t prefix_length; /* 0..32; 0 matches everything (default route) */
    struct route_action action;
};

struct route_table {
    /* private: the lab's to choose */
    /* LAB6 BEGIN: the table's state */
    struct route *routes; /* longest prefix first; equal lengths in the order added */
    size_t count, capacity;
    /* LAB6 END */
};

/** Creates an empty table. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err route_table_init(struct route_table *t);

/** Frees the table. */
void route_table_destroy(struct route_table *t);

/** Adds a route. A route for the same prefix and length replaces the earlier one.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY (the table is then unchanged). */
enum sponge_err route_table_add(struct route_table *t, const struct route *r);

/** The action of the longest prefix matching `dst` (host order), or NULL if none matches.
 *  The pointer is valid until the next route_table_add. */
const struct route_action *route_table_lookup(const struct route_table *t, uint32_t dst);

/** The netmask for a prefix length 0..32, host order. */
static inline uint32_t route_prefix_mask(uint8_t prefix_length) {
    return prefix_length == 0 ? 0 : UINT32_MAX << (32 - prefix_length);
}

#endif
