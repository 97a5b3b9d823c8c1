/* NetworkInterface in a few lines: a datagram to an unknown next hop waits while an ARP request
 * goes out; the reply releases it as an Ethernet frame. */

#include "net/network_interface.h"
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
    struct eth_addr me = {{0x02, 0, 0, 0, 0, 0x01}}, peer = {{0x02, 0, 0, 0, 0, 0x02}};
    uint32_t my_ip = 0xa9fe0a01, peer_ip = 0xa9fe0a02; /* 169.254.10.1, 169.254.10.2 */
    struct network_interface_config cfg = network_interface_default_config();
    struct network_interface ni;
    if (network_interface_init(&ni, me, my_ip, &cfg) != SPONGE_OK) {
        return 1;
    }

    /* Send a datagram; the payload stays ours (the interface copies what it keeps). */
    const uint8_t text[] = "hello";
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, my_ip, peer_ip, text, sizeof text - 1);
    network_interface_send_datagram(&ni, &d, peer_ip);

    struct byte_view frame; /* valid until the next send/recv on ni */
    CHECK(network_interface_frames_out(&ni, &frame) && frame.len == ETH_HEADER_LEN + ARP_MESSAGE_LEN);

    /* The peer answers; the waiting datagram leaves in a frame to the peer's address. */
    uint8_t reply[ETH_HEADER_LEN + ARP_MESSAGE_LEN];
    struct ethernet_header eh = {.dst = me, .src = peer, .ethertype = ETHERTYPE_ARP};
    struct arp_message m = {ARP_OPCODE_REPLY, peer, peer_ip, me, my_ip};
    ethernet_header_serialize(&eh, reply, sizeof reply);
    arp_message_serialize(&m, reply + ETH_HEADER_LEN, sizeof reply - ETH_HEADER_LEN);
    struct ipv4_datagram in;
    CHECK(!network_interface_recv_frame(&ni, reply, sizeof reply, &in));
    CHECK(network_interface_frames_out(&ni, &frame) && frame.len == ETH_HEADER_LEN + 20 + 5);
    printf("frame of %zu bytes to 02:00:00:00:00:02 after 1 ARP request\n", frame.len);

    network_interface_destroy(&ni);
    return 0;
}
