#ifndef SPONGE_NET_TOPOLOGY_WALK_H
#define SPONGE_NET_TOPOLOGY_WALK_H

/* Where a datagram sent by a host of a topology (net/topology.h) ends up, read off the drawing:
 * hop by hop, each router's decision is taken from the links it is on and the routes the file
 * gives it (longest matching prefix by a plain scan), or, for a router with computed routes,
 * from the destination's link and the shortest-path distances, never from the tables built by
 * net/topology_tables.h nor from our Router's. The in-memory runner checks the Router against
 * this prediction; the namespace runner takes traceroute's expected paths from it. */

#include "net/topology.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

#define TOPOLOGY_MAX_PATH 256 /* a TTL crosses at most 255 routers */

enum topology_fate {
    TOPOLOGY_DELIVERED,    /* arrives at `host` */
    TOPOLOGY_TTL_EXPIRED,  /* the router `at` finds TTL 0 or 1 */
    TOPOLOGY_NO_ROUTE,     /* the router `at` has no route */
    TOPOLOGY_NO_NEIGHBOUR, /* `at` (the last router, or the sender itself) sends it onto a link where
                              nobody has the address: ARP gets no reply */
};

struct topology_walk {
    enum topology_fate fate;
    size_t host;                    /* DELIVERED: the node it reaches */
    size_t at;                      /* the node that drops it (not DELIVERED) */
    size_t hops;                    /* routers on the path, the one that drops it included */
    size_t path[TOPOLOGY_MAX_PATH]; /* memberships: each router's interface it arrives on */
};

/* The distances the walk needs, computed once per topology. */
struct topology_walker {
    const struct topology *t; /* borrowed; must outlive the walker */
    size_t *dist;             /* link_count x node_count router-hop distances */
};

/** Prepares a walker for `t`. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err topology_walker_init(struct topology_walker *w, const struct topology *t);
void topology_walker_destroy(struct topology_walker *w);

/** Predicts the fate of a datagram from host node `src` to `dst` sent with TTL `ttl`. */
void topology_walk(const struct topology_walker *w, size_t src, uint32_t dst, uint8_t ttl, struct topology_walk *out);

#endif
