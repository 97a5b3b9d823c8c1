/* The TUN adapter with offloads, without a device: its descriptor is a datagram socketpair (one
 * datagram per read/write, as on TUN) and the test plays the kernel, writing and reading
 * virtio-net headers (wire/virtio_net). Received: a TSO super-segment with NEEDS_CSUM reaches
 * the connection as one segment without its checksum verified; DATA_VALID is trusted; without
 * either flag the checksum is verified; bad headers are counted drops. Sent: a segment marked
 * with tso_mss leaves as one super-segment (TCPV4, gso_size = the MSS) with a partial
 * checksum that, finished as the kernel would, verifies; a plain segment leaves with NEEDS_CSUM
 * and no segmentation. */

#include "adapters/tcp_over_ipv4.h"
#include "harness.h"
#include "wire/ipv4_datagram.h"
#include "wire/virtio_net.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OUR_IP 0xa9fe9009u  /* 169.254.144.9 */
#define PEER_IP 0xa9fe9001u /* 169.254.144.1 */
#define OUR_PORT 40000
#define PEER_PORT 9090
#define PAYLOAD 4000
#define MSS 1448

static const struct tcp_ipv4_config ip_cfg = {
    .local_addr = OUR_IP, .local_port = OUR_PORT, .remote_addr = PEER_IP, .remote_port = PEER_PORT};

static uint8_t payload[PAYLOAD];

/* Writes into out a virtio-net header (flags, gso) and PEER -> OUR datagram with PAYLOAD bytes:
 * with `partial`, the TCP checksum field holds only the pseudo-header's sum (as the kernel
 * leaves it under NEEDS_CSUM), otherwise the full checksum, spoiled if `corrupt`. */
static size_t from_kernel(uint8_t *out, size_t cap, uint8_t flags, uint8_t gso, bool partial, bool corrupt) {
    struct tcp_segment seg = {.header = {.sport = PEER_PORT, .dport = OUR_PORT, .ack = true, .win = 100},
                              .payload = byte_view2_of(payload, sizeof payload)};
    uint8_t tcp[20 + PAYLOAD];
    size_t n = 0;
    tcp_segment_serialize(&seg, PEER_IP, OUR_IP, tcp, sizeof tcp, &n);
    if (partial) {
        uint16_t p = virtio_net_tcp4_partial_checksum(PEER_IP, OUR_IP, (uint16_t)n);
        tcp[16] = (uint8_t)(p >> 8);
        tcp[17] = (uint8_t)p;
    }
    if (corrupt) {
        tcp[17] ^= 1;
    }
    struct virtio_net_header v = {.needs_csum = flags & 1,
                                  .data_valid = flags & 2,
                                  .gso_type = (enum virtio_net_gso)gso,
                                  .hdr_len = 40,
                                  .gso_size = gso ? MSS : 0,
                                  .csum_start = 20,
                                  .csum_offset = 16};
    virtio_net_header_serialize(&v, out);
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_TCP, PEER_IP, OUR_IP, tcp, n);
    ipv4_datagram_serialize(&d, out + VIRTIO_NET_HEADER_LEN, cap - VIRTIO_NET_HEADER_LEN);
    return VIRTIO_NET_HEADER_LEN + ipv4_datagram_len(&d);
}

static bool recv_segment(struct tcp_adapter *ad, struct tcp_segment *seg) {
    bool got = false;
    return tcp_adapter_recv(ad, seg, &got) == SPONGE_OK && got;
}

/* Reads what the adapter wrote, checks the header, finishes the checksum as the kernel would and
 * checks that the TCP segment then verifies and carries payload_len bytes of `payload`. */
static void expect_sent(struct harness *h, int fd, enum virtio_net_gso gso, uint16_t gso_size, size_t payload_len) {
    uint8_t buf[VIRTIO_NET_HEADER_LEN + 65536];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    EXPECT_TRUE(h, "a datagram was written", n > VIRTIO_NET_HEADER_LEN);
    if (n <= VIRTIO_NET_HEADER_LEN) {
        return;
    }
    struct virtio_net_header v;
    EXPECT_EQ(h, "virtio-net header parses", SPONGE_OK, virtio_net_header_parse(buf, (size_t)n, &v));
    EXPECT_EQ(h, "gso_type", gso, v.gso_type);
    EXPECT_EQ(h, "gso_size", gso_size, v.gso_size);
    EXPECT_TRUE(h, "NEEDS_CSUM", v.needs_csum);
    EXPECT_EQ(h, "csum_start (after the IPv4 header)", 20, v.csum_start);
    EXPECT_EQ(h, "csum_offset", 16, v.csum_offset);
    uint8_t *pkt = buf + VIRTIO_NET_HEADER_LEN;
    size_t len = (size_t)n - VIRTIO_NET_HEADER_LEN;
    struct ipv4_datagram d;
    EXPECT_EQ(h, "IPv4 parses", SPONGE_OK, ipv4_datagram_parse(pkt, len, &d));
    EXPECT_EQ(h, "hdr_len", 20 + 20, v.hdr_len);
    virtio_net_finish_checksum(&v, pkt, len);
    struct tcp_segment seg;
    EXPECT_EQ(h, "finished, the TCP checksum verifies", SPONGE_OK,
              tcp_segment_parse(d.payload, d.payload_len, OUR_IP, PEER_IP, true, &seg));
    EXPECT_EQ(h, "payload length", payload_len, byte_view2_len(&seg.payload));
    EXPECT_BYTES(h, "payload", payload, payload_len, seg.payload.part[0].data, seg.payload.part[0].len);
}

int main(void) {
    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = (uint8_t)(i * 7 + 1);
    }
    struct harness h;
    harness_begin(&h, "tcp_ipv4 with TUN offloads: virtio-net headers in and out");
    int fds[2];
    EXPECT_EQ(&h, "socketpair", 0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds));
    struct tcp_ipv4_adapter a;
    EXPECT_EQ(&h, "init", SPONGE_OK, tcp_ipv4_adapter_init(&a, fds[0], true, &ip_cfg));
    EXPECT_EQ(&h, "max_segment", TCP_IPV4_OFFLOAD_MAX_PAYLOAD, tcp_ipv4_adapter_max_segment(&a));
    struct tcp_adapter ad = tcp_ipv4_adapter_as_adapter(&a);
    uint8_t buf[VIRTIO_NET_HEADER_LEN + 20 + 20 + PAYLOAD];
    struct tcp_segment seg;

    STEP(&h, "a super-segment, NEEDS_CSUM, partial checksum: one segment of 4000 bytes");
    size_t n = from_kernel(buf, sizeof buf, 1, VIRTIO_NET_GSO_TCPV4, true, false);
    send(fds[1], buf, n, 0);
    EXPECT_BOOL(&h, "segment received", true, recv_segment(&ad, &seg));
    EXPECT_EQ(&h, "payload length", PAYLOAD, byte_view2_len(&seg.payload));
    EXPECT_BYTES(&h, "payload", payload, PAYLOAD, seg.payload.part[0].data, seg.payload.part[0].len);
    EXPECT_EQ(&h, "super-segments received", 1, a.super_received);

    STEP(&h, "the same partial checksum without NEEDS_CSUM: verified, so dropped");
    n = from_kernel(buf, sizeof buf, 0, VIRTIO_NET_GSO_NONE, true, false);
    send(fds[1], buf, n, 0);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&ad, &seg));
    EXPECT_EQ(&h, "bad_checksum", 1, tcp_ipv4_filter_dropped(&a.filter, TCP_IPV4_DROP_BAD_CHECKSUM));

    STEP(&h, "a full checksum, spoiled: dropped without DATA_VALID, trusted with it");
    n = from_kernel(buf, sizeof buf, 0, VIRTIO_NET_GSO_NONE, false, true);
    send(fds[1], buf, n, 0);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&ad, &seg));
    EXPECT_EQ(&h, "bad_checksum", 2, tcp_ipv4_filter_dropped(&a.filter, TCP_IPV4_DROP_BAD_CHECKSUM));
    n = from_kernel(buf, sizeof buf, 2, VIRTIO_NET_GSO_NONE, false, true);
    send(fds[1], buf, n, 0);
    EXPECT_BOOL(&h, "segment received", true, recv_segment(&ad, &seg));

    STEP(&h, "bad virtio-net headers: counted drops, and the next datagram still arrives");
    n = from_kernel(buf, sizeof buf, 1, VIRTIO_NET_GSO_TCPV4, true, false);
    buf[0] = 0x04; /* a flag not negotiated */
    send(fds[1], buf, n, 0);
    send(fds[1], buf, 5, 0); /* shorter than a header */
    buf[0] = 0x01;
    send(fds[1], buf, n, 0);
    EXPECT_BOOL(&h, "segment received", true, recv_segment(&ad, &seg));
    EXPECT_EQ(&h, "bad virtio-net headers", 2, a.vnet_dropped);

    STEP(&h, "a segment marked tso_mss %d leaves as one super-segment", MSS);
    struct tcp_segment out = {
        .header = {.ack = true, .win = 1000}, .payload = byte_view2_of(payload, PAYLOAD), .tso_mss = MSS};
    EXPECT_EQ(&h, "send", SPONGE_OK, tcp_adapter_send(&ad, &out));
    expect_sent(&h, fds[1], VIRTIO_NET_GSO_TCPV4, MSS, PAYLOAD);
    EXPECT_EQ(&h, "super-segments sent", 1, a.super_sent);

    STEP(&h, "a plain segment: NEEDS_CSUM, no segmentation");
    out = (struct tcp_segment){.header = {.ack = true, .win = 1000}, .payload = byte_view2_of(payload, 100)};
    EXPECT_EQ(&h, "send", SPONGE_OK, tcp_adapter_send(&ad, &out));
    expect_sent(&h, fds[1], VIRTIO_NET_GSO_NONE, 0, 100);
    EXPECT_EQ(&h, "super-segments sent", 1, a.super_sent);

    tcp_ipv4_adapter_destroy(&a);
    close(fds[1]);
    return harness_end(&h);
}
