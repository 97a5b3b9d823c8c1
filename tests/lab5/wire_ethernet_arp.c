/* Wire formats for lab 5: the Ethernet header, the ARP message (RFC 826) and the IPv4
 * datagram view. Round trips, byte layouts written out by hand, and every error code. Inputs
 * are copied into buffers of exactly their length, so a sanitizer build catches over-reads. */

#include "harness.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/ipv4_datagram.h"

#include <stdlib.h>
#include <string.h>

/* A heap copy of exactly `len` bytes (at least one byte allocated). */
static uint8_t *exact_copy(struct harness *h, const uint8_t *src, size_t len) {
    uint8_t *p = malloc(len ? len : 1);
    if (!p) {
        FAIL(h, "out of memory");
    }
    if (len) {
        memcpy(p, src, len);
    }
    return p;
}

static void ethernet_layout(void) {
    struct harness h;
    harness_begin(&h, "ethernet: layout, round trip, short input [L5.R12]");
    const uint8_t wire[ETH_HEADER_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
                                          0x00, 0x5e, 0x10, 0x20, 0x30, 0x08, 0x06};
    struct ethernet_header eh;
    STEP(&h, "parse a broadcast ARP frame header");
    EXPECT_EQ(&h, "parse result", SPONGE_OK, ethernet_header_parse(wire, sizeof wire, &eh));
    EXPECT_TRUE(&h, "destination is broadcast", eth_addr_equal(eh.dst, eth_broadcast()));
    struct eth_addr src = {{0x02, 0x00, 0x5e, 0x10, 0x20, 0x30}};
    EXPECT_TRUE(&h, "source 02:00:5e:10:20:30", eth_addr_equal(eh.src, src));
    EXPECT_EQ(&h, "ethertype", ETHERTYPE_ARP, eh.ethertype);
    char text[18];
    eth_addr_format(eh.src, text);
    EXPECT_BYTES(&h, "formatted source", "02:00:5e:10:20:30", 17, text, strlen(text));
    STEP(&h, "serialize it back");
    uint8_t out[ETH_HEADER_LEN];
    EXPECT_EQ(&h, "serialize result", SPONGE_OK, ethernet_header_serialize(&eh, out, sizeof out));
    EXPECT_BYTES(&h, "bytes", wire, sizeof wire, out, sizeof out);
    EXPECT_EQ(&h, "serialize into 13 bytes", SPONGE_ERR_BUFFER_TOO_SMALL, ethernet_header_serialize(&eh, out, 13));
    STEP(&h, "every length below 14 is too short");
    for (size_t len = 0; len < ETH_HEADER_LEN; len++) {
        uint8_t *p = exact_copy(&h, wire, len);
        enum sponge_err err = ethernet_header_parse(p, len, &eh);
        free(p);
        EXPECT_EQ(&h, "parse result", SPONGE_ERR_PACKET_TOO_SHORT, err);
    }
    harness_end(&h);
}

/* An ARP request from 169.254.10.9 (02:00:00:00:00:09) for 169.254.10.1, written out by hand. */
static const uint8_t arp_request_wire[ARP_MESSAGE_LEN] = {
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,        /* htype, ptype, hlen, plen, opcode */
    0x02, 0x00, 0x00, 0x00, 0x00, 0x09, 169,  254,  10, 9, /* sender */
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 169,  254,  10, 1, /* target */
};

static void arp_layout(void) {
    struct harness h;
    harness_begin(&h, "arp: layout and round trip [L5.R12]");
    struct arp_message m;
    STEP(&h, "parse a hand-written request");
    EXPECT_EQ(&h, "parse result", SPONGE_OK, arp_message_parse(arp_request_wire, sizeof arp_request_wire, &m));
    EXPECT_EQ(&h, "opcode", ARP_OPCODE_REQUEST, m.opcode);
    struct eth_addr sender = {{0x02, 0, 0, 0, 0, 0x09}}, zero = {{0}};
    EXPECT_TRUE(&h, "sender Ethernet address", eth_addr_equal(sender, m.sender_eth));
    EXPECT_EQ(&h, "sender IP", 0xa9fe0a09u, m.sender_ip);
    EXPECT_TRUE(&h, "target Ethernet address", eth_addr_equal(zero, m.target_eth));
    EXPECT_EQ(&h, "target IP", 0xa9fe0a01u, m.target_ip);
    STEP(&h, "serialize it back");
    uint8_t out[ARP_MESSAGE_LEN];
    EXPECT_EQ(&h, "serialize result", SPONGE_OK, arp_message_serialize(&m, out, sizeof out));
    EXPECT_BYTES(&h, "bytes", arp_request_wire, sizeof arp_request_wire, out, sizeof out);
    EXPECT_EQ(&h, "serialize into 27 bytes", SPONGE_ERR_BUFFER_TOO_SMALL, arp_message_serialize(&m, out, 27));
    STEP(&h, "a reply round-trips");
    struct arp_message reply = {ARP_OPCODE_REPLY, {{0x02, 1, 2, 3, 4, 5}}, 0x0a000001u, sender, 0xa9fe0a09u};
    struct arp_message back;
    arp_message_serialize(&reply, out, sizeof out);
    EXPECT_EQ(&h, "parse result", SPONGE_OK, arp_message_parse(out, sizeof out, &back));
    EXPECT_EQ(&h, "opcode", ARP_OPCODE_REPLY, back.opcode);
    EXPECT_BYTES(&h, "message", &reply.sender_eth, 6, &back.sender_eth, 6);
    EXPECT_EQ(&h, "sender IP", reply.sender_ip, back.sender_ip);
    EXPECT_EQ(&h, "target IP", reply.target_ip, back.target_ip);
    EXPECT_TRUE(&h, "target Ethernet address", eth_addr_equal(reply.target_eth, back.target_eth));
    STEP(&h, "trailing link padding is ignored");
    uint8_t padded[46] = {0};
    memcpy(padded, arp_request_wire, sizeof arp_request_wire);
    EXPECT_EQ(&h, "parse result", SPONGE_OK, arp_message_parse(padded, sizeof padded, &m));
    harness_end(&h);
}

static void arp_errors(void) {
    struct harness h;
    harness_begin(&h, "arp: short and unsupported messages [L5.R12]");
    struct arp_message m;
    STEP(&h, "every length below 28 is too short");
    for (size_t len = 0; len < ARP_MESSAGE_LEN; len++) {
        uint8_t *p = exact_copy(&h, arp_request_wire, len);
        enum sponge_err err = arp_message_parse(p, len, &m);
        free(p);
        EXPECT_EQ(&h, "parse result", SPONGE_ERR_PACKET_TOO_SHORT, err);
    }
    struct {
        size_t offset;
        uint8_t value;
        const char *what;
    } bad[] = {
        {1, 6, "hardware type 6 (IEEE 802)"},
        {0, 1, "hardware type 0x0101"},
        {2, 0x86, "protocol type 0x86 00"},
        {3, 0x06, "protocol type 0x0806"},
        {4, 8, "hardware length 8"},
        {5, 16, "protocol length 16"},
        {7, 0, "opcode 0"},
        {7, 3, "opcode 3 (RARP)"},
        {6, 1, "opcode 0x0101"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        STEP(&h, "%s", bad[i].what);
        uint8_t *p = exact_copy(&h, arp_request_wire, ARP_MESSAGE_LEN);
        p[bad[i].offset] = bad[i].value;
        enum sponge_err err = arp_message_parse(p, ARP_MESSAGE_LEN, &m);
        free(p);
        EXPECT_EQ(&h, "parse result (unsupported)", SPONGE_ERR_UNSUPPORTED, err);
    }
    harness_end(&h);
}

static void ipv4_datagram_view(void) {
    struct harness h;
    harness_begin(&h, "ipv4 datagram: payload view, padding, carried checksum [L5.R12]");
    const uint8_t payload[] = "abcdef";
    struct ipv4_datagram d;
    STEP(&h, "init a 6-byte UDP datagram 10.0.0.1 -> 10.0.0.2");
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, 0x0a000001u, 0x0a000002u, payload, 6);
    EXPECT_EQ(&h, "length", 26, ipv4_datagram_len(&d));
    EXPECT_EQ(&h, "total_len", 26, d.header.total_len);
    uint8_t buf[64];
    memset(buf, 0xaa, sizeof buf);
    EXPECT_EQ(&h, "serialize into 25 bytes", SPONGE_ERR_BUFFER_TOO_SMALL, ipv4_datagram_serialize(&d, buf, 25));
    EXPECT_EQ(&h, "serialize result", SPONGE_OK, ipv4_datagram_serialize(&d, buf, sizeof buf));
    STEP(&h, "parse it with 20 bytes of padding after it");
    struct ipv4_datagram back;
    EXPECT_EQ(&h, "parse result", SPONGE_OK, ipv4_datagram_parse(buf, 46, &back));
    EXPECT_BYTES(&h, "payload", payload, 6, back.payload, back.payload_len);
    EXPECT_TRUE(&h, "payload is a view into the input", back.payload == buf + 20);
    EXPECT_EQ(&h, "checksum", d.header.checksum, back.header.checksum);
    STEP(&h, "a header with a wrong carried checksum is written as is");
    back.header.checksum ^= 0x0100;
    uint8_t again[64];
    ipv4_datagram_serialize(&back, again, sizeof again);
    EXPECT_EQ(&h, "parse result", SPONGE_ERR_BAD_CHECKSUM, ipv4_datagram_parse(again, 26, &d));
    STEP(&h, "seal recomputes it");
    ipv4_datagram_seal(&back);
    ipv4_datagram_serialize(&back, again, sizeof again);
    EXPECT_EQ(&h, "parse result", SPONGE_OK, ipv4_datagram_parse(again, 26, &d));
    EXPECT_BYTES(&h, "bytes", buf, 26, again, 26);
    STEP(&h, "parse errors come from the IPv4 header parser");
    EXPECT_EQ(&h, "parse 25 of 26 bytes", SPONGE_ERR_TRUNCATED, ipv4_datagram_parse(buf, 25, &d));
    EXPECT_EQ(&h, "parse 19 bytes", SPONGE_ERR_PACKET_TOO_SHORT, ipv4_datagram_parse(buf, 19, &d));
    harness_end(&h);
}

int main(void) {
    ethernet_layout();
    arp_layout();
    arp_errors();
    ipv4_datagram_view();
    return 0;
}
