/* Lab 5, minimal solution: arrays scanned in full, the given ARP cache. */

/* LAB5 BEGIN: NetworkInterface, datagrams into Ethernet frames with ARP */

enum sponge_err network_interface_init(struct network_interface *ni, struct eth_addr eth, uint32_t ip,
                                       const struct network_interface_config *cfg) {
    memset(ni, 0, sizeof *ni);
    ni->eth = eth;
    ni->ip = ip;
    ni->cfg = *cfg;
    ni->out_slot = ETH_HEADER_LEN + (cfg->max_datagram_len > ARP_MESSAGE_LEN ? cfg->max_datagram_len : ARP_MESSAGE_LEN);
    ni->wait_bytes = malloc(cfg->pending_capacity * cfg->max_datagram_len);
    ni->wait_len = malloc(cfg->pending_capacity * sizeof(size_t));
    ni->wait_hop = malloc(cfg->pending_capacity * sizeof(uint32_t));
    ni->asked_ip = malloc(cfg->pending_capacity * sizeof(uint32_t));
    ni->asked_ms = malloc(cfg->pending_capacity * sizeof(uint64_t));
    ni->out_bytes = malloc(cfg->frames_out_capacity * ni->out_slot);
    ni->out_len = malloc(cfg->frames_out_capacity * sizeof(size_t));
    if (!ni->wait_bytes || !ni->wait_len || !ni->wait_hop || !ni->asked_ip || !ni->asked_ms || !ni->out_bytes ||
        !ni->out_len ||
        arp_table_init(&ni->arp, cfg->arp_table_capacity, NETWORK_INTERFACE_ARP_ENTRY_MS) != SPONGE_OK) {
        network_interface_destroy(ni);
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void network_interface_destroy(struct network_interface *ni) {
    arp_table_destroy(&ni->arp);
    free(ni->wait_bytes);
    free(ni->wait_len);
    free(ni->wait_hop);
    free(ni->asked_ip);
    free(ni->asked_ms);
    free(ni->out_bytes);
    free(ni->out_len);
    ni->wait_bytes = ni->out_bytes = NULL;
    ni->wait_len = ni->out_len = NULL;
    ni->wait_hop = ni->asked_ip = NULL;
    ni->asked_ms = NULL;
    ni->pending_count = ni->asked_count = ni->frames_count = 0;
}

/* The next free frame slot with its Ethernet header written, or NULL (counted) if full. */
static uint8_t *new_frame(struct network_interface *ni, struct eth_addr to, uint16_t type) {
    if (ni->frames_count == ni->cfg.frames_out_capacity) {
        ni->counters.drop_frames_out_full++;
        return NULL;
    }
    uint8_t *f = ni->out_bytes + (ni->out_first + ni->frames_count) % ni->cfg.frames_out_capacity * ni->out_slot;
    struct ethernet_header h = {.dst = to, .src = ni->eth, .ethertype = type};
    ethernet_header_serialize(&h, f, ni->out_slot);
    return f;
}

/* Queues the frame new_frame returned, with a body of `len` bytes. */
static void queue_frame(struct network_interface *ni, size_t len) {
    ni->out_len[(ni->out_first + ni->frames_count) % ni->cfg.frames_out_capacity] = ETH_HEADER_LEN + len;
    ni->frames_count++;
    ni->counters.frames_sent++;
}

static void send_arp(struct network_interface *ni, uint16_t op, struct eth_addr to, struct eth_addr target_eth,
                     uint32_t target_ip) {
    uint8_t *f = new_frame(ni, to, ETHERTYPE_ARP);
    if (f == NULL) {
        return;
    }
    struct arp_message m = {op, ni->eth, ni->ip, target_eth, target_ip};
    arp_message_serialize(&m, f + ETH_HEADER_LEN, ni->out_slot - ETH_HEADER_LEN);
    queue_frame(ni, ARP_MESSAGE_LEN);
    if (op == ARP_OPCODE_REQUEST) {
        ni->counters.arp_requests_sent++;
    } else {
        ni->counters.arp_replies_sent++;
    }
}

/* Sends (to `eth`) or gives up on every waiting datagram for `hop`, keeping the rest in order. */
static void flush_waiting(struct network_interface *ni, uint32_t hop, bool send, struct eth_addr eth) {
    size_t max = ni->cfg.max_datagram_len;
    size_t kept = 0;
    for (size_t i = 0; i < ni->pending_count; i++) {
        uint8_t *bytes = ni->wait_bytes + i * max;
        if (ni->wait_hop[i] != hop) {
            if (kept != i) {
                memcpy(ni->wait_bytes + kept * max, bytes, ni->wait_len[i]);
                ni->wait_len[kept] = ni->wait_len[i];
                ni->wait_hop[kept] = ni->wait_hop[i];
            }
            kept++;
        } else if (send) {
            uint8_t *f = new_frame(ni, eth, ETHERTYPE_IPV4);
            if (f != NULL) {
                memcpy(f + ETH_HEADER_LEN, bytes, ni->wait_len[i]);
                queue_frame(ni, ni->wait_len[i]);
            }
        } else {
            if (ni->cfg.arp_failed != NULL) {
                ni->cfg.arp_failed(ni->cfg.arp_failed_ctx, bytes, ni->wait_len[i]);
            }
            ni->counters.drop_arp_timeout++;
        }
    }
    ni->pending_count = kept;
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
    size_t len = ipv4_datagram_len(dgram);
    if (len > ni->cfg.max_datagram_len) {
        ni->counters.drop_oversize++;
        return;
    }
    struct eth_addr eth;
    if (arp_table_lookup(&ni->arp, next_hop, &eth)) {
        uint8_t *f = new_frame(ni, eth, ETHERTYPE_IPV4);
        if (f != NULL) {
            ipv4_datagram_serialize(dgram, f + ETH_HEADER_LEN, ni->out_slot - ETH_HEADER_LEN);
            queue_frame(ni, len);
        }
        return;
    }
    if (ni->pending_count == ni->cfg.pending_capacity) {
        ni->counters.drop_pending_full++;
        return;
    }
    size_t i = ni->pending_count++;
    ipv4_datagram_serialize(dgram, ni->wait_bytes + i * ni->cfg.max_datagram_len, ni->cfg.max_datagram_len);
    ni->wait_len[i] = len;
    ni->wait_hop[i] = next_hop;
    if (find_asked(ni, next_hop) == ni->asked_count) {
        ni->asked_ip[ni->asked_count] = next_hop;
        ni->asked_ms[ni->asked_count] = 0;
        ni->asked_count++;
        struct eth_addr zero = {{0}};
        send_arp(ni, ARP_OPCODE_REQUEST, eth_broadcast(), zero, next_hop);
    }
}

bool network_interface_recv_frame(struct network_interface *ni, const uint8_t *frame, size_t len,
                                  struct ipv4_datagram *dgram) {
    ni->counters.frames_received++;
    struct ethernet_header h;
    if (ethernet_header_parse(frame, len, &h) != SPONGE_OK) {
        ni->counters.drop_bad_ethernet++;
        return false;
    }
    if (!eth_addr_equal(h.dst, ni->eth) && !eth_addr_equal(h.dst, eth_broadcast())) {
        ni->counters.drop_not_for_us++;
        return false;
    }
    const uint8_t *body = frame + ETH_HEADER_LEN;
    size_t body_len = len - ETH_HEADER_LEN;
    if (h.ethertype == ETHERTYPE_IPV4) {
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
    }
    if (h.ethertype != ETHERTYPE_ARP) {
        ni->counters.drop_bad_ethertype++;
        return false;
    }
    struct arp_message m;
    if (arp_message_parse(body, body_len, &m) != SPONGE_OK) {
        ni->counters.drop_bad_arp++;
        return false;
    }
    ni->counters.arp_received++;
    if (m.sender_ip != 0) { /* 0.0.0.0: a probe, which maps nothing */
        arp_table_learn(&ni->arp, m.sender_ip, m.sender_eth);
        size_t i = find_asked(ni, m.sender_ip);
        if (i < ni->asked_count) {
            forget_asked(ni, i);
        }
        flush_waiting(ni, m.sender_ip, true, m.sender_eth);
    }
    if (m.opcode == ARP_OPCODE_REQUEST && m.target_ip == ni->ip) {
        send_arp(ni, ARP_OPCODE_REPLY, m.sender_eth, m.sender_eth, m.sender_ip);
    }
    return false;
}

void network_interface_tick(struct network_interface *ni, uint64_t ms) {
    arp_table_tick(&ni->arp, ms);
    size_t i = 0;
    while (i < ni->asked_count) {
        if (ms >= NETWORK_INTERFACE_ARP_REQUEST_MS - ni->asked_ms[i]) {
            struct eth_addr none = {{0}};
            flush_waiting(ni, ni->asked_ip[i], false, none);
            forget_asked(ni, i);
        } else {
            ni->asked_ms[i] += ms;
            i++;
        }
    }
}

bool network_interface_frames_out(struct network_interface *ni, struct byte_view *frame) {
    if (ni->frames_count == 0) {
        return false;
    }
    frame->data = ni->out_bytes + ni->out_first * ni->out_slot;
    frame->len = ni->out_len[ni->out_first];
    ni->out_first = (ni->out_first + 1) % ni->cfg.frames_out_capacity;
    ni->frames_count--;
    return true;
}
