#include "wire/udp.h"

#include "util/checksum.h"
#include "wire/be.h"
#include "wire/ipv4.h"

#include <assert.h>

enum sponge_err udp_datagram_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst, bool verify_checksum,
                                   struct udp_header *h, struct byte_view *payload) {
    if (len < UDP_HEADER_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    uint16_t length = be16_load(buf + 4);
    if (length < UDP_HEADER_LEN) {
        return SPONGE_ERR_HEADER_TOO_SHORT;
    }
    if (length > len) {
        return SPONGE_ERR_TRUNCATED;
    }
    uint16_t checksum = be16_load(buf + 6);
    /* RFC 768: an all-zero checksum field means the sender did not compute one. */
    if (verify_checksum && checksum != 0) {
        uint32_t sum = checksum_pseudo_header(src, dst, IPV4_PROTO_UDP, length);
        if (checksum_finish(checksum_add(sum, buf, length)) != 0) {
            return SPONGE_ERR_BAD_CHECKSUM;
        }
    }
    h->sport = be16_load(buf);
    h->dport = be16_load(buf + 2);
    h->length = length;
    h->checksum = checksum;
    payload->data = buf + UDP_HEADER_LEN;
    payload->len = length - UDP_HEADER_LEN;
    return SPONGE_OK;
}

enum sponge_err udp_header_serialize(struct udp_header *h, const struct byte_view2 *payload, uint32_t src, uint32_t dst,
                                     uint8_t *out, size_t out_cap) {
    size_t total = UDP_HEADER_LEN + byte_view2_len(payload);
    assert(total <= UINT16_MAX);
    if (out_cap < UDP_HEADER_LEN) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    h->length = (uint16_t)total;
    be16_store(out, h->sport);
    be16_store(out + 2, h->dport);
    be16_store(out + 4, h->length);
    be16_store(out + 6, 0);
    uint32_t sum = checksum_pseudo_header(src, dst, IPV4_PROTO_UDP, h->length);
    sum = checksum_add(sum, out, UDP_HEADER_LEN);
    sum = checksum_add_view2(sum, payload);
    h->checksum = checksum_finish(sum);
    /* RFC 768: a computed zero is sent as all ones, since zero means "no checksum". */
    if (h->checksum == 0) {
        h->checksum = 0xffff;
    }
    be16_store(out + 6, h->checksum);
    return SPONGE_OK;
}

enum sponge_err udp_datagram_serialize(struct udp_header *h, const struct byte_view2 *payload, uint32_t src,
                                       uint32_t dst, uint8_t *out, size_t out_cap, size_t *written) {
    size_t total = UDP_HEADER_LEN + byte_view2_len(payload);
    if (out_cap < total) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    enum sponge_err err = udp_header_serialize(h, payload, src, dst, out, out_cap);
    assert(err == SPONGE_OK);
    byte_view2_copy(payload, out + UDP_HEADER_LEN);
    *written = total;
    return err;
}
