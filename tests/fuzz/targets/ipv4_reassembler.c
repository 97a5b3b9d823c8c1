/* The IPv4 reassembler fed random fragments of four datagrams and random ticks. Input: config
 * (max_bytes / 64 as u16, max_datagrams u8, timeout_ms u16), then ops: 1 byte code (code % 4:
 * 3 = tick u16 ms, else a fragment: key u8, offset in 8-byte units u16, length u16, flags u8:
 * bit 0 MF, bit 1 which of two byte versions, bit 2 a 4-byte option, bit 3 length taken whole
 * (else % 1500)).
 * Invariants: no crash; storage and datagrams in progress within the configuration; every
 * datagram out is consistent (MF clear, offset 0, total length = header + payload, parses again)
 * and belongs to a datagram fed, and each payload byte is one that a fragment of that datagram
 * carried at that position. */
#include "net/ipv4_reassembler.h"
#include "fuzz_targets.h"

#include <stdlib.h>
#include <string.h>

#define KEYS 4
#define BASE_SRC 0x0a000001u
#define DST 0x0a000064u

static uint32_t key_src(unsigned k) {
    return BASE_SRC + (k & 1);
}

/* Byte `pos` of datagram `key` in version `v` (fragments of one datagram may disagree). */
static uint8_t key_byte(unsigned key, unsigned v, size_t pos) {
    return fuzz_stream_byte(((uint64_t)(key * 2 + v) << 17) | pos);
}

static void check_out(const struct ipv4_datagram *out, const uint8_t (*fed)[IPV4_REASM_MAX_PAYLOAD]) {
    FUZZ_CHECK(!out->header.mf && out->header.frag_offset == 0);
    FUZZ_CHECK(out->payload_len <= IPV4_REASM_MAX_PAYLOAD);
    FUZZ_CHECK(out->header.total_len == (size_t)out->header.ihl * 4 + out->payload_len);
    FUZZ_CHECK(out->header.dst == DST);
    unsigned key = (unsigned)(out->header.id * 2 + (out->header.src - BASE_SRC));
    FUZZ_CHECK(out->header.src - BASE_SRC < 2 && key < KEYS);
    uint8_t *wire = malloc(UINT16_MAX);
    FUZZ_CHECK(wire != NULL);
    FUZZ_CHECK(ipv4_datagram_serialize(out, wire, UINT16_MAX) == SPONGE_OK);
    struct ipv4_datagram back;
    FUZZ_CHECK(ipv4_datagram_parse(wire, ipv4_datagram_len(out), &back) == SPONGE_OK);
    free(wire);
    for (size_t j = 0; j < out->payload_len; j++) {
        uint8_t b = out->payload[j];
        FUZZ_CHECK(((fed[key][j] & 1) && b == key_byte(key, 0, j)) || ((fed[key][j] & 2) && b == key_byte(key, 1, j)));
    }
}

int fuzz_ipv4_reassembler(const uint8_t *data, size_t len) {
    struct fuzz_reader in = {data, len};
    struct ipv4_reassembler_config cfg = {
        .max_bytes = (size_t)fuzz_u16(&in) * 64, .max_datagrams = 1 + fuzz_u8(&in) % 8, .timeout_ms = fuzz_u16(&in)};
    struct ipv4_reassembler r;
    FUZZ_CHECK(ipv4_reassembler_init(&r, &cfg) == SPONGE_OK);
    /* fed[key][pos]: bit v set once a fragment of key carried version v's byte at pos. */
    uint8_t(*fed)[IPV4_REASM_MAX_PAYLOAD] = calloc(KEYS, sizeof *fed);
    uint8_t *payload = malloc(IPV4_REASM_MAX_PAYLOAD);
    FUZZ_CHECK(fed != NULL && payload != NULL);
    for (size_t op = 0; op < 2048 && in.left > 0; op++) {
        uint8_t code = fuzz_u8(&in);
        if (code % 4 == 3) {
            ipv4_reassembler_tick(&r, fuzz_u16(&in));
        } else {
            unsigned key = fuzz_u8(&in) % KEYS;
            size_t off = (size_t)(fuzz_u16(&in) & 0x1fff) * 8;
            size_t n = fuzz_u16(&in);
            uint8_t flags = fuzz_u8(&in);
            unsigned v = (flags >> 1) & 1;
            size_t opt = flags & 4 ? 4 : 0;
            n = flags & 8 ? n : n % 1500;
            n = n > IPV4_REASM_MAX_PAYLOAD - opt ? IPV4_REASM_MAX_PAYLOAD - opt : n;
            for (size_t i = 0; i < n; i++) {
                payload[i] = key_byte(key, v, off + i);
                if (off + i < IPV4_REASM_MAX_PAYLOAD) {
                    fed[key][off + i] |= (uint8_t)(1u << v);
                }
            }
            struct ipv4_datagram d, out;
            ipv4_datagram_init(&d, IPV4_PROTO_UDP, key_src(key), DST, payload, n);
            d.header.id = (uint16_t)(key / 2);
            d.header.df = false;
            d.header.mf = flags & 1;
            d.header.frag_offset = (uint16_t)(off / 8);
            if (opt) {
                d.header.ihl = 6;
                d.header.options_len = 4;
                memset(d.header.options, 1, 4);
            }
            ipv4_datagram_seal(&d);
            if (ipv4_reassembler_push(&r, &d, &out)) {
                if (!d.header.mf && off == 0) {
                    FUZZ_CHECK(out.payload == payload && out.payload_len == n); /* passed through */
                }
                check_out(&out, (const uint8_t(*)[IPV4_REASM_MAX_PAYLOAD])fed);
            }
        }
        FUZZ_CHECK(ipv4_reassembler_bytes_held(&r) <= cfg.max_bytes);
        FUZZ_CHECK(ipv4_reassembler_in_progress(&r) <= cfg.max_datagrams);
    }
    ipv4_reassembler_destroy(&r);
    free(fed);
    free(payload);
    return 0;
}
