#include "net/route_table.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum sponge_err route_table_init(struct route_table *t) {
    memset(t, 0, sizeof *t);
    return lpm_table_init(&t->trie, 0);
}

void route_table_destroy(struct route_table *t) {
    free(t->routes);
    lpm_table_destroy(&t->trie);
    memset(t, 0, sizeof *t);
}

enum sponge_err route_table_add(struct route_table *t, const struct route *r) {
    assert(r->prefix_length <= 32);
    if (t->count > LPM_MAX_VALUE) {
        return SPONGE_ERR_INVALID_ARGUMENT;
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
    struct route copy = *r;
    copy.prefix &= route_prefix_mask(r->prefix_length);
    /* A route for the same prefix and length replaces the old one inside the trie; the old
     * array entry is simply no longer referenced. */
    enum sponge_err err = lpm_table_insert(&t->trie, copy.prefix, copy.prefix_length, (uint32_t)t->count);
    if (err != SPONGE_OK) {
        return err;
    }
    t->routes[t->count++] = copy;
    return SPONGE_OK;
}
