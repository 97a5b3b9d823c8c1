/* tcp_host below TCP: echo requests to the host's address are answered (RFC 1122 3.2.2.6), and
 * IPv4 fragments are reassembled before the TCP checks (RFC 791 3.2), timed by the host's tick.
 * Host ISN fixed at 1000; datagrams go in through tcp_host_datagram_received. */
#include "host_steps.h"
#include "net/ipv4_reassembler.h"
#include "wire/icmp.h"
#include "wire/ipv4_datagram.h"

#define ISN 1000
#define OTHER_ADDR ((169u << 24) | (254u << 16) | (144u << 8) | 77u)

/* An ICMP echo message (type, id 0x4242, seq, data) from src to dst in out; returns its length.
 * With `corrupt` the last byte is flipped after the checksum was computed. */
static size_t echo_datagram(uint8_t *out, uint32_t src, uint32_t dst, uint8_t type, uint16_t seq, const char *data,
                            bool corrupt) {
    uint8_t msg[MEM_DGRAM];
    size_t n = 0;
    struct icmp_header ih = icmp_echo_header(type, 0x4242, seq);
    struct byte_view2 body = byte_view2_of(data, strlen(data));
    icmp_message_serialize(&ih, &body, msg, sizeof msg, &n);
    if (corrupt) {
        msg[n - 1] ^= 1;
    }
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_ICMP, src, dst, msg, n);
    ipv4_datagram_serialize(&d, out, MEM_DGRAM);
    return ipv4_datagram_len(&d);
}

/* Fragment of the datagram dgram[0..len) (20-byte header) carrying payload bytes
 * [off, off + flen) (clipped to the payload), into out; returns its length. */
static size_t fragment(const uint8_t *dgram, size_t len, size_t off, size_t flen, uint8_t *out) {
    struct ipv4_datagram d;
    if (ipv4_datagram_parse(dgram, len, &d) != SPONGE_OK || off >= d.payload_len) {
        return 0;
    }
    flen = off + flen < d.payload_len ? flen : d.payload_len - off;
    struct ipv4_header f = d.header;
    f.df = false;
    f.mf = off + flen < d.payload_len;
    f.frag_offset = (uint16_t)(off / 8);
    f.total_len = (uint16_t)(IPV4_MIN_HEADER_LEN + flen);
    size_t hlen = 0;
    ipv4_header_serialize(&f, out, MEM_DGRAM, &hlen);
    memcpy(out + hlen, d.payload + off, flen);
    return hlen + flen;
}

static void deliver(struct harness *h, const char *file, int line, struct tcp_host *host, const uint8_t *d, size_t len,
                    const char *what) {
    harness_step(h, file, line, "peer sends %s (%zu bytes)", what, len);
    if (len == 0) {
        harness_fail(h, file, line, "the test could not build the datagram");
    }
    tcp_host_datagram_received(host, d, len);
}
#define DELIVER(h, host, d, len, what) deliver((h), __FILE__, __LINE__, (host), (d), (len), (what))

/* Pops the next datagram the host sent and checks it is our echo reply to PEER_A. */
static void expect_echo_reply(struct harness *h, const char *file, int line, struct mem_carrier *m, uint16_t seq,
                              const char *data) {
    harness_step(h, file, line, "expect the echo reply, seq %u", (unsigned)seq);
    if (m->count == 0) {
        harness_fail(h, file, line, "the host sent nothing");
    }
    size_t at = m->head;
    m->head = (m->head + 1) % MEM_SLOTS;
    m->count--;
    struct ipv4_datagram d;
    harness_expect_u64(h, file, line, "reply parses (IPv4 checksum)", SPONGE_OK,
                       ipv4_datagram_parse(m->buf[at], m->len[at], &d));
    harness_expect_u64(h, file, line, "from the host's address", HOST_ADDR, d.header.src);
    harness_expect_u64(h, file, line, "to the requester", PEER_A, d.header.dst);
    harness_expect_u64(h, file, line, "protocol", IPV4_PROTO_ICMP, d.header.protocol);
    harness_expect_u64(h, file, line, "length on the wire", m->len[at], d.header.total_len);
    struct icmp_header ih;
    struct byte_view body;
    harness_expect_u64(h, file, line, "reply parses (ICMP checksum)", SPONGE_OK,
                       icmp_message_parse(d.payload, d.payload_len, &ih, &body));
    harness_expect_u64(h, file, line, "type", ICMP_ECHO_REPLY, ih.type);
    harness_expect_u64(h, file, line, "code", 0, ih.code);
    harness_expect_u64(h, file, line, "identifier", 0x4242, icmp_echo_id(&ih));
    harness_expect_u64(h, file, line, "sequence number", seq, icmp_echo_seq(&ih));
    harness_expect_bytes(h, file, line, "data", data, strlen(data), body.data, body.len);
}
#define EXPECT_ECHO_REPLY(h, m, seq, data) expect_echo_reply((h), __FILE__, __LINE__, (m), (seq), (data))

static struct tcp_host_config cfg_default(void) {
    struct tcp_host_config cfg;
    host_cfg(&cfg, ISN);
    cfg.reassembly = ipv4_reassembler_default_config(); /* not SPONGE_FRAG_TIMEOUT_MS */
    return cfg;
}

static int echo(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_default();
    host_begin(&h, &host, &m, "echo requests to the host's address are answered at once [L4.R21]", &cfg);
    uint8_t d[MEM_DGRAM];
    DELIVER(&h, &host, d, echo_datagram(d, PEER_A, HOST_ADDR, ICMP_ECHO_REQUEST, 1, "ping data", false),
            "an echo request");
    EXPECT_ECHO_REPLY(&h, &m, 1, "ping data");
    EXPECT_EQ(&h, "icmp_echo_replied", 1, host.counters.icmp_echo_replied);
    DELIVER(&h, &host, d, echo_datagram(d, PEER_A, HOST_ADDR, ICMP_ECHO_REQUEST, 2, "", false),
            "an echo request without data");
    EXPECT_ECHO_REPLY(&h, &m, 2, "");
    STEP(&h, "not answered: to another address, a corrupt one, an echo reply");
    DELIVER(&h, &host, d, echo_datagram(d, PEER_A, OTHER_ADDR, ICMP_ECHO_REQUEST, 3, "x", false),
            "an echo request to another address");
    DELIVER(&h, &host, d, echo_datagram(d, PEER_A, HOST_ADDR, ICMP_ECHO_REQUEST, 4, "ping data", true),
            "an echo request with a bad ICMP checksum");
    DELIVER(&h, &host, d, echo_datagram(d, PEER_A, HOST_ADDR, ICMP_ECHO_REPLY, 5, "x", false), "an echo reply");
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "icmp_echo_replied", 2, host.counters.icmp_echo_replied);
    EXPECT_EQ(&h, "not_our_addr drops", 1, host.counters.dropped[TCP_HOST_DROP_NOT_OUR_ADDR]);
    EXPECT_EQ(&h, "icmp drops", 2, host.counters.dropped[TCP_HOST_DROP_ICMP]);
    STEP(&h, "TCP still works after the pings");
    uint32_t l;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 4, &l));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "S", .seq = 7000);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dst = PEER_A, .syn = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(7001));
    return host_end(&h, &host, &m);
}

/* The connection of `handshake` in host_listener.c, accepted: PEER_A:5000 -> :80, peer ISN 100. */
static uint32_t connected(struct harness *h, struct tcp_host *host, struct mem_carrier *m) {
    uint32_t l, c = 0;
    EXPECT_EQ(h, "listen on 80", SPONGE_OK, tcp_host_listen(host, 80, 4, &l));
    PEER(h, host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "S", .seq = 100);
    FLUSH(h, host);
    EXPECT_OUT(h, m, NULL, .syn = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(101));
    PEER(h, host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 101, .ack = ISN + 1);
    FLUSH(h, host);
    EXPECT_TRUE(h, "accept", tcp_host_accept(host, l, &c));
    return c;
}

static const char text[] = "a segment that arrives in IPv4 fragments, cut every 24 bytes of the IP payload";

static int fragments(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_default();
    host_begin(&h, &host, &m, "a segment in fragments, last first: reassembled, then TCP [L4.R21]", &cfg);
    uint32_t c = connected(&h, &host, &m);
    uint8_t whole[MEM_DGRAM], f[MEM_DGRAM];
    struct tcp_segment seg;
    size_t len = peer_datagram(
        (struct peer_seg){
            .src = PEER_A, .sport = 5000, .dport = 80, .flags = "PA", .seq = 101, .ack = ISN + 1, .data = text},
        whole, &seg);
    size_t payload = len - IPV4_MIN_HEADER_LEN, pieces = (payload + 23) / 24;
    for (size_t k = pieces; k-- > 1;) {
        DELIVER(&h, &host, f, fragment(whole, len, k * 24, 24, f), "a fragment (not the first)");
    }
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "in progress", 1, ipv4_reassembler_in_progress(tcp_host_reassembler(&host)));
    DELIVER(&h, &host, f, fragment(whole, len, 0, 24, f), "the first fragment");
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .ack = TRI_YES, .ackno = OPT_U64(101 + strlen(text)));
    char buf[sizeof text];
    size_t n = tcp_host_read(&host, c, buf, sizeof buf);
    EXPECT_BYTES(&h, "the application reads the data", text, strlen(text), buf, n);
    EXPECT_EQ(&h, "fragments", pieces, ipv4_reassembler_fragments(tcp_host_reassembler(&host)));
    EXPECT_EQ(&h, "reassembled", 1, ipv4_reassembler_reassembled(tcp_host_reassembler(&host)));
    EXPECT_EQ(&h, "in progress", 0, ipv4_reassembler_in_progress(tcp_host_reassembler(&host)));

    STEP(&h, "a fragmented echo request is answered whole, after reassembly");
    static char data[601];
    for (size_t i = 0; i < 600; i++) {
        data[i] = (char)('a' + i % 26);
    }
    len = echo_datagram(whole, PEER_A, HOST_ADDR, ICMP_ECHO_REQUEST, 9, data, false);
    DELIVER(&h, &host, f, fragment(whole, len, 0, 304, f), "echo request, first fragment");
    EXPECT_NOTHING(&h, &m);
    DELIVER(&h, &host, f, fragment(whole, len, 304, 304, f), "echo request, last fragment");
    EXPECT_ECHO_REPLY(&h, &m, 9, data);

    STEP(&h, "fragments to another address are not held");
    len = echo_datagram(whole, PEER_A, OTHER_ADDR, ICMP_ECHO_REQUEST, 10, data, false);
    DELIVER(&h, &host, f, fragment(whole, len, 0, 304, f), "a fragment to another address");
    EXPECT_EQ(&h, "in progress", 0, ipv4_reassembler_in_progress(tcp_host_reassembler(&host)));
    EXPECT_EQ(&h, "not_our_addr drops", 1, host.counters.dropped[TCP_HOST_DROP_NOT_OUR_ADDR]);
    return host_end(&h, &host, &m);
}

static int fragment_timeout(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_default();
    cfg.reassembly.timeout_ms = 1000;
    host_begin(&h, &host, &m, "an incomplete datagram is dropped when the host's ticks reach the timeout [L4.R21]",
               &cfg);
    uint32_t c = connected(&h, &host, &m);
    uint8_t whole[MEM_DGRAM], f[MEM_DGRAM];
    struct tcp_segment seg;
    size_t len = peer_datagram(
        (struct peer_seg){
            .src = PEER_A, .sport = 5000, .dport = 80, .flags = "PA", .seq = 101, .ack = ISN + 1, .data = text},
        whole, &seg);
    DELIVER(&h, &host, f, fragment(whole, len, 0, 48, f), "the first fragment");
    EXPECT_EQ(&h, "tick 999", SPONGE_OK, tcp_host_tick(&host, 999));
    EXPECT_EQ(&h, "in progress", 1, ipv4_reassembler_in_progress(tcp_host_reassembler(&host)));
    EXPECT_EQ(&h, "tick 1", SPONGE_OK, tcp_host_tick(&host, 1));
    EXPECT_EQ(&h, "in progress", 0, ipv4_reassembler_in_progress(tcp_host_reassembler(&host)));
    EXPECT_EQ(&h, "timeout drops", 1, ipv4_reassembler_dropped(tcp_host_reassembler(&host), IPV4_REASM_DROP_TIMEOUT));
    DELIVER(&h, &host, f, fragment(whole, len, 48, MEM_DGRAM, f), "the rest, too late");
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "tick 1000", SPONGE_OK, tcp_host_tick(&host, 1000));
    EXPECT_EQ(&h, "timeout drops", 2, ipv4_reassembler_dropped(tcp_host_reassembler(&host), IPV4_REASM_DROP_TIMEOUT));
    STEP(&h, "the peer retransmits unfragmented");
    DELIVER(&h, &host, whole, len, "the segment, whole");
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .ack = TRI_YES, .ackno = OPT_U64(101 + strlen(text)));
    EXPECT_EQ(&h, "readable", strlen(text), tcp_host_readable(&host, c));
    EXPECT_EQ(&h, "reassembled", 0, ipv4_reassembler_reassembled(tcp_host_reassembler(&host)));
    return host_end(&h, &host, &m);
}

int main(void) {
    echo();
    fragments();
    fragment_timeout();
    return 0;
}
