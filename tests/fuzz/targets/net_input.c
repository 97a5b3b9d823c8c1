#include "fuzz_targets.h"
#include "wire/arp.h"
#include "wire/icmp.h"
#include "wire/ipv4_datagram.h"

#include <string.h>

uint32_t fuzz_ip(struct fuzz_reader *in) {
    uint8_t b = fuzz_u8(in);
    return (b & 1) ? 0x0a000000u | ((b >> 1) & 7u) : 0x0a000001u | ((uint32_t)((b >> 1) & 3u) << 8);
}

struct eth_addr fuzz_eth(uint8_t n) {
    if (n == 0) {
        return eth_broadcast();
    }
    struct eth_addr a = {{0x02, 0, 0, 0, 0, n}};
    return a;
}

static struct eth_addr pick_dst(struct fuzz_reader *in, struct eth_addr ours) {
    uint8_t b = fuzz_u8(in) % 4;
    return b == 0 ? ours : fuzz_eth((uint8_t)(b == 1 ? 0 : 100 + b));
}

size_t fuzz_make_frame(struct fuzz_reader *in, struct eth_addr ours, uint8_t *out) {
    uint8_t kind = fuzz_u8(in) % 3;
    if (kind == 0) {
        const uint8_t *raw;
        size_t n = fuzz_bytes(in, (size_t)fuzz_u8(in) * 8, &raw);
        memcpy(out, raw, n);
        return n;
    }
    struct ethernet_header eh = {.dst = pick_dst(in, ours), .src = fuzz_eth((uint8_t)(1 + fuzz_u8(in) % 8))};
    if (kind == 1) {
        eh.ethertype = ETHERTYPE_ARP;
        struct arp_message m = {.opcode = (uint16_t)(1 + fuzz_u8(in) % 2), .sender_eth = eh.src};
        m.sender_ip = fuzz_ip(in);
        m.target_eth = fuzz_eth(fuzz_u8(in) % 3);
        m.target_ip = fuzz_ip(in);
        FUZZ_CHECK(ethernet_header_serialize(&eh, out, FUZZ_FRAME_MAX) == SPONGE_OK);
        FUZZ_CHECK(arp_message_serialize(&m, out + ETH_HEADER_LEN, FUZZ_FRAME_MAX - ETH_HEADER_LEN) == SPONGE_OK);
        return ETH_HEADER_LEN + ARP_MESSAGE_LEN;
    }
    eh.ethertype = ETHERTYPE_IPV4;
    uint8_t payload[255 * 6];
    size_t plen = (size_t)fuzz_u8(in) * 6;
    memset(payload, 0xab, plen);
    struct ipv4_datagram d;
    uint32_t src = fuzz_ip(in);
    uint8_t echo[ICMP_HEADER_LEN + sizeof payload];
    uint32_t dst = fuzz_ip(in);
    uint8_t ttl = fuzz_u8(in);
    /* Rarer header contents, still with a valid checksum: reserved flag, fragments, options. */
    uint8_t extra = fuzz_u8(in);
    if (extra & 8) {
        /* An ICMP echo request (valid ICMP checksum) instead of UDP, for routers that answer. */
        struct icmp_header ih = icmp_echo_header(ICMP_ECHO_REQUEST, 1, 1);
        struct byte_view2 body = byte_view2_of(payload, plen);
        size_t n = 0;
        FUZZ_CHECK(icmp_message_serialize(&ih, &body, echo, sizeof echo, &n) == SPONGE_OK);
        ipv4_datagram_init(&d, IPV4_PROTO_ICMP, src, dst, echo, n);
    } else {
        ipv4_datagram_init(&d, IPV4_PROTO_UDP, src, dst, payload, plen);
    }
    d.header.ttl = ttl;
    d.header.reserved_flag = extra & 1;
    d.header.mf = extra & 2;
    d.header.df = !(extra & 4);
    d.header.tos = fuzz_u8(in);
    const uint8_t *opts;
    size_t words = fuzz_bytes(in, (size_t)(extra >> 5) * 4, &opts) / 4;
    memcpy(d.header.options, opts, words * 4);
    d.header.options_len = (uint8_t)(words * 4);
    d.header.ihl = (uint8_t)(5 + words);
    ipv4_datagram_seal(&d);
    FUZZ_CHECK(ethernet_header_serialize(&eh, out, FUZZ_FRAME_MAX) == SPONGE_OK);
    FUZZ_CHECK(ipv4_datagram_serialize(&d, out + ETH_HEADER_LEN, FUZZ_FRAME_MAX - ETH_HEADER_LEN) == SPONGE_OK);
    return ETH_HEADER_LEN + ipv4_datagram_len(&d);
}

void fuzz_check_frame(struct byte_view frame, struct eth_addr ours, size_t mtu) {
    struct ethernet_header eh;
    FUZZ_CHECK(ethernet_header_parse(frame.data, frame.len, &eh) == SPONGE_OK);
    FUZZ_CHECK(eth_addr_equal(eh.src, ours));
    const uint8_t *body = frame.data + ETH_HEADER_LEN;
    size_t len = frame.len - ETH_HEADER_LEN;
    if (eh.ethertype == ETHERTYPE_ARP) {
        struct arp_message m;
        FUZZ_CHECK(arp_message_parse(body, len, &m) == SPONGE_OK);
        FUZZ_CHECK(eth_addr_equal(m.sender_eth, ours));
        return;
    }
    FUZZ_CHECK(eh.ethertype == ETHERTYPE_IPV4);
    struct ipv4_datagram d;
    FUZZ_CHECK(ipv4_datagram_parse(body, len, &d) == SPONGE_OK);
    FUZZ_CHECK(ipv4_datagram_len(&d) <= mtu);
    FUZZ_CHECK(!eth_addr_equal(eh.dst, eth_broadcast()));
}
