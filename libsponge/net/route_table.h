#ifndef SPONGE_NET_ROUTE_TABLE_H
#define SPONGE_NET_ROUTE_TABLE_H

/* The Router's forwarding table: longest-prefix match over IPv4 routes (RFC 1812 5.2.4.3).
 * Routes are kept in an array; the lookup goes through an lpm_table (a 16-8-8 multibit trie,
 * see net/lpm_table.h) that maps an address to the index of its longest matching route, so a
 * lookup costs at most three array reads whatever the number of routes. */

#include "net/lpm_table.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct route {
    uint32_t prefix;       /* host order, bits past prefix_length are zero */
    uint8_t prefix_length; /* 0..32; 0 matches everything (default route) */
    bool has_next_hop;
    uint32_t next_hop; /* if has_next_hop; else the destination itself is the next hop */
    size_t interface_num;
};

struct route_table {
    /* private */
    struct route *routes; /* every route ever added; the trie holds indexes into it */
    size_t count, capacity;
    struct lpm_table trie;
};

/** Creates an empty table. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err route_table_init(struct route_table *t);
void route_table_destroy(struct route_table *t);

/** Adds a route; bits of `r->prefix` past its length are ignored. A route for the same prefix
 *  and length replaces the earlier one. Returns SPONGE_OK, SPONGE_ERR_NO_MEMORY, or
 *  SPONGE_ERR_INVALID_ARGUMENT when the table is full (LPM_MAX_VALUE routes, or the trie's
 *  chunk limit). */
enum sponge_err route_table_add(struct route_table *t, const struct route *r);

/** The route with the longest prefix matching `dst` (host order), or NULL if none matches.
 *  The pointer is valid until the next route_table_add. */
static inline const struct route *route_table_lookup(const struct route_table *t, uint32_t dst) {
    uint32_t i = lpm_table_lookup(&t->trie, dst);
    return i == LPM_NO_MATCH ? NULL : &t->routes[i];
}

/** The netmask for a prefix length 0..32, host order. */
static inline uint32_t route_prefix_mask(uint8_t prefix_length) {
    return prefix_length == 0 ? 0 : UINT32_MAX << (32 - prefix_length);
}

#endif
