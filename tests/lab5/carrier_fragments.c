/* Both TCP-in-IPv4 carriers reassemble fragments before their TCP checks: the TUN adapter (its
 * descriptor one end of a seqpacket socketpair, one datagram per message, as a TUN device) and
 * the Ethernet adapter (frames from the test playing the gateway). A segment split into IPv4
 * fragments, out of order and with a repeat, comes up whole; an overlapping set is dropped and
 * counted, its unfragmented retransmission comes up; a partial datagram is dropped when the
 * adapter's ticks reach the timeout. */

#include "adapters/tcp_over_ethernet.h"
#include "adapters/tcp_over_ipv4.h"
#include "harness.h"
#include "wire/ipv4_datagram.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define OUR_PORT 40000
#define PEER_PORT 9090
#define DATA_LEN 2500

static const struct eth_addr our_eth = {{0x02, 0, 0, 0, 0, 0x09}};
static const struct eth_addr gw_eth = {{0x02, 0, 0, 0, 0, 0x01}};

/* The carrier under test, its far end, and how it frames a datagram. */
struct rig {
    int wire;
    bool ethernet;
    uint32_t ours, peer;
    struct tcp_ipv4_adapter ipv4;
    struct tcp_eth_adapter eth;
    struct tcp_adapter ad;
};

static void rig_open(struct harness *h, struct rig *r, bool ethernet) {
    int fds[2];
    EXPECT_EQ(h, "socketpair", 0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fds));
    r->wire = fds[1];
    r->ethernet = ethernet;
    r->ours = ethernet ? 0xa9fe0a09u : 0xa9fe9009u; /* 169.254.10.9, 169.254.144.9 */
    r->peer = ethernet ? 0xa9fe0a01u : 0xa9fe9001u;
    struct tcp_ipv4_config ip = {
        .local_addr = r->ours, .local_port = OUR_PORT, .remote_addr = r->peer, .remote_port = PEER_PORT};
    if (ethernet) {
        struct tcp_eth_config cfg = {
            .ip = ip, .eth = our_eth, .next_hop = r->peer, .iface = network_interface_default_config()};
        EXPECT_EQ(h, "init", SPONGE_OK, tcp_eth_adapter_init(&r->eth, fds[0], &cfg));
        r->ad = tcp_eth_adapter_as_adapter(&r->eth);
    } else {
        EXPECT_EQ(h, "init", SPONGE_OK, tcp_ipv4_adapter_init(&r->ipv4, fds[0], false, &ip));
        r->ad = tcp_ipv4_adapter_as_adapter(&r->ipv4);
    }
}

static void rig_close(struct rig *r) {
    if (r->ethernet) {
        tcp_eth_adapter_destroy(&r->eth);
    } else {
        tcp_ipv4_adapter_destroy(&r->ipv4);
    }
    close(r->wire);
}

static const struct ipv4_reassembler *rig_reasm(const struct rig *r) {
    return r->ethernet ? tcp_eth_adapter_reassembler(&r->eth) : tcp_ipv4_adapter_reassembler(&r->ipv4);
}

/* The peer's data segment (seqno 1000, DATA_LEN bytes of `data`) serialized into tcp[]. */
static size_t data_segment(struct rig *r, const uint8_t *data, uint8_t *tcp, size_t cap) {
    struct tcp_segment seg = {.header = {.sport = PEER_PORT,
                                         .dport = OUR_PORT,
                                         .ack = true,
                                         .seqno = wrap32_of(1000),
                                         .ackno = wrap32_of(1),
                                         .win = 5000}};
    seg.payload = byte_view2_of(data, DATA_LEN);
    size_t len = 0;
    tcp_segment_serialize(&seg, r->peer, r->ours, tcp, cap, &len);
    return len;
}

/* Writes bytes [off, off + len) of the TCP bytes as one IPv4 fragment (identification id; MF
 * unless it reaches tcp_len; the whole segment when it is all of it). */
static void send_fragment(struct harness *h, struct rig *r, uint16_t id, const uint8_t *tcp, size_t tcp_len, size_t off,
                          size_t len) {
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_TCP, r->peer, r->ours, tcp + off, len);
    d.header.id = id;
    d.header.df = false;
    d.header.mf = off + len < tcp_len;
    d.header.frag_offset = (uint16_t)(off / 8);
    ipv4_datagram_seal(&d);
    uint8_t buf[2048];
    size_t at = 0;
    if (r->ethernet) {
        struct ethernet_header eh = {.dst = our_eth, .src = gw_eth, .ethertype = ETHERTYPE_IPV4};
        ethernet_header_serialize(&eh, buf, sizeof buf);
        at = ETH_HEADER_LEN;
    }
    EXPECT_EQ(h, "serialize", SPONGE_OK, ipv4_datagram_serialize(&d, buf + at, sizeof buf - at));
    size_t n = at + ipv4_datagram_len(&d);
    EXPECT_EQ(h, "written", (int64_t)n, (int64_t)send(r->wire, buf, n, 0));
}

static bool recv_segment(struct rig *r, struct tcp_segment *seg) {
    bool got = false;
    return tcp_adapter_recv(&r->ad, seg, &got) == SPONGE_OK && got;
}

static void expect_data(struct harness *h, struct rig *r, const uint8_t *data) {
    struct tcp_segment seg;
    EXPECT_BOOL(h, "segment received", true, recv_segment(r, &seg));
    EXPECT_EQ(h, "seqno", 1000, seg.header.seqno.raw);
    uint8_t got[DATA_LEN];
    EXPECT_EQ(h, "payload length", DATA_LEN, byte_view2_len(&seg.payload));
    byte_view2_copy(&seg.payload, got);
    EXPECT_BYTES(h, "payload", data, DATA_LEN, got, DATA_LEN);
}

static void carrier_reassembles(bool ethernet) {
    struct harness h;
    harness_begin(&h, ethernet ? "tcp_eth: fragments reassembled before the TCP checks"
                               : "tcp_ipv4: fragments reassembled before the TCP checks");
    struct rig r;
    rig_open(&h, &r, ethernet);
    uint8_t data[DATA_LEN], tcp[DATA_LEN + 60];
    for (size_t i = 0; i < DATA_LEN; i++) {
        data[i] = (uint8_t)(i * 7 + 3);
    }
    size_t n = data_segment(&r, data, tcp, sizeof tcp);
    struct tcp_segment seg;

    STEP(&h, "three fragments in order");
    send_fragment(&h, &r, 1, tcp, n, 0, 1000);
    send_fragment(&h, &r, 1, tcp, n, 1000, 1000);
    send_fragment(&h, &r, 1, tcp, n, 2000, n - 2000);
    expect_data(&h, &r, data);

    STEP(&h, "last, first, first again (a repeat), middle: nothing until the middle arrives");
    send_fragment(&h, &r, 2, tcp, n, 2000, n - 2000);
    send_fragment(&h, &r, 2, tcp, n, 0, 1000);
    send_fragment(&h, &r, 2, tcp, n, 0, 1000);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&r, &seg));
    send_fragment(&h, &r, 2, tcp, n, 1000, 1000);
    expect_data(&h, &r, data);
    EXPECT_EQ(&h, "duplicates", 1, ipv4_reassembler_dropped(rig_reasm(&r), IPV4_REASM_DROP_DUPLICATE));

    STEP(&h, "overlapping fragments [0, 1000) and [992, 2000): dropped; then a retransmission");
    send_fragment(&h, &r, 3, tcp, n, 0, 1000);
    send_fragment(&h, &r, 3, tcp, n, 992, 1008);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&r, &seg));
    EXPECT_EQ(&h, "overlap drops", 1, ipv4_reassembler_dropped(rig_reasm(&r), IPV4_REASM_DROP_OVERLAP));
    send_fragment(&h, &r, 4, tcp, n, 0, 1480);
    send_fragment(&h, &r, 4, tcp, n, 1480, n - 1480);
    expect_data(&h, &r, data);

    STEP(&h, "a first fragment alone, then 30 s of ticks");
    send_fragment(&h, &r, 5, tcp, n, 0, 1000);
    EXPECT_BOOL(&h, "segment received", false, recv_segment(&r, &seg));
    EXPECT_EQ(&h, "in progress", 1, ipv4_reassembler_in_progress(rig_reasm(&r)));
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_adapter_tick(&r.ad, 29999));
    EXPECT_EQ(&h, "still in progress", 1, ipv4_reassembler_in_progress(rig_reasm(&r)));
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_adapter_tick(&r.ad, 1));
    EXPECT_EQ(&h, "timeout drops", 1, ipv4_reassembler_dropped(rig_reasm(&r), IPV4_REASM_DROP_TIMEOUT));
    EXPECT_EQ(&h, "in progress", 0, ipv4_reassembler_in_progress(rig_reasm(&r)));
    EXPECT_EQ(&h, "reassembled", 3, ipv4_reassembler_reassembled(rig_reasm(&r)));

    STEP(&h, "the report names the counters");
    char *text = NULL;
    size_t text_len = 0;
    FILE *out = open_memstream(&text, &text_len);
    EXPECT_TRUE(&h, "memstream", out != NULL);
    tcp_adapter_report(&r.ad, out);
    fclose(out);
    harness_note(&h, "report: %s", text);
    EXPECT_TRUE(&h, "reassembled=3 reported", strstr(text, " reassembled=3 ") != NULL);
    EXPECT_TRUE(&h, "overlap=1 and timeout=1 reported",
                strstr(text, " overlap=1") != NULL && strstr(text, " timeout=1") != NULL);
    free(text);
    rig_close(&r);
    harness_end(&h);
}

int main(void) {
    carrier_reassembles(false);
    carrier_reassembles(true);
    return 0;
}
