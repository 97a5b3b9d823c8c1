#ifndef SPONGE_ADAPTERS_TCP_OVER_IPV4_H
#define SPONGE_ADAPTERS_TCP_OVER_IPV4_H

/* TCP segments carried in IPv4 datagrams on a TUN descriptor (lab 4's "real wires").
 * Outgoing: [IPv4 header + TCP header] and the payload's two pieces go out with one writev,
 * so payload bytes are not copied in user space. Incoming: each datagram is parsed in place in
 * one read buffer; anything not for this connection is dropped and counted by reason. */

#include "adapters/tcp_adapter.h"

#include <stdbool.h>
#include <stdint.h>

#define TCP_IPV4_DEFAULT_ADDRESS "169.254.144.9"

/** Who we are and who the peer is (host order). In listen mode the peer is unknown: the
 *  first SYN to local_addr:local_port fixes it (remote_* are then ignored). */
struct tcp_ipv4_config {
    uint32_t local_addr;
    uint16_t local_port;
    uint32_t remote_addr;
    uint16_t remote_port;
    bool listen;
    uint16_t syn_mss; /* if nonzero, SYNs without an MSS option advertise this one (RFC 9293
                         3.7.1: without it the peer assumes 536 bytes) */
};

/** Why an incoming datagram was dropped (one counter each). */
enum tcp_ipv4_drop {
    TCP_IPV4_DROP_BAD_IP,       /* IPv4 header did not parse (includes IPv6 and bad checksums) */
    TCP_IPV4_DROP_FRAGMENT,     /* a fragment: we do not reassemble */
    TCP_IPV4_DROP_NOT_TCP,      /* another protocol */
    TCP_IPV4_DROP_NOT_OUR_ADDR, /* destination is not our address */
    TCP_IPV4_DROP_BAD_TCP,      /* TCP header did not parse */
    TCP_IPV4_DROP_BAD_CHECKSUM, /* TCP checksum did not verify */
    TCP_IPV4_DROP_NOT_OUR_PORT, /* destination port is not ours */
    TCP_IPV4_DROP_OTHER_PEER,   /* from an address/port that is not our peer */
    TCP_IPV4_DROP_NOT_SYN,      /* listening, and it is not a SYN */
    TCP_IPV4_DROP_COUNT
};

struct tcp_ipv4_adapter {
    /* private */
    int fd;
    struct tcp_ipv4_config cfg;
    bool peer_known;
    uint16_t next_id;
    uint8_t *rbuf;
    size_t rcap;
    uint64_t sent, send_dropped, received;
    uint64_t dropped[TCP_IPV4_DROP_COUNT];
};

/** Sets up the adapter on the TUN descriptor `tun_fd` (non-blocking; the adapter takes
 *  ownership and closes it in destroy). Returns SPONGE_OK or NO_MEMORY (fd then not taken). */
enum sponge_err tcp_ipv4_adapter_init(struct tcp_ipv4_adapter *a, int tun_fd, const struct tcp_ipv4_config *cfg);

/** Closes the descriptor and frees the read buffer. */
void tcp_ipv4_adapter_destroy(struct tcp_ipv4_adapter *a);

/** The generic adapter interface for the event loop (borrows `a`). */
struct tcp_adapter tcp_ipv4_adapter_as_adapter(struct tcp_ipv4_adapter *a);

/** Name of a drop reason, for logs ("bad_ip", ...). */
const char *tcp_ipv4_drop_name(enum tcp_ipv4_drop reason);

#endif
