#ifndef SPONGE_ADAPTERS_TCP_IPV4_FILTER_H
#define SPONGE_ADAPTERS_TCP_IPV4_FILTER_H

/* What every carrier of TCP-in-IPv4 shares (a TUN device carrying bare datagrams, or a
 * NetworkInterface on a TAP device carrying them in Ethernet frames): the connection's two
 * endpoints, the IPv4 header of each outgoing segment, the checks an incoming datagram must
 * pass to reach the connection, and the ICMP errors about the connection's segments waiting to
 * be handed to it (RFC 1122 4.2.3.9). Every datagram refused is counted by reason. */

#include "tcp/tcp_icmp.h"
#include "wire/ipv4.h"
#include "wire/ipv4_datagram.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
    TCP_IPV4_DROP_FRAGMENT,     /* a fragment (the carriers reassemble before the filter) */
    TCP_IPV4_DROP_NOT_TCP,      /* another protocol */
    TCP_IPV4_DROP_NOT_OUR_ADDR, /* destination is not our address */
    TCP_IPV4_DROP_BAD_TCP,      /* TCP header did not parse */
    TCP_IPV4_DROP_BAD_CHECKSUM, /* TCP checksum did not verify */
    TCP_IPV4_DROP_NOT_OUR_PORT, /* destination port is not ours */
    TCP_IPV4_DROP_OTHER_PEER,   /* from an address/port that is not our peer */
    TCP_IPV4_DROP_NOT_SYN,      /* listening, and it is not a SYN */
    TCP_IPV4_DROP_COUNT
};

struct tcp_ipv4_filter {
    /* private */
    struct tcp_ipv4_config cfg;
    bool peer_known;
    uint16_t next_id;
    uint64_t dropped[TCP_IPV4_DROP_COUNT];
    bool icmp_pending; /* icmp holds an error not yet popped */
    struct tcp_icmp_error icmp;
    uint64_t icmp_errors; /* ICMP errors about our connection taken */
};

/** Starts with `cfg` (copied); the peer is known unless cfg->listen. */
void tcp_ipv4_filter_init(struct tcp_ipv4_filter *f, const struct tcp_ipv4_config *cfg);

/** Addresses an outgoing segment: *out is `seg` with our ports, *ip a fresh 20-byte header
 *  (next identification, total length for out's header and payload; its checksum is left to
 *  the serializer). Returns false when there is no one to send to yet (listening, no SYN
 *  seen): the segment is then to be dropped. seg's payload stays the caller's. */
bool tcp_ipv4_filter_address(struct tcp_ipv4_filter *f, const struct tcp_segment *seg, struct tcp_segment *out,
                             struct ipv4_header *ip);

/** Checks a parsed datagram (header `ip`, its payload buf[0..len)): true if it carries a
 *  segment for our connection, parsed into *seg (payload a view into buf). Otherwise the
 *  reason is counted and false returned. While listening, the first acceptable SYN chooses
 *  the peer for the connection's life. */
bool tcp_ipv4_filter_accept(struct tcp_ipv4_filter *f, const struct ipv4_header *ip, const uint8_t *buf, size_t len,
                            struct tcp_segment *seg);

/** Like tcp_ipv4_filter_accept_checked, from any peer and without choosing one (a stateless
 *  listener, SYN cookies): only the checks that do not depend on the peer. */
bool tcp_ipv4_filter_accept_any_peer(struct tcp_ipv4_filter *f, const struct ipv4_header *ip, const uint8_t *buf,
                                     size_t len, bool verify_checksum, struct tcp_segment *seg);

/** Fixes the peer (host order) for the connection's life, as the first SYN does in
 *  tcp_ipv4_filter_accept. */
void tcp_ipv4_filter_set_peer(struct tcp_ipv4_filter *f, uint32_t remote_addr, uint16_t remote_port);

/** Counts a drop the caller decided on (a stateless listener's, by the same reasons). */
void tcp_ipv4_filter_count_drop(struct tcp_ipv4_filter *f, enum tcp_ipv4_drop reason);
/** True if the parsed datagram `d` is an ICMP error to our address about a segment of our
 *  connection (its quote names our address and port and the peer's): it is then kept (one at a
 *  time: a newer one replaces it) for tcp_ipv4_filter_pop_icmp and counted. A datagram that is
 *  not one is not counted here: it goes on to tcp_ipv4_filter_accept. */
bool tcp_ipv4_filter_take_icmp(struct tcp_ipv4_filter *f, const struct ipv4_datagram *d);

/** Pops the ICMP error kept by tcp_ipv4_filter_take_icmp into *out; false if there is none. */
bool tcp_ipv4_filter_pop_icmp(struct tcp_ipv4_filter *f, struct tcp_icmp_error *out);

/** tcp_ipv4_filter_accept with the TCP checksum verified only if `verify_checksum` (false only
 *  when the carrier vouches for it: TUN offloads, adapters/tcp_over_ipv4.h). */
bool tcp_ipv4_filter_accept_checked(struct tcp_ipv4_filter *f, const struct ipv4_header *ip, const uint8_t *buf,
                                    size_t len, bool verify_checksum, struct tcp_segment *seg);

/** Parses the datagram buf[0..len) into *d (payload a view into buf); a header that does not
 *  parse is counted as bad_ip and false returned. */
bool tcp_ipv4_filter_parse(struct tcp_ipv4_filter *f, const uint8_t *buf, size_t len, struct ipv4_datagram *d);

/** Like tcp_ipv4_filter_accept for a whole datagram buf[0..len) that has not been parsed yet
 *  (a header that does not parse counts as bad_ip). */
bool tcp_ipv4_filter_accept_bytes(struct tcp_ipv4_filter *f, const uint8_t *buf, size_t len, struct tcp_segment *seg);

/** Prints " icmp_errors=N dropped in: bad_ip=N fragment=N ..." (no newline) to `out`. */
void tcp_ipv4_filter_report(const struct tcp_ipv4_filter *f, FILE *out);

/** Name of a drop reason, for logs ("bad_ip", ...). */
const char *tcp_ipv4_drop_name(enum tcp_ipv4_drop reason);

/** The number of datagrams dropped for `reason`. */
uint64_t tcp_ipv4_filter_dropped(const struct tcp_ipv4_filter *f, enum tcp_ipv4_drop reason);

#endif
