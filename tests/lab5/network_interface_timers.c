/* NetworkInterface, lab 5: time. An ARP request is not repeated within 5 s; datagrams that
 * waited 5 s without a reply are dropped; learned mappings last 30 s, each from when it was
 * learned, however the time is cut into ticks. Time moves only by network_interface_tick.
 * Our interface is 02:..:01 at 10.0.0.1. */

#include "ni_steps.h"

static void no_repeat_within_5s(void) {
    struct harness h;
    harness_begin(&h, "network interface: no second ARP request within 5 s, a new one after [L5.R3 L5.R5]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram d1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "one");
    struct ipv4_datagram d2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "two");
    struct ipv4_datagram d3 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "three");
    STEP(&h, "datagram d1 to 10.0.0.5 sent");
    network_interface_send_datagram(&ni, &d1, ip4(10, 0, 0, 5));
    STEP(&h, "expect frame: ARP request for 10.0.0.5, broadcast");
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    STEP(&h, "tick 4999 ms; datagram d2 to 10.0.0.5 sent");
    network_interface_tick(&ni, 4999);
    network_interface_send_datagram(&ni, &d2, ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "dropped for ARP timeout", 0, ni.counters.drop_arp_timeout);
    STEP(&h, "tick 1 ms (5 s since the request): d1 and d2 given up");
    network_interface_tick(&ni, 1);
    EXPECT_EQ(&h, "dropped for ARP timeout", 2, ni.counters.drop_arp_timeout);
    expect_no_frame(&h, &ni);
    STEP(&h, "datagram d3 to 10.0.0.5 sent: a new request");
    network_interface_send_datagram(&ni, &d3, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    arp_reply_from(&h, &ni, 5);
    STEP(&h, "expect frame: d3 only");
    expect_ipv4_frame(&h, &ni, mac(5), &d3);
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "ARP requests sent", 2, ni.counters.arp_requests_sent);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void requests_expire_independently(void) {
    struct harness h;
    harness_begin(&h, "network interface: each request has its own 5 s [L5.R3 L5.R5]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram a = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "a");
    struct ipv4_datagram b = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 6), "b");
    STEP(&h, "datagram to 10.0.0.5 at t=0");
    network_interface_send_datagram(&ni, &a, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    STEP(&h, "datagram to 10.0.0.6 at t=3000");
    network_interface_tick(&ni, 3000);
    network_interface_send_datagram(&ni, &b, ip4(10, 0, 0, 6));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 6));
    STEP(&h, "t=6000: the request for 10.0.0.5 expired, the one for 10.0.0.6 not");
    network_interface_tick(&ni, 3000);
    EXPECT_EQ(&h, "dropped for ARP timeout", 1, ni.counters.drop_arp_timeout);
    arp_reply_from(&h, &ni, 6);
    expect_ipv4_frame(&h, &ni, mac(6), &b);
    expect_no_frame(&h, &ni);
    STEP(&h, "a late reply from 10.0.0.5 sends nothing (its datagram was given up)");
    arp_reply_from(&h, &ni, 5);
    expect_no_frame(&h, &ni);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void many_small_ticks(void) {
    struct harness h;
    harness_begin(&h, "network interface: 5000 ticks of 1 ms count as 5 s [L5.R3]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "d");
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    STEP(&h, "tick 1 ms, 4999 times; send again");
    for (int i = 0; i < 4999; i++) {
        network_interface_tick(&ni, 1);
    }
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    STEP(&h, "tick 1 ms more; send again: new request");
    network_interface_tick(&ni, 1);
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    network_interface_destroy(&ni);
    harness_end(&h);
}

/* From t=0 to t=1000: datagram d to unknown 10.0.0.5 sends an ARP request, the reply comes 1 s
 * later and d leaves. */
static void request_answered(struct harness *h, struct network_interface *ni, const struct ipv4_datagram *d) {
    STEP(h, "t=0: datagram d1 to 10.0.0.5 sent");
    network_interface_send_datagram(ni, d, ip4(10, 0, 0, 5));
    expect_arp_frame(h, ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    STEP(h, "t=1000: the reply comes");
    network_interface_tick(ni, 1000);
    arp_reply_from(h, ni, 5);
    expect_ipv4_frame(h, ni, mac(5), d);
    expect_no_frame(h, ni);
}

/* A request is over once its answer came, not 5 s after it was sent: when the mapping it taught
 * is gone again (here evicted from a cache with room for one), the next datagram to that address
 * asks at once, even within 5 s of the answered request. */
static void answered_request_is_over(void) {
    struct harness h;
    harness_begin(&h,
                  "network interface: an answered request is over, the next need asks again at once [L5.R3 L5.R11]");
    struct network_interface_config cfg = network_interface_default_config();
    cfg.arp_table_capacity = 1;
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), &cfg);
    struct ipv4_datagram d1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "one");
    struct ipv4_datagram d2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "two");
    request_answered(&h, &ni, &d1);
    STEP(&h, "t=2000: learning 10.0.0.6 evicts 10.0.0.5 (room for one mapping)");
    network_interface_tick(&ni, 1000);
    arp_reply_from(&h, &ni, 6);
    STEP(&h, "t=2000: datagram d2 to 10.0.0.5: expect a new ARP request at once");
    network_interface_send_datagram(&ni, &d2, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    STEP(&h, "t=5500: 5 s after the first request, d2 still waits for the new one");
    network_interface_tick(&ni, 3500);
    EXPECT_EQ(&h, "dropped for ARP timeout", 0, ni.counters.drop_arp_timeout);
    arp_reply_from(&h, &ni, 5);
    expect_ipv4_frame(&h, &ni, mac(5), &d2);
    expect_no_frame(&h, &ni);
    EXPECT_EQ(&h, "ARP requests sent", 2, ni.counters.arp_requests_sent);
    network_interface_destroy(&ni);
    harness_end(&h);
}

/* The same once a mapping learned from a reply expires: the old request has nothing to say. */
static void request_again_after_mapping_expired(void) {
    struct harness h;
    harness_begin(
        &h, "network interface: after an answered request's mapping expires, a datagram asks again [L5.R3 L5.R7]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    struct ipv4_datagram d1 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "one");
    struct ipv4_datagram d2 = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "two");
    request_answered(&h, &ni, &d1);
    STEP(&h, "t=31000: the mapping expired; datagram d2 to 10.0.0.5: expect an ARP request at once");
    network_interface_tick(&ni, 30000);
    network_interface_send_datagram(&ni, &d2, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    arp_reply_from(&h, &ni, 5);
    expect_ipv4_frame(&h, &ni, mac(5), &d2);
    expect_no_frame(&h, &ni);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void mapping_expires_after_30s(void) {
    struct harness h;
    harness_begin(&h, "network interface: learned mappings expire after 30 s [L5.R7]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    arp_reply_from(&h, &ni, 5);
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "still there?");
    STEP(&h, "tick 29999 ms; datagram to 10.0.0.5: sent at once");
    network_interface_tick(&ni, 29999);
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_ipv4_frame(&h, &ni, mac(5), &d);
    STEP(&h, "tick 1 ms (30 s); datagram to 10.0.0.5: ARP request");
    network_interface_tick(&ni, 1);
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    expect_no_frame(&h, &ni);
    arp_reply_from(&h, &ni, 5);
    expect_ipv4_frame(&h, &ni, mac(5), &d);
    network_interface_destroy(&ni);
    harness_end(&h);
}

/* Sends a datagram to 10.0.0.who and expects it at once, to 02:..:who (a live mapping). */
static void expect_known(struct harness *h, struct network_interface *ni, uint8_t who) {
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, who), "known?");
    STEP(h, "datagram to 10.0.0.%u: expect it sent at once, to 02:..:%02x", who, who);
    network_interface_send_datagram(ni, &d, ip4(10, 0, 0, who));
    expect_ipv4_frame(h, ni, mac(who), &d);
    expect_no_frame(h, ni);
}

/* Sends a datagram to 10.0.0.who and expects an ARP request (the mapping expired); the
 * datagram then waits for a reply that never comes. */
static void expect_forgotten(struct harness *h, struct network_interface *ni, uint8_t who) {
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, who), "forgotten?");
    STEP(h, "datagram to 10.0.0.%u: expect an ARP request for it", who);
    network_interface_send_datagram(ni, &d, ip4(10, 0, 0, who));
    expect_arp_frame(h, ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, who));
    expect_no_frame(h, ni);
}

static void mapping_aged_by_small_ticks(void) {
    struct harness h;
    harness_begin(&h, "network interface: 30000 ticks of 1 ms expire a mapping, 29999 do not [L5.R7]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    arp_reply_from(&h, &ni, 5);
    STEP(&h, "tick 1 ms, 29999 times");
    for (int i = 0; i < 29999; i++) {
        network_interface_tick(&ni, 1);
    }
    expect_known(&h, &ni, 5);
    STEP(&h, "tick 1 ms more (30 s since learned)");
    network_interface_tick(&ni, 1);
    expect_forgotten(&h, &ni, 5);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void older_mapping_expires_first(void) {
    struct harness h;
    harness_begin(&h, "network interface: of mappings learned at different times, only the older expires [L5.R7]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    STEP(&h, "t=0: learn 10.0.0.5");
    arp_reply_from(&h, &ni, 5);
    STEP(&h, "t=10000: learn 10.0.0.6 and 10.0.0.7");
    network_interface_tick(&ni, 10000);
    arp_reply_from(&h, &ni, 6);
    arp_reply_from(&h, &ni, 7);
    STEP(&h, "t=20000: learn 10.0.0.8");
    network_interface_tick(&ni, 10000);
    arp_reply_from(&h, &ni, 8);
    STEP(&h, "t=30000 (one tick of 10 s): 10.0.0.5 expired, the others not");
    network_interface_tick(&ni, 10000);
    expect_forgotten(&h, &ni, 5);
    expect_known(&h, &ni, 6);
    expect_known(&h, &ni, 7);
    expect_known(&h, &ni, 8);
    STEP(&h, "t=39999, in ticks of 1 s then 999 ms: 10.0.0.6 and 10.0.0.7 still known");
    for (int i = 0; i < 9; i++) {
        network_interface_tick(&ni, 1000);
    }
    network_interface_tick(&ni, 999);
    expect_known(&h, &ni, 6);
    expect_known(&h, &ni, 7);
    STEP(&h, "t=40000: 10.0.0.6 and 10.0.0.7 expired, 10.0.0.8 not");
    network_interface_tick(&ni, 1);
    expect_forgotten(&h, &ni, 6);
    expect_forgotten(&h, &ni, 7);
    expect_known(&h, &ni, 8);
    STEP(&h, "t=50000: 10.0.0.8 expired too");
    network_interface_tick(&ni, 10000);
    expect_forgotten(&h, &ni, 8);
    network_interface_destroy(&ni);
    harness_end(&h);
}

static void mapping_refreshed(void) {
    struct harness h;
    harness_begin(&h, "network interface: a new ARP message restarts the 30 s [L5.R6 L5.R7]");
    struct network_interface ni;
    ni_setup(&h, &ni, mac(1), ip4(10, 0, 0, 1), NULL);
    arp_reply_from(&h, &ni, 5);
    STEP(&h, "tick 20000 ms");
    network_interface_tick(&ni, 20000);
    arp_reply_from(&h, &ni, 5);
    STEP(&h, "tick 20000 ms (40 s since first learned, 20 s since refreshed)");
    network_interface_tick(&ni, 20000);
    struct ipv4_datagram d = dgram(ip4(10, 0, 0, 1), ip4(10, 0, 0, 5), "x");
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_ipv4_frame(&h, &ni, mac(5), &d);
    STEP(&h, "a huge tick forgets everything without overflow");
    network_interface_tick(&ni, UINT64_MAX);
    network_interface_send_datagram(&ni, &d, ip4(10, 0, 0, 5));
    expect_arp_frame(&h, &ni, eth_broadcast(), ARP_OPCODE_REQUEST, mac_zero(), ip4(10, 0, 0, 5));
    STEP(&h, "the request is 1 ms old, then a huge tick: its datagram is given up (the age does not wrap)");
    network_interface_tick(&ni, 1);
    network_interface_tick(&ni, UINT64_MAX);
    EXPECT_EQ(&h, "dropped for ARP timeout", 1, ni.counters.drop_arp_timeout);
    network_interface_destroy(&ni);
    harness_end(&h);
}

int main(void) {
    no_repeat_within_5s();
    requests_expire_independently();
    many_small_ticks();
    answered_request_is_over();
    request_again_after_mapping_expired();
    mapping_expires_after_30s();
    mapping_aged_by_small_ticks();
    older_mapping_expires_first();
    mapping_refreshed();
    return 0;
}
