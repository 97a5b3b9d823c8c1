/* Lab 5, minimal solution: arrays scanned in full, the given ARP cache and queues. */

/* LAB5 BEGIN: NetworkInterface, datagrams into Ethernet frames with ARP */

enum sponge_err network_interface_state_init(struct network_interface *ni) {
    ni->asked_ip = malloc(ni->cfg.pending_capacity * sizeof(uint32_t));
    ni->asked_ms = malloc(ni->cfg.pending_capacity * sizeof(uint64_t));
    if (!ni->asked_ip || !ni->asked_ms) {
        return SPONGE_ERR_NO_MEMORY;
    }
    return arp_table_init(&ni->arp, ni->cfg.arp_table_capacity, NETWORK_INTERFACE_ARP_ENTRY_MS);
}

void network_interface_state_destroy(struct network_interface *ni) {
    arp_table_destroy(&ni->arp);
    free(ni->asked_ip);
    free(ni->asked_ms);
    ni->asked_ip = NULL;
    ni->asked_ms = NULL;
    ni->asked_count = 0;
}

static void send_arp(struct network_interface *ni, uint16_t op, struct eth_addr to, struct eth_addr target_eth,
                     uint32_t target_ip) {
    struct ethernet_header h = {.dst = to, .src = ni->eth, .ethertype = ETHERTYPE_ARP};
    struct arp_message m = {op, ni->eth, ni->ip, target_eth, target_ip};
    network_interface_push_arp(ni, &h, &m);
}

static void send_to(struct network_interface *ni, struct eth_addr to, const struct ipv4_datagram *d) {
    struct ethernet_header h = {.dst = to, .src = ni->eth, .ethertype = ETHERTYPE_IPV4};
    network_interface_push_ipv4(ni, &h, d);
}

static size_t find_asked(const struct network_interface *ni, uint32_t ip) {
    size_t i = 0;
    while (i < ni->asked_count && ni->asked_ip[i] != ip) {
        i++;
    }
    return i;
}

static void forget_asked(struct network_interface *ni, size_t i) {
    ni->asked_count--;
    ni->asked_ip[i] = ni->asked_ip[ni->asked_count];
    ni->asked_ms[i] = ni->asked_ms[ni->asked_count];
}

void network_interface_send_datagram(struct network_interface *ni, const struct ipv4_datagram *dgram,
                                     uint32_t next_hop) {
    struct eth_addr eth;
    if (arp_table_lookup(&ni->arp, next_hop, &eth)) {
        send_to(ni, eth, dgram);
        return;
    }
    if (!network_interface_hold(ni, dgram, next_hop)) {
        return;
    }
    if (find_asked(ni, next_hop) == ni->asked_count) {
        ni->asked_ip[ni->asked_count] = next_hop;
        ni->asked_ms[ni->asked_count] = 0;
        ni->asked_count++;
        struct eth_addr zero = {{0}};
        send_arp(ni, ARP_OPCODE_REQUEST, eth_broadcast(), zero, next_hop);
    }
}

enum network_interface_rx network_interface_frame_arrived(struct network_interface *ni,
                                                          const struct ethernet_header *eh, struct byte_view payload,
                                                          struct ipv4_datagram *dgram) {
    if (!eth_addr_equal(eh->dst, ni->eth) && !eth_addr_equal(eh->dst, eth_broadcast())) {
        return NETWORK_INTERFACE_RX_NOT_FOR_US;
    }
    if (eh->ethertype == ETHERTYPE_IPV4) {
        if (ipv4_datagram_parse(payload.data, payload.len, dgram) != SPONGE_OK) {
            return NETWORK_INTERFACE_RX_BAD_IPV4;
        }
        return NETWORK_INTERFACE_RX_DATAGRAM;
    }
    if (eh->ethertype != ETHERTYPE_ARP) {
        return NETWORK_INTERFACE_RX_BAD_ETHERTYPE;
    }
    struct arp_message m;
    if (arp_message_parse(payload.data, payload.len, &m) != SPONGE_OK) {
        return NETWORK_INTERFACE_RX_BAD_ARP;
    }
    if (m.sender_ip != 0) { /* 0.0.0.0: a probe, which maps nothing */
        arp_table_learn(&ni->arp, m.sender_ip, m.sender_eth);
        size_t i = find_asked(ni, m.sender_ip);
        if (i < ni->asked_count) {
            forget_asked(ni, i);
        }
        struct ipv4_datagram d;
        while (network_interface_take_held(ni, m.sender_ip, &d)) {
            send_to(ni, m.sender_eth, &d);
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
    while (i < ni->asked_count) {
        if (ms >= NETWORK_INTERFACE_ARP_REQUEST_MS - ni->asked_ms[i]) {
            network_interface_drop_held(ni, ni->asked_ip[i]);
            forget_asked(ni, i);
        } else {
            ni->asked_ms[i] += ms;
            i++;
        }
    }
}

/* LAB5 END */
