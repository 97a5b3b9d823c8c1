#ifndef SPONGE_TESTS_LAB5_NI_STEPS_H
#define SPONGE_TESTS_LAB5_NI_STEPS_H

/* Steps shared by the NetworkInterface tests: build frames as a peer would, and pop the
 * interface's frames checking only the fields a step names. */

#include "harness.h"
#include "net/network_interface.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/ipv4_datagram.h"

#include <stdio.h>
#include <string.h>

#define FRAME_MAX 1600

static inline uint32_t ip4(unsigned a, unsigned b, unsigned c, unsigned d) {
    return (uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d;
}

/* A locally administered unicast address 02:00:00:00:00:xx. */
static inline struct eth_addr mac(uint8_t last) {
    struct eth_addr a = {{0x02, 0, 0, 0, 0, last}};
    return a;
}

static inline struct eth_addr mac_zero(void) {
    struct eth_addr a = {{0}};
    return a;
}

/* A UDP-protocol datagram src -> dst carrying the text `payload` (kept as a view). */
static inline struct ipv4_datagram dgram(uint32_t src, uint32_t dst, const char *payload) {
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, src, dst, (const uint8_t *)payload, strlen(payload));
    return d;
}

/* Frames as a peer would send them; each returns the frame length written to buf. */
static inline size_t arp_frame(uint8_t *buf, struct eth_addr eth_dst, uint16_t opcode, struct eth_addr sender_eth,
                               uint32_t sender_ip, struct eth_addr target_eth, uint32_t target_ip) {
    struct ethernet_header eh = {.dst = eth_dst, .src = sender_eth, .ethertype = ETHERTYPE_ARP};
    struct arp_message m = {opcode, sender_eth, sender_ip, target_eth, target_ip};
    ethernet_header_serialize(&eh, buf, FRAME_MAX);
    arp_message_serialize(&m, buf + ETH_HEADER_LEN, FRAME_MAX - ETH_HEADER_LEN);
    return ETH_HEADER_LEN + ARP_MESSAGE_LEN;
}

static inline size_t ipv4_frame(uint8_t *buf, struct eth_addr eth_dst, struct eth_addr eth_src,
                                const struct ipv4_datagram *d) {
    struct ethernet_header eh = {.dst = eth_dst, .src = eth_src, .ethertype = ETHERTYPE_IPV4};
    ethernet_header_serialize(&eh, buf, FRAME_MAX);
    ipv4_datagram_serialize(d, buf + ETH_HEADER_LEN, FRAME_MAX - ETH_HEADER_LEN);
    return ETH_HEADER_LEN + ipv4_datagram_len(d);
}

static inline void expect_eth(struct harness *h, const char *what, struct eth_addr expected, struct eth_addr actual) {
    EXPECT_BYTES(h, what, expected.b, ETH_ADDR_LEN, actual.b, ETH_ADDR_LEN);
}

/* Pops the next frame and checks that it is the given ARP message from `ni`. */
static inline void expect_arp_frame(struct harness *h, struct network_interface *ni, struct eth_addr eth_dst,
                                    uint16_t opcode, struct eth_addr target_eth, uint32_t target_ip) {
    struct byte_view f;
    EXPECT_TRUE(h, "a frame is queued", network_interface_frames_out(ni, &f));
    struct ethernet_header eh;
    EXPECT_EQ(h, "ethernet parse result", SPONGE_OK, ethernet_header_parse(f.data, f.len, &eh));
    expect_eth(h, "frame destination", eth_dst, eh.dst);
    expect_eth(h, "frame source", network_interface_eth(ni), eh.src);
    EXPECT_EQ(h, "ethertype", ETHERTYPE_ARP, eh.ethertype);
    struct arp_message m;
    EXPECT_EQ(h, "ARP parse result", SPONGE_OK, arp_message_parse(f.data + ETH_HEADER_LEN, f.len - ETH_HEADER_LEN, &m));
    EXPECT_EQ(h, "ARP opcode", opcode, m.opcode);
    expect_eth(h, "ARP sender Ethernet address", network_interface_eth(ni), m.sender_eth);
    EXPECT_EQ(h, "ARP sender IP", network_interface_ip(ni), m.sender_ip);
    expect_eth(h, "ARP target Ethernet address", target_eth, m.target_eth);
    EXPECT_EQ(h, "ARP target IP", target_ip, m.target_ip);
}

/* Pops the next frame and checks that it carries exactly `expected` to eth_dst. */
static inline void expect_ipv4_frame(struct harness *h, struct network_interface *ni, struct eth_addr eth_dst,
                                     const struct ipv4_datagram *expected) {
    struct byte_view f;
    EXPECT_TRUE(h, "a frame is queued", network_interface_frames_out(ni, &f));
    struct ethernet_header eh;
    EXPECT_EQ(h, "ethernet parse result", SPONGE_OK, ethernet_header_parse(f.data, f.len, &eh));
    expect_eth(h, "frame destination", eth_dst, eh.dst);
    expect_eth(h, "frame source", network_interface_eth(ni), eh.src);
    EXPECT_EQ(h, "ethertype", ETHERTYPE_IPV4, eh.ethertype);
    uint8_t want[FRAME_MAX];
    size_t want_len = ipv4_datagram_len(expected);
    ipv4_datagram_serialize(expected, want, sizeof want);
    EXPECT_BYTES(h, "datagram bytes", want, want_len, f.data + ETH_HEADER_LEN, f.len - ETH_HEADER_LEN);
}

static inline void expect_no_frame(struct harness *h, struct network_interface *ni) {
    struct byte_view f;
    EXPECT_BOOL(h, "a frame is queued", false, network_interface_frames_out(ni, &f));
}

/* Gives the frame to the interface and checks whether a datagram came out; if one was
 * expected, it must equal `expected` byte for byte. */
static inline void recv_expect(struct harness *h, struct network_interface *ni, const uint8_t *frame, size_t len,
                               const struct ipv4_datagram *expected) {
    struct ipv4_datagram got;
    bool delivered = network_interface_recv_frame(ni, frame, len, &got);
    EXPECT_BOOL(h, "a datagram is delivered", expected != NULL, delivered);
    if (expected) {
        uint8_t want[FRAME_MAX], have[FRAME_MAX];
        ipv4_datagram_serialize(expected, want, sizeof want);
        ipv4_datagram_serialize(&got, have, sizeof have);
        EXPECT_BYTES(h, "delivered datagram", want, ipv4_datagram_len(expected), have, ipv4_datagram_len(&got));
    }
}

/* An ARP reply to `ni` from 10.0.0.who, saying it is at 02:..:who (we learn it). */
static inline void arp_reply_from(struct harness *h, struct network_interface *ni, uint8_t who) {
    uint8_t frame[FRAME_MAX];
    STEP(h, "ARP reply: 10.0.0.%u is at 02:..:%02x", who, who);
    size_t len = arp_frame(frame, network_interface_eth(ni), ARP_OPCODE_REPLY, mac(who), ip4(10, 0, 0, who),
                           network_interface_eth(ni), network_interface_ip(ni));
    recv_expect(h, ni, frame, len, NULL);
}

static inline void ni_setup(struct harness *h, struct network_interface *ni, struct eth_addr eth, uint32_t ip,
                            const struct network_interface_config *cfg) {
    struct network_interface_config def = network_interface_default_config();
    char eth_text[18], ip_text[16];
    STEP(h, "interface %s at %s", eth_addr_format(eth, eth_text), ipv4_format(ip, ip_text));
    EXPECT_EQ(h, "init result", SPONGE_OK, network_interface_init(ni, eth, ip, cfg ? cfg : &def));
}

#endif
