#ifndef SPONGE_ADAPTERS_TCP_ADAPTER_H
#define SPONGE_ADAPTERS_TCP_ADAPTER_H

/* What the event loop needs from a carrier of TCP segments (IPv4 on a TUN device, IPv4 in
 * Ethernet on a TAP device, UDP, or a lossy wrapper around any): a descriptor to poll, send one
 * segment, receive the next one, and (for carriers with timers of their own) the passing time.
 * An adapter is a small interface (function table + object) so the loop does not care which. */

#include "tcp/tcp_icmp.h"
#include "util/error.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tcp_adapter_ops {
    /** Sends one segment (the adapter fills in ports and checksum). A full device queue is a
     *  drop (TCP retransmits), not an error; SYSTEM only when the descriptor is broken. */
    enum sponge_err (*send)(void *self, const struct tcp_segment *seg);
    /** Reads the next segment meant for us, dropping (and counting) anything else. Sets
     *  *got = false when nothing is waiting. The payload view points into the adapter's read
     *  buffer and stays valid until the next recv. */
    enum sponge_err (*recv)(void *self, struct tcp_segment *seg, bool *got);
    /** The descriptor to poll for input. */
    int (*fd)(const void *self);
    /** Prints the adapter's counters on one line to `out`. */
    void (*report)(const void *self, FILE *out);
    /** `ms` milliseconds have passed (the loop's clock), for carriers with timers of their own
     *  (ARP); may send what the timers produce. NULL when the carrier has none. */
    enum sponge_err (*tick)(void *self, uint64_t ms);
    /** Pops an ICMP error about the connection's segments that arrived on the carrier
     *  (RFC 1122 4.2.3.9), for tcp_connection_icmp_error: recv returns with *got = false as
     *  soon as one is waiting, so the caller asks after each recv. NULL for carriers that see
     *  no ICMP (UDP). */
    bool (*icmp_error)(void *self, struct tcp_icmp_error *out);
};

/** An adapter: the table and the object it works on (owned by whoever made them). */
struct tcp_adapter {
    const struct tcp_adapter_ops *ops;
    void *self;
};

static inline enum sponge_err tcp_adapter_send(struct tcp_adapter *a, const struct tcp_segment *seg) {
    return a->ops->send(a->self, seg);
}
static inline enum sponge_err tcp_adapter_recv(struct tcp_adapter *a, struct tcp_segment *seg, bool *got) {
    return a->ops->recv(a->self, seg, got);
}
static inline int tcp_adapter_fd(const struct tcp_adapter *a) {
    return a->ops->fd(a->self);
}
static inline enum sponge_err tcp_adapter_tick(struct tcp_adapter *a, uint64_t ms) {
    return a->ops->tick ? a->ops->tick(a->self, ms) : SPONGE_OK;
}
static inline bool tcp_adapter_icmp_error(struct tcp_adapter *a, struct tcp_icmp_error *out) {
    return a->ops->icmp_error ? a->ops->icmp_error(a->self, out) : false;
}
static inline void tcp_adapter_report(const struct tcp_adapter *a, FILE *out) {
    a->ops->report(a->self, out);
}

#endif
