/* IPv4 header: round trips, every error code, addresses. */

#include "harness.h"
#include "util/checksum.h"
#include "wire/ipv4.h"

#include <string.h>

/* Recomputes the header checksum of raw header bytes after a test edited them. */
static void fix_checksum(uint8_t *hdr, size_t hlen) {
    hdr[10] = hdr[11] = 0;
    uint16_t c = checksum_finish(checksum_add(0, hdr, hlen));
    hdr[10] = (uint8_t)(c >> 8);
    hdr[11] = (uint8_t)c;
}

static int round_trip(void) {
    struct harness h;
    harness_begin(&h, "ipv4: round trip with options and every field set [L2.R15]");
    struct ipv4_header ip;
    STEP(&h, "init TCP 169.254.144.9 -> 169.254.144.1, 100 bytes payload");
    ipv4_header_init(&ip, IPV4_PROTO_TCP, 0xa9fe9009, 0xa9fe9001, 100);
    EXPECT_EQ(&h, "version", 4, ip.version);
    EXPECT_EQ(&h, "ihl", 5, ip.ihl);
    EXPECT_EQ(&h, "total_len", 120, ip.total_len);
    EXPECT_EQ(&h, "ttl", 64, ip.ttl);
    EXPECT_TRUE(&h, "df", ip.df);
    STEP(&h, "set tos, id, MF, fragment offset, ttl and 8 option bytes");
    ip.tos = 0xb8;
    ip.id = 0xbeef;
    ip.df = false;
    ip.mf = true;
    ip.frag_offset = 0x1abc;
    ip.ttl = 3;
    ip.options_len = 8;
    ip.ihl = 7;
    ip.total_len = 28 + 100;
    const uint8_t opts[8] = {0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00}; /* router alert, NOPs, EOL */
    memcpy(ip.options, opts, sizeof opts);
    uint8_t buf[128] = {0};
    size_t n = 0;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, ipv4_header_serialize(&ip, buf, sizeof buf, &n));
    EXPECT_EQ(&h, "written", 28, n);
    EXPECT_EQ(&h, "first byte 0x47", 0x47, buf[0]);
    EXPECT_EQ(&h, "flags+offset word high byte (MF | 0x1a)", 0x3a, buf[6]);
    STEP(&h, "parse it back (128 bytes: 28 header + 100 payload)");
    struct ipv4_header back;
    memset(&back, 0xee, sizeof back);
    size_t off = 0;
    EXPECT_EQ(&h, "parse", SPONGE_OK, ipv4_header_parse(buf, sizeof buf, &back, &off));
    EXPECT_EQ(&h, "payload_off", 28, off);
    EXPECT_EQ(&h, "version", 4, back.version);
    EXPECT_EQ(&h, "ihl", 7, back.ihl);
    EXPECT_EQ(&h, "tos", 0xb8, back.tos);
    EXPECT_EQ(&h, "total_len", 128, back.total_len);
    EXPECT_EQ(&h, "id", 0xbeef, back.id);
    EXPECT_BOOL(&h, "df", false, back.df);
    EXPECT_BOOL(&h, "mf", true, back.mf);
    EXPECT_EQ(&h, "frag_offset", 0x1abc, back.frag_offset);
    EXPECT_EQ(&h, "ttl", 3, back.ttl);
    EXPECT_EQ(&h, "protocol", IPV4_PROTO_TCP, back.protocol);
    EXPECT_EQ(&h, "checksum", ip.checksum, back.checksum);
    EXPECT_EQ(&h, "src", 0xa9fe9009, back.src);
    EXPECT_EQ(&h, "dst", 0xa9fe9001, back.dst);
    EXPECT_EQ(&h, "options_len", 8, back.options_len);
    EXPECT_BYTES(&h, "options", opts, sizeof opts, back.options, back.options_len);
    STEP(&h, "decrement ttl twice and serialize: still parses");
    ipv4_header_decrement_ttl(&back);
    ipv4_header_decrement_ttl(&back);
    uint16_t incremental = back.checksum;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, ipv4_header_serialize(&back, buf, sizeof buf, &n));
    EXPECT_EQ(&h, "incremental checksum = recomputed", back.checksum, incremental);
    EXPECT_EQ(&h, "parse", SPONGE_OK, ipv4_header_parse(buf, sizeof buf, &back, &off));
    EXPECT_EQ(&h, "ttl", 1, back.ttl);
    STEP(&h, "link padding after total_len is ignored");
    back.total_len = 100;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, ipv4_header_serialize(&back, buf, sizeof buf, &n));
    EXPECT_EQ(&h, "parse 128 bytes of a 100-byte datagram", SPONGE_OK, ipv4_header_parse(buf, 128, &back, &off));
    EXPECT_EQ(&h, "total_len", 100, back.total_len);
    STEP(&h, "serialize into a 27-byte buffer");
    EXPECT_EQ(&h, "serialize", SPONGE_ERR_BUFFER_TOO_SMALL, ipv4_header_serialize(&back, buf, 27, &n));
    return harness_end(&h);
}

static int errors(void) {
    struct harness h;
    harness_begin(&h, "ipv4: every parse error [L2.R15]");
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_UDP, 0xa9fe9001, 0xa9fe9009, 20);
    uint8_t good[40] = {0};
    size_t n = 0;
    EXPECT_EQ(&h, "serialize a 40-byte datagram", SPONGE_OK, ipv4_header_serialize(&ip, good, sizeof good, &n));
    uint8_t buf[40];
    struct ipv4_header out;
    size_t off = 0;

    STEP(&h, "19 bytes");
    EXPECT_EQ(&h, "parse", SPONGE_ERR_PACKET_TOO_SHORT, ipv4_header_parse(good, 19, &out, &off));
    EXPECT_EQ(&h, "parse of 0 bytes", SPONGE_ERR_PACKET_TOO_SHORT, ipv4_header_parse(NULL, 0, &out, &off));

    STEP(&h, "version 6 (checksum fixed)");
    memcpy(buf, good, sizeof buf);
    buf[0] = 0x65;
    fix_checksum(buf, 20);
    EXPECT_EQ(&h, "parse", SPONGE_ERR_WRONG_IP_VERSION, ipv4_header_parse(buf, sizeof buf, &out, &off));

    STEP(&h, "ihl 4 (checksum fixed)");
    memcpy(buf, good, sizeof buf);
    buf[0] = 0x44;
    fix_checksum(buf, 20);
    EXPECT_EQ(&h, "parse", SPONGE_ERR_HEADER_TOO_SHORT, ipv4_header_parse(buf, sizeof buf, &out, &off));
    buf[0] = 0x40;
    EXPECT_EQ(&h, "parse ihl 0", SPONGE_ERR_HEADER_TOO_SHORT, ipv4_header_parse(buf, sizeof buf, &out, &off));

    STEP(&h, "ihl 15 (60 bytes) in 40 bytes");
    memcpy(buf, good, sizeof buf);
    buf[0] = 0x4f;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, ipv4_header_parse(buf, sizeof buf, &out, &off));

    STEP(&h, "total_len 41 in 40 bytes (checksum fixed)");
    memcpy(buf, good, sizeof buf);
    buf[3] = 41;
    fix_checksum(buf, 20);
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, ipv4_header_parse(buf, sizeof buf, &out, &off));
    STEP(&h, "the whole 40-byte datagram in 39 bytes");
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, ipv4_header_parse(good, 39, &out, &off));

    STEP(&h, "total_len 19, below the header length (checksum fixed)");
    memcpy(buf, good, sizeof buf);
    buf[3] = 19;
    fix_checksum(buf, 20);
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, ipv4_header_parse(buf, sizeof buf, &out, &off));

    STEP(&h, "flip each bit of the header in turn");
    for (int bit = 0; bit < 160; bit++) {
        memcpy(buf, good, sizeof buf);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        enum sponge_err err = ipv4_header_parse(buf, sizeof buf, &out, &off);
        /* Version, ihl and total length bits trip their own checks first. */
        if (err == SPONGE_OK) {
            FAIL(&h, "bit %d flipped: parse accepted the header", bit);
        }
        if (bit / 8 != 0 && bit / 8 != 2 && bit / 8 != 3 && err != SPONGE_ERR_BAD_CHECKSUM) {
            FAIL(&h, "bit %d flipped: %s, expected bad checksum", bit, sponge_strerror(err));
        }
    }
    STEP(&h, "the unmodified datagram still parses");
    EXPECT_EQ(&h, "parse", SPONGE_OK, ipv4_header_parse(good, sizeof good, &out, &off));
    return harness_end(&h);
}

static int addresses(void) {
    struct harness h;
    harness_begin(&h, "ipv4: dotted-quad addresses [L2.R15]");
    char text[16];
    uint32_t a = 0;
    STEP(&h, "format 169.254.144.9 and 0.0.0.0 and 255.255.255.255");
    const uint32_t addrs[] = {0xa9fe9009, 0, 0xffffffff};
    const char *texts[] = {"169.254.144.9", "0.0.0.0", "255.255.255.255"};
    for (int i = 0; i < 3; i++) {
        ipv4_format(addrs[i], text);
        EXPECT_BYTES(&h, "text", texts[i], strlen(texts[i]) + 1, text, strlen(text) + 1);
    }
    STEP(&h, "parse good addresses");
    EXPECT_TRUE(&h, "169.254.144.9", ipv4_parse_address("169.254.144.9", &a));
    EXPECT_EQ(&h, "value", 0xa9fe9009, a);
    EXPECT_TRUE(&h, "0.0.0.0", ipv4_parse_address("0.0.0.0", &a));
    EXPECT_EQ(&h, "value", 0, a);
    EXPECT_TRUE(&h, "255.255.255.255", ipv4_parse_address("255.255.255.255", &a));
    EXPECT_EQ(&h, "value", 0xffffffff, a);
    STEP(&h, "refuse bad ones");
    const char *bad[] = {"",         "1.2.3",      "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1..3.4",
                         "01.2.3.4", "1.2.3.1000", "a.b.c.d",   "1.2.3.",    "-1.2.3.4", "1.2.3.4."};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = 7;
        EXPECT_BOOL(&h, bad[i], false, ipv4_parse_address(bad[i], &a));
        EXPECT_EQ(&h, "untouched", 7, a);
    }
    return harness_end(&h);
}

int main(void) {
    return round_trip() | errors() | addresses();
}
