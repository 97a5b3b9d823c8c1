#include "net/route_table.h"

#include <assert.h>
#include <stdlib.h>

void route_table_init(struct route_table *t) {
    t->routes = NULL;
    t->count = 0;
    t->capacity = 0;
}

void route_table_destroy(struct route_table *t) {
    free(t->routes);
    route_table_init(t);
}

enum sponge_err route_table_add(struct route_table *t, const struct route *r) {
    assert(r->prefix_length <= 32);
    struct route copy = *r;
    copy.prefix &= route_prefix_mask(r->prefix_length);
    for (size_t i = 0; i < t->count; i++) {
        if (t->routes[i].prefix == copy.prefix && t->routes[i].prefix_length == copy.prefix_length) {
            t->routes[i] = copy;
            return SPONGE_OK;
        }
    }
    if (t->count == t->capacity) {
        size_t cap = t->capacity ? 2 * t->capacity : 8;
        struct route *grown = realloc(t->routes, cap * sizeof *grown);
        if (!grown) {
            return SPONGE_ERR_NO_MEMORY;
        }
        t->routes = grown;
        t->capacity = cap;
    }
    t->routes[t->count++] = copy;
    return SPONGE_OK;
}

const struct route *route_table_lookup(const struct route_table *t, uint32_t dst) {
    const struct route *best = NULL;
    for (size_t i = 0; i < t->count; i++) {
        const struct route *r = &t->routes[i];
        if ((dst & route_prefix_mask(r->prefix_length)) == r->prefix &&
            (!best || r->prefix_length > best->prefix_length)) {
            best = r;
        }
    }
    return best;
}
