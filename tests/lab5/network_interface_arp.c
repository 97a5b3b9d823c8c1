/* NetworkInterface, lab 5: the ARP flow (RFC 826) — requests, replies, learning, waiting
 * datagrams released when the reply comes. Our interface is 02:..:01 at 10.0.0.1. */

#include "ni_steps.h"

static void typical_flow(void) {
    struct harness h;
    harness_begin(&h, "network interface: typical ARP flow [L5.R1 L5.R2 L5.R4 L5.R9]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram d1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "hello");
    STEP(&h, "datagram to 10.0.0.5 sent (next hop 10.0.0.5)");
    network_interface_send_datagram(&ni, &d1, ip4(10, 0, 0, 5));
    STEP(&h, "expect frame: ARP request for 10.0.0.5, broadcast");
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    uint8_t frame[FRAME_MAX];
    STEP(&h, "ARP reply arrives: 10.0.0.5 is at 02:..:05");
    size_t len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(5), ip4(10, 0, 0, 5), mac(1), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    STEP(&h, "expect frame: the waiting datagram, to 02:..:05");
    expect_ipv4_frame(&h, &ni, mac(5), &d1);
    expect_no_frame(&h, &ni);
    struct ipv4_datagram d2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "again");
    STEP(&h, "second datagram to 10.0.0.5 sent: goes out at once");
    network_interface_send_datagram(&ni, &d2, ip4(10, 0, 0, 5));
    expect_ipv4_frame(&h, &ni, mac(5), &d2);
    expect_no_frame(&h, &ni);
    STEP(&h, "datagram from 10.0.0.5 arrives in a frame for us");
    struct ipv4_datagram in = dgram(ip4(10, 0, 0, 5), ip4(10, 0, 0, 1), "reply data");
    len = ipv4_frame(frame, mac(1), mac(5), &in);
    recv_expect(&h, &ni, frame, len, &in);
    EXPECT_EQ(&h, "ARP requests sent", 1, ni.counters.arp_requests_sent);
    EXPECT_EQ(&h, "frames sent", 3, ni.counters.frames_sent);
    EXPECT_EQ(&h, "datagrams received", 1, ni.counters.datagrams_received);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void answers_requests(void) {
    struct harness h;
    harness_begin(&h, "network interface: answers ARP requests for its own address only [L5.R8]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    uint8_t frame[FRAME_MAX];
    STEP(&h, "broadcast ARP request from 10.0.0.7 for 10.0.0.9 (not us)");
    size_t len =
        arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(7), ip4(10, 0, 0, 7), mac_zero(), ip4(10, 0, 0, 9));
    recv_expect(&h, &ni, frame, len, NULL);
    expect_no_frame(&h, &ni);
    STEP(&h, "broadcast ARP request from 10.0.0.7 for 10.0.0.1 (us)");
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(7), ip4(10, 0, 0, 7), mac_zero(), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    STEP(&h, "expect frame: ARP reply to 02:..:07 for 10.0.0.7");
    expect_arp_frame(&h, &ni, mac(7), ARP_OPCODE_REPLY, mac(7), ip4(10, 0, 0, 7));
    expect_no_frame(&h, &ni);
    STEP(&h, "ARP reply addressed to us from 10.0.0.8: nothing to answer");
    len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(8), ip4(10, 0, 0, 8), mac(1), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "ARP replies sent", 1, ni.counters.arp_replies_sent);
    EXPECT_EQ(&h, "ARP messages received", 3, ni.counters.arp_received);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void learns_from_requests(void) {
    struct harness h;
    harness_begin(&h, "network interface: learns from ARP requests (for us and for others) [L5.R6]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    uint8_t frame[FRAME_MAX];
    STEP(&h, "ARP request from 10.0.0.7 (02:..:07) for us");
    size_t len =
        arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(7), ip4(10, 0, 0, 7), mac_zero(), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    expect_arp_frame(&h, &ni, mac(7), ARP_OPCODE_REPLY, mac(7), ip4(10, 0, 0, 7));
    STEP(&h, "ARP request from 10.0.0.8 (02:..:08) for 10.0.0.9");
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(8), ip4(10, 0, 0, 8), mac_zero(), ip4(10, 0, 0, 9));
    recv_expect(&h, &ni, frame, len, NULL);
    expect_no_frame(&h, &ni);
    struct ipv4_datagram d7 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 7), "to seven");
    struct ipv4_datagram d8 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 8), "to eight");
    STEP(&h, "datagram to 10.0.0.7 sent: no ARP request, straight to 02:..:07");
    network_interface_send_datagram(&ni, &d7, ip4(10, 0, 0, 7));
    expect_ipv4_frame(&h, &ni, mac(7), &d7);
    STEP(&h, "datagram to 10.0.0.8 sent: straight to 02:..:08");
    network_interface_send_datagram(&ni, &d8, ip4(10, 0, 0, 8));
    expect_ipv4_frame(&h, &ni, mac(8), &d8);
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "ARP requests sent", 0, ni.counters.arp_requests_sent);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void pending_flushed_on_reply(void) {
    struct harness h;
    harness_begin(&h, "network interface: waiting datagrams leave in order when their reply comes [L5.R3 L5.R4]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram a1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "a1");
    struct ipv4_datagram b1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 6), "b1");
    struct ipv4_datagram a2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "a2");
    struct ipv4_datagram a3 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "a3");
    STEP(&h, "datagram a1 to 10.0.0.5 sent");
    network_interface_send_datagram(&ni, &a1, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    STEP(&h, "datagram b1 to 10.0.0.6 sent");
    network_interface_send_datagram(&ni, &b1, ip4(10, 0, 0, 6));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 6));
    STEP(&h, "datagrams a2, a3 to 10.0.0.5 sent: no second request");
    network_interface_send_datagram(&ni, &a2, ip4(10, 0, 0, 5));
    network_interface_send_datagram(&ni, &a3, ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    uint8_t frame[FRAME_MAX];
    STEP(&h, "ARP reply: 10.0.0.5 is at 02:..:05");
    size_t len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(5), ip4(10, 0, 0, 5), mac(1), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    STEP(&h, "expect frames a1, a2, a3 to 02:..:05, b1 still waiting");
    expect_ipv4_frame(&h, &ni, mac(5), &a1);
    expect_ipv4_frame(&h, &ni, mac(5), &a2);
    expect_ipv4_frame(&h, &ni, mac(5), &a3);
    expect_no_frame(&h, &ni);
    STEP(&h, "ARP request from 10.0.0.6 (for someone else) teaches us its address");
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(6), ip4(10, 0, 0, 6), mac_zero(), ip4(10, 0, 0, 2));
    recv_expect(&h, &ni, frame, len, NULL);
    expect_ipv4_frame(&h, &ni, mac(6), &b1);
    expect_no_frame(&h, &ni);
    network_interface_destroy(&ni);
    harness_end(&h);
}

/* The datagram `d` to 10.0.0.who is sent (next hop its destination); nothing leaves yet. */
static void send_waiting(struct harness *h, struct network_interface *ni, const struct ipv4_datagram *d, uint8_t who) {
    STEP(h, "datagram \"%.*s\" to 10.0.0.%u sent: it waits, no new request", (int)d->payload_len,
         (const char *)d->payload, who);
    network_interface_send_datagram(ni, d, ip4(10, 0, 0, who));
    expect_no_frame(h, ni);
}

static void replies_out_of_order(void) {
    struct harness h;
    harness_begin(
        &h, "network interface: three next hops pending, replies in another order, datagrams queued between [L5.R4]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram a1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "a1");
    struct ipv4_datagram a2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "a2");
    struct ipv4_datagram a3 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "a3");
    struct ipv4_datagram b1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 6), "b1");
    struct ipv4_datagram b2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 6), "b2");
    struct ipv4_datagram c1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 7), "c1");
    struct ipv4_datagram c2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 7), "c2");
    const struct ipv4_datagram *first[] = {&a1, &b1, &c1};
    for (uint8_t i = 0; i < 3; i++) {
        STEP(&h, "datagram %c1 to 10.0.0.%u sent: expect an ARP request", 'a' + i, 5 + i);
        network_interface_send_datagram(&ni, first[i], ip4(10, 0, 0, 5 + i));
        expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5 + i));
    }
    send_waiting(&h, &ni, &a2, 5);
    arp_reply_from(&h, &ni, 6);
    STEP(&h, "expect frame: b1 to 02:..:06 (the middle request answered first)");
    expect_ipv4_frame(&h, &ni, mac(6), &b1);
    expect_no_frame(&h, &ni);
    send_waiting(&h, &ni, &a3, 5);
    send_waiting(&h, &ni, &c2, 7);
    STEP(&h, "datagram b2 to 10.0.0.6 sent: goes out at once");
    network_interface_send_datagram(&ni, &b2, ip4(10, 0, 0, 6));
    expect_ipv4_frame(&h, &ni, mac(6), &b2);
    arp_reply_from(&h, &ni, 7);
    STEP(&h, "expect frames c1, c2 to 02:..:07");
    expect_ipv4_frame(&h, &ni, mac(7), &c1);
    expect_ipv4_frame(&h, &ni, mac(7), &c2);
    expect_no_frame(&h, &ni);
    arp_reply_from(&h, &ni, 5);
    STEP(&h, "expect frames a1, a2, a3 to 02:..:05, in the order they were sent");
    expect_ipv4_frame(&h, &ni, mac(5), &a1);
    expect_ipv4_frame(&h, &ni, mac(5), &a2);
    expect_ipv4_frame(&h, &ni, mac(5), &a3);
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "ARP requests sent", 3, ni.counters.arp_requests_sent);
    STEP(&h, "tick 5000 ms: nothing was left waiting");
    network_interface_tick(&ni, NETWORK_INTERFACE_ARP_REQUEST_MS);
    EXPECT_EQ(&h, "dropped for ARP timeout", 0, ni.counters.drop_arp_timeout);
    expect_no_frame(&h, &ni);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void next_hop_is_not_destination(void) {
    struct harness h;
    harness_begin(&h, "network interface: resolves the next hop, not the destination [L5.R2]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(192, 0, 2, 33), "far away");
    STEP(&h, "datagram to 192.0.2.33 sent via gateway 10.0.0.254");
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 254));
    STEP(&h, "expect frame: ARP request for 10.0.0.254, broadcast");
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 254));
    uint8_t frame[FRAME_MAX];
    STEP(&h, "ARP reply from the gateway, 02:..:fe");
    size_t len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(0xfe), ip4(10, 0, 0, 254), mac(1), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    STEP(&h, "expect frame: the datagram (still to 192.0.2.33) to the gateway's address");
    expect_ipv4_frame(&h, &ni, mac(0xfe), &d);
    expect_no_frame(&h, &ni);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void mapping_replaced(void) {
    struct harness h;
    harness_begin(&h, "network interface: a newer ARP message replaces the mapping [L5.R6]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    uint8_t frame[FRAME_MAX];
    STEP(&h, "unsolicited ARP reply: 10.0.0.5 is at 02:..:05");
    size_t len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(5), ip4(10, 0, 0, 5), mac(1), ip4(10, 0, 0, 1));
    recv_expect(&h, &ni, frame, len, NULL);
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "x");
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_ipv4_frame(&h, &ni, mac(5), &d);
    STEP(&h, "broadcast ARP request says 10.0.0.5 is now at 02:..:55");
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(0x55), ip4(10, 0, 0, 5), mac_zero(),
                    ip4(10, 0, 0, 3));
    recv_expect(&h, &ni, frame, len, NULL);
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_ipv4_frame(&h, &ni, mac(0x55), &d);
    STEP(&h, "address probe (sender 0.0.0.0) maps nothing");
    len = arp_frame(frame, eth_broadcast(), ARP_OPCODE_REQUEST, mac(9), 0, mac_zero(), ip4(10, 0, 0, 9));
    recv_expect(&h, &ni, frame, len, NULL);
    network_interface_send_datagram(&ni, &d, 0);
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), 0);
    expect_no_frame(&h, &ni);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void learns_announced_address(void) {
    struct harness h;
    harness_begin(
        &h, "network interface: learns the address an ARP message announces, not the frame's source [L5.R4 L5.R6]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "to five");
    STEP(&h, "datagram to 10.0.0.5 sent");
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    uint8_t frame[FRAME_MAX];
    STEP(&h, "ARP reply in a frame from 02:..:09 saying 10.0.0.5 is at 02:..:05 (RFC 826: the message counts)");
    size_t len = arp_frame(frame, mac(1), ARP_OPCODE_REPLY, mac(5), ip4(10, 0, 0, 5), mac(1), ip4(10, 0, 0, 1));
    struct eth_addr relay = mac(9);
    memcpy(frame + ETH_ADDR_LEN, relay.b, ETH_ADDR_LEN); /* the Ethernet source field */
    recv_expect(&h, &ni, frame, len, NULL);
    STEP(&h, "expect frame: the waiting datagram, to 02:..:05");
    expect_ipv4_frame(&h, &ni, mac(5), &d);
    STEP(&h, "the next datagram to 10.0.0.5 goes out at once, to 02:..:05");
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_ipv4_frame(&h, &ni, mac(5), &d);
    expect_no_frame(&h, &ni);
    network_interface_destroy(&ni);
    harness_end(&h);
}

int main(void) {
    typical_flow();
    answers_requests();
    learns_from_requests();
    pending_flushed_on_reply();
    replies_out_of_order();
    next_hop_is_not_destination();
    mapping_replaced();
    learns_announced_address();
    return 0;
}
