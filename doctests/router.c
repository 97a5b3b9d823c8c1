/* Router in a few lines: two interfaces, a direct route and a default route; a frame in on
 * interface 0 comes out on interface 1 (after ARP) with its TTL one lower. */

#include "net/router.h"
#include "wire/arp.h"

#include <stdio.h>

/* Doctests run in Release builds too, where CHECK() is compiled out. */
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "check failed: %s\n", #cond);                                                              \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

int main(void) {
    struct router_config cfg = router_default_config();
    struct router r;
    if (router_init(&r, &cfg) != SPONGE_OK) {
        return 1;
    }
    struct eth_addr mac0 = {{0x02, 0, 0, 0, 1, 0}}, mac1 = {{0x02, 0, 0, 0, 1, 1}}, host = {{0x02, 0, 0, 0, 2, 0}};
    size_t lan = 0, wan = 0;
    if (router_add_interface(&r, mac0, 0x0a000001, &lan) != SPONGE_OK || /* 10.0.0.1 */
        router_add_interface(&r, mac1, 0xc0a80001, &wan) != SPONGE_OK) { /* 192.168.0.1 */
        return 1;
    }
    router_add_route(&r, 0x0a000000, 8, false, 0, lan); /* 10.0.0.0/8: direct */
    router_add_route(&r, 0, 0, true, 0xc0a800fe, wan);  /* default via 192.168.0.254 */

    /* A host on the LAN sends 10.0.0.9 -> 8.8.8.8 (TTL 64) to the router's Ethernet address. */
    const uint8_t text[] = "ping";
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, 0x0a000009, 0x08080808, text, 4);
    uint8_t frame[64];
    struct ethernet_header eh = {.dst = mac0, .src = host, .ethertype = ETHERTYPE_IPV4};
    ethernet_header_serialize(&eh, frame, sizeof frame);
    ipv4_datagram_serialize(&d, frame + ETH_HEADER_LEN, sizeof frame - ETH_HEADER_LEN);
    router_recv_frame(&r, lan, frame, ETH_HEADER_LEN + ipv4_datagram_len(&d));
    router_route(&r);

    /* Out of the WAN interface: first an ARP request for the default gateway. */
    struct byte_view out;
    struct arp_message m;
    CHECK(network_interface_frames_out(router_interface(&r, wan), &out));
    CHECK(arp_message_parse(out.data + ETH_HEADER_LEN, out.len - ETH_HEADER_LEN, &m) == SPONGE_OK);
    CHECK(m.target_ip == 0xc0a800fe);
    printf("forwarded %llu, asked ARP for 192.168.0.254\n", (unsigned long long)router_counters(&r)->forwarded);

    router_destroy(&r);
    return 0;
}
