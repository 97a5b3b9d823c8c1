#include "wire/icmp.h"

#include "util/checksum.h"
#include "wire/be.h"

#include <assert.h>
#include <string.h>

bool icmp_type_is_query(uint8_t type) {
    /* Echo (RFC 792), timestamp and information (RFC 792), address mask (RFC 950). */
    return type == ICMP_ECHO_REPLY || type == ICMP_ECHO_REQUEST || (type >= 13 && type <= 18);
}

enum sponge_err icmp_message_parse(const uint8_t *buf, size_t len, struct icmp_header *h, struct byte_view *body) {
    if (len < ICMP_HEADER_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    /* RFC 792: the one's complement sum over the whole message, checksum included, is all ones. */
    if (checksum_finish(checksum_add(0, buf, len)) != 0) {
        return SPONGE_ERR_BAD_CHECKSUM;
    }
    h->type = buf[0];
    h->code = buf[1];
    h->checksum = be16_load(buf + 2);
    h->rest = be32_load(buf + 4);
    body->data = buf + ICMP_HEADER_LEN;
    body->len = len - ICMP_HEADER_LEN;
    return SPONGE_OK;
}

enum sponge_err icmp_message_serialize(struct icmp_header *h, const struct byte_view2 *body, uint8_t *out,
                                       size_t out_cap, size_t *written) {
    size_t total = ICMP_HEADER_LEN + byte_view2_len(body);
    if (out_cap < total) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    out[0] = h->type;
    out[1] = h->code;
    be16_store(out + 2, 0);
    be32_store(out + 4, h->rest);
    byte_view2_copy(body, out + ICMP_HEADER_LEN);
    h->checksum = checksum_finish(checksum_add(0, out, total));
    be16_store(out + 2, h->checksum);
    *written = total;
    return SPONGE_OK;
}

enum sponge_err icmp_quote_parse(const uint8_t *body, size_t len, struct ipv4_header *h, struct byte_view *first) {
    if (len < IPV4_MIN_HEADER_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    if (body[0] >> 4 != 4) {
        return SPONGE_ERR_WRONG_IP_VERSION;
    }
    size_t hlen = (size_t)(body[0] & 0x0f) * 4;
    if (hlen < IPV4_MIN_HEADER_LEN) {
        return SPONGE_ERR_HEADER_TOO_SHORT;
    }
    if (hlen > len) {
        return SPONGE_ERR_TRUNCATED;
    }
    /* The quote holds only the start of the datagram, so its total length points past the
     * quote and its checksum may be stale (the quoting router may have changed the TTL). Let
     * the IPv4 parser read a copy whose length covers just the header and whose checksum is
     * fresh, then put the quoted values back. */
    uint8_t copy[IPV4_MAX_HEADER_LEN];
    memcpy(copy, body, hlen);
    uint16_t total_len = be16_load(body + 2);
    uint16_t checksum = be16_load(body + 10);
    be16_store(copy + 2, (uint16_t)hlen);
    be16_store(copy + 10, 0);
    be16_store(copy + 10, checksum_finish(checksum_add(0, copy, hlen)));
    size_t off = 0;
    enum sponge_err err = ipv4_header_parse(copy, hlen, h, &off);
    assert(err == SPONGE_OK && off == hlen); /* every check it makes was made above */
    (void)err;
    h->total_len = total_len;
    h->checksum = checksum;
    size_t quoted = len - hlen;
    size_t carried = total_len > hlen ? total_len - hlen : 0;
    first->data = body + hlen;
    first->len = quoted < carried ? quoted : carried;
    return SPONGE_OK;
}

void icmp_echo_request_to_reply(uint8_t *msg, size_t len) {
    assert(len >= ICMP_HEADER_LEN && msg[0] == ICMP_ECHO_REQUEST);
    (void)len;
    /* Type and code share the first 16-bit word; only the type changes (RFC 1624 eqn. 3). */
    uint16_t old_word = be16_load(msg);
    msg[0] = ICMP_ECHO_REPLY;
    be16_store(msg + 2, checksum_update16(be16_load(msg + 2), old_word, be16_load(msg)));
}
