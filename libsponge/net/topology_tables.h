#ifndef SPONGE_NET_TOPOLOGY_TABLES_H
#define SPONGE_NET_TOPOLOGY_TABLES_H

/* The forwarding tables a topology (net/topology.h) gives its routers: for each router, its
 * connected routes, then the routes the file gives it or, if none, the computed ones (static
 * shortest paths; rules in net/topology.h). These are what the runners load into our Router;
 * the in-memory runner predicts fates without them (net/topology_walk.h). */

#include "net/topology.h"
#include "util/error.h"

#include <stddef.h>

/** All routers' routes into a new array *routes (*count entries; the caller frees it), grouped
 *  by router in node order; each route's `link` is the link it leaves by, and for a route with
 *  a next hop, `next_node` the router owning it. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err topology_tables(const struct topology *t, struct topology_route **routes, size_t *count);

#endif
