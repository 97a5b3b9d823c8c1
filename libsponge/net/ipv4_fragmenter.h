#ifndef SPONGE_NET_IPV4_FRAGMENTER_H
#define SPONGE_NET_IPV4_FRAGMENTER_H

/* IPv4 fragmentation (RFC 791 section 3.2, "Fragmentation"; RFC 1812 5.2.6 for routers): splits
 * a datagram too long for a link into fragments that fit. Every fragment but the last carries a
 * multiple of 8 payload bytes; offsets count 8-byte units from the original datagram's start
 * (a fragment of a fragment keeps counting from there, and its last piece keeps the original
 * MF). The first fragment carries all the options; the others only those whose copy flag (the
 * top bit of the option type) is set (RFC 791 3.1, "Options"). Each fragment gets a fresh
 * total length and header checksum; TTL, identification, DF and addresses are copied.
 *
 * An iterator: no allocation, fragments are made one at a time and their payloads are views
 * into the original datagram's payload (still the caller's). */

#include "wire/ipv4_datagram.h"

#include <stdbool.h>
#include <stddef.h>

/* RFC 791 3.2: every internet module must be able to forward a 68-byte datagram without
 * further fragmentation (a 60-byte header and 8 bytes of data): the smallest MTU accepted. */
#define IPV4_MIN_MTU 68
/* The largest fragment offset, in 8-byte units (13 bits, RFC 791 3.1). */
#define IPV4_MAX_FRAG_OFFSET 0x1fff

struct ipv4_fragmenter {
    /* private */
    const struct ipv4_datagram *d;
    struct ipv4_header later; /* the header of fragments after the first (copied options only) */
    size_t first_room;        /* payload bytes in the first fragment (multiple of 8) */
    size_t later_room;        /* ... in each later one */
    size_t done;              /* payload bytes handed out so far */
};

/** Prepares to split `d` (borrowed until the last fragment is used) into fragments of at most
 *  `mtu` bytes (mtu >= IPV4_MIN_MTU; d has a payload, as any datagram longer than that has).
 *  Returns false if some piece would need an offset past the 13-bit field (d, itself a
 *  fragment, ends past the largest datagram RFC 791 allows): d cannot be split. Whether d may
 *  be fragmented (DF) is the caller's question. */
bool ipv4_fragmenter_init(struct ipv4_fragmenter *f, const struct ipv4_datagram *d, size_t mtu);

/** The next fragment into *frag (header sealed; payload a view into d's payload); false when
 *  all of d has been handed out. */
bool ipv4_fragmenter_next(struct ipv4_fragmenter *f, struct ipv4_datagram *frag);

#endif
