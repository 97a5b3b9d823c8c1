#ifndef SPONGE_NET_ARP_TABLE_H
#define SPONGE_NET_ARP_TABLE_H

/* The ARP cache of a NetworkInterface (given code, not lab 5's: a lab solution may use it or
 * not): IPv4 address -> Ethernet address, each mapping kept for a fixed lifetime after it was
 * last learned. Bounded: when full, learning a new address
 * evicts the oldest mapping. Time advances only through arp_table_tick. */

#include "util/error.h"
#include "wire/ethernet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arp_table_entry {
    uint32_t ip;
    struct eth_addr eth;
    uint64_t age_ms; /* since learned */
};

struct arp_table {
    /* private */
    struct arp_table_entry *entries;
    size_t count, capacity;
    uint64_t lifetime_ms;
    uint64_t evictions;
};

/** Allocates room for `capacity` (> 0) mappings that expire `lifetime_ms` after being learned.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err arp_table_init(struct arp_table *t, size_t capacity, uint64_t lifetime_ms);
void arp_table_destroy(struct arp_table *t);

/** Records ip -> eth, replacing any mapping for ip and restarting its lifetime. */
void arp_table_learn(struct arp_table *t, uint32_t ip, struct eth_addr eth);

/** The Ethernet address for ip, if a live mapping exists: true and *eth set. */
bool arp_table_lookup(const struct arp_table *t, uint32_t ip, struct eth_addr *eth);

/** `ms` milliseconds have passed: mappings that reached their lifetime are forgotten. */
void arp_table_tick(struct arp_table *t, uint64_t ms);

#endif
