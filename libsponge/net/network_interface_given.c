/* The NetworkInterface's given code: storage, the bounded queues the lab-5 functions use, the
 * counters, and recv_frame around lab 5's network_interface_frame_arrived. */

#include "net/network_interface.h"

#include <assert.h>
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
    if (frame_queue_init(&ni->frames_out, cfg->frames_out_capacity, ETH_HEADER_LEN + body) != SPONGE_OK ||
        waiting_datagrams_init(&ni->held, cfg->pending_capacity, cfg->max_datagram_len) != SPONGE_OK ||
        network_interface_state_init(ni) != SPONGE_OK) {
        network_interface_destroy(ni);
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void network_interface_destroy(struct network_interface *ni) {
    network_interface_state_destroy(ni);
    frame_queue_destroy(&ni->frames_out);
    waiting_datagrams_destroy(&ni->held);
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

bool network_interface_recv_frame(struct network_interface *ni, const uint8_t *frame, size_t len,
                                  struct ipv4_datagram *dgram) {
    struct network_interface_counters *c = &ni->counters;
    c->frames_received++;
    struct ethernet_header eh;
    if (ethernet_header_parse(frame, len, &eh) != SPONGE_OK) {
        c->drop_bad_ethernet++;
        return false;
    }
    struct byte_view payload = {frame + ETH_HEADER_LEN, len - ETH_HEADER_LEN};
    switch (network_interface_frame_arrived(ni, &eh, payload, dgram)) {
        case NETWORK_INTERFACE_RX_DATAGRAM:
            if (dgram->header.total_len > ni->cfg.max_datagram_len) {
                c->drop_oversize++;
                return false;
            }
            c->datagrams_received++;
            return true;
        case NETWORK_INTERFACE_RX_ARP:
            c->arp_received++;
            return false;
        case NETWORK_INTERFACE_RX_NOT_FOR_US:
            c->drop_not_for_us++;
            return false;
        case NETWORK_INTERFACE_RX_BAD_IPV4:
            c->drop_bad_ipv4++;
            return false;
        case NETWORK_INTERFACE_RX_BAD_ARP:
            c->drop_bad_arp++;
            return false;
        case NETWORK_INTERFACE_RX_BAD_ETHERTYPE:
            c->drop_bad_ethertype++;
            return false;
    }
    assert(!"network_interface_frame_arrived returned no network_interface_rx value");
    return false;
}

bool network_interface_frames_out(struct network_interface *ni, struct byte_view *frame) {
    return frame_queue_pop(&ni->frames_out, frame);
}

/* The next frames_out slot with `eh` written into it, or NULL (counted) if frames_out is full. */
static uint8_t *begin_frame(struct network_interface *ni, const struct ethernet_header *eh) {
    uint8_t *frame = frame_queue_slot(&ni->frames_out);
    if (!frame) {
        ni->counters.drop_frames_out_full++;
        return NULL;
    }
    enum sponge_err err = ethernet_header_serialize(eh, frame, ETH_HEADER_LEN);
    assert(err == SPONGE_OK);
    (void)err;
    return frame;
}

static void commit_frame(struct network_interface *ni, size_t body_len) {
    frame_queue_commit(&ni->frames_out, ETH_HEADER_LEN + body_len);
    ni->counters.frames_sent++;
}

bool network_interface_push_ipv4(struct network_interface *ni, const struct ethernet_header *eh,
                                 const struct ipv4_datagram *dgram) {
    size_t len = ipv4_datagram_len(dgram);
    if (len > ni->cfg.max_datagram_len) {
        ni->counters.drop_oversize++;
        return false;
    }
    uint8_t *frame = begin_frame(ni, eh);
    if (!frame) {
        return false;
    }
    enum sponge_err err = ipv4_datagram_serialize(dgram, frame + ETH_HEADER_LEN, ni->cfg.max_datagram_len);
    assert(err == SPONGE_OK);
    (void)err;
    commit_frame(ni, len);
    return true;
}

bool network_interface_push_arp(struct network_interface *ni, const struct ethernet_header *eh,
                                const struct arp_message *m) {
    uint8_t *frame = begin_frame(ni, eh);
    if (!frame) {
        return false;
    }
    enum sponge_err err = arp_message_serialize(m, frame + ETH_HEADER_LEN, ARP_MESSAGE_LEN);
    assert(err == SPONGE_OK);
    (void)err;
    commit_frame(ni, ARP_MESSAGE_LEN);
    if (m->opcode == ARP_OPCODE_REQUEST) {
        ni->counters.arp_requests_sent++;
    } else {
        ni->counters.arp_replies_sent++;
    }
    return true;
}

bool network_interface_hold(struct network_interface *ni, const struct ipv4_datagram *dgram, uint32_t next_hop) {
    if (ipv4_datagram_len(dgram) > ni->cfg.max_datagram_len) {
        ni->counters.drop_oversize++;
        return false;
    }
    if (!waiting_datagrams_push(&ni->held, dgram, next_hop)) {
        ni->counters.drop_pending_full++;
        return false;
    }
    return true;
}

bool network_interface_take_held(struct network_interface *ni, uint32_t next_hop, struct ipv4_datagram *dgram) {
    return waiting_datagrams_take(&ni->held, next_hop, dgram, NULL);
}

void network_interface_drop_held(struct network_interface *ni, uint32_t next_hop) {
    struct ipv4_datagram d;
    struct byte_view bytes;
    while (waiting_datagrams_take(&ni->held, next_hop, &d, &bytes)) {
        if (ni->cfg.arp_failed) {
            ni->cfg.arp_failed(ni->cfg.arp_failed_ctx, bytes.data, bytes.len);
        }
        ni->counters.drop_arp_timeout++;
    }
}
