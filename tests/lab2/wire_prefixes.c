/* Parsers never read past their input: every parser runs on every prefix of valid packets,
 * each copied into a malloc'd buffer of exactly that size (AddressSanitizer, in the Sanitize
 * build, reports any read past it), and on seeded random and mutated inputs. */

#include "harness.h"
#include "util/rng.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"

#include <stdlib.h>
#include <string.h>

#define SRC 0xa9fe9001u
#define DST 0xa9fe9009u

struct results {
    enum sponge_err ip, tcp_verified, tcp, udp;
};

/* Runs every parser on a copy of p[0..len) that has no byte after it. */
static struct results parse_all(struct harness *h, const uint8_t *p, size_t len) {
    uint8_t *copy = NULL;
    if (len) {
        copy = malloc(len);
        if (!copy) {
            FAIL(h, "out of memory");
        }
        memcpy(copy, p, len);
    }
    struct results r;
    struct ipv4_header ip;
    size_t off;
    struct tcp_segment seg;
    struct udp_header u;
    struct byte_view pl;
    r.ip = ipv4_header_parse(copy, len, &ip, &off);
    r.tcp_verified = tcp_segment_parse(copy, len, SRC, DST, true, &seg);
    r.tcp = tcp_segment_parse(copy, len, SRC, DST, false, &seg);
    r.udp = udp_datagram_parse(copy, len, SRC, DST, true, &u, &pl);
    if (r.tcp == SPONGE_OK && byte_view2_len(&seg.payload) &&
        seg.payload.part[0].data + seg.payload.part[0].len != copy + len) {
        FAIL(h, "tcp payload view does not end at the input's end");
    }
    if (r.udp == SPONGE_OK && pl.data + pl.len > copy + len) {
        FAIL(h, "udp payload view past the input");
    }
    free(copy);
    return r;
}

static size_t build_tcp(uint8_t *out, size_t cap, size_t payload_len) {
    static const char text[] = "The quick brown fox jumps over the lazy dog";
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.header.sport = 40144;
    seg.header.dport = 7144;
    seg.header.ack = true;
    seg.header.opts = (struct tcp_options){.has_mss = true,
                                           .mss = 1460,
                                           .has_timestamps = true,
                                           .ts_val = 1,
                                           .ts_ecr = 2,
                                           .sack_count = 2,
                                           .sack = {{{1}, {2}}, {{3}, {4}}}};
    seg.payload = byte_view2_of(text, payload_len);
    size_t n = 0;
    if (tcp_segment_serialize(&seg, SRC, DST, out, cap, &n) != SPONGE_OK) {
        abort();
    }
    return n;
}

static int prefixes(void) {
    struct harness h;
    harness_begin(&h, "parsers on every prefix of valid packets [L2.R19]");
    uint8_t pkt[200];

    STEP(&h, "TCP segment with MSS, timestamps, 2 SACK blocks and 11 bytes of payload");
    size_t tcp_len = build_tcp(pkt, sizeof pkt, 11);
    size_t hlen = (size_t)(pkt[12] >> 4) * 4;
    EXPECT_EQ(&h, "header length", 56, hlen);
    for (size_t k = 0; k <= tcp_len; k++) {
        struct results r = parse_all(&h, pkt, k);
        enum sponge_err want = k < 20 ? SPONGE_ERR_PACKET_TOO_SHORT : k < hlen ? SPONGE_ERR_TRUNCATED : SPONGE_OK;
        if (r.tcp != want) {
            FAIL(&h, "tcp prefix %zu: %s, expected %s", k, sponge_strerror(r.tcp), sponge_strerror(want));
        }
        /* A cut payload no longer matches the checksum. */
        enum sponge_err want_v = want == SPONGE_OK && k < tcp_len ? SPONGE_ERR_BAD_CHECKSUM : want;
        if (r.tcp_verified != want_v) {
            FAIL(&h, "tcp prefix %zu verified: %s, expected %s", k, sponge_strerror(r.tcp_verified),
                 sponge_strerror(want_v));
        }
    }

    STEP(&h, "IPv4 datagram with 12 option bytes carrying the TCP segment");
    struct ipv4_header ip;
    uint8_t dgram[260];
    ipv4_header_init(&ip, IPV4_PROTO_TCP, SRC, DST, (uint16_t)tcp_len);
    ip.ihl = 8;
    ip.options_len = 12;
    memset(ip.options, 1, 12);
    ip.total_len = (uint16_t)(32 + tcp_len);
    size_t n = 0;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, ipv4_header_serialize(&ip, dgram, sizeof dgram, &n));
    memcpy(dgram + n, pkt, tcp_len);
    size_t total = n + tcp_len;
    for (size_t k = 0; k <= total; k++) {
        struct results r = parse_all(&h, dgram, k);
        enum sponge_err want = k < 20 ? SPONGE_ERR_PACKET_TOO_SHORT : k < total ? SPONGE_ERR_TRUNCATED : SPONGE_OK;
        if (r.ip != want) {
            FAIL(&h, "ipv4 prefix %zu: %s, expected %s", k, sponge_strerror(r.ip), sponge_strerror(want));
        }
    }

    STEP(&h, "UDP datagram with 13 bytes of payload");
    struct udp_header u = {.sport = 40145, .dport = 5144};
    struct byte_view2 pv = byte_view2_of("udp payload!!", 13);
    EXPECT_EQ(&h, "serialize", SPONGE_OK, udp_datagram_serialize(&u, &pv, SRC, DST, pkt, sizeof pkt, &n));
    for (size_t k = 0; k <= n; k++) {
        struct results r = parse_all(&h, pkt, k);
        enum sponge_err want = k < 8 ? SPONGE_ERR_PACKET_TOO_SHORT : k < n ? SPONGE_ERR_TRUNCATED : SPONGE_OK;
        if (r.udp != want) {
            FAIL(&h, "udp prefix %zu: %s, expected %s", k, sponge_strerror(r.udp), sponge_strerror(want));
        }
    }
    return harness_end(&h);
}

static int random_inputs(void) {
    struct harness h;
    harness_begin(&h, "parsers on random and mutated inputs [L2.R19]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    uint8_t buf[200];
    size_t valid = build_tcp(buf, sizeof buf, 20);
    unsigned accepted = 0;
    for (int round = 0; round < 20000; round++) {
        uint8_t p[200];
        size_t len;
        if (round % 3 == 2) {
            /* A header that ends the input, its option bytes drawn from option kinds and
             * small lengths so that the option walker meets every edge. */
            const uint8_t alphabet[] = {0, 1, 2, 3, 4, 5, 8, 30, 10, 12, 18, 26, 34, 40, 6};
            memcpy(p, buf, 20);
            len = 20 + 4 * (size_t)sponge_rng_below(&rng, 11);
            p[12] = (uint8_t)(len / 4 << 4);
            for (size_t i = 20; i < len; i++) {
                p[i] = alphabet[sponge_rng_below(&rng, sizeof alphabet)];
            }
        } else if (round % 3 == 1) {
            /* Random bytes, with a plausible first byte now and then. */
            len = (size_t)sponge_rng_below(&rng, 80);
            for (size_t i = 0; i < len; i++) {
                p[i] = (uint8_t)sponge_rng_next(&rng);
            }
            if (len && sponge_rng_below(&rng, 2)) {
                p[0] = (uint8_t)(0x45 + sponge_rng_below(&rng, 11));
            }
        } else {
            /* The valid segment with a few option/header bytes changed and maybe cut short. */
            memcpy(p, buf, valid);
            len = valid - (size_t)sponge_rng_below(&rng, 8);
            for (int k = 0; k < 3; k++) {
                p[sponge_rng_below(&rng, 56)] = (uint8_t)sponge_rng_next(&rng);
            }
        }
        struct results r = parse_all(&h, p, len);
        accepted += r.tcp == SPONGE_OK;
        if ((unsigned)r.ip >= SPONGE_ERR_BUFFER_TOO_SMALL || (unsigned)r.tcp >= SPONGE_ERR_BUFFER_TOO_SMALL ||
            (unsigned)r.udp >= SPONGE_ERR_BUFFER_TOO_SMALL) {
            FAIL(&h, "round %d: a parser returned a non-parse result code", round);
        }
    }
    STEP(&h, "20000 inputs, %u accepted by the unverified TCP parser", accepted);
    EXPECT_TRUE(&h, "some mutated segments were still accepted", accepted > 0);
    return harness_end(&h);
}

int main(void) {
    return prefixes() | random_inputs();
}
