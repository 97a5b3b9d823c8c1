#ifndef SPONGE_TCP_CONNECTION_TABLE_H
#define SPONGE_TCP_CONNECTION_TABLE_H
/* The connections of a host, found by their 4-tuple (RFC 9293 3.3.2: a connection is named by
 * the pair of sockets at its two ends). A chained hash table over storage allocated once in
 * init: insert, lookup and remove are O(1) and never allocate. Buckets are chosen by SipHash-2-4
 * of the tuple under a key the caller draws at random, so a peer cannot pick tuples that all
 * land in one chain. Pure: no I/O, no clock. */
#include "util/error.h"
#include "util/siphash.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Both ends of a connection, addresses and ports in host order. */
struct tcp_four_tuple {
    uint32_t local_addr;
    uint32_t remote_addr;
    uint16_t local_port;
    uint16_t remote_port;
};

#define CONNECTION_TABLE_NONE UINT32_MAX

struct connection_table {
    /* private */
    uint8_t key[SIPHASH_KEY_LEN];
    uint32_t max_entries;
    uint32_t count;
    uint32_t bucket_mask;
    uint32_t *buckets; /* first entry of each chain, or NONE */
    uint32_t free_head;
    struct connection_table_entry {
        struct tcp_four_tuple tuple;
        uint32_t next; /* next entry in the chain (or in the free list) */
        uint32_t value;
    } * entries;
};

/** Allocates a table for at most `max_entries` (> 0) connections, hashing under `key` (copied;
 *  draw it at random). Returns SPONGE_OK or NO_MEMORY (nothing then to free). */
enum sponge_err connection_table_init(struct connection_table *t, uint32_t max_entries,
                                      const uint8_t key[SIPHASH_KEY_LEN]);

/** Frees the table's storage. */
void connection_table_destroy(struct connection_table *t);

/** The value stored for `tuple`, or CONNECTION_TABLE_NONE. */
uint32_t connection_table_lookup(const struct connection_table *t, const struct tcp_four_tuple *tuple);

/** Stores `value` (not NONE) for `tuple`, which must not be in the table (asserted). Returns
 *  false, changing nothing, when the table already holds max_entries connections. */
bool connection_table_insert(struct connection_table *t, const struct tcp_four_tuple *tuple, uint32_t value);

/** Removes `tuple`; returns false if it was not there. */
bool connection_table_remove(struct connection_table *t, const struct tcp_four_tuple *tuple);

/** Connections stored now. */
uint32_t connection_table_count(const struct connection_table *t);

/** The most it can hold. */
uint32_t connection_table_capacity(const struct connection_table *t);

#endif
