#include "wire/arp.h"

#include "wire/be.h"

#include <string.h>

/* Field offsets within the message (RFC 826, "Packet format"). */
enum {
    ARP_OFF_HTYPE = 0,
    ARP_OFF_PTYPE = 2,
    ARP_OFF_HLEN = 4,
    ARP_OFF_PLEN = 5,
    ARP_OFF_OPCODE = 6,
    ARP_OFF_SHA = 8,
    ARP_OFF_SPA = 14,
    ARP_OFF_THA = 18,
    ARP_OFF_TPA = 24,
};

enum sponge_err arp_message_parse(const uint8_t *buf, size_t len, struct arp_message *m) {
    if (len < ARP_MESSAGE_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    if (be16_load(buf + ARP_OFF_HTYPE) != ARP_HTYPE_ETHERNET || be16_load(buf + ARP_OFF_PTYPE) != ETHERTYPE_IPV4 ||
        buf[ARP_OFF_HLEN] != ETH_ADDR_LEN || buf[ARP_OFF_PLEN] != 4) {
        return SPONGE_ERR_UNSUPPORTED;
    }
    uint16_t opcode = be16_load(buf + ARP_OFF_OPCODE);
    if (opcode != ARP_OPCODE_REQUEST && opcode != ARP_OPCODE_REPLY) {
        return SPONGE_ERR_UNSUPPORTED;
    }
    m->opcode = opcode;
    memcpy(m->sender_eth.b, buf + ARP_OFF_SHA, ETH_ADDR_LEN);
    m->sender_ip = be32_load(buf + ARP_OFF_SPA);
    memcpy(m->target_eth.b, buf + ARP_OFF_THA, ETH_ADDR_LEN);
    m->target_ip = be32_load(buf + ARP_OFF_TPA);
    return SPONGE_OK;
}

enum sponge_err arp_message_serialize(const struct arp_message *m, uint8_t *out, size_t out_cap) {
    if (out_cap < ARP_MESSAGE_LEN) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    be16_store(out + ARP_OFF_HTYPE, ARP_HTYPE_ETHERNET);
    be16_store(out + ARP_OFF_PTYPE, ETHERTYPE_IPV4);
    out[ARP_OFF_HLEN] = ETH_ADDR_LEN;
    out[ARP_OFF_PLEN] = 4;
    be16_store(out + ARP_OFF_OPCODE, m->opcode);
    memcpy(out + ARP_OFF_SHA, m->sender_eth.b, ETH_ADDR_LEN);
    be32_store(out + ARP_OFF_SPA, m->sender_ip);
    memcpy(out + ARP_OFF_THA, m->target_eth.b, ETH_ADDR_LEN);
    be32_store(out + ARP_OFF_TPA, m->target_ip);
    return SPONGE_OK;
}
