/* Routing tables from a topology (net/topology_tables.h). */
#include "net/topology_tables.h"

#include <stdlib.h>

struct table_builder {
    struct topology_route *routes;
    size_t count, cap;
};

static bool add(struct table_builder *b, struct topology_route r) {
    if (b->count == b->cap) {
        size_t n = b->cap ? b->cap * 2 : 64;
        struct topology_route *q = realloc(b->routes, n * sizeof *q);
        if (!q) {
            return false;
        }
        b->routes = q;
        b->cap = n;
    }
    b->routes[b->count++] = r;
    return true;
}

/* The link's prefix and its outside members' /32s, all leaving by `link` towards `via` (a
 * membership of the next router, or TOPOLOGY_NONE for directly attached). */
static bool add_link_routes(struct table_builder *b, const struct topology *t, size_t router, size_t target,
                            size_t out_link, size_t via) {
    const struct topology_link *l = &t->links[target];
    struct topology_route r = {.router = router, .link = out_link, .next_node = TOPOLOGY_NONE};
    if (via != TOPOLOGY_NONE) {
        r.has_next_hop = true;
        r.next_hop = t->members[via].addr;
        r.next_node = t->members[via].node;
    }
    r.prefix = l->prefix;
    r.prefix_length = l->prefix_length;
    if (!add(b, r)) {
        return false;
    }
    for (size_t m = l->first_member; m < l->first_member + l->member_count; m++) {
        if (t->members[m].outside) {
            r.prefix = t->members[m].addr;
            r.prefix_length = 32;
            if (!add(b, r)) {
                return false;
            }
        }
    }
    return true;
}

enum sponge_err topology_tables(const struct topology *t, struct topology_route **routes, size_t *count) {
    struct table_builder b = {0};
    size_t *dist = malloc((t->link_count ? t->link_count : 1) * (t->node_count ? t->node_count : 1) * sizeof *dist);
    bool ok = dist != NULL;
    for (size_t li = 0; ok && li < t->link_count; li++) {
        topology_distances(t, li, dist + li * t->node_count);
    }
    for (size_t r = 0; ok && r < t->node_count; r++) {
        if (t->nodes[r].kind != TOPOLOGY_ROUTER) {
            continue;
        }
        for (size_t m = 0; ok && m < t->member_count; m++) {
            if (t->members[m].node == r) {
                ok = add_link_routes(&b, t, r, t->members[m].link, t->members[m].link, TOPOLOGY_NONE);
            }
        }
        for (size_t g = 0; ok && g < t->given_count; g++) {
            if (t->given[g].router == r) {
                ok = add(&b, t->given[g]);
            }
        }
        for (size_t li = 0; ok && t->nodes[r].given_routes == 0 && li < t->link_count; li++) {
            size_t via = topology_next_toward(t, r, dist + li * t->node_count);
            if (via != TOPOLOGY_NONE) {
                ok = add_link_routes(&b, t, r, li, t->members[via].link, via);
            }
        }
    }
    free(dist);
    if (!ok) {
        free(b.routes);
        return SPONGE_ERR_NO_MEMORY;
    }
    *routes = b.routes;
    *count = b.count;
    return SPONGE_OK;
}
