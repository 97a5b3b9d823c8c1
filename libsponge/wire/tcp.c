#include "wire/tcp.h"

#include "util/checksum.h"
#include "wire/be.h"
#include "wire/ipv4.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Option kinds (IANA "TCP Option Kind Numbers"). */
#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2          /* RFC 9293 section 3.2 */
#define OPT_WINDOW_SCALE 3 /* RFC 7323 section 2 */
#define OPT_SACK_PERMITTED 4
#define OPT_SACK 5 /* RFC 2018 */
#define OPT_TIMESTAMPS 8

#define OPT_MSS_LEN 4
#define OPT_WINDOW_SCALE_LEN 3
#define OPT_SACK_PERMITTED_LEN 2
#define OPT_TIMESTAMPS_LEN 10
#define OPT_SACK_BLOCK_LEN 8

/* Flag bits in byte 13 (RFC 9293 section 3.1). */
#define FLAG_FIN 0x01
#define FLAG_SYN 0x02
#define FLAG_RST 0x04
#define FLAG_PSH 0x08
#define FLAG_ACK 0x10
#define FLAG_URG 0x20

#define TCP_MAX_OPTIONS_LEN (TCP_MAX_HEADER_LEN - TCP_MIN_HEADER_LEN)

/* Reads one option of a known kind whose framing (kind, len, bytes inside the header) has
 * been checked. UNSUPPORTED when the length does not match the kind. */
static enum sponge_err parse_known_option(const uint8_t *opt, uint8_t optlen, struct tcp_options *o) {
    switch (opt[0]) {
        case OPT_MSS:
            if (optlen != OPT_MSS_LEN) {
                return SPONGE_ERR_UNSUPPORTED;
            }
            o->has_mss = true;
            o->mss = be16_load(opt + 2);
            return SPONGE_OK;
        case OPT_WINDOW_SCALE:
            if (optlen != OPT_WINDOW_SCALE_LEN) {
                return SPONGE_ERR_UNSUPPORTED;
            }
            /* Kept as sent; RFC 7323 section 2.3 (use 14 if larger) is the connection's job. */
            o->has_window_scale = true;
            o->window_scale = opt[2];
            return SPONGE_OK;
        case OPT_SACK_PERMITTED:
            if (optlen != OPT_SACK_PERMITTED_LEN) {
                return SPONGE_ERR_UNSUPPORTED;
            }
            o->sack_permitted = true;
            return SPONGE_OK;
        case OPT_SACK: {
            /* 2 + 8n bytes; n <= 4 always holds inside a 40-byte option area. */
            if (optlen < 2 + OPT_SACK_BLOCK_LEN || (optlen - 2) % OPT_SACK_BLOCK_LEN != 0) {
                return SPONGE_ERR_UNSUPPORTED;
            }
            o->sack_count = (uint8_t)((optlen - 2) / OPT_SACK_BLOCK_LEN);
            for (unsigned i = 0; i < o->sack_count; i++) {
                const uint8_t *b = opt + 2 + i * OPT_SACK_BLOCK_LEN;
                o->sack[i].left = wrap32_of(be32_load(b));
                o->sack[i].right = wrap32_of(be32_load(b + 4));
            }
            return SPONGE_OK;
        }
        case OPT_TIMESTAMPS:
            if (optlen != OPT_TIMESTAMPS_LEN) {
                return SPONGE_ERR_UNSUPPORTED;
            }
            o->has_timestamps = true;
            o->ts_val = be32_load(opt + 2);
            o->ts_ecr = be32_load(opt + 6);
            return SPONGE_OK;
        default:
            return SPONGE_OK; /* unknown: skipped by its length (RFC 9293 section 3.1) */
    }
}

/* Walks the options in opt[0..len). */
static enum sponge_err parse_options(const uint8_t *opt, size_t len, struct tcp_options *o) {
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == OPT_EOL) {
            break; /* the rest is padding */
        }
        if (kind == OPT_NOP) {
            i++;
            continue;
        }
        /* RFC 9293 section 3.1: every other option has a length byte covering kind and length. */
        if (i + 1 >= len) {
            return SPONGE_ERR_TRUNCATED;
        }
        uint8_t optlen = opt[i + 1];
        if (optlen < 2 || optlen > len - i) {
            return SPONGE_ERR_TRUNCATED;
        }
        enum sponge_err err = parse_known_option(opt + i, optlen, o);
        if (err != SPONGE_OK) {
            return err;
        }
        i += optlen;
    }
    return SPONGE_OK;
}

enum sponge_err tcp_segment_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst, bool verify_checksum,
                                  struct tcp_segment *seg) {
    assert(len <= UINT16_MAX);
    if (len < TCP_MIN_HEADER_LEN) {
        return SPONGE_ERR_PACKET_TOO_SHORT;
    }
    uint8_t data_offset = buf[12] >> 4;
    if (data_offset < TCP_MIN_HEADER_LEN / 4) {
        return SPONGE_ERR_HEADER_TOO_SHORT;
    }
    size_t hlen = (size_t)data_offset * 4;
    if (hlen > len) {
        return SPONGE_ERR_TRUNCATED;
    }
    if (verify_checksum) {
        /* RFC 9293 section 3.1: the sum over pseudo-header, header and data is all ones. */
        uint32_t sum = checksum_pseudo_header(src, dst, IPV4_PROTO_TCP, (uint16_t)len);
        if (checksum_finish(checksum_add(sum, buf, len)) != 0) {
            return SPONGE_ERR_BAD_CHECKSUM;
        }
    }
    struct tcp_header *h = &seg->header;
    memset(&h->opts, 0, sizeof h->opts);
    enum sponge_err err = parse_options(buf + TCP_MIN_HEADER_LEN, hlen - TCP_MIN_HEADER_LEN, &h->opts);
    if (err != SPONGE_OK) {
        return err;
    }
    h->sport = be16_load(buf);
    h->dport = be16_load(buf + 2);
    h->seqno = wrap32_of(be32_load(buf + 4));
    h->ackno = wrap32_of(be32_load(buf + 8));
    h->data_offset = data_offset;
    uint8_t flags = buf[13];
    h->urg = flags & FLAG_URG;
    h->ack = flags & FLAG_ACK;
    h->psh = flags & FLAG_PSH;
    h->rst = flags & FLAG_RST;
    h->syn = flags & FLAG_SYN;
    h->fin = flags & FLAG_FIN;
    h->win = be16_load(buf + 14);
    h->checksum = be16_load(buf + 16);
    h->urgent_ptr = be16_load(buf + 18);
    seg->payload = byte_view2_of(buf + hlen, len - hlen);
    return SPONGE_OK;
}

/* Bytes each option group takes in the layout described in tcp.h. */
static size_t fixed_options_len(const struct tcp_options *o) {
    size_t n = 0;
    if (o->has_mss) {
        n += OPT_MSS_LEN;
    }
    if (o->has_timestamps) {
        n += 2 + OPT_TIMESTAMPS_LEN; /* SACK-permitted or two NOPs, then timestamps */
    } else if (o->sack_permitted) {
        n += 2 + OPT_SACK_PERMITTED_LEN;
    }
    if (o->has_window_scale) {
        n += 1 + OPT_WINDOW_SCALE_LEN;
    }
    return n;
}

/* How many SACK blocks fit after the other options (see tcp_header_length). */
static unsigned sack_blocks_that_fit(const struct tcp_options *o) {
    assert(o->sack_count <= TCP_MAX_SACK_BLOCKS);
    size_t room = TCP_MAX_OPTIONS_LEN - fixed_options_len(o);
    unsigned n = o->sack_count;
    while (n > 0 && 4 + (size_t)n * OPT_SACK_BLOCK_LEN > room) {
        n--;
    }
    return n;
}

size_t tcp_header_length(const struct tcp_header *h) {
    unsigned sack = sack_blocks_that_fit(&h->opts);
    return TCP_MIN_HEADER_LEN + fixed_options_len(&h->opts) + (sack ? 4 + (size_t)sack * OPT_SACK_BLOCK_LEN : 0);
}

/* Writes the options; returns the bytes written (a multiple of 4). */
static size_t write_options(const struct tcp_options *o, uint8_t *p) {
    uint8_t *start = p;
    if (o->has_mss) {
        *p++ = OPT_MSS;
        *p++ = OPT_MSS_LEN;
        be16_store(p, o->mss);
        p += 2;
    }
    if (o->has_timestamps) {
        if (o->sack_permitted) {
            *p++ = OPT_SACK_PERMITTED;
            *p++ = OPT_SACK_PERMITTED_LEN;
        } else {
            *p++ = OPT_NOP;
            *p++ = OPT_NOP;
        }
        *p++ = OPT_TIMESTAMPS;
        *p++ = OPT_TIMESTAMPS_LEN;
        be32_store(p, o->ts_val);
        be32_store(p + 4, o->ts_ecr);
        p += 8;
    } else if (o->sack_permitted) {
        *p++ = OPT_NOP;
        *p++ = OPT_NOP;
        *p++ = OPT_SACK_PERMITTED;
        *p++ = OPT_SACK_PERMITTED_LEN;
    }
    if (o->has_window_scale) {
        *p++ = OPT_NOP;
        *p++ = OPT_WINDOW_SCALE;
        *p++ = OPT_WINDOW_SCALE_LEN;
        *p++ = o->window_scale;
    }
    unsigned sack = sack_blocks_that_fit(o);
    if (sack) {
        *p++ = OPT_NOP;
        *p++ = OPT_NOP;
        *p++ = OPT_SACK;
        *p++ = (uint8_t)(2 + sack * OPT_SACK_BLOCK_LEN);
        for (unsigned i = 0; i < sack; i++) {
            be32_store(p, o->sack[i].left.raw);
            be32_store(p + 4, o->sack[i].right.raw);
            p += OPT_SACK_BLOCK_LEN;
        }
    }
    return (size_t)(p - start);
}

/* Writes the header with a zero checksum field; returns its length. out holds tcp_header_length. */
static size_t write_header(const struct tcp_header *h, uint8_t *out) {
    be16_store(out, h->sport);
    be16_store(out + 2, h->dport);
    be32_store(out + 4, h->seqno.raw);
    be32_store(out + 8, h->ackno.raw);
    size_t hlen = TCP_MIN_HEADER_LEN + write_options(&h->opts, out + TCP_MIN_HEADER_LEN);
    out[12] = (uint8_t)(hlen / 4 << 4);
    out[13] = (uint8_t)((h->urg ? FLAG_URG : 0) | (h->ack ? FLAG_ACK : 0) | (h->psh ? FLAG_PSH : 0) |
                        (h->rst ? FLAG_RST : 0) | (h->syn ? FLAG_SYN : 0) | (h->fin ? FLAG_FIN : 0));
    be16_store(out + 14, h->win);
    be16_store(out + 16, 0);
    be16_store(out + 18, h->urgent_ptr);
    return hlen;
}

enum sponge_err tcp_segment_serialize(const struct tcp_segment *seg, uint32_t src, uint32_t dst, uint8_t *out,
                                      size_t out_cap, size_t *written) {
    size_t hlen = tcp_header_length(&seg->header);
    size_t total = hlen + byte_view2_len(&seg->payload);
    assert(total <= UINT16_MAX);
    if (out_cap < total) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    write_header(&seg->header, out);
    byte_view2_copy(&seg->payload, out + hlen);
    /* One pass over the now contiguous header and payload, plus the pseudo-header (RFC 9293 3.1). */
    uint32_t sum = checksum_pseudo_header(src, dst, IPV4_PROTO_TCP, (uint16_t)total);
    be16_store(out + 16, checksum_finish(checksum_add(sum, out, total)));
    *written = total;
    return SPONGE_OK;
}

enum sponge_err tcp_header_serialize(const struct tcp_segment *seg, uint32_t src, uint32_t dst, uint8_t *out,
                                     size_t out_cap, size_t *written) {
    size_t hlen = tcp_header_length(&seg->header);
    size_t total = hlen + byte_view2_len(&seg->payload);
    assert(total <= UINT16_MAX);
    if (out_cap < hlen) {
        return SPONGE_ERR_BUFFER_TOO_SMALL;
    }
    write_header(&seg->header, out);
    uint32_t sum = checksum_pseudo_header(src, dst, IPV4_PROTO_TCP, (uint16_t)total);
    sum = checksum_add(sum, out, hlen);
    sum = checksum_add_view2(sum, &seg->payload);
    be16_store(out + 16, checksum_finish(sum));
    *written = hlen;
    return SPONGE_OK;
}

/* snprintf into out + *used; once out is full, later calls write nothing. */
__attribute__((format(printf, 4, 5))) static void append(char *out, size_t out_len, size_t *used, const char *fmt,
                                                         ...) {
    if (*used >= out_len) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out + *used, out_len - *used, fmt, ap);
    va_end(ap);
    *used = n < 0 ? out_len : *used + (size_t)n;
}

char *tcp_segment_describe(const struct tcp_segment *seg, char *out, size_t out_len) {
    assert(out_len > 0);
    const struct tcp_header *h = &seg->header;
    const struct tcp_options *o = &h->opts;
    assert(o->sack_count <= TCP_MAX_SACK_BLOCKS);
    char flags[8];
    size_t nflags = 0;
    const bool bits[] = {h->syn, h->ack, h->rst, h->fin, h->psh, h->urg};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        if (bits[i]) {
            flags[nflags++] = "SARFPU"[i];
        }
    }
    if (nflags == 0) {
        flags[nflags++] = '-';
    }
    flags[nflags] = '\0';
    size_t used = 0;
    out[0] = '\0';
    append(out, out_len, &used, "%s seq=%" PRIu32, flags, h->seqno.raw);
    if (h->ack) {
        append(out, out_len, &used, " ack=%" PRIu32, h->ackno.raw);
    }
    append(out, out_len, &used, " win=%u len=%zu", h->win, byte_view2_len(&seg->payload));
    if (o->has_mss) {
        append(out, out_len, &used, " mss=%u", o->mss);
    }
    if (o->has_window_scale) {
        append(out, out_len, &used, " ws=%u", o->window_scale);
    }
    if (o->sack_permitted) {
        append(out, out_len, &used, " sackok");
    }
    if (o->has_timestamps) {
        append(out, out_len, &used, " ts=%" PRIu32 "/%" PRIu32, o->ts_val, o->ts_ecr);
    }
    for (unsigned i = 0; i < o->sack_count; i++) {
        append(out, out_len, &used, "%s%" PRIu32 "-%" PRIu32, i == 0 ? " sack=" : ",", o->sack[i].left.raw,
               o->sack[i].right.raw);
    }
    return out;
}
