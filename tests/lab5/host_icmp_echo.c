/* Our TCP hosts answer ICMP echo requests to their address (RFC 1122 3.2.2.6), on both
 * carriers, without a device: the TUN carrier's descriptor is a datagram socketpair (one
 * datagram per read/write, as on TUN), the Ethernet carrier's a seqpacket socketpair where the
 * test plays the gateway. Requests to other addresses, replies and corrupt requests are not
 * answered; a TCP segment after a ping still reaches the connection. */

#include "adapters/tcp_over_ethernet.h"
#include "adapters/tcp_over_ipv4.h"
#include "harness.h"
#include "wire/arp.h"
#include "wire/icmp.h"
#include "wire/ipv4_datagram.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OUR_IP 0xa9fe0a09u  /* 169.254.10.9 */
#define PEER_IP 0xa9fe0a01u /* 169.254.10.1, also the gateway */
#define OUR_PORT 40000
#define PEER_PORT 9090

static const struct eth_addr our_eth = {{0x02, 0, 0, 0, 0, 0x09}};
static const struct eth_addr gw_eth = {{0x02, 0, 0, 0, 0, 0x01}};

static const struct tcp_ipv4_config ip_cfg = {
    .local_addr = OUR_IP, .local_port = OUR_PORT, .remote_addr = PEER_IP, .remote_port = PEER_PORT};

/* A datagram PEER -> dst into out: an echo (type, id 0x1234, seq, "ping data") or, if tcp, a
 * bare ACK segment to our port. Returns its length. */
static size_t datagram(uint8_t *out, size_t cap, uint32_t dst, uint8_t type, uint16_t seq, bool corrupt) {
    uint8_t msg[64];
    size_t n = 0;
    struct icmp_header ih = icmp_echo_header(type, 0x1234, seq);
    struct byte_view2 body = byte_view2_of("ping data", 9);
    icmp_message_serialize(&ih, &body, msg, sizeof msg, &n);
    if (corrupt) {
        msg[n - 1] ^= 1;
    }
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_ICMP, PEER_IP, dst, msg, n);
    ipv4_datagram_serialize(&d, out, cap);
    return ipv4_datagram_len(&d);
}

static size_t tcp_datagram(uint8_t *out, size_t cap) {
    struct tcp_segment seg = {.header = {.sport = PEER_PORT, .dport = OUR_PORT, .ack = true, .win = 100}};
    uint8_t tcp[64];
    size_t n = 0;
    tcp_segment_serialize(&seg, PEER_IP, OUR_IP, tcp, sizeof tcp, &n);
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_TCP, PEER_IP, OUR_IP, tcp, n);
    ipv4_datagram_serialize(&d, out, cap);
    return ipv4_datagram_len(&d);
}

/* Checks that bytes[0..len) is the echo reply OUR_IP -> PEER_IP for sequence `seq`. */
static void expect_reply(struct harness *h, const uint8_t *bytes, size_t len, uint16_t seq) {
    struct ipv4_datagram d;
    EXPECT_EQ(h, "reply parses (IPv4)", SPONGE_OK, ipv4_datagram_parse(bytes, len, &d));
    EXPECT_EQ(h, "from us", OUR_IP, d.header.src);
    EXPECT_EQ(h, "to the peer", PEER_IP, d.header.dst);
    EXPECT_EQ(h, "protocol", IPV4_PROTO_ICMP, d.header.protocol);
    struct icmp_header ih;
    struct byte_view body;
    EXPECT_EQ(h, "reply parses (ICMP checksum)", SPONGE_OK, icmp_message_parse(d.payload, d.payload_len, &ih, &body));
    EXPECT_EQ(h, "type", ICMP_ECHO_REPLY, ih.type);
    EXPECT_EQ(h, "id", 0x1234, icmp_echo_id(&ih));
    EXPECT_EQ(h, "seq", seq, icmp_echo_seq(&ih));
    EXPECT_BYTES(h, "data", "ping data", 9, body.data, body.len);
}

static bool recv_segment(struct tcp_adapter *ad, struct tcp_segment *seg) {
    bool got = false;
    return tcp_adapter_recv(ad, seg, &got) == SPONGE_OK && got;
}

static void tun_carrier(void) {
    struct harness h;
    harness_begin(&h, "tcp_ipv4 (TUN carrier): echo requests to our address are answered");
    int fds[2];
    EXPECT_EQ(&h, "socketpair", 0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds));
    struct tcp_ipv4_adapter a;
    EXPECT_EQ(&h, "init", SPONGE_OK, tcp_ipv4_adapter_init(&a, fds[0], false, &ip_cfg));
    struct tcp_adapter ad = tcp_ipv4_adapter_as_adapter(&a);
    uint8_t buf[256];
    struct tcp_segment seg;

    STEP(&h, "the peer pings us (seq 1): a reply, no segment");
    size_t n = datagram(buf, sizeof buf, OUR_IP, ICMP_ECHO_REQUEST, 1, false);
    EXPECT_EQ(&h, "written", (int64_t)n, (int64_t)send(fds[1], buf, n, 0));
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&ad, &seg));
    ssize_t got = recv(fds[1], buf, sizeof buf, MSG_DONTWAIT);
    EXPECT_EQ(&h, "reply length", (int64_t)n, (int64_t)got);
    expect_reply(&h, buf, (size_t)(got > 0 ? got : 0), 1);
    EXPECT_EQ(&h, "counted", 1, a.icmp_echo_replied);

    STEP(&h, "a request to another address, a reply, a corrupt request: no answer");
    n = datagram(buf, sizeof buf, 0xa9fe0a63u, ICMP_ECHO_REQUEST, 2, false);
    send(fds[1], buf, n, 0);
    n = datagram(buf, sizeof buf, OUR_IP, ICMP_ECHO_REPLY, 3, false);
    send(fds[1], buf, n, 0);
    n = datagram(buf, sizeof buf, OUR_IP, ICMP_ECHO_REQUEST, 4, true);
    send(fds[1], buf, n, 0);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&ad, &seg));
    EXPECT_TRUE(&h, "nothing written back", recv(fds[1], buf, sizeof buf, MSG_DONTWAIT) < 0);
    EXPECT_EQ(&h, "counted", 1, a.icmp_echo_replied);
    EXPECT_EQ(&h, "refused as not TCP", 3, tcp_ipv4_filter_dropped(&a.filter, TCP_IPV4_DROP_NOT_TCP));

    STEP(&h, "a TCP segment still reaches the connection");
    n = tcp_datagram(buf, sizeof buf);
    send(fds[1], buf, n, 0);
    EXPECT_BOOL(&h, "segment received", true, recv_segment(&ad, &seg));
    EXPECT_TRUE(&h, "the ACK", seg.header.ack);
    tcp_ipv4_adapter_destroy(&a);
    close(fds[1]);
    harness_end(&h);
}

/* Wraps datagram bytes in a frame from the gateway to us. */
static size_t frame_of(uint8_t *frame, const uint8_t *dgram, size_t len) {
    struct ethernet_header eh = {.dst = our_eth, .src = gw_eth, .ethertype = ETHERTYPE_IPV4};
    ethernet_header_serialize(&eh, frame, ETH_HEADER_LEN);
    memcpy(frame + ETH_HEADER_LEN, dgram, len);
    return ETH_HEADER_LEN + len;
}

static void ethernet_carrier(void) {
    struct harness h;
    harness_begin(&h, "tcp_eth (Ethernet carrier): echo requests to our address are answered");
    int fds[2];
    EXPECT_EQ(&h, "socketpair", 0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds));
    struct tcp_eth_config cfg = {
        .ip = ip_cfg, .eth = our_eth, .next_hop = PEER_IP, .iface = network_interface_default_config()};
    struct tcp_eth_adapter a;
    EXPECT_EQ(&h, "init", SPONGE_OK, tcp_eth_adapter_init(&a, fds[0], &cfg));
    struct tcp_adapter ad = tcp_eth_adapter_as_adapter(&a);
    uint8_t dgram[256], frame[512];
    struct tcp_segment seg;

    STEP(&h, "the gateway pings us (seq 7), its Ethernet address still unknown: we ARP first");
    size_t n = datagram(dgram, sizeof dgram, OUR_IP, ICMP_ECHO_REQUEST, 7, false);
    send(fds[1], frame, frame_of(frame, dgram, n), 0);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&ad, &seg));
    ssize_t got = recv(fds[1], frame, sizeof frame, MSG_DONTWAIT);
    struct ethernet_header eh;
    EXPECT_EQ(&h, "ethernet", SPONGE_OK, ethernet_header_parse(frame, got > 0 ? (size_t)got : 0, &eh));
    EXPECT_EQ(&h, "an ARP request", ETHERTYPE_ARP, eh.ethertype);
    STEP(&h, "the gateway answers ARP: the echo reply goes out");
    struct arp_message m = {.opcode = ARP_OPCODE_REPLY,
                            .sender_eth = gw_eth,
                            .sender_ip = PEER_IP,
                            .target_eth = our_eth,
                            .target_ip = OUR_IP};
    eh = (struct ethernet_header){.dst = our_eth, .src = gw_eth, .ethertype = ETHERTYPE_ARP};
    ethernet_header_serialize(&eh, frame, ETH_HEADER_LEN);
    arp_message_serialize(&m, frame + ETH_HEADER_LEN, ARP_MESSAGE_LEN);
    send(fds[1], frame, ETH_HEADER_LEN + ARP_MESSAGE_LEN, 0);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&ad, &seg));
    got = recv(fds[1], frame, sizeof frame, MSG_DONTWAIT);
    EXPECT_EQ(&h, "ethernet", SPONGE_OK, ethernet_header_parse(frame, got > 0 ? (size_t)got : 0, &eh));
    EXPECT_EQ(&h, "IPv4", ETHERTYPE_IPV4, eh.ethertype);
    EXPECT_TRUE(&h, "to the gateway", eth_addr_equal(eh.dst, gw_eth));
    expect_reply(&h, frame + ETH_HEADER_LEN, (size_t)got - ETH_HEADER_LEN, 7);
    EXPECT_EQ(&h, "counted", 1, a.icmp_echo_replied);

    STEP(&h, "a request to another address and a corrupt one: no answer");
    n = datagram(dgram, sizeof dgram, 0xa9fe0a63u, ICMP_ECHO_REQUEST, 8, false);
    send(fds[1], frame, frame_of(frame, dgram, n), 0);
    n = datagram(dgram, sizeof dgram, OUR_IP, ICMP_ECHO_REQUEST, 9, true);
    send(fds[1], frame, frame_of(frame, dgram, n), 0);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&ad, &seg));
    EXPECT_TRUE(&h, "nothing written back", recv(fds[1], frame, sizeof frame, MSG_DONTWAIT) < 0);
    EXPECT_EQ(&h, "counted", 1, a.icmp_echo_replied);

    STEP(&h, "a TCP segment still reaches the connection");
    n = tcp_datagram(dgram, sizeof dgram);
    send(fds[1], frame, frame_of(frame, dgram, n), 0);
    EXPECT_BOOL(&h, "segment received", true, recv_segment(&ad, &seg));
    tcp_eth_adapter_destroy(&a);
    close(fds[1]);
    harness_end(&h);
}

int main(void) {
    tun_carrier();
    ethernet_carrier();
    return 0;
}
