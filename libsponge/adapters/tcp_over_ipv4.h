#ifndef SPONGE_ADAPTERS_TCP_OVER_IPV4_H
#define SPONGE_ADAPTERS_TCP_OVER_IPV4_H

/* TCP segments carried in IPv4 datagrams on a TUN descriptor (lab 4's "real wires").
 * Outgoing: [IPv4 header + TCP header] and the payload's two pieces go out with one writev,
 * so payload bytes are not copied in user space. Incoming: each datagram is parsed in place in
 * one read buffer; anything not for this connection is dropped and counted by reason
 * (tcp_ipv4_filter, shared with the Ethernet carrier), except ICMP echo requests to our
 * address, which are answered (RFC 1122 3.2.2.6) so that `ping` works. Fragments are
 * reassembled before the TCP checks (net/ipv4_reassembler, timed by the loop's ticks;
 * SPONGE_FRAG_TIMEOUT_MS sets its timeout); fragmented echo requests are not answered.
 * With SPONGE_PCAP=FILE set, every datagram sent and read is also written to FILE (raw IPv4).
 *
 * Offloads (a descriptor from tun_open_offload; modern mode): every datagram goes behind a
 * virtio-net header. A segment longer than the MSS (seg->tso_mss set: tcp_config.max_segment)
 * leaves as one TSO super-segment for the kernel to cut; every segment leaves with a partial
 * checksum for the kernel to finish. A super-segment read from the kernel reaches the
 * connection as one segment; its checksum is trusted only as the header's flags allow. Captures
 * hold full checksums and super-segments as single large packets. */

#include "adapters/pcap_file.h"
#include "adapters/tcp_adapter.h"
#include "adapters/tcp_ipv4_filter.h"
#include "net/ipv4_reassembler.h"

#include <stdbool.h>
#include <stdint.h>

#define TCP_IPV4_DEFAULT_ADDRESS "169.254.144.9"
/* The largest payload of a super-segment: the datagram, with the largest headers, in 65535 bytes. */
#define TCP_IPV4_OFFLOAD_MAX_PAYLOAD (65535 - IPV4_MAX_HEADER_LEN - TCP_MAX_HEADER_LEN)

struct tcp_ipv4_adapter {
    /* private */
    int fd;
    struct tcp_ipv4_filter filter;
    struct ipv4_reassembler reasm;
    uint8_t *rbuf;
    size_t rcap;
    uint64_t sent, send_dropped, received;
    uint32_t local_addr;        /* ours, for echo requests */
    uint64_t icmp_echo_replied; /* echo requests to local_addr answered (RFC 1122 3.2.2.6) */
    struct pcap_file pcap;      /* SPONGE_PCAP capture (closed if unset) */
    bool offloads;              /* virtio-net headers on the descriptor */
    uint64_t super_sent, super_received, vnet_dropped;
};

/** Sets up the adapter on the TUN descriptor `tun_fd` (non-blocking; the adapter takes
 *  ownership and closes it in destroy), with `offloads` if tun_open_offload said so. Returns
 *  SPONGE_OK or NO_MEMORY (fd then not taken). */
enum sponge_err tcp_ipv4_adapter_init(struct tcp_ipv4_adapter *a, int tun_fd, bool offloads,
                                      const struct tcp_ipv4_config *cfg);

/** The tcp_config.max_segment this adapter takes: TCP_IPV4_OFFLOAD_MAX_PAYLOAD with offloads, else 0. */
size_t tcp_ipv4_adapter_max_segment(const struct tcp_ipv4_adapter *a);

/** Closes the descriptor and frees the read buffer and the reassembler. */
void tcp_ipv4_adapter_destroy(struct tcp_ipv4_adapter *a);

/** The generic adapter interface for the event loop (borrows `a`). */
struct tcp_adapter tcp_ipv4_adapter_as_adapter(struct tcp_ipv4_adapter *a);

/** The fragment reassembler's counters (ipv4_reassembler_dropped, ...). */
const struct ipv4_reassembler *tcp_ipv4_adapter_reassembler(const struct tcp_ipv4_adapter *a);

#endif
