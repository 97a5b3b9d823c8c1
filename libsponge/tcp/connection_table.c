#include "tcp/connection_table.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

enum sponge_err connection_table_init(struct connection_table *t, uint32_t max_entries,
                                      const uint8_t key[SIPHASH_KEY_LEN]) {
    assert(max_entries > 0 && max_entries < CONNECTION_TABLE_NONE / 2);
    *t = (struct connection_table){.max_entries = max_entries};
    memcpy(t->key, key, SIPHASH_KEY_LEN);
    /* At least two buckets per entry: chains stay short even when the table is full. */
    uint32_t buckets = 1;
    while (buckets < 2 * max_entries) {
        buckets <<= 1;
    }
    t->bucket_mask = buckets - 1;
    t->buckets = malloc((size_t)buckets * sizeof *t->buckets);
    t->entries = malloc((size_t)max_entries * sizeof *t->entries);
    if (t->buckets == NULL || t->entries == NULL) {
        connection_table_destroy(t);
        return SPONGE_ERR_NO_MEMORY;
    }
    for (uint32_t i = 0; i < buckets; i++) {
        t->buckets[i] = CONNECTION_TABLE_NONE;
    }
    for (uint32_t i = 0; i < max_entries; i++) {
        t->entries[i].next = i + 1 < max_entries ? i + 1 : CONNECTION_TABLE_NONE;
    }
    t->free_head = 0;
    return SPONGE_OK;
}

void connection_table_destroy(struct connection_table *t) {
    free(t->buckets);
    free(t->entries);
    t->buckets = NULL;
    t->entries = NULL;
}

static uint32_t bucket_of(const struct connection_table *t, const struct tcp_four_tuple *tu) {
    uint8_t b[12] = {
        (uint8_t)(tu->local_addr >> 24), (uint8_t)(tu->local_addr >> 16),  (uint8_t)(tu->local_addr >> 8),
        (uint8_t)tu->local_addr,         (uint8_t)(tu->remote_addr >> 24), (uint8_t)(tu->remote_addr >> 16),
        (uint8_t)(tu->remote_addr >> 8), (uint8_t)tu->remote_addr,         (uint8_t)(tu->local_port >> 8),
        (uint8_t)tu->local_port,         (uint8_t)(tu->remote_port >> 8),  (uint8_t)tu->remote_port,
    };
    return (uint32_t)siphash24(t->key, b, sizeof b) & t->bucket_mask;
}

static bool same(const struct tcp_four_tuple *a, const struct tcp_four_tuple *b) {
    return a->local_addr == b->local_addr && a->remote_addr == b->remote_addr && a->local_port == b->local_port &&
           a->remote_port == b->remote_port;
}

uint32_t connection_table_lookup(const struct connection_table *t, const struct tcp_four_tuple *tuple) {
    for (uint32_t i = t->buckets[bucket_of(t, tuple)]; i != CONNECTION_TABLE_NONE; i = t->entries[i].next) {
        if (same(&t->entries[i].tuple, tuple)) {
            return t->entries[i].value;
        }
    }
    return CONNECTION_TABLE_NONE;
}

bool connection_table_insert(struct connection_table *t, const struct tcp_four_tuple *tuple, uint32_t value) {
    assert(value != CONNECTION_TABLE_NONE);
    assert(connection_table_lookup(t, tuple) == CONNECTION_TABLE_NONE);
    if (t->free_head == CONNECTION_TABLE_NONE) {
        return false;
    }
    uint32_t i = t->free_head;
    t->free_head = t->entries[i].next;
    uint32_t b = bucket_of(t, tuple);
    t->entries[i] = (struct connection_table_entry){.tuple = *tuple, .next = t->buckets[b], .value = value};
    t->buckets[b] = i;
    t->count++;
    return true;
}

bool connection_table_remove(struct connection_table *t, const struct tcp_four_tuple *tuple) {
    uint32_t *link = &t->buckets[bucket_of(t, tuple)];
    while (*link != CONNECTION_TABLE_NONE) {
        uint32_t i = *link;
        if (same(&t->entries[i].tuple, tuple)) {
            *link = t->entries[i].next;
            t->entries[i].next = t->free_head;
            t->free_head = i;
            t->count--;
            return true;
        }
        link = &t->entries[i].next;
    }
    return false;
}

uint32_t connection_table_count(const struct connection_table *t) {
    return t->count;
}

uint32_t connection_table_capacity(const struct connection_table *t) {
    return t->max_entries;
}
