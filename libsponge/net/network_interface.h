#ifndef SPONGE_NET_NETWORK_INTERFACE_H
#define SPONGE_NET_NETWORK_INTERFACE_H

/* NetworkInterface (lab 5): connects IPv4 to Ethernet. Outgoing datagrams become frames to
 * the next hop's Ethernet address, found with ARP (RFC 826); incoming frames addressed to us
 * (or broadcast) become datagrams or are ARP messages answered and learned from.
 *
 * - A datagram whose next hop is unknown waits while an ARP request is broadcast. No second
 *   request for the same address goes out within NETWORK_INTERFACE_ARP_REQUEST_MS; when that
 *   time passes without a reply, the datagrams waiting for that address are dropped (counted)
 *   and the next datagram to it sends a new request.
 * - Every ARP message we receive (request or reply) teaches us the sender's mapping, which is
 *   kept for NETWORK_INTERFACE_ARP_ENTRY_MS. Requests for our address are answered.
 * - Memory is allocated once, in init, sized by the configuration: the waiting datagrams, the
 *   outgoing frames and the ARP cache are all bounded. Whatever does not fit is dropped and
 *   counted by reason in `counters`, as is every frame we refuse.
 * - No clock: time advances only through network_interface_tick. */

#include "net/arp_table.h"
#include "util/byte_view.h"
#include "util/error.h"
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

/* private: a datagram waiting for its next hop's Ethernet address */
struct network_interface_pending {
    uint32_t next_hop;
    size_t len;
    uint8_t *bytes; /* a slot of max_datagram_len bytes in the interface's storage */
};

/* private: an ARP request in flight */
struct network_interface_request {
    uint32_t ip;
    uint64_t age_ms;
};

struct network_interface {
    struct network_interface_counters counters; /* read freely; see network_interface_counters */
    /* private: implementation-defined; see network_interface.c */
    struct eth_addr eth;
    uint32_t ip;
    struct network_interface_config cfg;
    struct arp_table arp;
    /* waiting datagrams in arrival order: [0, pending_count) are in use, the rest hold free slots */
    struct network_interface_pending *pending;
    size_t pending_count;
    struct network_interface_request *requests; /* at most one per waiting datagram */
    size_t request_count;
    /* outgoing frames: a ring of frames_out_capacity slots of frame_slot_len bytes each */
    uint8_t *frame_storage;
    size_t *frame_len;
    size_t frame_slot_len, frames_head, frames_count;
    uint8_t *pending_storage;
};

/** Sensible defaults: MTU 1500, 64 waiting datagrams, 64 queued frames, 64 mappings. */
struct network_interface_config network_interface_default_config(void);

/** Sets up an interface with Ethernet address `eth` and IPv4 address `ip` (host order),
 *  allocating all its storage as `cfg` says (copied). Returns SPONGE_OK or
 *  SPONGE_ERR_NO_MEMORY (then nothing is left allocated). */
enum sponge_err network_interface_init(struct network_interface *ni, struct eth_addr eth, uint32_t ip,
                                       const struct network_interface_config *cfg);

/** Lowers the largest datagram the interface sends or accepts (its link's MTU) to `mtu`, which
 *  must lie between IPV4_MIN_HEADER_LEN and the current max_datagram_len (storage was sized
 *  by the configuration in init, so the MTU can only go down). Not part of the lab: the
 *  topology runner (docs/topologies.md) gives each link its own MTU. */
void network_interface_set_mtu(struct network_interface *ni, size_t mtu);

/** Frees the interface's storage; views it handed out become invalid. */
void network_interface_destroy(struct network_interface *ni);

/** Sends `dgram` towards `next_hop` (host order): a frame at once if next_hop's Ethernet
 *  address is known, else the datagram is copied and waits for ARP (see above). The caller
 *  keeps ownership of dgram and its payload. The header is written as carried, checksum
 *  included (ipv4_datagram_seal makes a valid one). Drops are counted. */
void network_interface_send_datagram(struct network_interface *ni, const struct ipv4_datagram *dgram,
                                     uint32_t next_hop);

/** Takes in the frame frame[0..len) (the caller's memory). Returns true and fills *dgram if it
 *  carried an IPv4 datagram for us; the datagram's payload is then a view into `frame`, valid
 *  as long as the caller keeps `frame`. ARP messages are handled here (returns false). */
bool network_interface_recv_frame(struct network_interface *ni, const uint8_t *frame, size_t len,
                                  struct ipv4_datagram *dgram);

/** `ms` milliseconds have passed: expires ARP mappings and unanswered requests. */
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

#endif
