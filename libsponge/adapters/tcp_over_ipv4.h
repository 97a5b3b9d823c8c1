#ifndef SPONGE_ADAPTERS_TCP_OVER_IPV4_H
#define SPONGE_ADAPTERS_TCP_OVER_IPV4_H

/* TCP segments carried in IPv4 datagrams on a TUN descriptor (lab 4's "real wires").
 * Outgoing: [IPv4 header + TCP header] and the payload's two pieces go out with one writev,
 * so payload bytes are not copied in user space. Incoming: each datagram is parsed in place in
 * one read buffer; anything not for this connection is dropped and counted by reason
 * (tcp_ipv4_filter, shared with the Ethernet carrier), except ICMP echo requests to our
 * address, which are answered (RFC 1122 3.2.2.6) so that `ping` works, and ICMP errors about the
 * connection's segments, which go to the connection (tcp_adapter's icmp_error). Fragments are
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
#include "tcp/syn_cookie.h"
#include "tcp/tcp_config.h"

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
    /* the stateless listen of tcp_ipv4_adapter_accept_cookie */
    uint64_t cookies_sent, cookies_validated, cookie_acks_rejected, cookie_acks_bad_ts;
    bool cookie_listen; /* it ran: its counters are reported */
    bool offloads;      /* virtio-net headers on the descriptor */
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

/** Listens statelessly (modern mode; RFC 4987 3.6) for the connection of a listening adapter:
 *  every SYN to our address and port is answered at once with a SYN cookie SYN+ACK (keyed by
 *  `key`, tcp/syn_cookie.h; options as `cfg` would agree them) and nothing is kept, so a SYN
 *  that never completes takes nothing; the first ACK that returns a valid cookie fixes the
 *  peer, *syn gets what its cookie kept and *ack the ACK (its payload a view into the adapter,
 *  valid until the next recv), for tcp_socket_accept_cookie. Waits (reading the TUN device,
 *  answering pings, timing the cookies by CLOCK_MONOTONIC) until then. Other segments to the
 *  port are dropped and counted (not_syn; cookie ACKs that do not check: cookie counters).
 *  Returns SPONGE_OK, or SYSTEM if the device fails. */
enum sponge_err tcp_ipv4_adapter_accept_cookie(struct tcp_ipv4_adapter *a, const struct tcp_config *cfg,
                                               const uint8_t key[SIPHASH_KEY_LEN], struct syn_cookie_syn *syn,
                                               struct tcp_segment *ack);

/** The fragment reassembler's counters (ipv4_reassembler_dropped, ...). */
const struct ipv4_reassembler *tcp_ipv4_adapter_reassembler(const struct tcp_ipv4_adapter *a);

#endif
