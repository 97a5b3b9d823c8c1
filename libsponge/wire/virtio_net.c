#include "wire/virtio_net.h"

#include "util/checksum.h"
#include "wire/be.h"
#include "wire/ipv4.h"

#include <assert.h>

#define FLAG_NEEDS_CSUM 1u
#define FLAG_DATA_VALID 2u
#define GSO_ECN 0x80u

static uint16_t le16_load(const uint8_t *p) {
    return (uint16_t)(p[0] | p[1] << 8);
}

static void le16_store(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

enum sponge_err virtio_net_header_parse(const uint8_t *buf, size_t len, struct virtio_net_header *out) {
    if (len < VIRTIO_NET_HEADER_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    uint8_t flags = buf[0], gso = buf[1];
    if ((flags & ~(FLAG_NEEDS_CSUM | FLAG_DATA_VALID)) != 0 || (gso & GSO_ECN) != 0 ||
        (gso != VIRTIO_NET_GSO_NONE && gso != VIRTIO_NET_GSO_TCPV4)) {
        return SPONGE_ERR_UNSUPPORTED;
    }
    struct virtio_net_header h = {
        .needs_csum = flags & FLAG_NEEDS_CSUM,
        .data_valid = flags & FLAG_DATA_VALID,
        .gso_type = (enum virtio_net_gso)gso,
        .hdr_len = le16_load(buf + 2),
        .gso_size = le16_load(buf + 4),
        .csum_start = le16_load(buf + 6),
        .csum_offset = le16_load(buf + 8),
    };
    if (h.gso_type == VIRTIO_NET_GSO_TCPV4 && (h.gso_size == 0 || !h.needs_csum)) {
        return SPONGE_ERR_UNSUPPORTED; /* no piece size, or no checksum the pieces could get */
    }
    size_t pkt_len = len - VIRTIO_NET_HEADER_LEN;
    if ((h.needs_csum && (size_t)h.csum_start + h.csum_offset + 2 > pkt_len) || h.hdr_len > pkt_len) {
        return SPONGE_ERR_TRUNCATED;
    }
    *out = h;
    return SPONGE_OK;
}

void virtio_net_header_serialize(const struct virtio_net_header *h, uint8_t out[VIRTIO_NET_HEADER_LEN]) {
    out[0] = (uint8_t)((h->needs_csum ? FLAG_NEEDS_CSUM : 0) | (h->data_valid ? FLAG_DATA_VALID : 0));
    out[1] = (uint8_t)h->gso_type;
    le16_store(out + 2, h->hdr_len);
    le16_store(out + 4, h->gso_size);
    le16_store(out + 6, h->csum_start);
    le16_store(out + 8, h->csum_offset);
}

struct virtio_net_header virtio_net_tcp4_header(size_t ip_len, size_t tcp_hdr_len, size_t payload_len, uint16_t mss) {
    assert(ip_len + tcp_hdr_len <= UINT16_MAX);
    bool super = mss != 0 && payload_len > mss;
    return (struct virtio_net_header){
        .needs_csum = true,
        .gso_type = super ? VIRTIO_NET_GSO_TCPV4 : VIRTIO_NET_GSO_NONE,
        .hdr_len = (uint16_t)(ip_len + tcp_hdr_len),
        .gso_size = super ? mss : 0,
        .csum_start = (uint16_t)ip_len,
        .csum_offset = VIRTIO_NET_TCP_CSUM_OFFSET,
    };
}

uint16_t virtio_net_tcp4_partial_checksum(uint32_t src, uint32_t dst, uint16_t tcp_len) {
    /* checksum_finish folds and complements; the field wants the folded sum itself. */
    return (uint16_t)~checksum_finish(checksum_pseudo_header(src, dst, IPV4_PROTO_TCP, tcp_len));
}

void virtio_net_finish_checksum(const struct virtio_net_header *h, uint8_t *pkt, size_t len) {
    if (!h->needs_csum) {
        return;
    }
    assert((size_t)h->csum_start + h->csum_offset + 2 <= len);
    /* The field's partial sum is summed with the data; its complement is the checksum. */
    be16_store(pkt + h->csum_start + h->csum_offset,
               checksum_finish(checksum_add(0, pkt + h->csum_start, len - h->csum_start)));
}
