/* ICMP on any bytes: the message parser, the quote parser, the echo answer and the error
 * builder. Invariants: nothing reads out of bounds (ASan); views stay inside the input; what
 * parses serializes back to the same bytes; an echo answer yields a reply that parses, with
 * the same identifier, sequence and data; an error about the input (taken as a datagram's
 * payload) parses, stays within 576 bytes, and quotes the header it was given. */
#include "wire/icmp.h"
#include "fuzz_targets.h"
#include "net/icmp_reply.h"

#include <string.h>

static void check_message(const uint8_t *data, size_t len) {
    struct icmp_header h;
    struct byte_view body;
    if (icmp_message_parse(data, len, &h, &body) != SPONGE_OK) {
        return;
    }
    FUZZ_CHECK(len >= ICMP_HEADER_LEN && body.data == data + ICMP_HEADER_LEN && body.len == len - ICMP_HEADER_LEN);
    uint8_t out[65536];
    size_t written = 0;
    struct icmp_header copy = h;
    struct byte_view2 bv = byte_view2_of(body.data, body.len);
    FUZZ_CHECK(icmp_message_serialize(&copy, &bv, out, sizeof out, &written) == SPONGE_OK && written == len);
    /* A checksum of 0x0000 and one of 0xffff both verify (one's complement has two zeros), so
     * compare all but the checksum field, which must still verify. */
    FUZZ_CHECK(memcmp(out, data, 2) == 0 && memcmp(out + 4, data + 4, len - 4) == 0);
    struct icmp_header again;
    struct byte_view b2;
    FUZZ_CHECK(icmp_message_parse(out, written, &again, &b2) == SPONGE_OK && again.rest == h.rest);

    struct ipv4_header q;
    struct byte_view first;
    if (icmp_quote_parse(body.data, body.len, &q, &first) == SPONGE_OK) {
        FUZZ_CHECK(first.data == body.data + (size_t)q.ihl * 4);
        FUZZ_CHECK(first.data + first.len <= body.data + body.len);
    }

    /* The echo answer, on a copy (it works in place). */
    struct ipv4_header req;
    ipv4_header_init(&req, IPV4_PROTO_ICMP, 0x0a000002, 0x0a000001, 0);
    memcpy(out, data, len);
    struct ipv4_datagram reply;
    enum sponge_err err = icmp_echo_answer(&req, out, len, &reply);
    FUZZ_CHECK((err == SPONGE_OK) == (h.type == ICMP_ECHO_REQUEST));
    if (err == SPONGE_OK) {
        FUZZ_CHECK(reply.header.src == req.dst && reply.header.dst == req.src && reply.payload == out);
        FUZZ_CHECK(icmp_message_parse(out, len, &again, &b2) == SPONGE_OK);
        FUZZ_CHECK(again.type == ICMP_ECHO_REPLY && again.code == h.code && again.rest == h.rest);
        FUZZ_CHECK(memcmp(out + ICMP_HEADER_LEN, data + ICMP_HEADER_LEN, len - ICMP_HEADER_LEN) == 0);
    }
}

static void check_error_build(const uint8_t *data, size_t len) {
    struct fuzz_reader in = {data, len};
    struct ipv4_datagram off;
    uint8_t protocol = fuzz_u8(&in);
    uint32_t src = fuzz_u32(&in);
    uint32_t dst = fuzz_u32(&in);
    const uint8_t *payload;
    size_t plen = fuzz_bytes(&in, 65535 - IPV4_MIN_HEADER_LEN, &payload);
    ipv4_datagram_init(&off, protocol, src, dst, payload, plen);
    bool allowed = icmp_error_allowed(&off);
    FUZZ_CHECK(!allowed || (src >> 24 != 0 && src >> 24 != 127 && src >> 24 < 224));
    uint8_t msg[ICMP_ERROR_MAX_DATAGRAM];
    struct ipv4_datagram err;
    icmp_error_build(&off, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_FRAG_NEEDED, (uint16_t)len, 0x0a000001, msg, sizeof msg,
                     &err);
    FUZZ_CHECK(ipv4_datagram_len(&err) <= ICMP_ERROR_MAX_DATAGRAM && err.header.dst == src);
    struct icmp_header h;
    struct byte_view body;
    FUZZ_CHECK(icmp_message_parse(err.payload, err.payload_len, &h, &body) == SPONGE_OK);
    FUZZ_CHECK(icmp_next_hop_mtu(&h) == (uint16_t)len);
    struct ipv4_header q;
    struct byte_view first;
    FUZZ_CHECK(icmp_quote_parse(body.data, body.len, &q, &first) == SPONGE_OK);
    FUZZ_CHECK(q.src == src && q.dst == dst && q.protocol == protocol && q.total_len == off.header.total_len);
    /* All of the payload that fits in 576 bytes after three headers (RFC 1812 4.3.2.3). */
    const size_t room = ICMP_ERROR_MAX_DATAGRAM - 2 * IPV4_MIN_HEADER_LEN - ICMP_HEADER_LEN;
    FUZZ_CHECK(first.len == (plen < room ? plen : room) && first.len >= (plen < 8 ? plen : 8));
    FUZZ_CHECK(first.len == 0 || memcmp(first.data, payload, first.len) == 0);
}

int fuzz_icmp(const uint8_t *data, size_t len) {
    check_message(data, len);
    check_error_build(data, len);
    return 0;
}
