/* The virtio-net header of TUN offloads (wire/virtio_net): the fields of a header as the kernel
 * writes it, round trips, every error, and the partial checksum: finishing it gives the same
 * checksum as summing the whole segment. */

#include "harness.h"
#include "util/checksum.h"
#include "wire/tcp.h"
#include "wire/virtio_net.h"

#include <string.h>

#define SRC 0xa9fe9001u /* 169.254.144.1 */
#define DST 0xa9fe9009u /* 169.254.144.9 */

static int kernel_header(void) {
    struct harness h;
    harness_begin(&h, "virtio_net: a TSO super-segment's header as the kernel writes it");
    /* NEEDS_CSUM, TCPV4, hdr_len 52, gso_size 1448, csum_start 20, csum_offset 16 (little-endian). */
    uint8_t frame[VIRTIO_NET_HEADER_LEN + 3000] = {0x01, 0x01, 52, 0, 0xa8, 0x05, 20, 0, 16, 0};
    struct virtio_net_header v;
    STEP(&h, "parse");
    EXPECT_EQ(&h, "parse", SPONGE_OK, virtio_net_header_parse(frame, sizeof frame, &v));
    EXPECT_TRUE(&h, "needs_csum", v.needs_csum);
    EXPECT_TRUE(&h, "not data_valid", !v.data_valid);
    EXPECT_EQ(&h, "gso_type", VIRTIO_NET_GSO_TCPV4, v.gso_type);
    EXPECT_EQ(&h, "hdr_len", 52, v.hdr_len);
    EXPECT_EQ(&h, "gso_size", 1448, v.gso_size);
    EXPECT_EQ(&h, "csum_start", 20, v.csum_start);
    EXPECT_EQ(&h, "csum_offset", 16, v.csum_offset);
    STEP(&h, "serialize gives the same bytes");
    uint8_t out[VIRTIO_NET_HEADER_LEN];
    virtio_net_header_serialize(&v, out);
    EXPECT_BYTES(&h, "header", frame, VIRTIO_NET_HEADER_LEN, out, sizeof out);
    STEP(&h, "DATA_VALID on a plain packet");
    const uint8_t valid[VIRTIO_NET_HEADER_LEN + 40] = {0x02};
    EXPECT_EQ(&h, "parse", SPONGE_OK, virtio_net_header_parse(valid, sizeof valid, &v));
    EXPECT_TRUE(&h, "data_valid", v.data_valid && !v.needs_csum && v.gso_type == VIRTIO_NET_GSO_NONE);
    return harness_end(&h);
}

static int errors(void) {
    struct harness h;
    harness_begin(&h, "virtio_net: every error, and never a read past the input");
    uint8_t frame[VIRTIO_NET_HEADER_LEN + 60] = {0x01, 0x00, 0, 0, 0, 0, 20, 0, 16, 0};
    struct virtio_net_header v;
    STEP(&h, "every length below 10 is too short");
    for (size_t len = 0; len < VIRTIO_NET_HEADER_LEN; len++) {
        if (virtio_net_header_parse(frame, len, &v) != SPONGE_ERR_PACKET_TOO_SHORT) {
            FAIL(&h, "length %zu not PACKET_TOO_SHORT", len);
        }
    }
    STEP(&h, "the checksum field must lie inside the packet: 38 bytes is the least");
    EXPECT_EQ(&h, "37 bytes", SPONGE_ERR_TRUNCATED, virtio_net_header_parse(frame, VIRTIO_NET_HEADER_LEN + 37, &v));
    EXPECT_EQ(&h, "38 bytes", SPONGE_OK, virtio_net_header_parse(frame, VIRTIO_NET_HEADER_LEN + 38, &v));
    STEP(&h, "csum_start 0xffff + csum_offset 0xffff does not wrap");
    frame[6] = frame[7] = frame[8] = frame[9] = 0xff;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, virtio_net_header_parse(frame, sizeof frame, &v));
    frame[6] = 20, frame[7] = 0, frame[8] = 16, frame[9] = 0;
    STEP(&h, "hdr_len past the packet");
    frame[2] = 61;
    EXPECT_EQ(&h, "hdr_len 61 of 60", SPONGE_ERR_TRUNCATED, virtio_net_header_parse(frame, sizeof frame, &v));
    frame[2] = 60;
    EXPECT_EQ(&h, "hdr_len 60 of 60", SPONGE_OK, virtio_net_header_parse(frame, sizeof frame, &v));
    STEP(&h, "flags and types not negotiated");
    const uint8_t bad_flags[] = {0x04, 0x08, 0x80};
    for (size_t i = 0; i < sizeof bad_flags; i++) {
        frame[0] = (uint8_t)(0x01 | bad_flags[i]);
        EXPECT_EQ(&h, "flag", SPONGE_ERR_UNSUPPORTED, virtio_net_header_parse(frame, sizeof frame, &v));
    }
    frame[0] = 0x01;
    const uint8_t bad_gso[] = {2, 3, 4, 5, 0x81, 0x80};
    for (size_t i = 0; i < sizeof bad_gso; i++) {
        frame[1] = bad_gso[i];
        frame[4] = 100;
        EXPECT_EQ(&h, "gso_type", SPONGE_ERR_UNSUPPORTED, virtio_net_header_parse(frame, sizeof frame, &v));
    }
    STEP(&h, "a TCPV4 super-segment needs a piece size and NEEDS_CSUM");
    frame[1] = VIRTIO_NET_GSO_TCPV4;
    frame[4] = 0;
    EXPECT_EQ(&h, "gso_size 0", SPONGE_ERR_UNSUPPORTED, virtio_net_header_parse(frame, sizeof frame, &v));
    frame[4] = 100;
    frame[0] = 0;
    EXPECT_EQ(&h, "no NEEDS_CSUM", SPONGE_ERR_UNSUPPORTED, virtio_net_header_parse(frame, sizeof frame, &v));
    frame[0] = 0x01;
    EXPECT_EQ(&h, "both", SPONGE_OK, virtio_net_header_parse(frame, sizeof frame, &v));
    return harness_end(&h);
}

static int checksums(void) {
    struct harness h;
    harness_begin(&h, "virtio_net: the partial checksum, finished, equals the full one");
    STEP(&h, "the pseudo-header's folded sum by hand");
    /* a9fe + 9001 + a9fe + 9009 + 0006 + 0014 = 27420; folded: 7420 + 2 = 7422. */
    EXPECT_EQ(&h, "partial for 20 bytes", 0x7422, virtio_net_tcp4_partial_checksum(SRC, DST, 20));
    uint8_t payload[3001];
    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = (uint8_t)(i * 37 + 11);
    }
    const size_t lens[] = {0, 1, 2, 1459, 1460, 1461, 3001};
    for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
        STEP(&h, "a segment with %zu payload bytes", lens[k]);
        struct tcp_segment seg = {.header = {.sport = 9090, .dport = 40000, .ack = true, .win = 512},
                                  .payload = byte_view2_of(payload, lens[k])};
        seg.header.seqno = wrap32_of(12345);
        uint8_t full[20 + 20 + sizeof payload], partial[20 + 20 + sizeof payload];
        size_t n = 0;
        memset(full, 0x45, 20); /* an IPv4 header's place: csum_start is 20 */
        EXPECT_EQ(&h, "serialize", SPONGE_OK, tcp_segment_serialize(&seg, SRC, DST, full + 20, sizeof full - 20, &n));
        memcpy(partial, full, 20 + n);
        uint16_t p = virtio_net_tcp4_partial_checksum(SRC, DST, (uint16_t)n);
        partial[20 + 16] = (uint8_t)(p >> 8);
        partial[20 + 17] = (uint8_t)p;
        struct virtio_net_header v = virtio_net_tcp4_header(20, 20, lens[k], 1460);
        EXPECT_EQ(&h, "gso_type", lens[k] > 1460 ? VIRTIO_NET_GSO_TCPV4 : VIRTIO_NET_GSO_NONE, v.gso_type);
        EXPECT_EQ(&h, "gso_size", lens[k] > 1460 ? 1460 : 0, v.gso_size);
        EXPECT_EQ(&h, "hdr_len", 40, v.hdr_len);
        EXPECT_TRUE(&h, "needs_csum at 20 + 16", v.needs_csum && v.csum_start == 20 && v.csum_offset == 16);
        virtio_net_finish_checksum(&v, partial, 20 + n);
        EXPECT_BYTES(&h, "finished segment", full, 20 + n, partial, 20 + n);
    }
    STEP(&h, "mss 0: never a super-segment");
    EXPECT_EQ(&h, "gso_type", VIRTIO_NET_GSO_NONE, virtio_net_tcp4_header(20, 20, 60000, 0).gso_type);
    STEP(&h, "finish does nothing without NEEDS_CSUM");
    uint8_t pkt[40] = {0};
    struct virtio_net_header none = {0};
    virtio_net_finish_checksum(&none, pkt, sizeof pkt);
    const uint8_t zeros[40] = {0};
    EXPECT_BYTES(&h, "packet", zeros, sizeof zeros, pkt, sizeof pkt);
    return harness_end(&h);
}

int main(void) {
    return kernel_header() | errors() | checksums();
}
