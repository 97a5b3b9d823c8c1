#ifndef SPONGE_NET_ROUTER_H
#define SPONGE_NET_ROUTER_H

/* Router (lab 6): several NetworkInterfaces and a forwarding table. Frames handed to an
 * interface with router_recv_frame yield datagrams that wait (bounded, per interface) until
 * router_route forwards each one (RFC 1812 5.2/5.3): the longest matching prefix picks the
 * interface and next hop (the destination itself when the route has none), the TTL is
 * decremented and the header checksum updated incrementally (RFC 1624). A datagram whose TTL
 * is 0 or would become 0 is dropped, as is one no route matches. Every drop is counted by
 * reason. By default no ICMP is sent (as in CS144).
 *
 * With cfg.icmp on, the router also speaks ICMP (RFC 1812 4.3): it answers echo requests to
 * any of its interfaces' addresses (4.3.3.6), sends Time Exceeded for an expired TTL (5.3.1)
 * and Destination Unreachable for a destination no route matches (net), for a next hop whose
 * ARP resolution failed (host), and for UDP (port) or another protocol (protocol) addressed
 * to the router itself. Errors come from the receiving interface's address (Host Unreachable,
 * found in a later tick, from the address of the interface it leaves by, as RFC 1812 4.3.2.4
 * allows), never about what RFC 1812 4.3.2.7 excludes (icmp_error_allowed), and at most as
 * fast as a token bucket allows (4.3.2.8), and at most as fast as a second, smaller bucket per
 * destination allows (a bounded table of them, see router_config), so that one busy source
 * cannot use up the budget of all the others. Every ICMP message made is routed like any
 * datagram.
 *
 * Each interface has an MTU (router_add_interface_mtu; router_add_interface uses cfg.iface's
 * max_datagram_len, 1500 by default). A datagram longer than the MTU of the interface it
 * leaves by is split into fragments (RFC 791 3.2, RFC 1812 5.2.6; net/ipv4_fragmenter.h) unless
 * it has DF set: then it is dropped and, with ICMP on, answered with Destination Unreachable,
 * Fragmentation Needed carrying that MTU (RFC 1191 section 4, RFC 1812 4.3.3.1 and 5.2.6).
 * Datagrams to the limited broadcast 255.255.255.255 are never forwarded (RFC 1812 5.3.5.1). */

#include "net/network_interface.h"
#include "net/route_table.h"
#include "net/route_trie.h"
#include "util/error.h"
#include "wire/ethernet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct router_config {
    struct network_interface_config iface; /* for every interface (max_datagram_len: the MTU of those
                                              added without one of their own) */
    size_t rx_queue_capacity;              /* received datagrams waiting for router_route, per interface */
    bool icmp;                             /* speak ICMP (above); off: CS144's silent drops */
    uint32_t icmp_error_burst;             /* token bucket: ICMP errors sent back to back at most (>= 1) */
    uint32_t icmp_error_interval_ms;       /* one token comes back every this many ms (>= 1) */
    size_t icmp_arp_failures;              /* ARP failures remembered per tick for Host Unreachable */
    bool fast_routes;                      /* routes in the given trie (net/route_trie.h); off: lab 6's route_table */
    /* per destination of the errors (the offending datagram's source): a table of this many
     * token buckets (>= 1); when it is full, the least recently used one is reused */
    size_t icmp_dest_slots;
    uint32_t icmp_dest_burst;       /* errors to one destination back to back at most (>= 1) */
    uint32_t icmp_dest_interval_ms; /* one token back per destination every this many ms (>= 1) */
};

struct router_counters {
    uint64_t forwarded;        /* handed to an outgoing interface */
    uint64_t drop_ttl_expired; /* TTL 0 or 1 on arrival */
    uint64_t drop_no_route;    /* no route matches the destination */
    uint64_t drop_bad_header;  /* IPv4 frame whose header did not parse/verify or that was too long, or
                                  a fragment to split whose pieces would need offsets past 8191 */
    uint64_t drop_queue_full;  /* received while that interface's queue was full */
    uint64_t drop_broadcast;   /* to the limited broadcast 255.255.255.255 (RFC 1812 5.3.5.1) */
    uint64_t drop_frag_needed; /* longer than the outgoing MTU with DF set */
    uint64_t fragmented;       /* forwarded datagrams that were split (each also counts in forwarded) */
    uint64_t fragments_sent;   /* the fragments they were split into */
    /* with cfg.icmp only: */
    uint64_t drop_for_us;             /* to one of our addresses, not an echo request (UDP and other
                                         transports get an unreachable, if allowed) */
    uint64_t icmp_echo_replied;       /* echo requests to one of our addresses answered */
    uint64_t icmp_time_exceeded_sent; /* Time Exceeded sent */
    uint64_t icmp_unreachable_sent;   /* Destination Unreachable sent (net, host, protocol, port,
                                         fragmentation needed) */
    uint64_t icmp_frag_needed_sent;   /* ... of which Fragmentation Needed */
    uint64_t icmp_not_allowed;        /* errors not sent because RFC 1812 4.3.2.7 forbids them */
    uint64_t icmp_rate_limited;       /* errors not sent: token bucket empty, or more ARP failures in one
                                         tick than icmp_arp_failures */
    uint64_t icmp_rate_limited_dest;  /* errors not sent: the destination's own bucket was empty */
    uint64_t icmp_no_route;           /* ICMP messages we made that no route leads back from (dropped) */
};

/* private: one interface and the datagrams received on it */
struct router_port {
    struct network_interface ni;
    size_t mtu;                     /* largest datagram sent or received on it (its queue slots' size) */
    struct ipv4_header *rx_headers; /* a ring of rx_queue_capacity entries */
    size_t *rx_payload_len;
    uint8_t *rx_payloads; /* max_datagram_len bytes per entry */
    size_t rx_head, rx_count;
};

/* private: the ICMP error bucket of one destination, refilled lazily from its stamp */
struct router_icmp_dest {
    bool used;
    uint32_t addr;
    uint32_t tokens;
    uint64_t refilled_ms; /* clock_ms up to which tokens were added */
    uint64_t used_ms;     /* clock_ms of the last error counted against it (least recently used) */
};

struct router {
    struct router_counters counters; /* read freely */
    /* private: implementation-defined; see router.c */
    struct router_config cfg;
    struct router_port **ports;
    size_t port_count, port_capacity;
    /* the routes: in fast_routes if cfg.fast_routes, else in routes */
    struct route_trie fast_routes;
    struct route_table routes;
    uint32_t icmp_tokens;    /* the error token bucket */
    uint64_t icmp_refill_ms; /* time towards the next token */
    uint8_t *arp_failures;   /* icmp_arp_failures slots of ICMP_ERROR_MAX_DATAGRAM bytes: the start of
                                datagrams whose next hop did not answer ARP */
    size_t *arp_failure_len;
    size_t arp_failure_count;
    struct router_icmp_dest *icmp_dests; /* icmp_dest_slots buckets */
    uint64_t clock_ms;                   /* sum of ticks: the per-destination buckets' clock */
};

/** Default configuration: default interfaces (network_interface_default_config), 64 datagrams
 *  queued per interface, lab 6's route_table (fast_routes off), ICMP off (when on: bursts of
 *  20 errors, one more every 50 ms, 16 ARP failures remembered per tick; per destination, 64
 *  buckets of 10 errors, one more every 100 ms: one destination gets at most half of the
 *  router's errors, and a few traceroutes run back to back (3 probes a hop each) still see
 *  every hop). */
struct router_config router_default_config(void);

/** An empty router (no interfaces, no routes); `cfg` is copied. Returns SPONGE_OK or
 *  SPONGE_ERR_NO_MEMORY (the router is then unusable; destroy is still safe). With cfg->icmp
 *  the router must not move in memory once it has interfaces (they report ARP failures to it). */
enum sponge_err router_init(struct router *r, const struct router_config *cfg);

/** Frees every interface, queue and route. */
void router_destroy(struct router *r);

/** Adds an interface with these addresses; its number (0, 1, ...) goes to *index.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err router_add_interface(struct router *r, struct eth_addr eth, uint32_t ip, size_t *index);

/** As router_add_interface, with an MTU of its own: the largest datagram it sends or takes in
 *  (20..65535; below IPV4_MIN_MTU, 68, nothing is fragmented for it: longer datagrams are the
 *  interface's oversize drops). Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err router_add_interface_mtu(struct router *r, struct eth_addr eth, uint32_t ip, size_t mtu, size_t *index);

/** The MTU of interface n (< router_interface_count). */
size_t router_interface_mtu(const struct router *r, size_t n);

/** Interface n (< router_interface_count): the caller pops its frames_out and may tick it,
 *  but hands received frames to router_recv_frame (so that their datagrams get routed).
 *  The pointer stays valid until router_destroy. */
struct network_interface *router_interface(struct router *r, size_t n);

/** Number of interfaces added. */
size_t router_interface_count(const struct router *r);

/** Gives frame[0..len) (the caller's memory, not kept) to interface n. A datagram it carries is
 *  copied into that interface's queue for router_route; ARP is answered by the interface. */
void router_recv_frame(struct router *r, size_t n, const uint8_t *frame, size_t len);

/** Adds a route: destinations matching prefix/prefix_length (0..32, host order) go out of
 *  interface_num to next_hop if has_next_hop, else directly to the destination. A route for
 *  the same prefix and length replaces the earlier one. Returns SPONGE_OK or
 *  SPONGE_ERR_NO_MEMORY. */
enum sponge_err router_add_route(struct router *r, uint32_t prefix, uint8_t prefix_length, bool has_next_hop,
                                 uint32_t next_hop, size_t interface_num);

/** Forwards (or drops) every datagram queued on every interface, in order of arrival per
 *  interface, interfaces in order. */
void router_route(struct router *r);

/** `ms` milliseconds have passed, for every interface (ARP timers). */
void router_tick(struct router *r, uint64_t ms);

/** The router's own counters (each interface has its own: network_interface_counters). */
const struct router_counters *router_counters(const struct router *r);

#endif
