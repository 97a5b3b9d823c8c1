/* UDP: hand-computed checksum, round trips, zero checksum, the 0xffff rule, every error. */

#include "harness.h"
#include "util/checksum.h"
#include "wire/udp.h"

#include <string.h>

#define SRC 0xa9fe9001u /* 169.254.144.1 */
#define DST 0xa9fe9009u /* 169.254.144.9 */

static int hand_computed(void) {
    struct harness h;
    harness_begin(&h, "udp: a datagram with checksum by hand [L2.R17]");
    /* 169.254.144.1:40145 -> 169.254.144.9:5144, payload "hi", length 10.
     * Pseudo-header: a9fe + 9001 + a9fe + 9009 + 0011 + 000a = 27421.
     * Header: 9cd1 + 1418 + 000a + 0000 = b0f3. Payload: 6869.
     * Total 27421 + b0f3 + 6869 = 38d7d; carry: 8d7d + 3 = 8d80; complement: 727f. */
    const uint8_t expected[] = {0x9c, 0xd1, 0x14, 0x18, 0x00, 0x0a, 0x72, 0x7f, 'h', 'i'};
    struct udp_header u = {.sport = 40145, .dport = 5144};
    struct byte_view2 payload = byte_view2_of("hi", 2);
    uint8_t out[32];
    size_t n = 0;
    STEP(&h, "serialize");
    EXPECT_EQ(&h, "serialize", SPONGE_OK, udp_datagram_serialize(&u, &payload, SRC, DST, out, sizeof out, &n));
    EXPECT_BYTES(&h, "datagram", expected, sizeof expected, out, n);
    EXPECT_EQ(&h, "length stored back", 10, u.length);
    EXPECT_EQ(&h, "checksum stored back", 0x727f, u.checksum);
    STEP(&h, "parse it");
    struct udp_header back;
    struct byte_view pl;
    EXPECT_EQ(&h, "parse", SPONGE_OK, udp_datagram_parse(expected, sizeof expected, SRC, DST, true, &back, &pl));
    EXPECT_EQ(&h, "sport", 40145, back.sport);
    EXPECT_EQ(&h, "dport", 5144, back.dport);
    EXPECT_EQ(&h, "length", 10, back.length);
    EXPECT_EQ(&h, "checksum", 0x727f, back.checksum);
    EXPECT_BYTES(&h, "payload", "hi", 2, pl.data, pl.len);
    EXPECT_TRUE(&h, "payload points into the input", pl.data == expected + 8);
    return harness_end(&h);
}

static int round_trips(void) {
    struct harness h;
    harness_begin(&h, "udp: round trips, split payloads, link padding [L2.R17]");
    uint8_t data[101];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 91 + 3);
    }
    for (size_t len = 0; len <= sizeof data; len++) {
        struct udp_header u = {.sport = (uint16_t)(len * 7), .dport = 65535};
        struct byte_view2 whole = byte_view2_of(data, len);
        uint8_t out[128];
        size_t n = 0;
        if (udp_datagram_serialize(&u, &whole, SRC, DST, out, sizeof out, &n) != SPONGE_OK || n != 8 + len) {
            FAIL(&h, "serialize %zu bytes", len);
        }
        for (size_t split = 0; split <= len; split++) {
            struct byte_view2 two = {{{data, split}, {data + split, len - split}}};
            struct udp_header u2 = {.sport = u.sport, .dport = u.dport};
            uint8_t hdr[8];
            if (udp_header_serialize(&u2, &two, SRC, DST, hdr, sizeof hdr) != SPONGE_OK || memcmp(hdr, out, 8) != 0) {
                FAIL(&h, "payload %zu split at %zu: header differs", len, split);
            }
        }
        /* Two bytes of link padding after the datagram are not payload. */
        out[n] = out[n + 1] = 0xaa;
        struct udp_header back;
        struct byte_view pl;
        enum sponge_err err = udp_datagram_parse(out, n + 2, SRC, DST, true, &back, &pl);
        if (err != SPONGE_OK || back.sport != u.sport || back.dport != 65535 || back.length != n || pl.len != len ||
            (len && memcmp(pl.data, data, len) != 0)) {
            FAIL(&h, "payload %zu: parse back: %s", len, sponge_strerror(err));
        }
    }
    STEP(&h, "payloads 0..101 bytes, every split point, parsed back");
    return harness_end(&h);
}

static int checksum_rules(void) {
    struct harness h;
    harness_begin(&h, "udp: zero checksum means none, computed zero is sent as ffff [L2.R17]");
    uint8_t payload[2] = {0, 0};
    struct udp_header u = {.sport = 1, .dport = 2};
    struct byte_view2 pv = byte_view2_of(payload, 2);
    uint8_t out[16];
    size_t n = 0;
    STEP(&h, "with payload 0000 the checksum is c; with payload c the sum is ffff, so c' = 0 -> ffff");
    EXPECT_EQ(&h, "serialize", SPONGE_OK, udp_datagram_serialize(&u, &pv, SRC, DST, out, sizeof out, &n));
    payload[0] = (uint8_t)(u.checksum >> 8);
    payload[1] = (uint8_t)u.checksum;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, udp_datagram_serialize(&u, &pv, SRC, DST, out, sizeof out, &n));
    EXPECT_EQ(&h, "checksum", 0xffff, u.checksum);
    EXPECT_EQ(&h, "on the wire", 0xffff, (uint16_t)(out[6] << 8 | out[7]));
    struct udp_header back;
    struct byte_view pl;
    EXPECT_EQ(&h, "parse verifies", SPONGE_OK, udp_datagram_parse(out, n, SRC, DST, true, &back, &pl));
    STEP(&h, "checksum field 0: accepted even with a corrupted payload");
    out[6] = out[7] = 0;
    out[8] ^= 0x55;
    EXPECT_EQ(&h, "parse", SPONGE_OK, udp_datagram_parse(out, n, SRC, DST, true, &back, &pl));
    EXPECT_EQ(&h, "checksum", 0, back.checksum);
    return harness_end(&h);
}

static int errors(void) {
    struct harness h;
    harness_begin(&h, "udp: every parse error and output buffers [L2.R17]");
    uint8_t buf[20];
    struct udp_header u = {.sport = 9, .dport = 10};
    struct byte_view2 pv = byte_view2_of("abcdefghijkl", 12);
    size_t n = 0;
    EXPECT_EQ(&h, "serialize 20 bytes", SPONGE_OK, udp_datagram_serialize(&u, &pv, SRC, DST, buf, sizeof buf, &n));
    struct udp_header back;
    struct byte_view pl;
    STEP(&h, "7 bytes, and none");
    EXPECT_EQ(&h, "parse", SPONGE_ERR_PACKET_TOO_SHORT, udp_datagram_parse(buf, 7, SRC, DST, true, &back, &pl));
    EXPECT_EQ(&h, "parse", SPONGE_ERR_PACKET_TOO_SHORT, udp_datagram_parse(NULL, 0, SRC, DST, true, &back, &pl));
    STEP(&h, "19 of the 20 bytes");
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, udp_datagram_parse(buf, 19, SRC, DST, true, &back, &pl));
    STEP(&h, "every single-bit flip outside the length field fails the checksum");
    for (size_t bit = 0; bit < n * 8; bit++) {
        if (bit / 8 == 4 || bit / 8 == 5) {
            continue;
        }
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        enum sponge_err err = udp_datagram_parse(buf, n, SRC, DST, true, &back, &pl);
        bool zeroed = buf[6] == 0 && buf[7] == 0; /* the flip made the checksum "none" */
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (err != (zeroed ? SPONGE_OK : SPONGE_ERR_BAD_CHECKSUM)) {
            FAIL(&h, "bit %zu flipped: %s", bit, sponge_strerror(err));
        }
    }
    STEP(&h, "without verification a flipped payload bit is accepted");
    buf[10] ^= 1;
    EXPECT_EQ(&h, "parse", SPONGE_OK, udp_datagram_parse(buf, n, SRC, DST, false, &back, &pl));
    buf[10] ^= 1;
    STEP(&h, "length field 7, then 21");
    buf[5] = 7;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_HEADER_TOO_SHORT, udp_datagram_parse(buf, n, SRC, DST, true, &back, &pl));
    buf[5] = 21;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, udp_datagram_parse(buf, n, SRC, DST, true, &back, &pl));
    STEP(&h, "length field 16: a shorter datagram, its checksum no longer matches");
    buf[5] = 16;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_BAD_CHECKSUM, udp_datagram_parse(buf, n, SRC, DST, true, &back, &pl));
    STEP(&h, "serialize into small buffers");
    EXPECT_EQ(&h, "datagram into 19", SPONGE_ERR_BUFFER_TOO_SMALL,
              udp_datagram_serialize(&u, &pv, SRC, DST, buf, 19, &n));
    EXPECT_EQ(&h, "header into 7", SPONGE_ERR_BUFFER_TOO_SMALL, udp_header_serialize(&u, &pv, SRC, DST, buf, 7));
    EXPECT_EQ(&h, "header into 8", SPONGE_OK, udp_header_serialize(&u, &pv, SRC, DST, buf, 8));
    return harness_end(&h);
}

int main(void) {
    return hand_computed() | round_trips() | checksum_rules() | errors();
}
