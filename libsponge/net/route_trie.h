#ifndef SPONGE_NET_ROUTE_TRIE_H
#define SPONGE_NET_ROUTE_TRIE_H

/* The fast forwarding table (given code, not a lab unit): the same interface as lab 6's
 * route_table (net/route_table.h), for tables of up to a million routes. A router uses it
 * when its configuration says so (router_config.fast_routes); the benchmarks do.
 *
 * Real tables have a million prefixes but few distinct actions, so actions are stored once
 * each (deduplicated through a small hash) and an lpm_table (a 16-8-8 multibit trie with
 * compressed nodes, net/lpm_table.h) maps an address straight to its action's index. A lookup
 * is at most three dependent reads of the trie plus one read of the small, cache-resident
 * action array. */

#include "net/lpm_table.h"
#include "net/route_table.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct route_trie {
    /* private */
    struct route_action *actions; /* distinct actions; the trie maps addresses to indexes here */
    size_t nactions, cap_actions;
    uint32_t *action_index; /* open-addressing hash of actions: index + 1, 0 = empty */
    size_t index_mask;
    struct lpm_table trie;
};

/** Creates an empty table. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err route_trie_init(struct route_trie *t);
void route_trie_destroy(struct route_trie *t);

/** As route_table_add; also SPONGE_ERR_INVALID_ARGUMENT when the table is full
 *  (LPM_MAX_VALUE distinct actions, or the trie's chunk limit). On error the table is
 *  unchanged. */
enum sponge_err route_trie_add(struct route_trie *t, const struct route *r);

/** As route_table_lookup. The pointer is valid until the next route_trie_add. */
const struct route_action *route_trie_lookup(const struct route_trie *t, uint32_t dst);

/** Looks up dsts[0..n) (host order) into routes[0..n), each as route_trie_lookup would, with
 *  the memory accesses of the whole batch overlapped (lpm_table_lookup_batch). The pointers are
 *  valid until the next route_trie_add. */
void route_trie_lookup_batch(const struct route_trie *t, const uint32_t *dsts, size_t n,
                             const struct route_action **routes);

#endif
