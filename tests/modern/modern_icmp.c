/* Modern mode, ICMP errors about our segments (tcp/tcp_icmp.h): Fragmentation Needed lowers the
 * segment size and splits what was already sent (RFC 1191), the quoted sequence number must be
 * one not yet acknowledged (RFC 5927 4.1), port/protocol unreachable ends a connection attempt
 * and is soft afterwards (RFC 1122 4.2.3.9, RFC 5461), lab mode ignores them all. */
#include "modern_steps.h"
#include "net/icmp_reply.h"
#include "tcp/tcp_icmp.h"
#include "wire/icmp.h"

#define ISN 1000
#define PEER_ISN 5000

/* An ICMP error as the connection gets it, quoting a segment at `seqno`. */
static struct tcp_icmp_error icmp(uint8_t type, uint8_t code, uint16_t mtu, uint16_t quoted_len, uint32_t seqno) {
    return (struct tcp_icmp_error){
        .type = type, .code = code, .next_hop_mtu = mtu, .quoted_total_len = quoted_len, .seqno = wrap32_of(seqno)};
}

static void expect_icmp(struct harness *h, const char *file, int line, struct tcp_connection *c,
                        struct tcp_icmp_counters *k, struct tcp_icmp_error e, enum tcp_icmp_result want) {
    harness_step(h, file, line, "ICMP type %u code %u (mtu %u) quoting seqno %u arrives", e.type, e.code,
                 e.next_hop_mtu, (unsigned)e.seqno.raw);
    enum tcp_icmp_result got = tcp_connection_icmp_error(c, &e);
    tcp_icmp_count(k, got);
    harness_expect_u64(h, file, line, tcp_icmp_result_name(want), want, got);
}
#define ICMP_ARRIVES(h, c, k, e, want) expect_icmp((h), __FILE__, __LINE__, (c), (k), (e), (want))

/* The application writes n (< 4096) bytes of `fill`. */
static void write_n(struct harness *h, const char *file, int line, struct tcp_connection *c, size_t n, char fill) {
    static char data[4096];
    memset(data, fill, n);
    harness_step(h, file, line, "application writes %zu bytes of '%c'", n, fill);
    harness_expect_u64(h, file, line, "bytes accepted", n, tcp_connection_write(c, data, n));
}
#define WRITE_N(h, c, n, fill) write_n((h), __FILE__, __LINE__, (c), (n), (fill))

/* Pops every segment waiting; checks that none is longer than `max`; returns the payload bytes. */
static uint64_t drain_checked(struct harness *h, struct tcp_connection *c, size_t max, size_t *segments) {
    struct tcp_segment out;
    uint64_t bytes = 0;
    *segments = 0;
    while (tcp_connection_segments_out(c, &out)) {
        harness_note(h, "sent seqno %u len %zu", (unsigned)out.header.seqno.raw, byte_view2_len(&out.payload));
        EXPECT_TRUE(h, "payload within the limit", byte_view2_len(&out.payload) <= max);
        bytes += byte_view2_len(&out.payload);
        (*segments)++;
    }
    return bytes;
}

static void frag_needed_lowers_mss(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern icmp: Fragmentation Needed (MTU 576) makes segments of 536 and resends what was lost",
               &cfg);
    struct tcp_icmp_counters k = {0};
    establish_active(h, &c, ISN, PEER_ISN, 20000);
    WRITE_N(h, &c, 4000, 'p');
    struct tcp_segment out;
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(1460));
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1461), .payload_len = OPT_U64(1460));
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 2921), .payload_len = OPT_U64(1080));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "the peer acknowledges the first segment only (the others were too big for a router)");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1461, .win = 20000);
    EXPECT_NOTHING_SENT(h, &c);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 576, 1500, ISN + 1461),
                 TCP_ICMP_MSS_LOWERED);
    STEP(h, "both unacknowledged segments (1460 and 1080 bytes) are resent at once as 536 + 536 + 388 + 536 + 536 + 8");
    const uint32_t sizes[] = {536, 536, 388, 536, 536, 8};
    uint32_t seqno = ISN + 1461;
    for (size_t i = 0; i < 6; i++) {
        SENT(h, &c, &out, .seqno = OPT_U64(seqno), .payload_len = OPT_U64(sizes[i]));
        seqno += sizes[i];
    }
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_IN_FLIGHT(h, &c, 2540);
    STEP(h, "the timer resends the oldest piece, not the old 1460-byte segment");
    TICK(h, &c, 1000);
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1461), .payload_len = OPT_U64(536));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "the peer acknowledges everything; new data goes out in segments of 536");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 4001, .win = 20000);
    WRITE_N(h, &c, 570, 'm');
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 4001), .payload_len = OPT_U64(536));
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 4537), .payload_len = OPT_U64(34));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "reports of a larger MTU, or of one below 576 (the floor), change nothing");
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 1000, 1500, ISN + 4100),
                 TCP_ICMP_IGNORED_MTU);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 296, 576, ISN + 4100),
                 TCP_ICMP_IGNORED_MTU);
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_EQ(h, "counted: mss lowered", 1, k.results[TCP_ICMP_MSS_LOWERED]);
    EXPECT_EQ(h, "counted: ignored (MTU)", 2, k.results[TCP_ICMP_IGNORED_MTU]);
    conn_end(h, &c);
}

static void frag_needed_with_timestamps(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c,
               "modern icmp: with timestamps, MTU 576 leaves 524 payload bytes; old routers (MTU 0) use a plateau",
               &cfg);
    struct tcp_icmp_counters k = {0};
    struct tcp_segment out;
    CONNECT(h, &c);
    SENT(h, &c, &out, .syn = TRI_YES);
    PEER_SENDS_OPTS(h, &c, ts_opts(7, ISN), .syn = true, .ack = true, .seqno = PEER_ISN, .ackno = ISN + 1,
                    .win = 20000);
    SENT(h, &c, &out, .ack = TRI_YES);
    WRITE_N(h, &c, 3000, 't');
    SENT(h, &c, &out, .payload_len = OPT_U64(1448));
    SENT(h, &c, &out, .payload_len = OPT_U64(1448));
    SENT(h, &c, &out, .payload_len = OPT_U64(104));
    STEP(h, "an old router's report (MTU 0) about a 1500-byte datagram: the plateau below, 1492");
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 0, 1500, ISN + 1),
                 TCP_ICMP_MSS_LOWERED);
    size_t n = 0;
    EXPECT_EQ(h, "the two long ones resent in pieces of 1440 (1492 - 40 - 12)", 2896, drain_checked(h, &c, 1440, &n));
    EXPECT_EQ(h, "segments: 1440 + 8, twice", 4, n);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 576, 1492, ISN + 1),
                 TCP_ICMP_MSS_LOWERED);
    EXPECT_EQ(h, "the two 1440-byte pieces resent in pieces of 524 (576 - 40 - 12); the small ones got through", 2880,
              drain_checked(h, &c, 524, &n));
    EXPECT_EQ(h, "segments: 524 + 524 + 392, twice", 6, n);
    conn_end(h, &c);
}

/* With segmentation offload (cfg.max_segment) the sender makes super-segments that the carrier
 * cuts at tso_mss: after Fragmentation Needed, the cut must follow the lowered size, and a
 * segment longer than the lowered size (but not the negotiated one) must be marked for cutting
 * too, or the carrier sends datagrams the path already refused. */
static void frag_needed_with_offload(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.max_segment = 65000;
    conn_begin(h, &c, "modern icmp: with segmentation offload, the carrier cuts at the lowered size", &cfg);
    struct tcp_icmp_counters k = {0};
    establish_active(h, &c, ISN, PEER_ISN, 20000);
    WRITE_N(h, &c, 4000, 'o');
    struct tcp_segment out;
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(4000));
    EXPECT_EQ(h, "cut at the negotiated size", 1460, out.tso_mss);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 576, 1500, ISN + 1),
                 TCP_ICMP_MSS_LOWERED);
    STEP(h, "every segment sent from now on is at most 536 bytes, or marked to be cut at 536");
    struct tcp_segment seg;
    size_t n = 0;
    while (tcp_connection_segments_out(&c, &seg)) {
        size_t len = byte_view2_len(&seg.payload);
        harness_note(h, "sent seqno %u len %zu tso_mss %u", (unsigned)seg.header.seqno.raw, len, seg.tso_mss);
        EXPECT_TRUE(h, "within 536 or cut at 536 or less", len <= 536 || (seg.tso_mss && seg.tso_mss <= 536));
        n++;
    }
    EXPECT_TRUE(h, "something was resent", n > 0);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 4001, .win = 20000);
    WRITE_N(h, &c, 1000, 'q');
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 4001), .payload_len = OPT_U64(1000));
    EXPECT_EQ(h, "1000 bytes (under the negotiated 1460) are cut at 536", 536, out.tso_mss);
    conn_end(h, &c);
}

static void bogus_seqno_ignored(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern icmp: an error quoting a seqno outside SND.UNA..SND.NXT is ignored and counted", &cfg);
    struct tcp_icmp_counters k = {0};
    establish_active(h, &c, ISN, PEER_ISN, 20000);
    WRITE(h, &c, "hello");
    struct tcp_segment out;
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 1), .payload_len = OPT_U64(5));
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 4, .win = 20000);
    STEP(h, "SND.UNA = ISN+4, SND.NXT = ISN+6");
    const uint32_t bad[] = {ISN + 3, ISN + 6, ISN + 100000, ISN + 1, ISN - 1u, ISN + 0x80000000u};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 576, 1500, bad[i]),
                     TCP_ICMP_IGNORED_SEQNO);
    }
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 45, ISN + 3), TCP_ICMP_IGNORED_SEQNO);
    EXPECT_EQ(h, "counted: ignored (seqno)", 7, k.results[TCP_ICMP_IGNORED_SEQNO]);
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "segments keep their size");
    WRITE_N(h, &c, 2000, 'q');
    SENT(h, &c, &out, .seqno = OPT_U64(ISN + 6), .payload_len = OPT_U64(1460));
    STEP(h, "the edges of the range are accepted: SND.UNA (ISN+4) and SND.NXT - 1");
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_TIME_EXCEEDED, 0, 0, 45, ISN + 4), TCP_ICMP_SOFT_ERROR);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_PARAMETER_PROBLEM, 0, 0, 45, ISN + 1465), TCP_ICMP_SOFT_ERROR);
    ICMP_ARRIVES(h, &c, &k, icmp(4 /* source quench */, 0, 0, 45, ISN + 4), TCP_ICMP_IGNORED_TYPE);
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
    conn_end(h, &c);
}

static void port_unreachable(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    conn_begin(h, &c, "modern icmp: port unreachable ends a connection attempt, without a RST", &cfg);
    struct tcp_icmp_counters k = {0};
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES, .seqno = OPT_U64(ISN));
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_HOST, 0, 60, ISN), TCP_ICMP_SOFT_ERROR);
    EXPECT_STATE(h, &c, TCP_STATE_SYN_SENT);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 60, ISN + 1), TCP_ICMP_IGNORED_SEQNO);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 60, ISN), TCP_ICMP_ABORTED);
    EXPECT_STATE(h, &c, TCP_STATE_RESET);
    EXPECT_ACTIVE(h, &c, false);
    EXPECT_INBOUND_ERROR(h, &c, true);
    EXPECT_NOTHING_SENT(h, &c);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 60, ISN), TCP_ICMP_IGNORED_NOT_ACTIVE);
    conn_end(h, &c);

    conn_begin(h, &c, "modern icmp: protocol unreachable ends an attempt too; once connected both are soft", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PROTOCOL, 0, 60, ISN), TCP_ICMP_ABORTED);
    EXPECT_STATE(h, &c, TCP_STATE_RESET);
    conn_end(h, &c);
    conn_begin(h, &c, "modern icmp: port unreachable once established is soft", &cfg);
    establish_active(h, &c, ISN, PEER_ISN, 20000);
    WRITE(h, &c, "x");
    EXPECT_SENT(h, &c, .payload_len = OPT_U64(1));
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 41, ISN + 1), TCP_ICMP_SOFT_ERROR);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PROTOCOL, 0, 41, ISN + 1), TCP_ICMP_SOFT_ERROR);
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_EQ(h, "counted: aborted", 2, k.results[TCP_ICMP_ABORTED]);
    conn_end(h, &c);
}

static void lab_mode_ignores(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = test_config(ISN);
    conn_begin(h, &c, "lab icmp: lab mode acts on no ICMP error (CS144 has no such input)", &cfg);
    struct tcp_icmp_counters k = {0};
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    ICMP_ARRIVES(h, &c, &k, icmp(ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 40, ISN), TCP_ICMP_IGNORED_LAB_MODE);
    EXPECT_STATE(h, &c, TCP_STATE_SYN_SENT);
    conn_end(h, &c);
}

/* A TCP segment 10.0.0.10:40000 -> 10.1.0.10:80 at `seqno` with 1000 bytes of payload, as an
 * IPv4 datagram in buf; then the ICMP error a router at 10.0.0.1 makes about it, in err_buf. */
static struct ipv4_datagram icmp_about_segment(uint8_t protocol, uint8_t type, uint8_t code, uint16_t mtu,
                                               uint32_t seqno, uint8_t *buf, uint8_t *err_buf) {
    uint8_t tcp[1020] = {0};
    tcp[0] = 40000 >> 8;
    tcp[1] = 40000 & 0xff;
    tcp[3] = 80;
    tcp[4] = (uint8_t)(seqno >> 24);
    tcp[5] = (uint8_t)(seqno >> 16);
    tcp[6] = (uint8_t)(seqno >> 8);
    tcp[7] = (uint8_t)seqno;
    tcp[12] = 5 << 4;
    struct ipv4_datagram seg;
    ipv4_datagram_init(&seg, protocol, 0x0a00000a, 0x0a01000a, tcp, sizeof tcp);
    ipv4_datagram_serialize(&seg, buf, 1100);
    ipv4_datagram_parse(buf, ipv4_datagram_len(&seg), &seg);
    struct ipv4_datagram err;
    icmp_error_build(&seg, type, code, mtu, 0x0a000001, err_buf, ICMP_ERROR_MAX_DATAGRAM, &err);
    return err;
}

static void parse(struct harness *h) {
    harness_begin(h, "modern icmp: reading an ICMP error about a TCP segment (tuple, seqno, MTU)");
    uint8_t buf[1100], err_buf[ICMP_ERROR_MAX_DATAGRAM];
    struct tcp_icmp_error e;
    struct tcp_four_tuple t;
    STEP(h, "Fragmentation Needed (MTU 576) about seqno 0xdeadbeef");
    struct ipv4_datagram d = icmp_about_segment(IPV4_PROTO_TCP, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 576,
                                                0xdeadbeef, buf, err_buf);
    EXPECT_EQ(h, "parse", TCP_ICMP_PARSE_OK, tcp_icmp_error_parse(&d, &e, &t));
    EXPECT_EQ(h, "type", ICMP_DEST_UNREACHABLE, e.type);
    EXPECT_EQ(h, "code", ICMP_UNREACH_FRAG_NEEDED, e.code);
    EXPECT_EQ(h, "mtu", 576, e.next_hop_mtu);
    EXPECT_EQ(h, "quoted total length", 1040, e.quoted_total_len);
    EXPECT_EQ(h, "seqno", 0xdeadbeef, e.seqno.raw);
    EXPECT_EQ(h, "local address (quoted source)", 0x0a00000a, t.local_addr);
    EXPECT_EQ(h, "remote address", 0x0a01000a, t.remote_addr);
    EXPECT_EQ(h, "local port", 40000, t.local_port);
    EXPECT_EQ(h, "remote port", 80, t.remote_port);
    STEP(h, "Time Exceeded: no MTU read");
    d = icmp_about_segment(IPV4_PROTO_TCP, ICMP_TIME_EXCEEDED, 0, 0, 7, buf, err_buf);
    EXPECT_EQ(h, "parse", TCP_ICMP_PARSE_OK, tcp_icmp_error_parse(&d, &e, &t));
    EXPECT_EQ(h, "mtu", 0, e.next_hop_mtu);
    STEP(h, "about a UDP datagram");
    d = icmp_about_segment(IPV4_PROTO_UDP, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 7, buf, err_buf);
    EXPECT_EQ(h, "parse", TCP_ICMP_PARSE_NOT_TCP, tcp_icmp_error_parse(&d, &e, &t));
    STEP(h, "a bad ICMP checksum");
    d = icmp_about_segment(IPV4_PROTO_TCP, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 7, buf, err_buf);
    err_buf[40] ^= 1;
    EXPECT_EQ(h, "parse", TCP_ICMP_PARSE_BAD, tcp_icmp_error_parse(&d, &e, &t));
    STEP(h, "a quote cut short of the sequence number");
    d = icmp_about_segment(IPV4_PROTO_TCP, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, 0, 7, buf, err_buf);
    struct icmp_header ih = {.type = ICMP_DEST_UNREACHABLE, .code = ICMP_UNREACH_PORT};
    struct byte_view2 body = {{{err_buf + ICMP_HEADER_LEN, IPV4_MIN_HEADER_LEN + 6}, {NULL, 0}}};
    uint8_t short_msg[64];
    size_t n = 0;
    icmp_message_serialize(&ih, &body, short_msg, sizeof short_msg, &n);
    ipv4_datagram_init(&d, IPV4_PROTO_ICMP, 0x0a000001, 0x0a00000a, short_msg, n);
    EXPECT_EQ(h, "parse", TCP_ICMP_PARSE_BAD, tcp_icmp_error_parse(&d, &e, &t));
    STEP(h, "an echo reply is no error");
    struct icmp_header echo = icmp_echo_header(ICMP_ECHO_REPLY, 1, 1);
    body = (struct byte_view2){{{NULL, 0}, {NULL, 0}}};
    icmp_message_serialize(&echo, &body, short_msg, sizeof short_msg, &n);
    ipv4_datagram_init(&d, IPV4_PROTO_ICMP, 0x0a000001, 0x0a00000a, short_msg, n);
    EXPECT_EQ(h, "parse", TCP_ICMP_PARSE_NOT_ERROR, tcp_icmp_error_parse(&d, &e, &t));
    harness_end(h);
}

int main(void) {
    struct harness h;
    frag_needed_lowers_mss(&h);
    frag_needed_with_timestamps(&h);
    frag_needed_with_offload(&h);
    bogus_seqno_ignored(&h);
    port_unreachable(&h);
    lab_mode_ignores(&h);
    parse(&h);
    return 0;
}
