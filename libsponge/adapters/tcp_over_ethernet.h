#ifndef SPONGE_ADAPTERS_TCP_OVER_ETHERNET_H
#define SPONGE_ADAPTERS_TCP_OVER_ETHERNET_H

/* TCP segments carried in IPv4 datagrams in Ethernet frames (lab 5's "real wires"): every
 * outgoing segment becomes a datagram that our NetworkInterface sends to the next hop (the
 * gateway), resolving its Ethernet address with ARP; every frame read goes through the same
 * NetworkInterface (which answers and learns from ARP), and the datagrams it yields pass the
 * same checks as on a TUN device (tcp_ipv4_filter), fragments reassembled first as there
 * (net/ipv4_reassembler); echo requests to our address are answered (RFC 1122 3.2.2.6).
 * The interface's ARP timers and the reassembly timeout advance with
 * the loop's clock (tcp_adapter_tick).
 *
 * The frames travel on a descriptor where one read or write is one whole frame: a TAP device
 * (IFF_TAP | IFF_NO_PI), or a datagram/seqpacket socket leading to something that speaks
 * Ethernet (lab 7 puts a Router there). */

#include "adapters/pcap_file.h"
#include "adapters/tcp_adapter.h"
#include "adapters/tcp_ipv4_filter.h"
#include "net/ipv4_reassembler.h"
#include "net/network_interface.h"
#include "wire/ethernet.h"

#include <stdint.h>

#define TCP_ETH_DEFAULT_DEVICE "tap10"
#define TCP_ETH_DEFAULT_ADDRESS "169.254.10.9"
#define TCP_ETH_DEFAULT_GATEWAY "169.254.10.1"

struct tcp_eth_config {
    struct tcp_ipv4_config ip;             /* the connection's endpoints; ip.local_addr is the interface's */
    struct eth_addr eth;                   /* our Ethernet address */
    uint32_t next_hop;                     /* every datagram goes there first (host order) */
    struct network_interface_config iface; /* network_interface_default_config() for a TAP */
};

struct tcp_eth_adapter {
    /* private */
    int fd;
    struct tcp_ipv4_filter filter;
    struct network_interface ni;
    struct ipv4_reassembler reasm;
    uint32_t next_hop;
    uint8_t *rbuf; /* one frame read */
    size_t rcap;
    uint8_t *obuf; /* TCP header and payload of the segment being sent (the datagram's payload) */
    size_t ocap;
    uint64_t sent, send_dropped, received;
    uint64_t frames_written, frames_write_dropped, frames_read;
    uint64_t icmp_echo_replied; /* echo requests to our address answered (RFC 1122 3.2.2.6) */
    struct pcap_file pcap;      /* SPONGE_PCAP capture of every frame (closed if unset) */
};

/** Sets up the adapter on the frame descriptor `frame_fd` (non-blocking; taken over and closed
 *  in destroy) with `cfg` (copied). Returns SPONGE_OK or NO_MEMORY (fd then not taken). */
enum sponge_err tcp_eth_adapter_init(struct tcp_eth_adapter *a, int frame_fd, const struct tcp_eth_config *cfg);

/** Closes the descriptor and frees the interface and the buffers. */
void tcp_eth_adapter_destroy(struct tcp_eth_adapter *a);

/** The generic adapter interface for the event loop (borrows `a`). */
struct tcp_adapter tcp_eth_adapter_as_adapter(struct tcp_eth_adapter *a);

/** The TCP/IPv4 checks' drop counters (tcp_ipv4_filter_dropped). */
const struct tcp_ipv4_filter *tcp_eth_adapter_filter(const struct tcp_eth_adapter *a);

/** The fragment reassembler's counters (ipv4_reassembler_dropped, ...). */
const struct ipv4_reassembler *tcp_eth_adapter_reassembler(const struct tcp_eth_adapter *a);

/** The NetworkInterface's counters (ARP, frames, drops by reason). */
const struct network_interface_counters *tcp_eth_adapter_iface_counters(const struct tcp_eth_adapter *a);

/** A random locally administered unicast Ethernet address (RFC 7042 section 2.1: the
 *  "local" bit set, the group bit clear), for interfaces of ours. */
struct eth_addr tcp_eth_random_address(void);

#endif
