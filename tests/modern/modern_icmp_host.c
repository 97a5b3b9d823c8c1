/* tcp_host hands ICMP errors about a connection's segments to that connection (tcp/tcp_icmp.h)
 * and counts what it did: a router's Fragmentation Needed about a segment the host sent lowers
 * the segment size, one quoting a sequence number not in flight is ignored (RFC 5927 4.1), port
 * unreachable ends a connect, and an error about no connection of ours is a drop. */
#include "../lab4/host_steps.h"
#include "net/icmp_reply.h"
#include "wire/icmp.h"
#include "wire/ipv4_datagram.h"

#define ISN 1000
#define PEER_ISN 9000
#define ROUTER ((169u << 24) | (254u << 16) | (144u << 8) | 254u)

/* Pops the next datagram the host sent, raw, into out (MEM_DGRAM bytes); returns its length. */
static size_t pop_raw(struct mem_carrier *m, uint8_t *out) {
    if (m->count == 0) {
        return 0;
    }
    size_t len = m->len[m->head];
    memcpy(out, m->buf[m->head], len);
    m->head = (m->head + 1) % MEM_SLOTS;
    m->count--;
    return len;
}

/* The router sends the host ICMP type/code (with `mtu`) about the datagram raw[0..len) the host
 * sent; with `seq_delta` the quoted TCP sequence number is moved by that much first. */
static void router_reports(struct harness *h, const char *file, int line, struct tcp_host *host, uint8_t *raw,
                           size_t len, uint8_t type, uint8_t code, uint16_t mtu, int32_t seq_delta) {
    struct ipv4_datagram d;
    harness_expect_u64(h, file, line, "the quoted datagram parses", SPONGE_OK, ipv4_datagram_parse(raw, len, &d));
    uint8_t *seq = raw + (size_t)d.header.ihl * 4 + 4;
    uint32_t v =
        ((uint32_t)seq[0] << 24 | (uint32_t)seq[1] << 16 | (uint32_t)seq[2] << 8 | seq[3]) + (uint32_t)seq_delta;
    seq[0] = (uint8_t)(v >> 24);
    seq[1] = (uint8_t)(v >> 16);
    seq[2] = (uint8_t)(v >> 8);
    seq[3] = (uint8_t)v;
    harness_step(h, file, line, "router sends ICMP %u/%u (mtu %u) quoting seqno %u", type, code, mtu, (unsigned)v);
    uint8_t msg[ICMP_ERROR_MAX_DATAGRAM], bytes[ICMP_ERROR_MAX_DATAGRAM];
    struct ipv4_datagram err;
    icmp_error_build(&d, type, code, mtu, ROUTER, msg, sizeof msg, &err);
    ipv4_datagram_serialize(&err, bytes, sizeof bytes);
    tcp_host_datagram_received(host, bytes, ipv4_datagram_len(&err));
}
#define ROUTER_REPORTS(h, host, raw, len, type, code, mtu, delta)                                                      \
    router_reports((h), __FILE__, __LINE__, (host), (raw), (len), (type), (code), (mtu), (delta))

static struct tcp_host_config modern_host(void) {
    struct tcp_host_config cfg;
    host_cfg(&cfg, ISN);
    tcp_config_set_modern(&cfg.tcp, true);
    cfg.tcp.nagle = false;
    cfg.tcp.delayed_ack = false;
    cfg.tcp.opt_timestamps = false;
    return cfg;
}

static int port_unreachable_ends_connect(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = modern_host();
    host_begin(&h, &host, &m, "host icmp: port unreachable about our SYN ends the connect (no RST)", &cfg);
    uint32_t c;
    EXPECT_EQ(&h, "connect", SPONGE_OK, tcp_host_connect(&host, PEER_A, 80, &c));
    FLUSH(&h, &host);
    uint8_t raw[MEM_DGRAM];
    size_t len = pop_raw(&m, raw);
    EXPECT_TRUE(&h, "the SYN went out", len > 0);
    STEP(&h, "an error about another port of ours: no connection, dropped");
    uint8_t other[MEM_DGRAM];
    memcpy(other, raw, len);
    other[20] ^= 0x40; /* the quoted source port */
    ROUTER_REPORTS(&h, &host, other, len, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 0);
    EXPECT_EQ(&h, "dropped: icmp", 1, host.counters.dropped[TCP_HOST_DROP_ICMP]);
    EXPECT_EQ(&h, "state", TCP_STATE_SYN_SENT, tcp_host_state(&host, c));
    ROUTER_REPORTS(&h, &host, raw, len, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 0);
    EXPECT_EQ(&h, "counted: aborted", 1, host.counters.icmp.results[TCP_ICMP_ABORTED]);
    EXPECT_EQ(&h, "state", TCP_STATE_RESET, tcp_host_state(&host, c));
    EXPECT_TRUE(&h, "the handle hears CLOSED", (host_events_for(&host, false, c) & TCP_HOST_EV_CLOSED) != 0);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    tcp_host_close(&host, c);
    return host_end(&h, &host, &m);
}

static int frag_needed_and_bogus(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = modern_host();
    host_begin(&h, &host, &m, "host icmp: Fragmentation Needed lowers the segment size; a bogus seqno is counted",
               &cfg);
    uint32_t c;
    EXPECT_EQ(&h, "connect", SPONGE_OK, tcp_host_connect(&host, PEER_A, 80, &c));
    FLUSH(&h, &host);
    struct sent syn;
    EXPECT_OUT(&h, &m, &syn, .syn = TRI_YES);
    uint16_t port = syn.seg.header.sport;
    PEER(&h, &host, .src = PEER_A, .sport = 80, .dport = port, .flags = "SA", .seq = PEER_ISN, .ack = ISN + 1,
         .win = 30000);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .ack = TRI_YES, .len = OPT_U64(0));
    static char data[3000];
    memset(data, 'd', sizeof data);
    EXPECT_EQ(&h, "write", sizeof data, tcp_host_write(&host, c, data, sizeof data));
    FLUSH(&h, &host);
    uint8_t first[MEM_DGRAM], second[MEM_DGRAM];
    size_t first_len = pop_raw(&m, first), second_len = pop_raw(&m, second);
    EXPECT_EQ(&h, "first datagram: 1500 bytes", 1500, first_len);
    EXPECT_EQ(&h, "second datagram: 1500 bytes", 1500, second_len);
    struct sent rest;
    EXPECT_OUT(&h, &m, &rest, .len = OPT_U64(80));
    STEP(&h, "an error quoting a seqno past what was sent: ignored, counted");
    ROUTER_REPORTS(&h, &host, second, second_len, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 576, 100000);
    EXPECT_EQ(&h, "counted: ignored (seqno)", 1, host.counters.icmp.results[TCP_ICMP_IGNORED_SEQNO]);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    STEP(&h, "the real one, about the first segment");
    ROUTER_REPORTS(&h, &host, first, first_len, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 576, 0);
    EXPECT_EQ(&h, "counted: mss lowered", 1, host.counters.icmp.results[TCP_ICMP_MSS_LOWERED]);
    FLUSH(&h, &host);
    uint32_t seq = ISN + 1;
    const uint32_t sizes[] = {536, 536, 388, 536, 536, 388};
    for (size_t i = 0; i < 6; i++) {
        EXPECT_OUT(&h, &m, NULL, .seq = OPT_U64(seq), .len = OPT_U64(sizes[i]));
        seq += sizes[i];
    }
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_host_state(&host, c));
    tcp_host_close(&host, c);
    return host_end(&h, &host, &m);
}

int main(void) {
    return port_unreachable_ends_connect() | frag_needed_and_bogus();
}
