#ifndef SPONGE_NET_ROUTE_TABLE_H
#define SPONGE_NET_ROUTE_TABLE_H

/* The Router's forwarding table: longest-prefix match over IPv4 routes (RFC 1812 5.2.4.3).
 * Kept behind this small interface so the lookup structure can be replaced (a plain list
 * now, scanned in full for the longest matching prefix). */

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
    struct route *routes;
    size_t count, capacity;
};

void route_table_init(struct route_table *t);
void route_table_destroy(struct route_table *t);

/** Adds a route; bits of `r->prefix` past its length are ignored. A route for the same prefix
 *  and length replaces the earlier one. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err route_table_add(struct route_table *t, const struct route *r);

/** The route with the longest prefix matching `dst` (host order), or NULL if none matches.
 *  The pointer is valid until the next route_table_add. */
const struct route *route_table_lookup(const struct route_table *t, uint32_t dst);

/** The netmask for a prefix length 0..32, host order. */
static inline uint32_t route_prefix_mask(uint8_t prefix_length) {
    return prefix_length == 0 ? 0 : UINT32_MAX << (32 - prefix_length);
}

#endif
