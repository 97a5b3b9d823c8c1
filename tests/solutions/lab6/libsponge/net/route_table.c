/* Lab 6, minimal solution: a list of routes, scanned in full on every lookup. */

/* LAB6 BEGIN: the router's forwarding table */

enum sponge_err route_table_init(struct route_table *t) {
    t->list = NULL;
    t->n = 0;
    t->room = 0;
    return SPONGE_OK;
}

void route_table_destroy(struct route_table *t) {
    free(t->list);
    t->list = NULL;
    t->n = 0;
    t->room = 0;
}

static bool prefix_matches(uint32_t prefix, uint8_t len, uint32_t addr) {
    if (len == 0) {
        return true;
    }
    uint32_t mask = 0xffffffffu << (32 - len);
    return (prefix & mask) == (addr & mask);
}

enum sponge_err route_table_add(struct route_table *t, const struct route *r) {
    for (size_t i = 0; i < t->n; i++) {
        if (t->list[i].prefix_length == r->prefix_length &&
            prefix_matches(r->prefix, r->prefix_length, t->list[i].prefix)) {
            t->list[i] = *r;
            return SPONGE_OK;
        }
    }
    if (t->n == t->room) {
        size_t room = t->room * 2 + 4;
        struct route *bigger = realloc(t->list, room * sizeof(struct route));
        if (bigger == NULL) {
            return SPONGE_ERR_NO_MEMORY;
        }
        t->list = bigger;
        t->room = room;
    }
    t->list[t->n] = *r;
    t->n++;
    return SPONGE_OK;
}

const struct route_action *route_table_lookup(const struct route_table *t, uint32_t dst) {
    const struct route *best = NULL;
    for (size_t i = 0; i < t->n; i++) {
        const struct route *r = &t->list[i];
        if (prefix_matches(r->prefix, r->prefix_length, dst) &&
            (best == NULL || r->prefix_length > best->prefix_length)) {
            best = r;
        }
    }
    return best ? &best->action : NULL;
}
