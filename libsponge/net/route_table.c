#include "net/route_table.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* LAB6 BEGIN: the router's forwarding table */

/* The routes are kept longest prefix first, so the first match of a scan is the longest. */

enum sponge_err route_table_init(struct route_table *t) {
    memset(t, 0, sizeof *t);
    return SPONGE_OK;
}

void route_table_destroy(struct route_table *t) {
    free(t->routes);
    memset(t, 0, sizeof *t);
}

static bool matches(const struct route *r, uint32_t dst) {
    return ((dst ^ r->prefix) & route_prefix_mask(r->prefix_length)) == 0;
}

enum sponge_err route_table_add(struct route_table *t, const struct route *r) {
    assert(r->prefix_length <= 32);
    struct route added = *r;
    added.prefix &= route_prefix_mask(r->prefix_length);
    /* Past every longer prefix and every earlier one of the same length. */
    size_t at = 0;
    while (at < t->count && t->routes[at].prefix_length >= added.prefix_length) {
        if (t->routes[at].prefix_length == added.prefix_length && t->routes[at].prefix == added.prefix) {
            t->routes[at] = added; /* same prefix and length: replaces the earlier route */
            return SPONGE_OK;
        }
        at++;
    }
    if (t->count == t->capacity) {
        size_t capacity = t->capacity ? 2 * t->capacity : 8;
        struct route *routes = realloc(t->routes, capacity * sizeof *routes);
        if (!routes) {
            return SPONGE_ERR_NO_MEMORY;
        }
        t->routes = routes;
        t->capacity = capacity;
    }
    memmove(&t->routes[at + 1], &t->routes[at], (t->count - at) * sizeof *t->routes);
    t->routes[at] = added;
    t->count++;
    return SPONGE_OK;
}

const struct route_action *route_table_lookup(const struct route_table *t, uint32_t dst) {
    for (size_t i = 0; i < t->count; i++) {
        if (matches(&t->routes[i], dst)) {
            return &t->routes[i].action;
        }
    }
    return NULL;
}
