/* The Internet checksum: hand-computed values, split payloads, and the RFC 1624 incremental
 * update that a router uses for the TTL, against a full recompute. */

#include "harness.h"
#include "util/checksum.h"
#include "util/rng.h"
#include "wire/ipv4.h"

#include <string.h>

static int rfc1071_example(void) {
    struct harness h;
    harness_begin(&h, "checksum: RFC 1071 section 3 example [L2.R14]");
    /* By hand: 0001 + f203 = f204; + f4f5 = 1e6f9; + f6f7 = 2ddf0;
     * end-around carry: ddf0 + 2 = ddf2; complement: 220d. */
    const uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    STEP(&h, "sum 00 01 f2 03 f4 f5 f6 f7 in one piece");
    EXPECT_EQ(&h, "checksum", 0x220d, checksum_finish(checksum_add(0, bytes, sizeof bytes)));
    STEP(&h, "sum it as 2 + 6 bytes, and as 4 + 4");
    EXPECT_EQ(&h, "checksum 2+6", 0x220d, checksum_finish(checksum_add(checksum_add(0, bytes, 2), bytes + 2, 6)));
    EXPECT_EQ(&h, "checksum 4+4", 0x220d, checksum_finish(checksum_add(checksum_add(0, bytes, 4), bytes + 4, 4)));
    /* Odd length: the last byte is padded with a zero byte (RFC 1071 section 4.1).
     * 0001 + f203 + f400 = 1e604; carry: e604 + 1 = e605; complement: 19fa. */
    STEP(&h, "sum the first 5 bytes (odd)");
    EXPECT_EQ(&h, "checksum of 5 bytes", 0x19fa, checksum_finish(checksum_add(0, bytes, 5)));
    STEP(&h, "the same 5 bytes as a view split 1 + 4 and 3 + 2 (odd first piece)");
    struct byte_view2 v1 = {{{bytes, 1}, {bytes + 1, 4}}};
    struct byte_view2 v3 = {{{bytes, 3}, {bytes + 3, 2}}};
    EXPECT_EQ(&h, "checksum 1+4", 0x19fa, checksum_finish(checksum_add_view2(0, &v1)));
    EXPECT_EQ(&h, "checksum 3+2", 0x19fa, checksum_finish(checksum_add_view2(0, &v3)));
    STEP(&h, "RFC 1624 eqn. 3: change word f4f5 to 0000 in the 8 bytes");
    uint8_t changed[sizeof bytes];
    memcpy(changed, bytes, sizeof bytes);
    changed[4] = changed[5] = 0;
    EXPECT_EQ(&h, "incremental = full", checksum_finish(checksum_add(0, changed, sizeof changed)),
              checksum_update16(0x220d, 0xf4f5, 0x0000));
    return harness_end(&h);
}

static int ipv4_example(void) {
    struct harness h;
    harness_begin(&h, "checksum: an IPv4 header by hand [L2.R14]");
    /* 192.168.0.1 -> 192.168.0.199, UDP, total length 0x73, DF, TTL 64.
     * By hand: 4500 + 0073 = 4573; + 0000 = 4573; + 4000 = 8573; + 4011 = c584; + c0a8 = 1862c;
     * + 0001 = 1862d; + c0a8 = 246d5; + 00c7 = 2479c; carry: 479c + 2 = 479e; complement: b861. */
    uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                       0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    STEP(&h, "serialize the same fields");
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_UDP, 0xc0a80001, 0xc0a800c7, 0x73 - 20);
    uint8_t out[60];
    size_t n = 0;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, ipv4_header_serialize(&ip, out, sizeof out, &n));
    EXPECT_EQ(&h, "checksum field", 0xb861, ip.checksum);
    hdr[10] = 0xb8;
    hdr[11] = 0x61;
    EXPECT_BYTES(&h, "header bytes", hdr, sizeof hdr, out, n);
    STEP(&h, "sum over the header including its checksum is all ones");
    EXPECT_EQ(&h, "folded complement", 0, checksum_finish(checksum_add(0, hdr, sizeof hdr)));
    return harness_end(&h);
}

static int split_views(void) {
    struct harness h;
    harness_begin(&h, "checksum: two-piece views equal one piece, at every split point [L2.R14]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    uint8_t data[300];
    for (int round = 0; round < 200; round++) {
        size_t len = (size_t)sponge_rng_below(&rng, sizeof data + 1);
        for (size_t i = 0; i < len; i++) {
            data[i] = (uint8_t)sponge_rng_next(&rng);
        }
        uint32_t start = (uint32_t)sponge_rng_below(&rng, 0x20000); /* a pseudo-header-like prefix */
        uint16_t expected = checksum_finish(checksum_add(start, data, len));
        STEP(&h, "round %d: %zu random bytes, start sum %#x", round, len, start);
        for (size_t split = 0; split <= len; split++) {
            struct byte_view2 v = {{{data, split}, {data + split, len - split}}};
            uint16_t got = checksum_finish(checksum_add_view2(start, &v));
            if (got != expected) {
                FAIL(&h, "split at %zu: got %#x, expected %#x", split, got, expected);
            }
        }
    }
    return harness_end(&h);
}

/* RFC 1071 read literally: big-endian 16-bit words, an odd last byte padded with zero. */
static uint16_t reference_checksum(const uint8_t *data, size_t len) {
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i += 2) {
        sum += (uint32_t)data[i] << 8 | (i + 1 < len ? data[i + 1] : 0);
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* Checks checksum_add over data[0..len) against the reference for every len in [first, last]. */
static void expect_lengths(struct harness *h, const uint8_t *data, size_t first, size_t last) {
    for (size_t len = first; len <= last; len++) {
        uint16_t want = reference_checksum(data, len);
        uint16_t got = checksum_finish(checksum_add(0, data, len));
        if (got != want) {
            FAIL(h, "length %zu: got %#x, expected %#x", len, got, want);
        }
    }
}

static int every_length_and_alignment(void) {
    struct harness h;
    harness_begin(&h, "checksum: every length 0..80 at every alignment 0..7 against a 16-bit reference [L2.R14]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    uint8_t data[96];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)sponge_rng_next(&rng);
    }
    for (size_t align = 0; align < 8; align++) {
        STEP(&h, "data starting at offset %zu", align);
        expect_lengths(&h, data + align, 0, 80);
    }
    return harness_end(&h);
}

static int long_buffers(void) {
    struct harness h;
    harness_begin(&h, "checksum: lengths up to 1600 and a 64 KiB run of 0xff bytes against the reference [L2.R14]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    static uint8_t data[65536 + 8];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)sponge_rng_next(&rng);
    }
    for (size_t align = 0; align < 8; align += 3) {
        STEP(&h, "random data starting at offset %zu, every length 81..1600", align);
        expect_lengths(&h, data + align, 81, 1600);
    }
    STEP(&h, "65536 bytes of 0xff, then 65535 (every partial sum carries)");
    memset(data, 0xff, sizeof data);
    EXPECT_EQ(&h, "65536 bytes", reference_checksum(data, 65536), checksum_finish(checksum_add(0, data, 65536)));
    EXPECT_EQ(&h, "65535 bytes", reference_checksum(data + 1, 65535),
              checksum_finish(checksum_add(0, data + 1, 65535)));
    return harness_end(&h);
}

static int ttl_incremental(void) {
    struct harness h;
    harness_begin(&h, "checksum: RFC 1624 TTL decrement equals a full recompute [L2.R14]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    for (int round = 0; round < 20000; round++) {
        struct ipv4_header ip;
        ipv4_header_init(&ip, (uint8_t)sponge_rng_next(&rng), (uint32_t)sponge_rng_next(&rng),
                         (uint32_t)sponge_rng_next(&rng), (uint16_t)sponge_rng_below(&rng, 65000));
        ip.tos = (uint8_t)sponge_rng_next(&rng);
        ip.id = (uint16_t)sponge_rng_next(&rng);
        ip.df = sponge_rng_next(&rng) & 1;
        ip.mf = sponge_rng_next(&rng) & 1;
        ip.frag_offset = (uint16_t)sponge_rng_below(&rng, 0x2000);
        ip.ttl = (uint8_t)(1 + sponge_rng_below(&rng, 255));
        ip.options_len = (uint8_t)(4 * sponge_rng_below(&rng, 11));
        ip.ihl = (uint8_t)(5 + ip.options_len / 4);
        for (size_t i = 0; i < ip.options_len; i++) {
            ip.options[i] = (uint8_t)sponge_rng_next(&rng);
        }
        uint8_t wire[60];
        size_t n = 0;
        if (ipv4_header_serialize(&ip, wire, sizeof wire, &n) != SPONGE_OK) {
            FAIL(&h, "round %d: serialize failed", round);
        }
        uint8_t ttl = ip.ttl;
        ipv4_header_decrement_ttl(&ip);
        uint16_t incremental = ip.checksum;
        struct ipv4_header full = ip;
        if (ipv4_header_serialize(&full, wire, sizeof wire, &n) != SPONGE_OK) {
            FAIL(&h, "round %d: serialize failed", round);
        }
        if (incremental != full.checksum || ip.ttl != ttl - 1) {
            FAIL(&h, "round %d: ttl %u -> %u: incremental checksum %#x, full recompute %#x", round, ttl, ip.ttl,
                 incremental, full.checksum);
        }
        /* Any other 16-bit word: change the id, update incrementally, compare again. */
        uint16_t new_id = (uint16_t)sponge_rng_next(&rng);
        uint16_t updated = checksum_update16(full.checksum, full.id, new_id);
        full.id = new_id;
        if (ipv4_header_serialize(&full, wire, sizeof wire, &n) != SPONGE_OK || updated != full.checksum) {
            FAIL(&h, "round %d: id change: incremental %#x, full recompute %#x", round, updated, full.checksum);
        }
    }
    STEP(&h, "20000 random headers checked");
    return harness_end(&h);
}

int main(void) {
    return rfc1071_example() | ipv4_example() | split_views() | every_length_and_alignment() | long_buffers() |
           ttl_incremental();
}
