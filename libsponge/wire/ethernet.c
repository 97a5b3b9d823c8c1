#include "wire/ethernet.h"

#include "wire/be.h"

#include <stdio.h>

enum sponge_err ethernet_header_parse(const uint8_t *buf, size_t len, struct ethernet_header *h) {
    if (len < ETH_HEADER_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    memcpy(h->dst.b, buf, ETH_ADDR_LEN);
    memcpy(h->src.b, buf + ETH_ADDR_LEN, ETH_ADDR_LEN);
    h->ethertype = be16_load(buf + 2 * ETH_ADDR_LEN);
    return SPONGE_OK;
}

enum sponge_err ethernet_header_serialize(const struct ethernet_header *h, uint8_t *out, size_t out_cap) {
    if (out_cap < ETH_HEADER_LEN) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    memcpy(out, h->dst.b, ETH_ADDR_LEN);
    memcpy(out + ETH_ADDR_LEN, h->src.b, ETH_ADDR_LEN);
    be16_store(out + 2 * ETH_ADDR_LEN, h->ethertype);
    return SPONGE_OK;
}

char *eth_addr_format(struct eth_addr a, char *out) {
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", a.b[0], a.b[1], a.b[2], a.b[3], a.b[4], a.b[5]);
    return out;
}
