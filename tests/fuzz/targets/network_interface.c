/* A NetworkInterface fed random frames (raw, ARP, IPv4), datagrams to send and ticks, with
 * small queues. Ops (first byte % 4): receive a frame, send a datagram, tick, nothing.
 * Invariants: every frame it emits parses and comes from us, no more frames are ever queued
 * than frames_out_capacity, a datagram it returns is for us and its payload lies inside the
 * frame, and the counters add up (every frame received is a datagram, an ARP message or a
 * drop). */
#include "net/network_interface.h"
#include "fuzz_targets.h"

#include <string.h>

#define MAX_OPS 2000

static void drain(struct network_interface *ni, size_t mtu) {
    struct byte_view frame;
    size_t count = 0;
    while (network_interface_frames_out(ni, &frame)) {
        FUZZ_CHECK(++count <= ni->cfg.frames_out_capacity);
        fuzz_check_frame(frame, network_interface_eth(ni), mtu);
    }
}

static void check_counters(const struct network_interface_counters *k) {
    uint64_t drops =
        k->drop_not_for_us + k->drop_bad_ethernet + k->drop_bad_ipv4 + k->drop_bad_arp + k->drop_bad_ethertype;
    /* Oversize drops can be either direction, so they only bound the sum. */
    FUZZ_CHECK(k->datagrams_received + k->arp_received + drops <= k->frames_received);
    FUZZ_CHECK(k->datagrams_received + k->arp_received + drops + k->drop_oversize >= k->frames_received);
}

int fuzz_network_interface(const uint8_t *data, size_t len) {
    struct fuzz_reader in = {data, len};
    struct network_interface_config cfg = {
        .max_datagram_len = 20 + fuzz_u16(&in) % 1500,
        .pending_capacity = 1 + fuzz_u8(&in) % 8,
        .frames_out_capacity = 1 + fuzz_u8(&in) % 8,
        .arp_table_capacity = 1 + fuzz_u8(&in) % 8,
    };
    struct eth_addr ours = fuzz_eth(1);
    uint32_t our_ip = 0x0a000001u;
    struct network_interface ni;
    FUZZ_CHECK(network_interface_init(&ni, ours, our_ip, &cfg) == SPONGE_OK);
    uint8_t frame[FUZZ_FRAME_MAX];
    uint8_t payload[255 * 6];
    memset(payload, 0x5c, sizeof payload);
    for (size_t op = 0; op < MAX_OPS && in.left > 0; op++) {
        switch (fuzz_u8(&in) % 4) {
            case 0: {
                size_t n = fuzz_make_frame(&in, ours, frame);
                struct ipv4_datagram d;
                if (network_interface_recv_frame(&ni, frame, n, &d)) {
                    FUZZ_CHECK(d.payload >= frame && d.payload + d.payload_len <= frame + n);
                    FUZZ_CHECK(ipv4_datagram_len(&d) <= cfg.max_datagram_len);
                }
                break;
            }
            case 1: {
                struct ipv4_datagram d;
                uint32_t dst = fuzz_ip(&in);
                ipv4_datagram_init(&d, IPV4_PROTO_UDP, our_ip, dst, payload, (size_t)fuzz_u8(&in) * 6);
                network_interface_send_datagram(&ni, &d, fuzz_u8(&in) & 1 ? dst : fuzz_ip(&in));
                break;
            }
            case 2:
                network_interface_tick(&ni, (uint64_t)fuzz_u16(&in) * 4);
                break;
            default:
                drain(&ni, cfg.max_datagram_len);
                break;
        }
        check_counters(network_interface_counters(&ni));
        FUZZ_CHECK(waiting_datagrams_count(&ni.held) <= cfg.pending_capacity &&
                   frame_queue_count(&ni.frames_out) <= cfg.frames_out_capacity);
    }
    drain(&ni, cfg.max_datagram_len);
    network_interface_destroy(&ni);
    return 0;
}
