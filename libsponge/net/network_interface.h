#ifndef SPONGE_NET_NETWORK_INTERFACE_H
#define SPONGE_NET_NETWORK_INTERFACE_H

/* NetworkInterface (lab 5): connects IPv4 to Ethernet. Outgoing datagrams become frames to
 * the next hop's Ethernet address, found with ARP (RFC 826); incoming frames addressed to us
 * (or broadcast) become datagrams or are ARP messages answered and learned from.
 *
 * - A datagram whose next hop is unknown waits while an ARP request is broadcast. No second
 *   request for the same address goes out while one is unanswered and younger than
 *   NETWORK_INTERFACE_ARP_REQUEST_MS; when that time passes without a reply, the datagrams
 *   waiting for that address are dropped (counted) and the next datagram to it sends a new
 *   request. A reply ends its request at once.
 * - Every ARP message we receive (request or reply) teaches us the sender's mapping, which is
 *   kept for NETWORK_INTERFACE_ARP_ENTRY_MS. Requests for our address are answered.
 * - Memory is allocated once, in init, sized by the configuration: the waiting datagrams, the
 *   outgoing frames and the ARP cache are all bounded. Whatever does not fit is dropped and
 *   counted by reason in `counters`, as is every frame we refuse.
 * - No clock: time advances only through network_interface_tick.
 *
 * Lab 5 writes network_interface_send_datagram, _frame_arrived and _tick, and the state they
 * need (network_interface.c); the rest is given (network_interface_given.c): the bounded
 * queues, counting, and the public functions around the lab's. */

#include "net/arp_table.h"
#include "net/frame_queue.h"
#include "net/waiting_datagrams.h"
#include "util/byte_view.h"
#include "util/error.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/ipv4_datagram.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETWORK_INTERFACE_ARP_REQUEST_MS 5000u /* no repeated request sooner; pending give-up time */
#define NETWORK_INTERFACE_ARP_ENTRY_MS 30000u  /* lifetime of a learned mapping */

struct network_interface_config {
    size_t max_datagram_len;    /* largest datagram sent or accepted (the link MTU), >= 20 */
    size_t pending_capacity;    /* datagrams waiting for ARP replies, all next hops together */
    size_t frames_out_capacity; /* frames queued for the caller to pop */
    size_t arp_table_capacity;  /* mappings kept; the oldest is evicted when full */
    /* optional (NULL: none): told about each waiting datagram given up for want of an ARP reply,
     * just before it is dropped, so that a router can send Host Unreachable (RFC 1812 4.3.3.1).
     * The bytes are valid during the call only; it must not call back into the interface. */
    void (*arp_failed)(void *ctx, const uint8_t *datagram, size_t len);
    void *arp_failed_ctx;
};

/** Drops, by reason, and a few events. Every frame or datagram the interface gives up on is
 *  counted in exactly one drop_ field; every frame received is counted once as a datagram, an
 *  ARP message or a drop. */
struct network_interface_counters {
    uint64_t frames_received;    /* frames given to recv_frame */
    uint64_t datagrams_received; /* datagrams returned by recv_frame */
    uint64_t arp_received;       /* ARP messages taken in (learned from, maybe answered) */
    uint64_t frames_sent;        /* frames queued in frames_out */
    uint64_t arp_requests_sent;
    uint64_t arp_replies_sent;
    uint64_t drop_not_for_us;      /* frame to another station's Ethernet address */
    uint64_t drop_bad_ethernet;    /* shorter than an Ethernet header */
    uint64_t drop_bad_ipv4;        /* IPv4 frame whose header does not parse or verify */
    uint64_t drop_bad_arp;         /* ARP frame too short or not Ethernet/IPv4 request/reply */
    uint64_t drop_bad_ethertype;   /* neither IPv4 nor ARP */
    uint64_t drop_oversize;        /* datagram longer than max_datagram_len, in or out */
    uint64_t drop_pending_full;    /* datagram to an unresolved next hop while pending is full */
    uint64_t drop_arp_timeout;     /* waiting datagram whose ARP request got no reply in time */
    uint64_t drop_frames_out_full; /* frame made while frames_out was full */
};

struct network_interface {
    struct network_interface_counters counters; /* read freely; see network_interface_counters */
    /* private, given: see network_interface_given.c */
    struct eth_addr eth; /* read by network_interface_eth */
    uint32_t ip;         /* read by network_interface_ip */
    struct network_interface_config cfg;
    struct frame_queue frames_out; /* frames for the caller: network_interface_push_* */
    struct waiting_datagrams held; /* datagrams waiting for ARP: network_interface_hold */
    /* LAB5 BEGIN: the interface's state (yours to choose) */
    struct arp_table arp; /* learned mappings (the given ARP cache) */
    /* ARP requests sent and not answered yet (at most one per held datagram): request i asked
     * for request_ip[i], request_ms[i] milliseconds ago */
    uint32_t *request_ip;
    uint64_t *request_ms;
    size_t request_count;
    /* LAB5 END */
};

/** Sensible defaults: MTU 1500, 64 waiting datagrams, 64 queued frames, 64 mappings. */
struct network_interface_config network_interface_default_config(void);

/** Sets up an interface with Ethernet address `eth` and IPv4 address `ip` (host order),
 *  allocating all its storage as `cfg` says (copied). Returns SPONGE_OK or
 *  SPONGE_ERR_NO_MEMORY (then nothing is left allocated). */
enum sponge_err network_interface_init(struct network_interface *ni, struct eth_addr eth, uint32_t ip,
                                       const struct network_interface_config *cfg);

/** Frees the interface's storage; views it handed out become invalid. */
void network_interface_destroy(struct network_interface *ni);

/** Lab 5: allocates (SPONGE_OK or SPONGE_ERR_NO_MEMORY) and frees the state you added to the
 *  struct. network_interface_init calls state_init once eth, ip, cfg and the given queues are
 *  set up, your fields all zero; network_interface_destroy calls state_destroy, also after a
 *  failed init (your fields then as state_init left them). */
enum sponge_err network_interface_state_init(struct network_interface *ni);
void network_interface_state_destroy(struct network_interface *ni);

/** Lab 5: sends `dgram` towards `next_hop` (host order): a frame at once if next_hop's
 *  Ethernet address is known, else the datagram is held (copied) while an ARP request asks for
 *  it (see above). The caller keeps ownership of dgram and its payload. The header is written
 *  as carried, checksum included (ipv4_datagram_seal makes a valid one). Drops are counted. */
void network_interface_send_datagram(struct network_interface *ni, const struct ipv4_datagram *dgram,
                                     uint32_t next_hop);

/** Takes in the frame frame[0..len) (the caller's memory). Returns true and fills *dgram if it
 *  carried an IPv4 datagram for us; the datagram's payload is then a view into `frame`, valid
 *  as long as the caller keeps `frame`. ARP messages are handled here (returns false). Given:
 *  parses the Ethernet header, calls network_interface_frame_arrived and counts what it says. */
bool network_interface_recv_frame(struct network_interface *ni, const uint8_t *frame, size_t len,
                                  struct ipv4_datagram *dgram);

/** What network_interface_frame_arrived did with a frame. */
enum network_interface_rx {
    NETWORK_INTERFACE_RX_NOT_FOR_US,    /* to another station's Ethernet address */
    NETWORK_INTERFACE_RX_DATAGRAM,      /* an IPv4 datagram for us: *dgram is filled */
    NETWORK_INTERFACE_RX_ARP,           /* an ARP message, taken in (learned from, maybe answered) */
    NETWORK_INTERFACE_RX_BAD_IPV4,      /* IPv4 whose header does not parse or verify */
    NETWORK_INTERFACE_RX_BAD_ARP,       /* ARP too short, or not an Ethernet/IPv4 request or reply */
    NETWORK_INTERFACE_RX_BAD_ETHERTYPE, /* neither IPv4 nor ARP */
};

/** Lab 5 (CS144's recv_frame): a frame with header `eh` and payload `payload` (the caller's
 *  memory) arrived. An IPv4 datagram for us is parsed into *dgram (payload a view into
 *  `payload`); an ARP message is learned from and, if it asks for us, answered. Returns what
 *  it did (network_interface_recv_frame counts it). */
enum network_interface_rx network_interface_frame_arrived(struct network_interface *ni,
                                                          const struct ethernet_header *eh, struct byte_view payload,
                                                          struct ipv4_datagram *dgram);

/** Lab 5: `ms` milliseconds have passed: expires ARP mappings and unanswered requests. */
void network_interface_tick(struct network_interface *ni, uint64_t ms);

/** Pops the oldest outgoing frame into *frame; false if there is none. The view points into
 *  the interface's storage and stays valid until the next send_datagram, recv_frame or
 *  destroy on this interface (which may reuse the slot). */
bool network_interface_frames_out(struct network_interface *ni, struct byte_view *frame);

/** Our addresses. */
struct eth_addr network_interface_eth(const struct network_interface *ni);
uint32_t network_interface_ip(const struct network_interface *ni);

/** The counters (drops by reason and events). */
const struct network_interface_counters *network_interface_counters(const struct network_interface *ni);

/* Given to the lab-5 functions (network_interface_given.c): the bounded queues. Each refuses
 * what does not fit, and counts it; the lab's code only has to stop there. */

/** Queues in frames_out a frame with header `eh` carrying `dgram`. False if refused (counted):
 *  dgram is longer than max_datagram_len, or frames_out is full. */
bool network_interface_push_ipv4(struct network_interface *ni, const struct ethernet_header *eh,
                                 const struct ipv4_datagram *dgram);

/** Queues in frames_out a frame with header `eh` carrying the ARP message `m` (counted as a
 *  request or reply sent). False if refused (counted): frames_out is full. */
bool network_interface_push_arp(struct network_interface *ni, const struct ethernet_header *eh,
                                const struct arp_message *m);

/** Holds a copy of `dgram` waiting for next_hop's Ethernet address. False if refused (counted):
 *  dgram is longer than max_datagram_len, or pending_capacity datagrams are held already. */
bool network_interface_hold(struct network_interface *ni, const struct ipv4_datagram *dgram, uint32_t next_hop);

/** Takes the oldest datagram held for `next_hop` into *dgram (its payload is valid until the
 *  next hold); false if none is held for it. */
bool network_interface_take_held(struct network_interface *ni, uint32_t next_hop, struct ipv4_datagram *dgram);

/** Drops every datagram held for `next_hop`: its ARP request went unanswered (counted, and
 *  told to the arp_failed callback). */
void network_interface_drop_held(struct network_interface *ni, uint32_t next_hop);

#endif
