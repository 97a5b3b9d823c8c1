/* ICMP (RFC 792): a real ping's request and the kernel's reply, Linux's Time Exceeded, an
 * error built by hand, quotes, the RFC 1812 4.3.2.7 rules, every parse error. */

#include "harness.h"
#include "net/icmp_reply.h"
#include "util/checksum.h"
#include "wire/icmp.h"

#include <string.h>

/* Captured on lo from `ping -c 1 -s 16 127.0.0.1` (Linux 6.x iputils): the request, then the
 * kernel's reply. Identifier 0x6c43, sequence 1, 16 bytes of timestamp and padding. */
static const uint8_t ping_request[] = {
    0x45, 0x00, 0x00, 0x2c, 0xc4, 0xeb, 0x40, 0x00, 0x40, 0x01, 0x77, 0xe3, 0x7f, 0x00, 0x00,
    0x01, 0x7f, 0x00, 0x00, 0x01, 0x08, 0x00, 0xb9, 0x98, 0x6c, 0x43, 0x00, 0x01, 0x1b, 0x50,
    0x02, 0x6b, 0x00, 0x00, 0x00, 0x00, 0xa8, 0x67, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t kernel_reply_icmp[] = {
    0x00, 0x00, 0xc1, 0x98, 0x6c, 0x43, 0x00, 0x01, 0x1b, 0x50, 0x02, 0x6b,
    0x00, 0x00, 0x00, 0x00, 0xa8, 0x67, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* A UDP probe 169.254.1.2:33434 -> 169.254.2.2:33435 with TTL 1 ("abcd"), and the Time Exceeded
 * that 169.254.1.1 owes for it: checksums computed independently (Python, RFC 1071). */
static const uint8_t probe[] = {
    0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0x50, 0x99, 0xa9, 0xfe, 0x01, 0x02,
    0xa9, 0xfe, 0x02, 0x02, 0x82, 0x9a, 0x82, 0x9b, 0x00, 0x0c, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64,
};
static const uint8_t time_exceeded[] = {
    0x45, 0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x01, 0xe4, 0xc1, 0xa9, 0xfe, 0x01,
    0x01, 0xa9, 0xfe, 0x01, 0x02, 0x0b, 0x00, 0x2a, 0xf7, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00,
    0x00, 0x20, 0x12, 0x34, 0x00, 0x00, 0x01, 0x11, 0x50, 0x99, 0xa9, 0xfe, 0x01, 0x02, 0xa9,
    0xfe, 0x02, 0x02, 0x82, 0x9a, 0x82, 0x9b, 0x00, 0x0c, 0x00, 0x00, 0x61, 0x62, 0x63, 0x64,
};

/* Captured from Linux 6.x forwarding between two namespaces (10.0.0.1 the router): the Time
 * Exceeded it sent for a UDP probe 10.0.0.2:40000 -> 192.0.2.7:33434 with TTL 1, "sponge-probe".
 * Linux quotes the whole 40-byte probe, its header as received (TTL 1). */
static const uint8_t linux_time_exceeded[] = {
    0x45, 0xc0, 0x00, 0x44, 0x17, 0x68, 0x00, 0x00, 0x40, 0x01, 0x4e, 0x8f, 0x0a, 0x00, 0x00, 0x01, 0x0a,
    0x00, 0x00, 0x02, 0x0b, 0x00, 0xbd, 0x58, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x28, 0x2c, 0xb8,
    0x40, 0x00, 0x01, 0x11, 0x81, 0x04, 0x0a, 0x00, 0x00, 0x02, 0xc0, 0x00, 0x02, 0x07, 0x9c, 0x40, 0x82,
    0x9a, 0x00, 0x14, 0xcc, 0x2e, 0x73, 0x70, 0x6f, 0x6e, 0x67, 0x65, 0x2d, 0x70, 0x72, 0x6f, 0x62, 0x65,
};

static int real_ping(void) {
    struct harness h;
    harness_begin(&h, "icmp: a real ping request parses; our reply equals the kernel's [L2.R18]");
    struct ipv4_datagram d;
    STEP(&h, "parse the captured datagram");
    EXPECT_EQ(&h, "ipv4 parse", SPONGE_OK, ipv4_datagram_parse(ping_request, sizeof ping_request, &d));
    struct icmp_header ih;
    struct byte_view body;
    EXPECT_EQ(&h, "icmp parse", SPONGE_OK, icmp_message_parse(d.payload, d.payload_len, &ih, &body));
    EXPECT_EQ(&h, "type", ICMP_ECHO_REQUEST, ih.type);
    EXPECT_EQ(&h, "code", 0, ih.code);
    EXPECT_EQ(&h, "checksum", 0xb998, ih.checksum);
    EXPECT_EQ(&h, "id", 0x6c43, icmp_echo_id(&ih));
    EXPECT_EQ(&h, "seq", 1, icmp_echo_seq(&ih));
    EXPECT_EQ(&h, "data length", 16, body.len);
    EXPECT_TRUE(&h, "body points into the input", body.data == d.payload + 8);

    STEP(&h, "answer it in place (icmp_echo_answer)");
    uint8_t msg[64];
    memcpy(msg, d.payload, d.payload_len);
    struct ipv4_datagram reply;
    EXPECT_EQ(&h, "answer", SPONGE_OK, icmp_echo_answer(&d.header, msg, d.payload_len, &reply));
    EXPECT_BYTES(&h, "reply message = the kernel's", kernel_reply_icmp, sizeof kernel_reply_icmp, reply.payload,
                 reply.payload_len);
    EXPECT_EQ(&h, "reply src", 0x7f000001, reply.header.src);
    EXPECT_EQ(&h, "reply dst", 0x7f000001, reply.header.dst);
    EXPECT_EQ(&h, "reply protocol", IPV4_PROTO_ICMP, reply.header.protocol);
    EXPECT_EQ(&h, "reply total length", sizeof ping_request, reply.header.total_len);
    uint8_t wire[64];
    EXPECT_EQ(&h, "serialize", SPONGE_OK, ipv4_datagram_serialize(&reply, wire, sizeof wire));
    struct ipv4_datagram back;
    EXPECT_EQ(&h, "reply parses (header checksum)", SPONGE_OK, ipv4_datagram_parse(wire, sizeof ping_request, &back));

    STEP(&h, "serialize the request from its fields: the same bytes");
    struct icmp_header again = icmp_echo_header(ICMP_ECHO_REQUEST, 0x6c43, 1);
    struct byte_view2 bv = byte_view2_of(body.data, body.len);
    size_t n = 0;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, icmp_message_serialize(&again, &bv, wire, sizeof wire, &n));
    EXPECT_BYTES(&h, "bytes", d.payload, d.payload_len, wire, n);
    EXPECT_EQ(&h, "checksum stored back", 0xb998, again.checksum);
    return harness_end(&h);
}

static int echo_answer_refusals(void) {
    struct harness h;
    harness_begin(&h, "icmp: echo_answer refuses what is not an intact, whole echo request [L2.R18]");
    struct ipv4_datagram d;
    EXPECT_EQ(&h, "ipv4 parse", SPONGE_OK, ipv4_datagram_parse(ping_request, sizeof ping_request, &d));
    uint8_t msg[64];
    struct ipv4_datagram reply;

    STEP(&h, "a bad ICMP checksum: parse error, message untouched");
    memcpy(msg, d.payload, d.payload_len);
    msg[10] ^= 1;
    EXPECT_EQ(&h, "answer", SPONGE_ERR_BAD_CHECKSUM, icmp_echo_answer(&d.header, msg, d.payload_len, &reply));
    EXPECT_EQ(&h, "type unchanged", ICMP_ECHO_REQUEST, msg[0]);

    STEP(&h, "an echo reply is not answered");
    memcpy(msg, kernel_reply_icmp, sizeof kernel_reply_icmp);
    EXPECT_EQ(&h, "answer", SPONGE_ERR_UNSUPPORTED, icmp_echo_answer(&d.header, msg, sizeof kernel_reply_icmp, &reply));

    STEP(&h, "a first fragment (MF) is not answered");
    memcpy(msg, d.payload, d.payload_len);
    struct ipv4_header frag = d.header;
    frag.mf = true;
    EXPECT_EQ(&h, "answer", SPONGE_ERR_UNSUPPORTED, icmp_echo_answer(&frag, msg, d.payload_len, &reply));

    STEP(&h, "UDP is not ICMP");
    struct ipv4_header udp = d.header;
    udp.protocol = IPV4_PROTO_UDP;
    EXPECT_EQ(&h, "answer", SPONGE_ERR_UNSUPPORTED, icmp_echo_answer(&udp, msg, d.payload_len, &reply));

    STEP(&h, "shorter than an ICMP header");
    EXPECT_EQ(&h, "answer", SPONGE_ERR_PACKET_TOO_SHORT, icmp_echo_answer(&d.header, msg, 7, &reply));
    return harness_end(&h);
}

static int error_by_hand(void) {
    struct harness h;
    harness_begin(&h, "icmp: Time Exceeded for a UDP probe, byte for byte [L2.R18]");
    struct ipv4_datagram off;
    STEP(&h, "parse the probe (TTL 1)");
    EXPECT_EQ(&h, "parse", SPONGE_OK, ipv4_datagram_parse(probe, sizeof probe, &off));
    EXPECT_TRUE(&h, "an error about it is allowed", icmp_error_allowed(&off));
    STEP(&h, "build Time Exceeded from 169.254.1.1");
    uint8_t msg[ICMP_ERROR_MAX_DATAGRAM];
    struct ipv4_datagram err;
    icmp_error_build(&off, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, 0, 0xa9fe0101, msg, sizeof msg, &err);
    uint8_t wire[ICMP_ERROR_MAX_DATAGRAM];
    EXPECT_EQ(&h, "serialize", SPONGE_OK, ipv4_datagram_serialize(&err, wire, sizeof wire));
    EXPECT_BYTES(&h, "datagram", time_exceeded, sizeof time_exceeded, wire, ipv4_datagram_len(&err));

    STEP(&h, "parse it back: the header, then the quote");
    struct ipv4_datagram back;
    EXPECT_EQ(&h, "ipv4", SPONGE_OK, ipv4_datagram_parse(time_exceeded, sizeof time_exceeded, &back));
    struct icmp_header ih;
    struct byte_view body;
    EXPECT_EQ(&h, "icmp", SPONGE_OK, icmp_message_parse(back.payload, back.payload_len, &ih, &body));
    EXPECT_EQ(&h, "type", ICMP_TIME_EXCEEDED, ih.type);
    EXPECT_EQ(&h, "code", 0, ih.code);
    EXPECT_EQ(&h, "unused word", 0, ih.rest);
    struct ipv4_header q;
    struct byte_view first;
    EXPECT_EQ(&h, "quote", SPONGE_OK, icmp_quote_parse(body.data, body.len, &q, &first));
    EXPECT_EQ(&h, "quoted src", 0xa9fe0102, q.src);
    EXPECT_EQ(&h, "quoted dst", 0xa9fe0202, q.dst);
    EXPECT_EQ(&h, "quoted ttl", 1, q.ttl);
    EXPECT_EQ(&h, "quoted id", 0x1234, q.id);
    EXPECT_EQ(&h, "quoted checksum as carried", 0x5099, q.checksum);
    EXPECT_BYTES(&h, "quoted payload", probe + 20, 12, first.data, first.len);
    return harness_end(&h);
}

static int linux_error(void) {
    struct harness h;
    harness_begin(&h, "icmp: Linux's Time Exceeded parses; ours about the same probe has the same ICMP bytes [L2.R18]");
    struct ipv4_datagram d;
    STEP(&h, "parse the captured datagram");
    EXPECT_EQ(&h, "ipv4 parse", SPONGE_OK, ipv4_datagram_parse(linux_time_exceeded, sizeof linux_time_exceeded, &d));
    EXPECT_EQ(&h, "from the router", 0x0a000001, d.header.src);
    struct icmp_header ih;
    struct byte_view body;
    EXPECT_EQ(&h, "icmp parse", SPONGE_OK, icmp_message_parse(d.payload, d.payload_len, &ih, &body));
    EXPECT_EQ(&h, "type", ICMP_TIME_EXCEEDED, ih.type);
    EXPECT_EQ(&h, "code", ICMP_TIME_EXCEEDED_TTL, ih.code);
    struct ipv4_header q;
    struct byte_view first;
    EXPECT_EQ(&h, "quote parse", SPONGE_OK, icmp_quote_parse(body.data, body.len, &q, &first));
    EXPECT_EQ(&h, "quoted src", 0x0a000002, q.src);
    EXPECT_EQ(&h, "quoted dst", 0xc0000207, q.dst);
    EXPECT_EQ(&h, "quoted ttl", 1, q.ttl);
    EXPECT_EQ(&h, "quoted protocol", IPV4_PROTO_UDP, q.protocol);
    EXPECT_EQ(&h, "quoted payload: the whole UDP datagram", 20, first.len);
    EXPECT_EQ(&h, "UDP destination port", 33434, (unsigned)(first.data[2] << 8 | first.data[3]));

    STEP(&h, "build ours about the probe Linux quoted (it was quoted whole)");
    struct ipv4_datagram probe_d;
    EXPECT_EQ(&h, "the quote is the whole probe", SPONGE_OK, ipv4_datagram_parse(body.data, body.len, &probe_d));
    uint8_t msg[ICMP_ERROR_MAX_DATAGRAM];
    struct ipv4_datagram err;
    icmp_error_build(&probe_d, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, 0, 0x0a000001, msg, sizeof msg, &err);
    EXPECT_BYTES(&h, "ICMP message", d.payload, d.payload_len, err.payload, err.payload_len);
    return harness_end(&h);
}

static int quotes(void) {
    struct harness h;
    harness_begin(&h, "icmp: quotes stay within 576 bytes; a partial quote parses; frag-needed MTU [L2.R18]");
    static uint8_t big[1500];
    memset(big, 0x5a, sizeof big);
    struct ipv4_datagram off;
    ipv4_datagram_init(&off, IPV4_PROTO_TCP, 0x0a000002, 0x0a000102, big, sizeof big - 20);
    STEP(&h, "Destination Unreachable (fragmentation needed, MTU 1400) about a 1500-byte datagram");
    uint8_t msg[ICMP_ERROR_MAX_DATAGRAM];
    struct ipv4_datagram err;
    icmp_error_build(&off, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, 1400, 0x0a000001, msg, sizeof msg, &err);
    EXPECT_EQ(&h, "error datagram is 576 bytes", 576, ipv4_datagram_len(&err));
    EXPECT_EQ(&h, "to the source", 0x0a000002, err.header.dst);
    struct icmp_header ih;
    struct byte_view body;
    EXPECT_EQ(&h, "icmp parse", SPONGE_OK, icmp_message_parse(err.payload, err.payload_len, &ih, &body));
    EXPECT_EQ(&h, "code", ICMP_UNREACH_FRAG_NEEDED, ih.code);
    EXPECT_EQ(&h, "next-hop MTU (RFC 1191)", 1400, icmp_next_hop_mtu(&ih));
    struct ipv4_header q;
    struct byte_view first;
    EXPECT_EQ(&h, "quote parses", SPONGE_OK, icmp_quote_parse(body.data, body.len, &q, &first));
    EXPECT_EQ(&h, "quoted total_len is the original's", 1500, q.total_len);
    EXPECT_EQ(&h, "quoted payload bytes", 576 - 20 - 8 - 20, first.len);

    STEP(&h, "a small datagram is quoted whole");
    ipv4_datagram_init(&off, IPV4_PROTO_UDP, 0x0a000002, 0x0a000102, big, 3);
    icmp_error_build(&off, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_NET, 0, 0x0a000001, msg, sizeof msg, &err);
    EXPECT_EQ(&h, "icmp length", 8 + 20 + 3, err.payload_len);

    STEP(&h, "quote errors: short, wrong version, short ihl, header past the quote");
    uint8_t raw[24] = {0x45};
    EXPECT_EQ(&h, "19 bytes", SPONGE_ERR_PACKET_TOO_SHORT, icmp_quote_parse(raw, 19, &q, &first));
    raw[0] = 0x65;
    EXPECT_EQ(&h, "version 6", SPONGE_ERR_WRONG_IP_VERSION, icmp_quote_parse(raw, 24, &q, &first));
    raw[0] = 0x44;
    EXPECT_EQ(&h, "ihl 4", SPONGE_ERR_HEADER_TOO_SHORT, icmp_quote_parse(raw, 24, &q, &first));
    raw[0] = 0x47;
    EXPECT_EQ(&h, "ihl 7 in 24 bytes", SPONGE_ERR_TRUNCATED, icmp_quote_parse(raw, 24, &q, &first));
    raw[0] = 0x45;
    raw[3] = 22; /* total length 22: of the 4 quoted payload bytes only 2 belong to it */
    EXPECT_EQ(&h, "ihl 5", SPONGE_OK, icmp_quote_parse(raw, 24, &q, &first));
    EXPECT_EQ(&h, "first bytes bounded by total_len", 2, first.len);
    return harness_end(&h);
}

static int parse_errors(void) {
    struct harness h;
    harness_begin(&h, "icmp: parse errors and serialize bounds [L2.R18 L2.R19]");
    struct icmp_header ih;
    struct byte_view body;
    STEP(&h, "every length below 8 is too short");
    for (size_t len = 0; len < ICMP_HEADER_LEN; len++) {
        if (icmp_message_parse(kernel_reply_icmp, len, &ih, &body) != SPONGE_ERR_PACKET_TOO_SHORT) {
            FAIL(&h, "length %zu not PACKET_TOO_SHORT", len);
        }
    }
    STEP(&h, "one flipped bit anywhere is a bad checksum");
    uint8_t msg[sizeof kernel_reply_icmp];
    for (size_t bit = 0; bit < 8 * sizeof msg; bit++) {
        memcpy(msg, kernel_reply_icmp, sizeof msg);
        msg[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (icmp_message_parse(msg, sizeof msg, &ih, &body) != SPONGE_ERR_BAD_CHECKSUM) {
            FAIL(&h, "bit %zu flipped and still accepted", bit);
        }
    }
    STEP(&h, "an odd length is summed with a zero pad (RFC 1071)");
    struct icmp_header odd = icmp_echo_header(ICMP_ECHO_REQUEST, 7, 9);
    struct byte_view2 three = byte_view2_of("abc", 3);
    uint8_t out[16];
    size_t n = 0;
    EXPECT_EQ(&h, "serialize", SPONGE_OK, icmp_message_serialize(&odd, &three, out, sizeof out, &n));
    EXPECT_EQ(&h, "length", 11, n);
    EXPECT_EQ(&h, "parse", SPONGE_OK, icmp_message_parse(out, n, &ih, &body));
    EXPECT_EQ(&h, "seq", 9, icmp_echo_seq(&ih));
    STEP(&h, "serialize into a buffer one byte short");
    EXPECT_EQ(&h, "serialize", SPONGE_ERR_BUFFER_TOO_SMALL, icmp_message_serialize(&odd, &three, out, 10, &n));
    return harness_end(&h);
}

static int error_rules(void) {
    struct harness h;
    harness_begin(&h, "icmp: no error about errors, later fragments, broadcast, multicast, odd sources [L2.R18]");
    uint8_t payload[8] = {ICMP_ECHO_REQUEST};
    struct ipv4_datagram d;
    struct {
        const char *what;
        uint8_t protocol;
        uint8_t first_byte;
        uint32_t src, dst;
        uint16_t frag_offset;
        bool mf;
        bool allowed;
    } cases[] = {
        {"UDP between two hosts", IPV4_PROTO_UDP, 0, 0x0a000002, 0x0a000102, 0, false, true},
        {"an echo request", IPV4_PROTO_ICMP, ICMP_ECHO_REQUEST, 0x0a000002, 0x0a000102, 0, false, true},
        {"an echo reply", IPV4_PROTO_ICMP, ICMP_ECHO_REPLY, 0x0a000002, 0x0a000102, 0, false, true},
        {"a first fragment", IPV4_PROTO_UDP, 0, 0x0a000002, 0x0a000102, 0, true, true},
        {"a Destination Unreachable", IPV4_PROTO_ICMP, ICMP_DEST_UNREACHABLE, 0x0a000002, 0x0a000102, 0, false, false},
        {"a Time Exceeded", IPV4_PROTO_ICMP, ICMP_TIME_EXCEEDED, 0x0a000002, 0x0a000102, 0, false, false},
        {"a Redirect", IPV4_PROTO_ICMP, ICMP_REDIRECT, 0x0a000002, 0x0a000102, 0, false, false},
        {"an unknown ICMP type", IPV4_PROTO_ICMP, 42, 0x0a000002, 0x0a000102, 0, false, false},
        {"a later fragment", IPV4_PROTO_UDP, 0, 0x0a000002, 0x0a000102, 100, false, false},
        {"to the limited broadcast", IPV4_PROTO_UDP, 0, 0x0a000002, 0xffffffff, 0, false, false},
        {"to a multicast group", IPV4_PROTO_UDP, 0, 0x0a000002, 0xe0000005, 0, false, false},
        {"from 0.0.0.0", IPV4_PROTO_UDP, 0, 0, 0x0a000102, 0, false, false},
        {"from loopback", IPV4_PROTO_UDP, 0, 0x7f000001, 0x0a000102, 0, false, false},
        {"from multicast", IPV4_PROTO_UDP, 0, 0xe0000001, 0x0a000102, 0, false, false},
        {"from class E", IPV4_PROTO_UDP, 0, 0xf0000001, 0x0a000102, 0, false, false},
        {"from the broadcast", IPV4_PROTO_UDP, 0, 0xffffffff, 0x0a000102, 0, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        STEP(&h, "%s", cases[i].what);
        payload[0] = cases[i].first_byte;
        ipv4_datagram_init(&d, cases[i].protocol, cases[i].src, cases[i].dst, payload, sizeof payload);
        d.header.frag_offset = cases[i].frag_offset;
        d.header.mf = cases[i].mf;
        EXPECT_BOOL(&h, "error allowed", cases[i].allowed, icmp_error_allowed(&d));
    }
    STEP(&h, "an ICMP datagram with no payload counts as an error message");
    ipv4_datagram_init(&d, IPV4_PROTO_ICMP, 0x0a000002, 0x0a000102, payload, 0);
    EXPECT_BOOL(&h, "error allowed", false, icmp_error_allowed(&d));
    return harness_end(&h);
}

int main(void) {
    return real_ping() | echo_answer_refusals() | error_by_hand() | linux_error() | quotes() | parse_errors() |
           error_rules();
}
