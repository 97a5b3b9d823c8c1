#ifndef SPONGE_NET_ROUTE_TABLE_H
#define SPONGE_NET_ROUTE_TABLE_H

/* The Router's forwarding table: longest-prefix match over IPv4 routes (RFC 1812 5.2.4.3).
 *
 * A route is a prefix plus an action (where matching datagrams go: an interface and an
 * optional next hop). Real tables have a million prefixes but few distinct actions, so
 * actions are stored once each (deduplicated through a small hash) and an lpm_table (a 16-8-8
 * multibit trie with compressed nodes, net/lpm_table.h) maps an address straight to its
 * action's index. A lookup is at most three dependent reads of the trie plus one read of the
 * small, cache-resident action array. */

#include "net/lpm_table.h"
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
    /* private */
    struct route_action *actions; /* distinct actions; the trie maps addresses to indexes here */
    size_t nactions, cap_actions;
    uint32_t *action_index; /* open-addressing hash of actions: index + 1, 0 = empty */
    size_t index_mask;
    struct lpm_table trie;
};

/** Creates an empty table. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err route_table_init(struct route_table *t);
void route_table_destroy(struct route_table *t);

/** Adds a route. A route for the same prefix and length replaces the earlier one.
 *  Returns SPONGE_OK, SPONGE_ERR_NO_MEMORY, or SPONGE_ERR_INVALID_ARGUMENT when the table is
 *  full (LPM_MAX_VALUE distinct actions, or the trie's chunk limit). On error the table is
 *  unchanged. */
enum sponge_err route_table_add(struct route_table *t, const struct route *r);

/** The action of the longest prefix matching `dst` (host order), or NULL if none matches.
 *  The pointer is valid until the next route_table_add. */
static inline const struct route_action *route_table_lookup(const struct route_table *t, uint32_t dst) {
    uint32_t i = lpm_table_lookup(&t->trie, dst);
    return i == LPM_NO_MATCH ? NULL : &t->actions[i];
}

/** Looks up dsts[0..n) (host order) into routes[0..n), each as route_table_lookup would, with
 *  the memory accesses of the whole batch overlapped (lpm_table_lookup_batch). The pointers are
 *  valid until the next route_table_add. */
void route_table_lookup_batch(const struct route_table *t, const uint32_t *dsts, size_t n,
                              const struct route_action **routes);

/** The netmask for a prefix length 0..32, host order. */
static inline uint32_t route_prefix_mask(uint8_t prefix_length) {
    return prefix_length == 0 ? 0 : UINT32_MAX << (32 - prefix_length);
}

#endif
