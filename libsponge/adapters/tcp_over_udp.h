#ifndef SPONGE_ADAPTERS_TCP_OVER_UDP_H
#define SPONGE_ADAPTERS_TCP_OVER_UDP_H

/* TCP segments carried in UDP datagrams (no IP header of our own): each datagram is one
 * serialized TCP header followed by the payload. The TCP checksum is computed over a
 * pseudo-header with zero addresses (the UDP layer owns the addressing; UDP has its own
 * checksum too). The TCP ports are set to the UDP ports.
 *
 * With SPONGE_PCAP=FILE set, every datagram sent and received is written to FILE as the TCP
 * segment it carries, in a synthesized IPv4 header between the UDP endpoints' addresses (the
 * TCP checksum adjusted to those addresses), so Wireshark decodes and follows it as plain TCP;
 * the UDP header is left out. */

#include "adapters/pcap_file.h"
#include "adapters/tcp_adapter.h"

#include <stdbool.h>
#include <stdint.h>

/** In client mode `local_*` may be zero (any address, ephemeral port) and the socket is
 *  connected to remote_*. In listen mode the socket is bound to local_*, and the first
 *  datagram carrying a SYN chooses the peer (the socket is then connected to it). */
struct tcp_udp_config {
    uint32_t local_addr;
    uint16_t local_port;
    uint32_t remote_addr;
    uint16_t remote_port;
    bool listen;
};

enum tcp_udp_drop {
    TCP_UDP_DROP_BAD_TCP,      /* TCP header did not parse */
    TCP_UDP_DROP_BAD_CHECKSUM, /* TCP checksum did not verify */
    TCP_UDP_DROP_NOT_SYN,      /* listening, and it is not a SYN */
    TCP_UDP_DROP_ICMP_ERROR,   /* the kernel reported an ICMP error (peer not listening yet) */
    TCP_UDP_DROP_COUNT
};

struct tcp_udp_adapter {
    /* private */
    int fd;
    struct tcp_udp_config cfg;
    bool peer_known;
    uint8_t *rbuf;
    size_t rcap;
    uint64_t sent, send_dropped, received;
    uint64_t dropped[TCP_UDP_DROP_COUNT];
    struct pcap_file pcap; /* SPONGE_PCAP capture (closed if unset) */
};

/** Creates, binds and (client mode) connects the UDP socket. Returns SPONGE_OK, NO_MEMORY, or
 *  SYSTEM with one line in `why` (for example "cannot bind 127.0.0.1:9090: Address in use"). */
enum sponge_err tcp_udp_adapter_init(struct tcp_udp_adapter *a, const struct tcp_udp_config *cfg, char *why,
                                     size_t why_len);

/** Closes the socket and frees the read buffer. */
void tcp_udp_adapter_destroy(struct tcp_udp_adapter *a);

/** The generic adapter interface for the event loop (borrows `a`). */
struct tcp_adapter tcp_udp_adapter_as_adapter(struct tcp_udp_adapter *a);

/** The socket's local port (host order), useful when it was ephemeral. */
uint16_t tcp_udp_adapter_local_port(const struct tcp_udp_adapter *a);

#endif
