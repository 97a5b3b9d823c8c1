#include "tcp/ephemeral_ports.h"

#include <assert.h>
#include <string.h>

void ephemeral_ports_init(struct ephemeral_ports *e, uint16_t min_port, uint16_t max_port,
                          const uint8_t key[SIPHASH_KEY_LEN]) {
    assert(min_port <= max_port);
    memset(e, 0, sizeof *e);
    memcpy(e->key, key, SIPHASH_KEY_LEN);
    e->min_port = min_port;
    e->count = (uint32_t)max_port - min_port + 1;
}

/* RFC 6056's F (which = 0, the offset) and G (which = 1, the counter's index): keyed hashes of
 * the destination, distinct because the first byte differs. */
static uint64_t hash(const struct ephemeral_ports *e, uint8_t which, uint32_t local, uint32_t remote, uint16_t rport) {
    uint8_t b[11] = {
        which,           (uint8_t)(local >> 24),  (uint8_t)(local >> 16),  (uint8_t)(local >> 8),
        (uint8_t)local,  (uint8_t)(remote >> 24), (uint8_t)(remote >> 16), (uint8_t)(remote >> 8),
        (uint8_t)remote, (uint8_t)(rport >> 8),   (uint8_t)rport,
    };
    return siphash24(e->key, b, sizeof b);
}

bool ephemeral_ports_pick(struct ephemeral_ports *e, uint32_t local_addr, uint32_t remote_addr, uint16_t remote_port,
                          bool (*usable)(void *arg, uint16_t port), void *arg, uint16_t *port) {
    uint32_t offset = (uint32_t)(hash(e, 0, local_addr, remote_addr, remote_port) % e->count);
    uint16_t *counter = &e->table[hash(e, 1, local_addr, remote_addr, remote_port) % EPHEMERAL_PORTS_TABLE];
    for (uint32_t tries = 0; tries < e->count; tries++) {
        uint16_t candidate = (uint16_t)(e->min_port + (offset + *counter) % e->count);
        (*counter)++; /* RFC 6056 Algorithm 4: the counter moves on whether or not the port is free */
        if (usable(arg, candidate)) {
            *port = candidate;
            return true;
        }
    }
    return false;
}
