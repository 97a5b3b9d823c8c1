#include "wire/ipv4_datagram.h"

#include <assert.h>
#include <string.h>

/* Offset of the header checksum field (RFC 791, figure 4). */
#define IPV4_OFF_CHECKSUM 10

enum sponge_err ipv4_datagram_parse(const uint8_t *buf, size_t len, struct ipv4_datagram *d) {
    size_t payload_off = 0;
    enum sponge_err err = ipv4_header_parse(buf, len, &d->header, &payload_off);
    if (err != SPONGE_OK) {
        return err;
    }
    d->payload = buf + payload_off;
    d->payload_len = d->header.total_len - payload_off;
    return SPONGE_OK;
}

void ipv4_datagram_init(struct ipv4_datagram *d, uint8_t protocol, uint32_t src, uint32_t dst, const uint8_t *payload,
                        size_t payload_len) {
    assert(payload_len <= UINT16_MAX - IPV4_MIN_HEADER_LEN);
    ipv4_header_init(&d->header, protocol, src, dst, (uint16_t)payload_len);
    d->payload = payload;
    d->payload_len = payload_len;
    ipv4_datagram_seal(d);
}

void ipv4_datagram_seal(struct ipv4_datagram *d) {
    assert(ipv4_datagram_len(d) <= UINT16_MAX);
    d->header.total_len = (uint16_t)ipv4_datagram_len(d);
    uint8_t scratch[IPV4_MAX_HEADER_LEN];
    size_t written = 0;
    /* The serializer computes the checksum and stores it back in the header. */
    enum sponge_err err = ipv4_header_serialize(&d->header, scratch, sizeof scratch, &written);
    assert(err == SPONGE_OK);
    (void)err;
}

enum sponge_err ipv4_datagram_serialize(const struct ipv4_datagram *d, uint8_t *out, size_t out_cap) {
    size_t total = ipv4_datagram_len(d);
    assert(d->header.total_len == total);
    if (out_cap < total) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    /* ipv4_header_serialize computes a fresh checksum into its argument; work on a copy and
     * then put back the checksum this datagram carries. */
    struct ipv4_header copy = d->header;
    size_t hlen = 0;
    enum sponge_err err = ipv4_header_serialize(&copy, out, out_cap, &hlen);
    if (err != SPONGE_OK) {
        return err;
    }
    out[IPV4_OFF_CHECKSUM] = (uint8_t)(d->header.checksum >> 8);
    out[IPV4_OFF_CHECKSUM + 1] = (uint8_t)d->header.checksum;
    if (d->payload_len) {
        memcpy(out + hlen, d->payload, d->payload_len);
    }
    return SPONGE_OK;
}
