#ifndef SPONGE_ADAPTERS_IPV4_CARRIER_H
#define SPONGE_ADAPTERS_IPV4_CARRIER_H
/* What carries a host's IPv4 datagrams: a TUN device today; a NetworkInterface on a TAP device
 * (IPv4 in Ethernet) or an in-memory test network could implement the same two operations. */
#include "util/byte_view.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

struct ipv4_carrier_ops {
    /** Sends one datagram given as `n` pieces in order (headers, then payload pieces; the
     *  carrier copies or writes them before returning). A full queue is a drop (counted by
     *  the carrier), not an error; SYSTEM only when the carrier is broken. */
    enum sponge_err (*send)(void *self, const struct byte_view *pieces, size_t n);
    /** The next datagram that arrived, as a view valid until the next recv; *got = false when
     *  none is waiting. */
    enum sponge_err (*recv)(void *self, struct byte_view *dgram, bool *got);
};

/** A carrier: the table and the object it works on (owned by whoever made them). */
struct ipv4_carrier {
    const struct ipv4_carrier_ops *ops;
    void *self;
};

#endif
