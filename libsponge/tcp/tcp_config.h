#ifndef SPONGE_TCP_TCP_CONFIG_H
#define SPONGE_TCP_TCP_CONFIG_H

/* Configuration of one TCP connection. Defaults follow CS144 (CONTRACT.md section 1). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_DEFAULT_CAPACITY 64000
#define TCP_DEFAULT_MAX_PAYLOAD 1000
#define TCP_DEFAULT_RT_TIMEOUT 1000
#define TCP_DEFAULT_MAX_RETX_ATTEMPTS 8

struct tcp_config {
    size_t recv_capacity;       /* inbound stream capacity (bytes) */
    size_t send_capacity;       /* outbound stream capacity (bytes) */
    size_t max_payload;         /* largest payload in one segment */
    uint32_t rt_timeout;        /* initial retransmission timeout, ms */
    unsigned max_retx_attempts; /* consecutive retransmissions before giving up */
    bool fixed_isn_set;         /* use fixed_isn (tests) instead of a random ISN */
    uint32_t fixed_isn;
};

/** Fills `cfg` with the defaults: 64000-byte streams, payloads of 1000, RTO 1000 ms,
 *  8 retransmissions, random ISN. */
void tcp_config_default(struct tcp_config *cfg);

#endif
