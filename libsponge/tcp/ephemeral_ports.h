#ifndef SPONGE_TCP_EPHEMERAL_PORTS_H
#define SPONGE_TCP_EPHEMERAL_PORTS_H
/* Local ports for outgoing connections, chosen as RFC 6056 section 3.3.4 (Algorithm 4,
 * "double-hash port selection") asks: the search for a free port starts at an offset that a
 * keyed hash of (local address, remote address, remote port) gives, plus a per-bucket counter
 * that moves on after each pick. Connections to one peer thus take successive ports (no
 * reuse of a recent 4-tuple), while an observer cannot predict the ports used towards other
 * peers. Pure: the caller supplies the key and says which ports are free. */
#include "util/siphash.h"

#include <stdbool.h>
#include <stdint.h>

#define EPHEMERAL_PORTS_TABLE 256

struct ephemeral_ports {
    /* private */
    uint8_t key[SIPHASH_KEY_LEN];
    uint16_t min_port;
    uint32_t count; /* ports in [min_port, min_port + count) */
    uint16_t table[EPHEMERAL_PORTS_TABLE];
};

/** Ports in [min_port, max_port] (min_port <= max_port, asserted), hashed under `key` (copied;
 *  draw it at random). */
void ephemeral_ports_init(struct ephemeral_ports *e, uint16_t min_port, uint16_t max_port,
                          const uint8_t key[SIPHASH_KEY_LEN]);

/** Picks a local port for a connection from `local_addr` to remote_addr:remote_port (host
 *  order): the first port of the RFC 6056 sequence for which `usable(arg, port)` says yes.
 *  Returns false when no port in the range is usable. */
bool ephemeral_ports_pick(struct ephemeral_ports *e, uint32_t local_addr, uint32_t remote_addr, uint16_t remote_port,
                          bool (*usable)(void *arg, uint16_t port), void *arg, uint16_t *port);

#endif
