/* Fates read off a topology's drawing (net/topology_walk.h). */
#include "net/topology_walk.h"

#include <stdlib.h>

enum sponge_err topology_walker_init(struct topology_walker *w, const struct topology *t) {
    w->t = t;
    size_t n = (t->link_count ? t->link_count : 1) * (t->node_count ? t->node_count : 1);
    w->dist = malloc(n * sizeof *w->dist);
    if (!w->dist) {
        return SPONGE_ERR_NO_MEMORY;
    }
    for (size_t li = 0; li < t->link_count; li++) {
        topology_distances(t, li, w->dist + li * t->node_count);
    }
    return SPONGE_OK;
}

void topology_walker_destroy(struct topology_walker *w) {
    free(w->dist);
    w->dist = NULL;
}

/* One router's decision: onto `link` directly (next == TOPOLOGY_NONE) or to the membership
 * `next`; false if no route. */
struct decision {
    size_t link, next;
};

/* A router with routes in the file: the longest prefix among its links, its links' outside
 * members and its given routes, by a plain scan. */
static bool decide_given(const struct topology *t, size_t r, uint32_t dst, struct decision *d) {
    int best = -1;
    for (size_t m = 0; m < t->member_count; m++) {
        const struct topology_member *mb = &t->members[m];
        const struct topology_link *l = &t->links[mb->link];
        if (mb->node != r) {
            continue;
        }
        if (topology_in_prefix(dst, l->prefix, l->prefix_length) && l->prefix_length > best) {
            best = l->prefix_length;
            *d = (struct decision){mb->link, TOPOLOGY_NONE};
        }
        for (size_t o = l->first_member; o < l->first_member + l->member_count; o++) {
            if (t->members[o].outside && t->members[o].addr == dst) {
                best = 32;
                *d = (struct decision){mb->link, TOPOLOGY_NONE};
            }
        }
    }
    for (size_t g = 0; g < t->given_count; g++) {
        const struct topology_route *rt = &t->given[g];
        if (rt->router == r && topology_in_prefix(dst, rt->prefix, rt->prefix_length) && rt->prefix_length > best) {
            best = rt->prefix_length;
            *d = (struct decision){rt->link, topology_member_at(t, rt->link, rt->next_hop)};
        }
    }
    return best >= 0;
}

/* The link a destination belongs to: the one with an outside member at dst, else the longest
 * link prefix holding it. */
static size_t destination_link(const struct topology *t, uint32_t dst) {
    size_t best = TOPOLOGY_NONE;
    for (size_t m = 0; m < t->member_count; m++) {
        if (t->members[m].outside && t->members[m].addr == dst) {
            return t->members[m].link;
        }
    }
    for (size_t li = 0; li < t->link_count; li++) {
        const struct topology_link *l = &t->links[li];
        if (topology_in_prefix(dst, l->prefix, l->prefix_length) &&
            (best == TOPOLOGY_NONE || l->prefix_length > t->links[best].prefix_length)) {
            best = li;
        }
    }
    return best;
}

static bool decide_computed(const struct topology_walker *w, size_t r, uint32_t dst, struct decision *d) {
    const struct topology *t = w->t;
    size_t link = destination_link(t, dst);
    if (link == TOPOLOGY_NONE) {
        return false;
    }
    if (topology_membership(t, r, link) != TOPOLOGY_NONE) {
        *d = (struct decision){link, TOPOLOGY_NONE};
        return true;
    }
    size_t next = topology_next_toward(t, r, w->dist + link * t->node_count);
    if (next == TOPOLOGY_NONE) {
        return false;
    }
    *d = (struct decision){t->members[next].link, next};
    return true;
}

/* Sent by `from` directly onto `link` to dst: delivered if a member has dst, else no ARP reply. */
static void deliver_on(const struct topology *t, size_t link, uint32_t dst, size_t from, struct topology_walk *out) {
    size_t m = topology_member_at(t, link, dst);
    if (m == TOPOLOGY_NONE) {
        out->fate = TOPOLOGY_NO_NEIGHBOUR;
        out->at = from;
    } else {
        out->fate = TOPOLOGY_DELIVERED;
        out->host = t->members[m].node;
    }
}

void topology_walk(const struct topology_walker *w, size_t src, uint32_t dst, uint8_t ttl, struct topology_walk *out) {
    const struct topology *t = w->t;
    const struct topology_node *h = &t->nodes[src];
    const struct topology_member *hm = &t->members[h->host_member];
    out->hops = 0;
    out->host = out->at = TOPOLOGY_NONE;
    if (topology_in_prefix(dst, hm->addr, hm->prefix_length)) {
        deliver_on(t, hm->link, dst, src, out);
        return;
    }
    size_t cur = topology_member_at(t, hm->link, h->gateway);
    for (;;) {
        size_t r = t->members[cur].node;
        out->path[out->hops++] = cur;
        /* RFC 1812 5.3.1: a router that would forward with TTL 0 drops instead. */
        if (ttl < out->hops + 1) {
            out->fate = TOPOLOGY_TTL_EXPIRED;
            out->at = r;
            return;
        }
        struct decision d;
        bool found = t->nodes[r].given_routes ? decide_given(t, r, dst, &d) : decide_computed(w, r, dst, &d);
        if (!found) {
            out->fate = TOPOLOGY_NO_ROUTE;
            out->at = r;
            return;
        }
        if (d.next == TOPOLOGY_NONE) {
            deliver_on(t, d.link, dst, r, out);
            return;
        }
        cur = d.next;
    }
}
