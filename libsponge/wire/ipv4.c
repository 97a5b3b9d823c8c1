#include "wire/ipv4.h"

#include "util/checksum.h"
#include "wire/be.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define IPV4_FLAG_RESERVED 0x8000u
#define IPV4_FLAG_DF 0x4000u
#define IPV4_FLAG_MF 0x2000u
#define IPV4_FRAG_OFFSET_MASK 0x1fffu

void ipv4_header_init(struct ipv4_header *h, uint8_t protocol, uint32_t src, uint32_t dst, uint16_t payload_len) {
    assert(payload_len <= UINT16_MAX - IPV4_MIN_HEADER_LEN);
    memset(h, 0, sizeof *h);
    h->version = 4;
    h->ihl = IPV4_MIN_HEADER_LEN / 4;
    h->total_len = (uint16_t)(IPV4_MIN_HEADER_LEN + payload_len);
    h->df = true;
    h->ttl = 64;
    h->protocol = protocol;
    h->src = src;
    h->dst = dst;
}

enum sponge_err ipv4_header_parse(const uint8_t *buf, size_t len, struct ipv4_header *h, size_t *payload_off) {
    if (len < IPV4_MIN_HEADER_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    uint8_t version = buf[0] >> 4;
    uint8_t ihl = buf[0] & 0x0f;
    if (version != 4) {
        return SPONGE_ERR_WRONG_IP_VERSION;
    }
    if (ihl < IPV4_MIN_HEADER_LEN / 4) {
        return SPONGE_ERR_HEADER_TOO_SHORT;
    }
    size_t hlen = (size_t)ihl * 4;
    uint16_t total_len = be16_load(buf + 2);
    if (hlen > len || total_len > len || total_len < hlen) {
        return SPONGE_ERR_TRUNCATED;
    }
    /* RFC 791 / RFC 1071: the one's complement sum over the header, checksum included, is
     * all ones when the header is intact; checksum_finish complements it to zero. */
    if (checksum_finish(checksum_add(0, buf, hlen)) != 0) {
        return SPONGE_ERR_BAD_CHECKSUM;
    }
    uint16_t flags_frag = be16_load(buf + 6);
    h->version = version;
    h->ihl = ihl;
    h->tos = buf[1];
    h->total_len = total_len;
    h->id = be16_load(buf + 4);
    h->reserved_flag = (flags_frag & IPV4_FLAG_RESERVED) != 0;
    h->df = (flags_frag & IPV4_FLAG_DF) != 0;
    h->mf = (flags_frag & IPV4_FLAG_MF) != 0;
    h->frag_offset = flags_frag & IPV4_FRAG_OFFSET_MASK;
    h->ttl = buf[8];
    h->protocol = buf[9];
    h->checksum = be16_load(buf + 10);
    h->src = be32_load(buf + 12);
    h->dst = be32_load(buf + 16);
    h->options_len = (uint8_t)(hlen - IPV4_MIN_HEADER_LEN);
    memcpy(h->options, buf + IPV4_MIN_HEADER_LEN, h->options_len);
    *payload_off = hlen;
    return SPONGE_OK;
}

enum sponge_err ipv4_header_serialize(struct ipv4_header *h, uint8_t *out, size_t out_cap, size_t *written) {
    assert(h->version < 16 && h->ihl >= IPV4_MIN_HEADER_LEN / 4 && h->ihl <= IPV4_MAX_HEADER_LEN / 4);
    assert((size_t)h->ihl * 4 == IPV4_MIN_HEADER_LEN + (size_t)h->options_len);
    assert(h->frag_offset <= IPV4_FRAG_OFFSET_MASK);
    size_t hlen = (size_t)h->ihl * 4;
    if (out_cap < hlen) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    out[0] = (uint8_t)(h->version << 4 | h->ihl);
    out[1] = h->tos;
    be16_store(out + 2, h->total_len);
    be16_store(out + 4, h->id);
    be16_store(out + 6, (uint16_t)((h->reserved_flag ? IPV4_FLAG_RESERVED : 0) | (h->df ? IPV4_FLAG_DF : 0) |
                                   (h->mf ? IPV4_FLAG_MF : 0) | h->frag_offset));
    out[8] = h->ttl;
    out[9] = h->protocol;
    be16_store(out + 10, 0);
    be32_store(out + 12, h->src);
    be32_store(out + 16, h->dst);
    memcpy(out + IPV4_MIN_HEADER_LEN, h->options, h->options_len);
    h->checksum = checksum_finish(checksum_add(0, out, hlen));
    be16_store(out + 10, h->checksum);
    *written = hlen;
    return SPONGE_OK;
}

void ipv4_header_decrement_ttl(struct ipv4_header *h) {
    assert(h->ttl > 0);
    /* TTL shares its 16-bit header word with the protocol field (RFC 791 figure 4). */
    uint16_t old_word = (uint16_t)(h->ttl << 8 | h->protocol);
    h->ttl--;
    uint16_t new_word = (uint16_t)(h->ttl << 8 | h->protocol);
    h->checksum = checksum_update16(h->checksum, old_word, new_word);
}

char *ipv4_format(uint32_t addr, char *out) {
    snprintf(out, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xffu, (addr >> 8) & 0xffu, addr & 0xffu);
    return out;
}

bool ipv4_parse_address(const char *text, uint32_t *addr) {
    uint32_t value = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0 && *text++ != '.') {
            return false;
        }
        unsigned n = 0;
        int digits = 0;
        while (*text >= '0' && *text <= '9') {
            if (digits == 3 || (digits == 1 && n == 0)) {
                return false; /* a fourth digit, or a leading zero */
            }
            n = n * 10 + (unsigned)(*text++ - '0');
            digits++;
        }
        if (digits == 0 || n > 255) {
            return false;
        }
        value = value << 8 | n;
    }
    if (*text != '\0') {
        return false;
    }
    *addr = value;
    return true;
}
