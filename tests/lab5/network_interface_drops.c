/* NetworkInterface, lab 5: what it refuses. Frames for other stations, malformed frames and
 * whatever exceeds a bound are dropped, each counted under its reason; nothing grows. */

#include "ni_steps.h"
#include "util/rng.h"

#include <stdlib.h>

/* The sum of the drop_ counters: each refused frame or datagram is in exactly one. */
static uint64_t drops(const struct network_interface_counters *c) {
    return c->drop_not_for_us + c->drop_bad_ethernet + c->drop_bad_ipv4 + c->drop_bad_arp + c->drop_bad_ethertype +
           c->drop_oversize + c->drop_pending_full + c->drop_arp_timeout + c->drop_frames_out_full;
}

static void frames_for_others_ignored(void) {
    struct harness h;
    harness_begin(&h, "network interface: frames for other stations are ignored [L5.R9]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    uint8_t frame[FRAME_MAX];
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 5), ip4(10, 0, 0, 1), "not yours");
    STEP(&h, "IPv4 frame to 02:..:02 (not us), for our IP address");
    size_t len = ipv4_frame(frame, mac(2), mac(5), &d);
    recv_expect(&h, &ni, frame, len, NULL);
    EXPECT_EQ(&h, "dropped: not for us", 1, ni.counters.drop_not_for_us);
    STEP(&h, "ARP request for our IP, unicast to 02:..:02: not answered, not learned");
    len = arp_frame(frame, mac(2), ARP_OPCODE_REQUEST, mac(5), ip4(10, 0, 0, 5), mac_zero(), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    EXPECT_EQ(&h, "dropped: not for us", 2, ni.counters.drop_not_for_us);
    expect_no_frame(&h, &ni);
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    STEP(&h, "IPv4 frame to broadcast: delivered");
    len = ipv4_frame(frame, eth_broadcast(), mac(5), &d);
    recv_expect(&h, &ni, frame, len, &d);
    STEP(&h, "IPv4 frame to us for another IP address: delivered (routing is the caller's job)");
    struct ipv4_datagram other = dgram(ip4(10, 0, 0, 5), ip4(192, 0, 2, 1), "transit");
    len = ipv4_frame(frame, mac(1), mac(5), &other);
    recv_expect(&h, &ni, frame, len, &other);
    EXPECT_EQ(&h, "frames received", 4, ni.counters.frames_received);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void malformed_frames_counted(void) {
    struct harness h;
    harness_begin(&h, "network interface: malformed frames are counted by reason [L5.R10]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    uint8_t frame[FRAME_MAX];
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 5), ip4(10, 0, 0, 1), "payload");
    size_t len;

    STEP(&h, "empty frame, 13-byte frame");
    recv_expect(&h, &ni, frame, 0, NULL);
    len = ipv4_frame(frame, mac(1), mac(5), &d);
    recv_expect(&h, &ni, frame, ETH_HEADER_LEN - 1, NULL);
    EXPECT_EQ(&h, "dropped: bad Ethernet", 2, ni.counters.drop_bad_ethernet);

    STEP(&h, "IPv4 frame with a flipped header bit (bad checksum)");
    frame[ETH_HEADER_LEN + 8] ^= 0x01;
    recv_expect(&h, &ni, frame, len, NULL);
    frame[ETH_HEADER_LEN + 8] ^= 0x01;
    STEP(&h, "IPv4 frame cut one byte short of total_len (truncated)");
    recv_expect(&h, &ni, frame, len - 1, NULL);
    STEP(&h, "IPv4 frame with only 19 header bytes");
    recv_expect(&h, &ni, frame, ETH_HEADER_LEN + 19, NULL);
    STEP(&h, "IPv4 frame with version 6");
    frame[ETH_HEADER_LEN] = (uint8_t)(0x60 | (frame[ETH_HEADER_LEN] & 0x0f));
    recv_expect(&h, &ni, frame, len, NULL);
    EXPECT_EQ(&h, "dropped: bad IPv4", 4, ni.counters.drop_bad_ipv4);

    STEP(&h, "ARP frame cut to 27 bytes of message");
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(5), ip4(10, 0, 0, 5), mac_zero(), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len - 1, NULL);
    STEP(&h, "ARP with hardware type 6, protocol type 0x86dd, opcode 3");
    frame[ETH_HEADER_LEN + 1] = 6;
    recv_expect(&h, &ni, frame, len, NULL);
    frame[ETH_HEADER_LEN + 1] = 1;
    frame[ETH_HEADER_LEN + 2] = 0x86;
    frame[ETH_HEADER_LEN + 3] = 0xdd;
    recv_expect(&h, &ni, frame, len, NULL);
    frame[ETH_HEADER_LEN + 2] = 0x08;
    frame[ETH_HEADER_LEN + 3] = 0x00;
    frame[ETH_HEADER_LEN + 7] = 3;
    recv_expect(&h, &ni, frame, len, NULL);
    EXPECT_EQ(&h, "dropped: bad ARP", 4, ni.counters.drop_bad_arp);
    expect_no_frame(&h, &ni);

    STEP(&h, "frame with EtherType 0x86dd (IPv6)");
    frame[12] = 0x86;
    frame[13] = 0xdd;
    recv_expect(&h, &ni, frame, len, NULL);
    EXPECT_EQ(&h, "dropped: unsupported EtherType", 1, ni.counters.drop_bad_ethertype);

    STEP(&h, "padded frames (60-byte minimum) still work");
    memset(frame, 0, sizeof frame);
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(5), ip4(10, 0, 0, 5), mac_zero(), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, 60, NULL);
    expect_arp_frame(&h, &ni, mac(5), ARP_OPCODE_REPLY, mac(5), ip4(10, 0, 0, 5));
    struct ipv4_datagram tiny = dgram(ip4(10, 0, 0, 5), ip4(10, 0, 0, 1), "hi");
    memset(frame, 0xee, sizeof frame);
    ipv4_frame(frame, mac(1), mac(5), &tiny);
    recv_expect(&h, &ni, frame, 60, &tiny);
    EXPECT_EQ(&h, "all drops", 11, drops(&ni.counters));
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void pending_bounded(void) {
    struct harness h;
    harness_begin(&h, "network interface: waiting datagrams are bounded [L5.R11]");
    struct network_interface_config cfg = network_interface_default_config();
    cfg.pending_capacity = 3;
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), &cfg);
    const char *texts[5] = {"d0", "d1", "d2", "d3", "d4"};
    struct ipv4_datagram d[5];
    STEP(&h, "5 datagrams to unresolved 10.0.0.5 with room for 3");
    for (int i = 0; i < 5; i++) {
        d[i] = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), texts[i]);
        network_interface_send_datagram(&ni, &d[i], ip4(10, 0, 0, 5));
    }
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "dropped: pending full", 2, ni.counters.drop_pending_full);
    STEP(&h, "a datagram to another unresolved address: also no room, and no request");
    network_interface_send_datagram(&ni, &d[0], ip4(10, 0, 0, 6));
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "dropped: pending full", 3, ni.counters.drop_pending_full);
    uint8_t frame[FRAME_MAX];
    STEP(&h, "ARP reply from 10.0.0.5: the 3 that waited go out");
    size_t len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(5), ip4(10, 0, 0, 5), mac(1), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    for (int i = 0; i < 3; i++) {
        expect_ipv4_frame(&h, &ni, mac(5), &d[i]);
    }
    expect_no_frame(&h, &ni);
    STEP(&h, "room again: 3 datagrams to 10.0.0.6 wait");
    for (int i = 0; i < 3; i++) {
        network_interface_send_datagram(&ni, &d[i], ip4(10, 0, 0, 6));
    }
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 6));
    EXPECT_EQ(&h, "dropped: pending full", 3, ni.counters.drop_pending_full);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void frames_out_bounded(void) {
    struct harness h;
    harness_begin(&h, "network interface: outgoing frames are bounded [L5.R11]");
    struct network_interface_config cfg = network_interface_default_config();
    cfg.frames_out_capacity = 2;
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), &cfg);
    uint8_t frame[FRAME_MAX];
    size_t len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(5), ip4(10, 0, 0, 5), mac(1), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    struct ipv4_datagram d[4] = {
        dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "f0"),
        dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "f1"),
        dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "f2"),
        dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "f3"),
    };
    STEP(&h, "4 datagrams to known 10.0.0.5 with room for 2 frames, none popped");
    for (int i = 0; i < 4; i++) {
        network_interface_send_datagram(&ni, &d[i], ip4(10, 0, 0, 5));
    }
    EXPECT_EQ(&h, "dropped: frames_out full", 2, ni.counters.drop_frames_out_full);
    expect_ipv4_frame(&h, &ni, mac(5), &d[0]);
    STEP(&h, "one popped: the ring takes one more");
    network_interface_send_datagram(&ni, &d[2], ip4(10, 0, 0, 5));
    expect_ipv4_frame(&h, &ni, mac(5), &d[1]);
    expect_ipv4_frame(&h, &ni, mac(5), &d[2]);
    expect_no_frame(&h, &ni);
    STEP(&h, "ARP request for us while full: the reply is dropped and counted");
    network_interface_send_datagram(&ni, &d[0], ip4(10, 0, 0, 5));
    network_interface_send_datagram(&ni, &d[1], ip4(10, 0, 0, 5));
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(7), ip4(10, 0, 0, 7), mac_zero(), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    EXPECT_EQ(&h, "dropped: frames_out full", 3, ni.counters.drop_frames_out_full);
    EXPECT_EQ(&h, "ARP replies sent", 0, ni.counters.arp_replies_sent);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void oversize_and_cache_bound(void) {
    struct harness h;
    harness_begin(&h, "network interface: datagrams over the MTU dropped; ARP cache bounded [L5.R11]");
    struct network_interface_config cfg = network_interface_default_config();
    cfg.max_datagram_len = 100;
    cfg.arp_table_capacity = 2;
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), &cfg);
    char big[200];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), big);
    STEP(&h, "send a 219-byte datagram with MTU 100");
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    uint8_t frame[FRAME_MAX];
    STEP(&h, "receive a 219-byte datagram with MTU 100");
    size_t len = ipv4_frame(frame, mac(1), mac(5), &d);
    recv_expect(&h, &ni, frame, len, NULL);
    EXPECT_EQ(&h, "dropped: oversize", 2, ni.counters.drop_oversize);
    STEP(&h, "learn 10.0.0.5, then (1 s later) .6, then (1 s later) .7 with room for 2");
    for (uint8_t who = 5; who <= 7; who++) {
        len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(who), ip4(10, 0, 0, who), mac(1), ip4(10, 0, 0, 1));
        recv_expect(&h, &ni, frame, len, NULL);
        network_interface_tick(&ni, 1000);
    }
    struct ipv4_datagram small = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 6), "s");
    STEP(&h, "10.0.0.6 and .7 still known, .5 (the oldest) forgotten");
    network_interface_send_datagram(&ni, &small, ip4(10, 0, 0, 6));
    expect_ipv4_frame(&h, &ni, mac(6), &small);
    network_interface_send_datagram(&ni, &small, ip4(10, 0, 0, 7));
    expect_ipv4_frame(&h, &ni, mac(7), &small);
    network_interface_send_datagram(&ni, &small, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    network_interface_destroy(&ni);
    harness_end(&h);
}

/* Random damage to valid frames: each frame is accounted for exactly once (datagram, ARP or
 * one drop reason), nothing crashes, and the queues stay within their bounds. Each damaged
 * frame sits in a buffer of exactly its length so a sanitizer build catches over-reads. */
static void random_damage(void) {
    struct harness h;
    harness_begin(&h, "network interface: randomly damaged frames are accounted for [L5.R10]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    struct network_interface_config cfg = network_interface_default_config();
    cfg.pending_capacity = 4;
    cfg.frames_out_capacity = 4;
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), &cfg);
    uint8_t frame[FRAME_MAX];
    for (int round = 0; round < 20000; round++) {
        size_t len;
        switch (sponge_rng_below(&rng, 3)) {
            case 0: {
                struct ipv4_datagram d = dgram(ip4(10, 0, 0, 5), ip4(10, 0, 0, 1), "some payload bytes");
                len = ipv4_frame(frame, sponge_rng_below(&rng, 2) ? mac(1) : eth_broadcast(), mac(5), &d);
                break;
            }
            case 1:
                len = arp_frame(frame, eth_broadcast(), (uint16_t)(1 + sponge_rng_below(&rng, 2)),
                                mac((uint8_t)sponge_rng_below(&rng, 256)), ip4(10, 0, 0, sponge_rng_below(&rng, 8)),
                                mac_zero(), ip4(10, 0, 0, sponge_rng_below(&rng, 3)));
                break;
            default:
                len = sponge_rng_below(&rng, 80);
                for (size_t i = 0; i < len; i++) {
                    frame[i] = (uint8_t)sponge_rng_next(&rng);
                }
        }
        for (uint64_t flips = sponge_rng_below(&rng, 3); flips > 0 && len > 0; flips--) {
            frame[sponge_rng_below(&rng, len)] ^= (uint8_t)(1u << sponge_rng_below(&rng, 8));
        }
        if (len > 0 && sponge_rng_below(&rng, 4) == 0) {
            len = sponge_rng_below(&rng, len);
        }
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact) {
            FAIL(&h, "out of memory");
        }
        memcpy(exact, frame, len);
        struct ipv4_datagram got;
        network_interface_recv_frame(&ni, exact, len, &got);
        free(exact);
        if (sponge_rng_below(&rng, 4) == 0) {
            struct ipv4_datagram out = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 3), "out");
            network_interface_send_datagram(&ni, &out, ip4(10, 0, 0, sponge_rng_below(&rng, 8)));
        }
        if (sponge_rng_below(&rng, 3) == 0) {
            struct byte_view f;
            network_interface_frames_out(&ni, &f);
        }
        network_interface_tick(&ni, sponge_rng_below(&rng, 100));
        const struct network_interface_counters *c = &ni.counters;
        uint64_t in_drops = c->drop_not_for_us + c->drop_bad_ethernet + c->drop_bad_ipv4 + c->drop_bad_arp +
                            c->drop_bad_ethertype + (c->drop_oversize);
        if (c->frames_received != c->datagrams_received + c->arp_received + in_drops) {
            FAIL(&h, "round %d: %llu frames received but %llu datagrams + %llu ARP + %llu drops", round,
                 (unsigned long long)c->frames_received, (unsigned long long)c->datagrams_received,
                 (unsigned long long)c->arp_received, (unsigned long long)in_drops);
        }
        if (waiting_datagrams_count(&ni.held) > cfg.pending_capacity ||
            frame_queue_count(&ni.frames_out) > cfg.frames_out_capacity) {
            FAIL(&h, "round %d: a queue exceeded its bound", round);
        }
    }
    STEP(&h, "20000 damaged frames: accounting held");
    EXPECT_TRUE(&h, "some datagrams delivered", ni.counters.datagrams_received > 0);
    EXPECT_TRUE(&h, "some ARP taken in", ni.counters.arp_received > 0);
    EXPECT_TRUE(&h, "some bad IPv4", ni.counters.drop_bad_ipv4 > 0);
    EXPECT_TRUE(&h, "some bad ARP", ni.counters.drop_bad_arp > 0);
    network_interface_destroy(&ni);
    harness_end(&h);
}

int main(void) {
    frames_for_others_ignored();
    malformed_frames_counted();
    pending_bounded();
    frames_out_bounded();
    oversize_and_cache_bound();
    random_damage();
    return 0;
}
