/* A Router with three interfaces (the third with a smaller MTU of its own, 68..579, so that
 * datagrams forwarded onto it are fragmented) and a few random routes, fed random frames (raw,
 * ARP, IPv4) on any interface, route calls and ticks. Ops (first byte % 4): receive a frame, route, tick,
 * pop every interface's frames. Invariants: every emitted frame parses (a forwarded header
 * still has a valid checksum after the incremental update), queues stay within their
 * configured bounds, and a forwarded datagram never leaves with TTL 0. With ICMP switched on
 * (a config bit) the same invariants hold for the echo replies and errors it makes. */
#include "net/router.h"
#include "fuzz_targets.h"
#include "net/ipv4_fragmenter.h"

#include <string.h>

#define PORTS 3
#define MAX_OPS 2000

static void drain(struct router *r) {
    for (size_t n = 0; n < router_interface_count(r); n++) {
        struct network_interface *ni = router_interface(r, n);
        struct byte_view frame;
        size_t count = 0;
        while (network_interface_frames_out(ni, &frame)) {
            FUZZ_CHECK(++count <= r->cfg.iface.frames_out_capacity);
            fuzz_check_frame(frame, network_interface_eth(ni), router_interface_mtu(r, n));
            if (frame.len > ETH_HEADER_LEN && frame.data[12] == 0x08 && frame.data[13] == 0x00) {
                FUZZ_CHECK(frame.data[ETH_HEADER_LEN + 8] > 0); /* TTL */
            }
        }
    }
}

int fuzz_router(const uint8_t *data, size_t len) {
    struct fuzz_reader in = {data, len};
    struct router_config cfg = router_default_config();
    cfg.iface.max_datagram_len = 20 + fuzz_u16(&in) % 1500;
    cfg.iface.pending_capacity = 1 + fuzz_u8(&in) % 8;
    cfg.iface.frames_out_capacity = 1 + fuzz_u8(&in) % 8;
    cfg.iface.arp_table_capacity = 1 + fuzz_u8(&in) % 8;
    uint8_t rx = fuzz_u8(&in);
    cfg.rx_queue_capacity = 1 + rx % 8;
    /* The byte's high bits switch ICMP on and size its token bucket and ARP-failure memory. */
    cfg.icmp = rx & 0x80;
    cfg.icmp_error_burst = 1 + ((rx >> 3) & 3);
    cfg.icmp_error_interval_ms = 1 + ((rx >> 5) & 3) * 100;
    cfg.icmp_arp_failures = (rx >> 5) & 3;
    struct router r;
    FUZZ_CHECK(router_init(&r, &cfg) == SPONGE_OK);
    /* The third MTU comes from the first one, so that the input's layout stays as it was. */
    size_t small_mtu = IPV4_MIN_MTU + cfg.iface.max_datagram_len % 512;
    for (uint8_t n = 0; n < PORTS; n++) {
        size_t index;
        struct eth_addr eth = fuzz_eth((uint8_t)(1 + n));
        uint32_t ip = 0x0a000001u | (uint32_t)n << 8;
        FUZZ_CHECK((n < PORTS - 1 ? router_add_interface(&r, eth, ip, &index)
                                  : router_add_interface_mtu(&r, eth, ip, small_mtu, &index)) == SPONGE_OK);
        FUZZ_CHECK(index == n);
    }
    unsigned routes = fuzz_u8(&in) % 6;
    for (unsigned i = 0; i < routes; i++) {
        uint32_t prefix = fuzz_ip(&in);
        uint8_t plen = fuzz_u8(&in) % 33;
        uint8_t b = fuzz_u8(&in);
        uint32_t hop = fuzz_ip(&in);
        FUZZ_CHECK(router_add_route(&r, prefix, plen, b & 1, hop, (b >> 1) % PORTS) == SPONGE_OK);
    }
    uint8_t frame[FUZZ_FRAME_MAX];
    for (size_t op = 0; op < MAX_OPS && in.left > 0; op++) {
        switch (fuzz_u8(&in) % 4) {
            case 0: {
                size_t n = fuzz_u8(&in) % PORTS;
                size_t flen = fuzz_make_frame(&in, network_interface_eth(router_interface(&r, n)), frame);
                router_recv_frame(&r, n, frame, flen);
                break;
            }
            case 1:
                router_route(&r);
                break;
            case 2:
                router_tick(&r, (uint64_t)fuzz_u16(&in) * 4);
                break;
            default:
                drain(&r);
                break;
        }
        for (size_t n = 0; n < PORTS; n++) {
            FUZZ_CHECK(r.ports[n]->rx_count <= cfg.rx_queue_capacity);
            FUZZ_CHECK(frame_queue_count(&r.ports[n]->ni.frames_out) <= cfg.iface.frames_out_capacity);
        }
    }
    drain(&r);
    router_destroy(&r);
    return 0;
}
