/* Every parser but TCP's on the same bytes (IPv4 header and datagram, UDP, Ethernet, ARP, the
 * virtio-net header of TUN offloads).
 * Invariants: a parse never reads out of bounds (ASan), views stay inside the input, and what
 * parses serializes back to the same fields (to the same bytes where the format has no
 * freedom). */
#include "fuzz_targets.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/ipv4_datagram.h"
#include "wire/udp.h"
#include "wire/virtio_net.h"

#include <string.h>

static void check_ipv4(const uint8_t *data, size_t len) {
    struct ipv4_header h;
    size_t off = 0;
    if (ipv4_header_parse(data, len, &h, &off) != SPONGE_OK) {
        struct ipv4_datagram d;
        FUZZ_CHECK(ipv4_datagram_parse(data, len, &d) != SPONGE_OK);
        return;
    }
    FUZZ_CHECK(off == (size_t)h.ihl * 4 && off <= h.total_len && h.total_len <= len);
    uint8_t out[IPV4_MAX_HEADER_LEN];
    size_t written = 0;
    struct ipv4_header copy = h;
    FUZZ_CHECK(ipv4_header_serialize(&copy, out, sizeof out, &written) == SPONGE_OK && written == off);
    struct ipv4_header again;
    size_t off2 = 0;
    /* The serialized header stands alone: give the parser enough bytes for total_len. */
    uint8_t whole[65536];
    memcpy(whole, out, written);
    memset(whole + written, 0, h.total_len - written);
    FUZZ_CHECK(ipv4_header_parse(whole, h.total_len, &again, &off2) == SPONGE_OK && off2 == off);
    again.checksum = h.checksum;
    FUZZ_CHECK(memcmp(&again.options, &h.options, h.options_len) == 0);
    FUZZ_CHECK(again.version == h.version && again.ihl == h.ihl && again.tos == h.tos &&
               again.total_len == h.total_len && again.id == h.id && again.reserved_flag == h.reserved_flag &&
               again.df == h.df && again.mf == h.mf && again.frag_offset == h.frag_offset && again.ttl == h.ttl &&
               again.protocol == h.protocol && again.src == h.src && again.dst == h.dst &&
               again.options_len == h.options_len);

    /* A router's TTL decrement updates the checksum incrementally (RFC 1624): the header
     * written with the carried checksum must still verify. */
    if (h.ttl > 0) {
        struct ipv4_header dec = h;
        ipv4_header_decrement_ttl(&dec);
        struct ipv4_datagram dd = {.header = dec, .payload = data + off, .payload_len = h.total_len - off};
        FUZZ_CHECK(dec.ttl == h.ttl - 1);
        FUZZ_CHECK(ipv4_datagram_serialize(&dd, whole, sizeof whole) == SPONGE_OK);
        FUZZ_CHECK(ipv4_header_parse(whole, h.total_len, &again, &off2) == SPONGE_OK && again.ttl == dec.ttl);
    }

    struct ipv4_datagram d;
    FUZZ_CHECK(ipv4_datagram_parse(data, len, &d) == SPONGE_OK);
    FUZZ_CHECK(d.payload == data + off && d.payload_len == (size_t)h.total_len - off);
    FUZZ_CHECK(ipv4_datagram_len(&d) == h.total_len);
    FUZZ_CHECK(ipv4_datagram_serialize(&d, whole, sizeof whole) == SPONGE_OK);
    FUZZ_CHECK(memcmp(whole + off, data + off, d.payload_len) == 0);
}

static void check_udp(const uint8_t *data, size_t len) {
    uint32_t src = len >= 4 ? (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3] : 0;
    uint32_t dst = ~src;
    if (len > 65535) {
        return;
    }
    for (int verify = 0; verify < 2; verify++) {
        struct udp_header h;
        struct byte_view payload;
        if (udp_datagram_parse(data, len, src, dst, verify, &h, &payload) != SPONGE_OK) {
            continue;
        }
        FUZZ_CHECK(h.length >= UDP_HEADER_LEN && h.length <= len);
        FUZZ_CHECK(payload.data == data + UDP_HEADER_LEN && payload.len == (size_t)h.length - UDP_HEADER_LEN);
        /* Serialize and parse again with checksum verification: same ports and payload. */
        uint8_t out[65536];
        size_t written = 0;
        struct byte_view2 pv = byte_view2_of(payload.data, payload.len);
        struct udp_header h2 = h;
        FUZZ_CHECK(udp_datagram_serialize(&h2, &pv, src, dst, out, sizeof out, &written) == SPONGE_OK);
        FUZZ_CHECK(written == h.length);
        struct udp_header h3;
        struct byte_view p3;
        FUZZ_CHECK(udp_datagram_parse(out, written, src, dst, true, &h3, &p3) == SPONGE_OK);
        FUZZ_CHECK(h3.sport == h.sport && h3.dport == h.dport && h3.length == h.length && p3.len == payload.len);
        FUZZ_CHECK(payload.len == 0 || memcmp(p3.data, payload.data, payload.len) == 0);
    }
}

static void check_link(const uint8_t *data, size_t len) {
    struct ethernet_header eh;
    if (ethernet_header_parse(data, len, &eh) == SPONGE_OK) {
        uint8_t out[ETH_HEADER_LEN];
        FUZZ_CHECK(len >= ETH_HEADER_LEN);
        FUZZ_CHECK(ethernet_header_serialize(&eh, out, sizeof out) == SPONGE_OK);
        FUZZ_CHECK(memcmp(out, data, ETH_HEADER_LEN) == 0);
    } else {
        FUZZ_CHECK(len < ETH_HEADER_LEN);
    }
    struct arp_message m;
    if (arp_message_parse(data, len, &m) == SPONGE_OK) {
        uint8_t out[ARP_MESSAGE_LEN];
        FUZZ_CHECK(arp_message_serialize(&m, out, sizeof out) == SPONGE_OK);
        FUZZ_CHECK(memcmp(out, data, ARP_MESSAGE_LEN) == 0);
    }
}

/* A virtio-net header that parses serializes to the same 10 bytes, and finishing its checksum
 * stays inside the packet. */
static void check_virtio_net(const uint8_t *data, size_t len) {
    struct virtio_net_header v;
    if (len > 65536 + VIRTIO_NET_HEADER_LEN || virtio_net_header_parse(data, len, &v) != SPONGE_OK) {
        return;
    }
    uint8_t out[VIRTIO_NET_HEADER_LEN];
    virtio_net_header_serialize(&v, out);
    FUZZ_CHECK(memcmp(out, data, VIRTIO_NET_HEADER_LEN) == 0);
    uint8_t pkt[65536];
    size_t n = len - VIRTIO_NET_HEADER_LEN;
    memcpy(pkt, data + VIRTIO_NET_HEADER_LEN, n);
    virtio_net_finish_checksum(&v, pkt, n);
}

int fuzz_parsers(const uint8_t *data, size_t len) {
    check_virtio_net(data, len);
    check_ipv4(data, len);
    check_udp(data, len);
    check_link(data, len);
    /* The same bytes behind an Ethernet header, as the network interface sees them. */
    if (len > ETH_HEADER_LEN) {
        check_ipv4(data + ETH_HEADER_LEN, len - ETH_HEADER_LEN);
        check_link(data + ETH_HEADER_LEN, len - ETH_HEADER_LEN);
    }
    return 0;
}
