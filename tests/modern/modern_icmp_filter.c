/* The single-connection carriers (TUN: tcp_over_ipv4, TAP: tcp_over_ethernet) share
 * tcp_ipv4_filter: it keeps an ICMP error about the connection's own segments for the
 * connection (tcp_ipv4_filter_take_icmp / pop_icmp) and leaves every other datagram to the
 * TCP checks, which count it. */
#include "adapters/tcp_ipv4_filter.h"
#include "harness.h"
#include "net/icmp_reply.h"
#include "wire/icmp.h"

#include <string.h>

#define LOCAL ((169u << 24) | (254u << 16) | (144u << 8) | 9u)
#define REMOTE ((169u << 24) | (254u << 16) | (2u << 8) | 2u)
#define ROUTER ((169u << 24) | (254u << 16) | (1u << 8) | 1u)

/* Router ICMP type/code about a TCP segment src:sport -> dst:dport at seqno 77, in out. */
static struct ipv4_datagram icmp_about(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t to,
                                       uint8_t type, uint8_t code, uint8_t *seg_buf, uint8_t *out) {
    uint8_t tcp[40] = {
        (uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8), (uint8_t)dport, 0, 0, 0, 77, 0, 0, 0, 0, 5 << 4};
    struct ipv4_datagram seg, err;
    ipv4_datagram_init(&seg, IPV4_PROTO_TCP, src, dst, tcp, sizeof tcp);
    ipv4_datagram_serialize(&seg, seg_buf, 64);
    ipv4_datagram_parse(seg_buf, ipv4_datagram_len(&seg), &seg);
    icmp_error_build(&seg, type, code, 576, ROUTER, out, ICMP_ERROR_MAX_DATAGRAM, &err);
    err.header.dst = to;
    ipv4_datagram_seal(&err);
    return err;
}

int main(void) {
    struct harness h;
    harness_begin(&h, "icmp filter: a carrier keeps ICMP errors about its own connection only");
    struct tcp_ipv4_config cfg = {
        .local_addr = LOCAL, .local_port = 40000, .remote_addr = REMOTE, .remote_port = 80, .listen = false};
    struct tcp_ipv4_filter f;
    tcp_ipv4_filter_init(&f, &cfg);
    uint8_t seg[64], msg[ICMP_ERROR_MAX_DATAGRAM];
    struct tcp_icmp_error e;
    STEP(&h, "Fragmentation Needed about our segment 40000 -> 80");
    struct ipv4_datagram d =
        icmp_about(LOCAL, 40000, REMOTE, 80, LOCAL, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, seg, msg);
    EXPECT_TRUE(&h, "taken", tcp_ipv4_filter_take_icmp(&f, &d));
    EXPECT_TRUE(&h, "popped", tcp_ipv4_filter_pop_icmp(&f, &e));
    EXPECT_EQ(&h, "code", ICMP_UNREACH_FRAG_NEEDED, e.code);
    EXPECT_EQ(&h, "mtu", 576, e.next_hop_mtu);
    EXPECT_EQ(&h, "seqno", 77, e.seqno.raw);
    EXPECT_BOOL(&h, "popped once only", false, tcp_ipv4_filter_pop_icmp(&f, &e));
    STEP(&h, "errors about other ports, another peer, or sent to another address: left alone");
    const struct {
        uint32_t src;
        uint16_t sport;
        uint32_t dst;
        uint16_t dport;
        uint32_t to;
    } others[] = {
        {LOCAL, 40001, REMOTE, 80, LOCAL},     {LOCAL, 40000, REMOTE, 81, LOCAL},
        {LOCAL, 40000, REMOTE + 1, 80, LOCAL}, {LOCAL + 1, 40000, REMOTE, 80, LOCAL},
        {LOCAL, 40000, REMOTE, 80, LOCAL + 1},
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        d = icmp_about(others[i].src, others[i].sport, others[i].dst, others[i].dport, others[i].to,
                       ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, seg, msg);
        EXPECT_BOOL(&h, "not taken", false, tcp_ipv4_filter_take_icmp(&f, &d));
    }
    EXPECT_BOOL(&h, "nothing to pop", false, tcp_ipv4_filter_pop_icmp(&f, &e));
    STEP(&h, "a listener with no peer yet takes none");
    cfg.listen = true;
    tcp_ipv4_filter_init(&f, &cfg);
    d = icmp_about(LOCAL, 40000, REMOTE, 80, LOCAL, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, seg, msg);
    EXPECT_BOOL(&h, "not taken", false, tcp_ipv4_filter_take_icmp(&f, &d));
    return harness_end(&h);
}
