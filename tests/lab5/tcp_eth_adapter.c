/* The TCP-over-Ethernet adapter without a TAP device: its frame descriptor is one end of a
 * seqpacket socketpair, and the test plays the gateway (169.254.10.1) on the other end. The
 * adapter must ARP for the gateway before its first datagram, answer ARP for its own address,
 * hand up segments for its connection only (each refusal counted), and give up on a datagram
 * whose ARP request went unanswered as its timers advance through tcp_adapter_tick. */

#include "adapters/tcp_over_ethernet.h"
#include "harness.h"
#include "wire/arp.h"
#include "wire/ipv4_datagram.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OUR_IP 0xa9fe0a09u     /* 169.254.10.9 */
#define GATEWAY_IP 0xa9fe0a01u /* 169.254.10.1 */
#define OUR_PORT 40000
#define PEER_PORT 9090

static const struct eth_addr our_eth = {{0x02, 0, 0, 0, 0, 0x09}};
static const struct eth_addr gw_eth = {{0x02, 0, 0, 0, 0, 0x01}};

struct rig {
    int wire; /* the test's end */
    struct tcp_eth_adapter a;
    struct tcp_adapter ad;
};

static void rig_open(struct harness *h, struct rig *r) {
    int fds[2];
    EXPECT_EQ(h, "socketpair", 0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds));
    struct tcp_eth_config cfg = {
        .ip = {.local_addr = OUR_IP, .local_port = OUR_PORT, .remote_addr = GATEWAY_IP, .remote_port = PEER_PORT},
        .eth = our_eth,
        .next_hop = GATEWAY_IP,
        .iface = network_interface_default_config(),
    };
    EXPECT_EQ(h, "init", SPONGE_OK, tcp_eth_adapter_init(&r->a, fds[0], &cfg));
    r->wire = fds[1];
    r->ad = tcp_eth_adapter_as_adapter(&r->a);
}

static void rig_close(struct rig *r) {
    tcp_eth_adapter_destroy(&r->a);
    close(r->wire);
}

/* Reads the next frame the adapter wrote; 0 if none is waiting. */
static size_t wire_read(struct rig *r, uint8_t *buf, size_t cap) {
    ssize_t n = recv(r->wire, buf, cap, MSG_DONTWAIT);
    return n < 0 ? 0 : (size_t)n;
}

static void wire_write(struct harness *h, struct rig *r, const uint8_t *frame, size_t len) {
    EXPECT_EQ(h, "frame written", (int64_t)len, (int64_t)send(r->wire, frame, len, 0));
}

static size_t arp_frame(uint8_t *out, uint16_t opcode, struct eth_addr dst, struct eth_addr sender_eth,
                        uint32_t sender_ip, struct eth_addr target_eth, uint32_t target_ip) {
    struct ethernet_header eh = {.dst = dst, .src = sender_eth, .ethertype = ETHERTYPE_ARP};
    struct arp_message m = {.opcode = opcode,
                            .sender_eth = sender_eth,
                            .sender_ip = sender_ip,
                            .target_eth = target_eth,
                            .target_ip = target_ip};
    ethernet_header_serialize(&eh, out, ETH_HEADER_LEN);
    arp_message_serialize(&m, out + ETH_HEADER_LEN, ARP_MESSAGE_LEN);
    return ETH_HEADER_LEN + ARP_MESSAGE_LEN;
}

/* A frame from the gateway carrying `seg` from src:sport to dst (our port unless dport given). */
static size_t tcp_frame(uint8_t *out, size_t cap, struct eth_addr dst_eth, uint32_t src, uint32_t dst,
                        const struct tcp_segment *seg) {
    uint8_t tcp[256];
    size_t tcp_len = 0;
    tcp_segment_serialize(seg, src, dst, tcp, sizeof tcp, &tcp_len);
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_TCP, src, dst, tcp, tcp_len);
    struct ethernet_header eh = {.dst = dst_eth, .src = gw_eth, .ethertype = ETHERTYPE_IPV4};
    ethernet_header_serialize(&eh, out, cap);
    ipv4_datagram_serialize(&d, out + ETH_HEADER_LEN, cap - ETH_HEADER_LEN);
    return ETH_HEADER_LEN + ipv4_datagram_len(&d);
}

static bool recv_segment(struct rig *r, struct tcp_segment *seg) {
    bool got = false;
    enum sponge_err err = tcp_adapter_recv(&r->ad, seg, &got);
    return err == SPONGE_OK && got;
}

static void test_arp_then_send_and_receive(void) {
    struct harness h;
    harness_begin(&h, "tcp_eth: ARP for the gateway, then segments both ways [L5.R16]");
    struct rig r;
    rig_open(&h, &r);
    uint8_t buf[2048];
    struct arp_message m;
    struct ethernet_header eh;

    STEP(&h, "send a SYN carrying \"hi\": the gateway's address is unknown");
    struct tcp_segment syn = {.header = {.syn = true, .seqno = wrap32_of(1000), .win = 1000}};
    syn.payload = byte_view2_of("hi", 2);
    EXPECT_EQ(&h, "send", SPONGE_OK, tcp_adapter_send(&r.ad, &syn));
    size_t n = wire_read(&r, buf, sizeof buf);
    EXPECT_EQ(&h, "ARP request length", ETH_HEADER_LEN + ARP_MESSAGE_LEN, n);
    ethernet_header_parse(buf, n, &eh);
    EXPECT_TRUE(&h, "broadcast", eth_addr_equal(eh.dst, eth_broadcast()));
    EXPECT_EQ(&h, "ethertype", ETHERTYPE_ARP, eh.ethertype);
    EXPECT_EQ(&h, "ARP parses", SPONGE_OK, arp_message_parse(buf + ETH_HEADER_LEN, n - ETH_HEADER_LEN, &m));
    EXPECT_EQ(&h, "opcode", ARP_OPCODE_REQUEST, m.opcode);
    EXPECT_EQ(&h, "asks for the gateway", GATEWAY_IP, m.target_ip);
    EXPECT_EQ(&h, "from our address", OUR_IP, m.sender_ip);
    EXPECT_EQ(&h, "nothing else yet", 0, wire_read(&r, buf, sizeof buf));

    STEP(&h, "the gateway replies: the waiting datagram goes out, no segment comes up");
    struct tcp_segment seg;
    wire_write(&h, &r, buf, arp_frame(buf, ARP_OPCODE_REPLY, our_eth, gw_eth, GATEWAY_IP, our_eth, OUR_IP));
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&r, &seg));
    n = wire_read(&r, buf, sizeof buf);
    ethernet_header_parse(buf, n, &eh);
    EXPECT_TRUE(&h, "to the gateway", eth_addr_equal(eh.dst, gw_eth));
    EXPECT_TRUE(&h, "from us", eth_addr_equal(eh.src, our_eth));
    EXPECT_EQ(&h, "ethertype", ETHERTYPE_IPV4, eh.ethertype);
    struct ipv4_datagram d;
    EXPECT_EQ(&h, "datagram parses", SPONGE_OK, ipv4_datagram_parse(buf + ETH_HEADER_LEN, n - ETH_HEADER_LEN, &d));
    EXPECT_EQ(&h, "source", OUR_IP, d.header.src);
    EXPECT_EQ(&h, "destination", GATEWAY_IP, d.header.dst);
    EXPECT_EQ(&h, "TCP parses, checksum verified", SPONGE_OK,
              tcp_segment_parse(d.payload, d.payload_len, d.header.src, d.header.dst, true, &seg));
    EXPECT_EQ(&h, "source port", OUR_PORT, seg.header.sport);
    EXPECT_EQ(&h, "destination port", PEER_PORT, seg.header.dport);
    EXPECT_TRUE(&h, "SYN", seg.header.syn);
    EXPECT_BYTES(&h, "payload", "hi", 2, seg.payload.part[0].data, byte_view2_len(&seg.payload));

    STEP(&h, "the next segment goes out at once (the mapping is known)");
    EXPECT_EQ(&h, "send", SPONGE_OK, tcp_adapter_send(&r.ad, &syn));
    n = wire_read(&r, buf, sizeof buf);
    ethernet_header_parse(buf, n, &eh);
    EXPECT_EQ(&h, "ethertype", ETHERTYPE_IPV4, eh.ethertype);

    STEP(&h, "the gateway asks for our address: we answer");
    wire_write(&h, &r, buf,
               arp_frame(buf, ARP_OPCODE_REQUEST, eth_broadcast(), gw_eth, GATEWAY_IP, (struct eth_addr){{0}}, OUR_IP));
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&r, &seg));
    n = wire_read(&r, buf, sizeof buf);
    EXPECT_EQ(&h, "ARP reply parses", SPONGE_OK, arp_message_parse(buf + ETH_HEADER_LEN, n - ETH_HEADER_LEN, &m));
    EXPECT_EQ(&h, "opcode", ARP_OPCODE_REPLY, m.opcode);
    EXPECT_TRUE(&h, "our Ethernet address", eth_addr_equal(m.sender_eth, our_eth));

    STEP(&h, "a SYN+ACK from the peer comes up");
    struct tcp_segment synack = {.header = {.sport = PEER_PORT,
                                            .dport = OUR_PORT,
                                            .syn = true,
                                            .ack = true,
                                            .seqno = wrap32_of(5000),
                                            .ackno = wrap32_of(1003),
                                            .win = 2000}};
    wire_write(&h, &r, buf, tcp_frame(buf, sizeof buf, our_eth, GATEWAY_IP, OUR_IP, &synack));
    EXPECT_BOOL(&h, "segment received", true, recv_segment(&r, &seg));
    EXPECT_TRUE(&h, "SYN+ACK", seg.header.syn && seg.header.ack);
    EXPECT_EQ(&h, "ackno", 1003, seg.header.ackno.raw);

    STEP(&h, "refused: bad TCP checksum, wrong port, other peer, frame for another station");
    size_t len = tcp_frame(buf, sizeof buf, our_eth, GATEWAY_IP, OUR_IP, &synack);
    buf[len - 1] ^= 0x40; /* a bit of the TCP header (no payload) */
    wire_write(&h, &r, buf, len);
    struct tcp_segment wrong = synack;
    wrong.header.dport = OUR_PORT + 1;
    wire_write(&h, &r, buf, tcp_frame(buf, sizeof buf, our_eth, GATEWAY_IP, OUR_IP, &wrong));
    wire_write(&h, &r, buf, tcp_frame(buf, sizeof buf, our_eth, GATEWAY_IP + 1, OUR_IP, &synack));
    struct eth_addr other = {{0x02, 0, 0, 0, 0, 0x77}};
    wire_write(&h, &r, buf, tcp_frame(buf, sizeof buf, other, GATEWAY_IP, OUR_IP, &synack));
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&r, &seg));
    const struct tcp_ipv4_filter *f = tcp_eth_adapter_filter(&r.a);
    EXPECT_EQ(&h, "bad_checksum drops", 1, tcp_ipv4_filter_dropped(f, TCP_IPV4_DROP_BAD_CHECKSUM));
    EXPECT_EQ(&h, "not_our_port drops", 1, tcp_ipv4_filter_dropped(f, TCP_IPV4_DROP_NOT_OUR_PORT));
    EXPECT_EQ(&h, "other_peer drops", 1, tcp_ipv4_filter_dropped(f, TCP_IPV4_DROP_OTHER_PEER));
    EXPECT_EQ(&h, "not_for_us drops", 1, tcp_eth_adapter_iface_counters(&r.a)->drop_not_for_us);
    rig_close(&r);
    harness_end(&h);
}

static void test_arp_timeout(void) {
    struct harness h;
    harness_begin(&h, "tcp_eth: an unanswered ARP request gives up as time passes [L5.R16 L5.R5]");
    struct rig r;
    rig_open(&h, &r);
    uint8_t buf[2048];
    struct tcp_segment syn = {.header = {.syn = true, .seqno = wrap32_of(1)}};

    STEP(&h, "send: an ARP request goes out");
    EXPECT_EQ(&h, "send", SPONGE_OK, tcp_adapter_send(&r.ad, &syn));
    EXPECT_EQ(&h, "ARP request", ETH_HEADER_LEN + ARP_MESSAGE_LEN, wire_read(&r, buf, sizeof buf));
    STEP(&h, "send again within the request interval: it waits, no second request");
    EXPECT_EQ(&h, "send", SPONGE_OK, tcp_adapter_send(&r.ad, &syn));
    EXPECT_EQ(&h, "nothing on the wire", 0, wire_read(&r, buf, sizeof buf));
    STEP(&h, "tick the request interval: both waiting datagrams are dropped");
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_adapter_tick(&r.ad, NETWORK_INTERFACE_ARP_REQUEST_MS));
    EXPECT_EQ(&h, "arp_timeout drops", 2, tcp_eth_adapter_iface_counters(&r.a)->drop_arp_timeout);
    STEP(&h, "the next send asks again");
    EXPECT_EQ(&h, "send", SPONGE_OK, tcp_adapter_send(&r.ad, &syn));
    EXPECT_EQ(&h, "ARP request", ETH_HEADER_LEN + ARP_MESSAGE_LEN, wire_read(&r, buf, sizeof buf));
    EXPECT_EQ(&h, "requests sent", 2, tcp_eth_adapter_iface_counters(&r.a)->arp_requests_sent);
    rig_close(&r);
    harness_end(&h);
}

int main(void) {
    test_arp_then_send_and_receive();
    test_arp_timeout();
    return 0;
}
