#include "net/network_interface.h"

#include "wire/arp.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct network_interface_config network_interface_default_config(void) {
    struct network_interface_config c = {
        .max_datagram_len = 1500,
        .pending_capacity = 64,
        .frames_out_capacity = 64,
        .arp_table_capacity = 64,
    };
    return c;
}

void network_interface_set_mtu(struct network_interface *ni, size_t mtu) {
    assert(mtu >= IPV4_MIN_HEADER_LEN && mtu <= ni->cfg.max_datagram_len);
    ni->cfg.max_datagram_len = mtu;
}

/* LAB5 BEGIN: NetworkInterface, datagrams into Ethernet frames with ARP */

enum sponge_err network_interface_init(struct network_interface *ni, struct eth_addr eth, uint32_t ip,
                                       const struct network_interface_config *cfg) {
    assert(cfg->max_datagram_len >= IPV4_MIN_HEADER_LEN && cfg->max_datagram_len <= UINT16_MAX);
    assert(cfg->pending_capacity > 0 && cfg->frames_out_capacity > 0 && cfg->arp_table_capacity > 0);
    memset(ni, 0, sizeof *ni);
    ni->eth = eth;
    ni->ip = ip;
    ni->cfg = *cfg;
    /* A frame slot holds the largest frame we make: an IPv4 datagram or an ARP message. */
    size_t body = cfg->max_datagram_len > ARP_MESSAGE_LEN ? cfg->max_datagram_len : ARP_MESSAGE_LEN;
    ni->frame_slot_len = ETH_HEADER_LEN + body;
    ni->pending = calloc(cfg->pending_capacity, sizeof *ni->pending);
    ni->requests = calloc(cfg->pending_capacity, sizeof *ni->requests);
    ni->pending_storage = malloc(cfg->pending_capacity * cfg->max_datagram_len);
    ni->frame_len = calloc(cfg->frames_out_capacity, sizeof *ni->frame_len);
    ni->frame_storage = malloc(cfg->frames_out_capacity * ni->frame_slot_len);
    if (!ni->pending || !ni->requests || !ni->pending_storage || !ni->frame_len || !ni->frame_storage ||
        arp_table_init(&ni->arp, cfg->arp_table_capacity, NETWORK_INTERFACE_ARP_ENTRY_MS) != SPONGE_OK) {
        network_interface_destroy(ni);
        return SPONGE_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < cfg->pending_capacity; i++) {
        ni->pending[i].bytes = ni->pending_storage + i * cfg->max_datagram_len;
    }
    return SPONGE_OK;
}

void network_interface_destroy(struct network_interface *ni) {
    arp_table_destroy(&ni->arp);
    free(ni->pending);
    free(ni->requests);
    free(ni->pending_storage);
    free(ni->frame_len);
    free(ni->frame_storage);
    ni->pending = NULL;
    ni->requests = NULL;
    ni->pending_storage = NULL;
    ni->frame_len = NULL;
    ni->frame_storage = NULL;
    ni->pending_count = ni->request_count = ni->frames_count = 0;
}

/* Reserves the next frames_out slot and writes an Ethernet header into it; the caller writes
 * the body and calls commit_frame. NULL (and a counted drop) when the queue is full. */
static uint8_t *begin_frame(struct network_interface *ni, struct eth_addr dst, uint16_t ethertype) {
    if (ni->frames_count == ni->cfg.frames_out_capacity) {
        ni->counters.drop_frames_out_full++;
        return NULL;
    }
    size_t slot = (ni->frames_head + ni->frames_count) % ni->cfg.frames_out_capacity;
    uint8_t *frame = ni->frame_storage + slot * ni->frame_slot_len;
    struct ethernet_header eh = {.dst = dst, .src = ni->eth, .ethertype = ethertype};
    enum sponge_err err = ethernet_header_serialize(&eh, frame, ni->frame_slot_len);
    assert(err == SPONGE_OK);
    (void)err;
    return frame;
}

static void commit_frame(struct network_interface *ni, size_t body_len) {
    size_t slot = (ni->frames_head + ni->frames_count) % ni->cfg.frames_out_capacity;
    ni->frame_len[slot] = ETH_HEADER_LEN + body_len;
    ni->frames_count++;
    ni->counters.frames_sent++;
}

static void send_arp(struct network_interface *ni, uint16_t opcode, struct eth_addr dst, struct eth_addr target_eth,
                     uint32_t target_ip) {
    uint8_t *frame = begin_frame(ni, dst, ETHERTYPE_ARP);
    if (!frame) {
        return;
    }
    struct arp_message m = {
        .opcode = opcode,
        .sender_eth = ni->eth,
        .sender_ip = ni->ip,
        .target_eth = target_eth,
        .target_ip = target_ip,
    };
    enum sponge_err err = arp_message_serialize(&m, frame + ETH_HEADER_LEN, ni->frame_slot_len - ETH_HEADER_LEN);
    assert(err == SPONGE_OK);
    (void)err;
    commit_frame(ni, ARP_MESSAGE_LEN);
    if (opcode == ARP_OPCODE_REQUEST) {
        ni->counters.arp_requests_sent++;
    } else {
        ni->counters.arp_replies_sent++;
    }
}

/* Queues a frame carrying datagram bytes that are already serialized. */
static void send_raw_datagram(struct network_interface *ni, struct eth_addr dst, const uint8_t *bytes, size_t len) {
    uint8_t *frame = begin_frame(ni, dst, ETHERTYPE_IPV4);
    if (!frame) {
        return;
    }
    memcpy(frame + ETH_HEADER_LEN, bytes, len);
    commit_frame(ni, len);
}

static struct network_interface_request *find_request(struct network_interface *ni, uint32_t ip) {
    for (size_t i = 0; i < ni->request_count; i++) {
        if (ni->requests[i].ip == ip) {
            return &ni->requests[i];
        }
    }
    return NULL;
}

static void remove_request(struct network_interface *ni, struct network_interface_request *r) {
    *r = ni->requests[--ni->request_count];
}

/* Removes every waiting datagram for `next_hop`, keeping the others in order; each removed one
 * is sent to `eth` if `send` is set, else dropped as unanswered. Slots stay a permutation. */
static void release_pending(struct network_interface *ni, uint32_t next_hop, bool send, struct eth_addr eth) {
    size_t kept = 0;
    for (size_t i = 0; i < ni->pending_count; i++) {
        struct network_interface_pending p = ni->pending[i];
        if (p.next_hop != next_hop) {
            ni->pending[i] = ni->pending[kept];
            ni->pending[kept++] = p;
            continue;
        }
        if (send) {
            send_raw_datagram(ni, eth, p.bytes, p.len);
        } else {
            if (ni->cfg.arp_failed) {
                ni->cfg.arp_failed(ni->cfg.arp_failed_ctx, p.bytes, p.len);
            }
            ni->counters.drop_arp_timeout++;
        }
    }
    ni->pending_count = kept;
}

void network_interface_send_datagram(struct network_interface *ni, const struct ipv4_datagram *dgram,
                                     uint32_t next_hop) {
    size_t len = ipv4_datagram_len(dgram);
    if (len > ni->cfg.max_datagram_len) {
        ni->counters.drop_oversize++;
        return;
    }
    struct eth_addr dst;
    if (arp_table_lookup(&ni->arp, next_hop, &dst)) {
        uint8_t *frame = begin_frame(ni, dst, ETHERTYPE_IPV4);
        if (frame) {
            enum sponge_err err =
                ipv4_datagram_serialize(dgram, frame + ETH_HEADER_LEN, ni->frame_slot_len - ETH_HEADER_LEN);
            assert(err == SPONGE_OK);
            (void)err;
            commit_frame(ni, len);
        }
        return;
    }
    if (ni->pending_count == ni->cfg.pending_capacity) {
        ni->counters.drop_pending_full++;
        return;
    }
    struct network_interface_pending *p = &ni->pending[ni->pending_count++];
    p->next_hop = next_hop;
    p->len = len;
    enum sponge_err err = ipv4_datagram_serialize(dgram, p->bytes, ni->cfg.max_datagram_len);
    assert(err == SPONGE_OK);
    (void)err;
    if (!find_request(ni, next_hop)) {
        /* RFC 826: ask everyone; the target hardware address is unknown, so sent as zero. */
        struct network_interface_request *r = &ni->requests[ni->request_count++];
        r->ip = next_hop;
        r->age_ms = 0;
        struct eth_addr unknown = {{0}};
        send_arp(ni, ARP_OPCODE_REQUEST, eth_broadcast(), unknown, next_hop);
    }
}

static void recv_arp(struct network_interface *ni, const uint8_t *body, size_t len) {
    struct arp_message m;
    if (arp_message_parse(body, len, &m) != SPONGE_OK) {
        ni->counters.drop_bad_arp++;
        return;
    }
    ni->counters.arp_received++;
    /* Learn from requests and replies alike (RFC 826 "merge" step). A sender address of
     * 0.0.0.0 is an address probe (RFC 5227) and maps nothing. */
    if (m.sender_ip != 0) {
        arp_table_learn(&ni->arp, m.sender_ip, m.sender_eth);
        struct network_interface_request *r = find_request(ni, m.sender_ip);
        if (r) {
            remove_request(ni, r);
        }
        release_pending(ni, m.sender_ip, true, m.sender_eth);
    }
    if (m.opcode == ARP_OPCODE_REQUEST && m.target_ip == ni->ip) {
        send_arp(ni, ARP_OPCODE_REPLY, m.sender_eth, m.sender_eth, m.sender_ip);
    }
}

bool network_interface_recv_frame(struct network_interface *ni, const uint8_t *frame, size_t len,
                                  struct ipv4_datagram *dgram) {
    ni->counters.frames_received++;
    struct ethernet_header eh;
    if (ethernet_header_parse(frame, len, &eh) != SPONGE_OK) {
        ni->counters.drop_bad_ethernet++;
        return false;
    }
    if (!eth_addr_equal(eh.dst, ni->eth) && !eth_addr_equal(eh.dst, eth_broadcast())) {
        ni->counters.drop_not_for_us++;
        return false;
    }
    const uint8_t *body = frame + ETH_HEADER_LEN;
    size_t body_len = len - ETH_HEADER_LEN;
    switch (eh.ethertype) {
        case ETHERTYPE_IPV4:
            if (ipv4_datagram_parse(body, body_len, dgram) != SPONGE_OK) {
                ni->counters.drop_bad_ipv4++;
                return false;
            }
            if (dgram->header.total_len > ni->cfg.max_datagram_len) {
                ni->counters.drop_oversize++;
                return false;
            }
            ni->counters.datagrams_received++;
            return true;
        case ETHERTYPE_ARP:
            recv_arp(ni, body, body_len);
            return false;
        default:
            ni->counters.drop_bad_ethertype++;
            return false;
    }
}

void network_interface_tick(struct network_interface *ni, uint64_t ms) {
    arp_table_tick(&ni->arp, ms);
    size_t i = 0;
    while (i < ni->request_count) {
        struct network_interface_request *r = &ni->requests[i];
        if (ms < NETWORK_INTERFACE_ARP_REQUEST_MS - r->age_ms) {
            r->age_ms += ms;
            i++;
            continue;
        }
        /* No reply in time: give up on what waits for it; the next datagram asks again. */
        struct eth_addr none = {{0}};
        release_pending(ni, r->ip, false, none);
        remove_request(ni, r);
    }
}

bool network_interface_frames_out(struct network_interface *ni, struct byte_view *frame) {
    if (ni->frames_count == 0) {
        return false;
    }
    frame->data = ni->frame_storage + ni->frames_head * ni->frame_slot_len;
    frame->len = ni->frame_len[ni->frames_head];
    ni->frames_head = (ni->frames_head + 1) % ni->cfg.frames_out_capacity;
    ni->frames_count--;
    return true;
}

struct eth_addr network_interface_eth(const struct network_interface *ni) {
    return ni->eth;
}

uint32_t network_interface_ip(const struct network_interface *ni) {
    return ni->ip;
}

const struct network_interface_counters *network_interface_counters(const struct network_interface *ni) {
    return &ni->counters;
}
