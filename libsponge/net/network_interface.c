#include "net/network_interface.h"

#include <stdlib.h>

/* LAB5 BEGIN: NetworkInterface, datagrams into Ethernet frames with ARP */

enum sponge_err network_interface_state_init(struct network_interface *ni) {
    /* A request is only sent for a held datagram, so there are never more than these. */
    ni->request_ip = calloc(ni->cfg.pending_capacity, sizeof *ni->request_ip);
    ni->request_ms = calloc(ni->cfg.pending_capacity, sizeof *ni->request_ms);
    if (!ni->request_ip || !ni->request_ms ||
        arp_table_init(&ni->arp, ni->cfg.arp_table_capacity, NETWORK_INTERFACE_ARP_ENTRY_MS) != SPONGE_OK) {
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void network_interface_state_destroy(struct network_interface *ni) {
    arp_table_destroy(&ni->arp);
    free(ni->request_ip);
    free(ni->request_ms);
    ni->request_ip = NULL;
    ni->request_ms = NULL;
    ni->request_count = 0;
}

static void send_arp(struct network_interface *ni, uint16_t opcode, struct eth_addr dst, struct eth_addr target_eth,
                     uint32_t target_ip) {
    struct ethernet_header eh = {.dst = dst, .src = ni->eth, .ethertype = ETHERTYPE_ARP};
    struct arp_message m = {
        .opcode = opcode,
        .sender_eth = ni->eth,
        .sender_ip = ni->ip,
        .target_eth = target_eth,
        .target_ip = target_ip,
    };
    network_interface_push_arp(ni, &eh, &m);
}

static void send_ipv4(struct network_interface *ni, struct eth_addr dst, const struct ipv4_datagram *dgram) {
    struct ethernet_header eh = {.dst = dst, .src = ni->eth, .ethertype = ETHERTYPE_IPV4};
    network_interface_push_ipv4(ni, &eh, dgram);
}

/* The index of the request for `ip`, or request_count if there is none. */
static size_t find_request(const struct network_interface *ni, uint32_t ip) {
    size_t i = 0;
    while (i < ni->request_count && ni->request_ip[i] != ip) {
        i++;
    }
    return i;
}

static void remove_request(struct network_interface *ni, size_t i) {
    ni->request_count--;
    ni->request_ip[i] = ni->request_ip[ni->request_count];
    ni->request_ms[i] = ni->request_ms[ni->request_count];
}

void network_interface_send_datagram(struct network_interface *ni, const struct ipv4_datagram *dgram,
                                     uint32_t next_hop) {
    struct eth_addr dst;
    if (arp_table_lookup(&ni->arp, next_hop, &dst)) {
        send_ipv4(ni, dst, dgram);
        return;
    }
    if (!network_interface_hold(ni, dgram, next_hop)) {
        return; /* refused (no room, or over the MTU): dropped and counted; no request */
    }
    if (find_request(ni, next_hop) == ni->request_count) {
        /* RFC 826: ask everyone; the target hardware address is unknown, so sent as zero. */
        ni->request_ip[ni->request_count] = next_hop;
        ni->request_ms[ni->request_count++] = 0;
        struct eth_addr unknown = {{0}};
        send_arp(ni, ARP_OPCODE_REQUEST, eth_broadcast(), unknown, next_hop);
    }
}

enum network_interface_rx network_interface_frame_arrived(struct network_interface *ni,
                                                          const struct ethernet_header *eh, struct byte_view payload,
                                                          struct ipv4_datagram *dgram) {
    if (!eth_addr_equal(eh->dst, ni->eth) && !eth_addr_equal(eh->dst, eth_broadcast())) {
        return NETWORK_INTERFACE_RX_NOT_FOR_US;
    }
    if (eh->ethertype == ETHERTYPE_IPV4) {
        bool ok = ipv4_datagram_parse(payload.data, payload.len, dgram) == SPONGE_OK;
        return ok ? NETWORK_INTERFACE_RX_DATAGRAM : NETWORK_INTERFACE_RX_BAD_IPV4;
    }
    if (eh->ethertype != ETHERTYPE_ARP) {
        return NETWORK_INTERFACE_RX_BAD_ETHERTYPE;
    }
    struct arp_message m;
    if (arp_message_parse(payload.data, payload.len, &m) != SPONGE_OK) {
        return NETWORK_INTERFACE_RX_BAD_ARP;
    }
    /* Learn from requests and replies alike (RFC 826 "merge" step). A sender address of
     * 0.0.0.0 is an address probe (RFC 5227) and maps nothing. */
    if (m.sender_ip != 0) {
        arp_table_learn(&ni->arp, m.sender_ip, m.sender_eth);
        size_t i = find_request(ni, m.sender_ip);
        if (i < ni->request_count) {
            remove_request(ni, i);
        }
        struct ipv4_datagram held;
        while (network_interface_take_held(ni, m.sender_ip, &held)) {
            send_ipv4(ni, m.sender_eth, &held);
        }
    }
    if (m.opcode == ARP_OPCODE_REQUEST && m.target_ip == ni->ip) {
        send_arp(ni, ARP_OPCODE_REPLY, m.sender_eth, m.sender_eth, m.sender_ip);
    }
    return NETWORK_INTERFACE_RX_ARP;
}

void network_interface_tick(struct network_interface *ni, uint64_t ms) {
    arp_table_tick(&ni->arp, ms);
    size_t i = 0;
    while (i < ni->request_count) {
        if (ms < NETWORK_INTERFACE_ARP_REQUEST_MS - ni->request_ms[i]) {
            ni->request_ms[i] += ms;
            i++;
        } else { /* no reply in time: give up on what waits for it; the next datagram asks again */
            network_interface_drop_held(ni, ni->request_ip[i]);
            remove_request(ni, i);
        }
    }
}

/* LAB5 END */
