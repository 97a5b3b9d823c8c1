#ifndef SPONGE_NET_WAITING_DATAGRAMS_H
#define SPONGE_NET_WAITING_DATAGRAMS_H

/* Datagrams waiting for their next hop's Ethernet address (given code, the NetworkInterface's
 * queue of datagrams held for ARP): bounded, allocated once, `capacity` datagrams of at most
 * `max_len` bytes each, copied in (the caller's datagram is not kept), kept in arrival order. */

#include "util/byte_view.h"
#include "util/error.h"
#include "wire/ipv4_datagram.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct waiting_datagrams {
    /* private */
    size_t *order;              /* slot numbers: order[0..count) in arrival order, the rest free */
    uint32_t *next_hop;         /* by slot */
    struct ipv4_header *header; /* by slot: the datagram's header as carried */
    size_t *len;                /* by slot: the serialized datagram's length */
    uint8_t *bytes;             /* by slot: max_len bytes, the serialized datagram */
    size_t capacity, max_len, count;
};

/** Allocates room for `capacity` (> 0) datagrams of up to `max_len` bytes.
 *  SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err waiting_datagrams_init(struct waiting_datagrams *w, size_t capacity, size_t max_len);
void waiting_datagrams_destroy(struct waiting_datagrams *w);

/** Keeps a copy of `d`, waiting for `next_hop`. False (nothing kept) if `capacity` datagrams
 *  already wait or d is longer than max_len. */
bool waiting_datagrams_push(struct waiting_datagrams *w, const struct ipv4_datagram *d, uint32_t next_hop);

/** Removes the oldest datagram waiting for `next_hop`: true and *d set (its payload, and
 *  *bytes if not NULL, the whole serialized datagram, point into the store and stay valid
 *  until the next push); false if none waits for next_hop. */
bool waiting_datagrams_take(struct waiting_datagrams *w, uint32_t next_hop, struct ipv4_datagram *d,
                            struct byte_view *bytes);

/** Datagrams waiting, for all next hops together. */
size_t waiting_datagrams_count(const struct waiting_datagrams *w);

#endif
