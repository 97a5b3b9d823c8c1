#include "net/arp_table.h"

#include <assert.h>
#include <stdlib.h>

enum sponge_err arp_table_init(struct arp_table *t, size_t capacity, uint64_t lifetime_ms) {
    assert(capacity > 0);
    t->entries = calloc(capacity, sizeof *t->entries);
    if (!t->entries) {
        return SPONGE_ERR_NO_MEMORY;
    }
    t->count = 0;
    t->capacity = capacity;
    t->lifetime_ms = lifetime_ms;
    t->evictions = 0;
    return SPONGE_OK;
}

void arp_table_destroy(struct arp_table *t) {
    free(t->entries);
    t->entries = NULL;
    t->count = 0;
}

static struct arp_table_entry *find(const struct arp_table *t, uint32_t ip) {
    for (size_t i = 0; i < t->count; i++) {
        if (t->entries[i].ip == ip) {
            return &t->entries[i];
        }
    }
    return NULL;
}

void arp_table_learn(struct arp_table *t, uint32_t ip, struct eth_addr eth) {
    struct arp_table_entry *e = find(t, ip);
    if (!e && t->count < t->capacity) {
        e = &t->entries[t->count++];
    }
    if (!e) {
        /* Full: the oldest mapping is the one closest to expiring anyway. */
        e = &t->entries[0];
        for (size_t i = 1; i < t->count; i++) {
            if (t->entries[i].age_ms > e->age_ms) {
                e = &t->entries[i];
            }
        }
        t->evictions++;
    }
    e->ip = ip;
    e->eth = eth;
    e->age_ms = 0;
}

bool arp_table_lookup(const struct arp_table *t, uint32_t ip, struct eth_addr *eth) {
    const struct arp_table_entry *e = find(t, ip);
    if (!e) {
        return false;
    }
    *eth = e->eth;
    return true;
}

void arp_table_tick(struct arp_table *t, uint64_t ms) {
    size_t kept = 0;
    for (size_t i = 0; i < t->count; i++) {
        struct arp_table_entry e = t->entries[i];
        /* age_ms < lifetime_ms always holds here, so the subtraction cannot wrap. */
        if (ms < t->lifetime_ms - e.age_ms) {
            e.age_ms += ms;
            t->entries[kept++] = e;
        }
    }
    t->count = kept;
}
