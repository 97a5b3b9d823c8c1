#include "net/icmp_reply.h"

#include "util/checksum.h"

#include <assert.h>
#include <string.h>

/* RFC 1624's incremental update (icmp_echo_request_to_reply) leaves 0x0000 in the checksum when
 * every other word of the message is zero, where only 0xffff verifies (one's complement has two
 * zeros; the fuzzer found it). `icmp` is the reply's 8-byte header, `data` the rest of the
 * message: a 0x0000 checksum is computed again from both. */
static void fix_negative_zero(uint8_t *icmp, const uint8_t *data, size_t data_len) {
    if (icmp[2] != 0 || icmp[3] != 0) {
        return;
    }
    uint16_t sum = checksum_finish(checksum_add(checksum_add(0, icmp, ICMP_HEADER_LEN), data, data_len));
    icmp[2] = (uint8_t)(sum >> 8);
    icmp[3] = (uint8_t)sum;
}

/* The checks of icmp_echo_answer: an unfragmented ICMP message with a valid checksum (*body its
 * data) whose type is echo request. */
static enum sponge_err echo_request(const struct ipv4_header *req, const uint8_t *msg, size_t len,
                                    struct byte_view *body) {
    /* Without reassembly a fragment's ICMP message is incomplete: its checksum cannot verify. */
    if (req->protocol != IPV4_PROTO_ICMP || req->mf || req->frag_offset != 0) {
        return SPONGE_ERR_UNSUPPORTED;
    }
    struct icmp_header h;
    enum sponge_err err = icmp_message_parse(msg, len, &h, body);
    if (err != SPONGE_OK) {
        return err;
    }
    return h.type == ICMP_ECHO_REQUEST ? SPONGE_OK : SPONGE_ERR_UNSUPPORTED;
}

enum sponge_err icmp_echo_answer(const struct ipv4_header *req, uint8_t *msg, size_t len, struct ipv4_datagram *reply) {
    struct byte_view body;
    enum sponge_err err = echo_request(req, msg, len, &body);
    if (err != SPONGE_OK) {
        return err;
    }
    /* RFC 792 / RFC 1122 3.2.2.6: same identifier, sequence number and data, addresses
     * reversed; the reply's source is the specific address the request was sent to. */
    icmp_echo_request_to_reply(msg, len);
    fix_negative_zero(msg, msg + ICMP_HEADER_LEN, len - ICMP_HEADER_LEN);
    ipv4_datagram_init(reply, IPV4_PROTO_ICMP, req->dst, req->src, msg, len);
    return SPONGE_OK;
}

bool icmp_echo_reply_headers(const struct ipv4_datagram *req, uint32_t local,
                             uint8_t headers[ICMP_ECHO_REPLY_HEADERS_LEN], struct byte_view *data) {
    if (req->header.protocol != IPV4_PROTO_ICMP || req->header.dst != local ||
        echo_request(&req->header, req->payload, req->payload_len, data) != SPONGE_OK) {
        return false;
    }
    /* The request's ICMP header becomes the reply's in a copy; the data is sent as it is. */
    uint8_t *icmp = headers + IPV4_MIN_HEADER_LEN;
    memcpy(icmp, req->payload, ICMP_HEADER_LEN);
    icmp_echo_request_to_reply(icmp, ICMP_HEADER_LEN);
    fix_negative_zero(icmp, data->data, data->len);
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_ICMP, req->header.dst, req->header.src, (uint16_t)req->payload_len);
    size_t hlen = 0;
    enum sponge_err err = ipv4_header_serialize(&ip, headers, IPV4_MIN_HEADER_LEN, &hlen);
    assert(err == SPONGE_OK && hlen == IPV4_MIN_HEADER_LEN); /* a fresh 20-byte header */
    (void)err;
    return true;
}

/* RFC 1812 4.3.2.7 (and RFC 1122 3.2.2): an address that does not name a single host. */
static bool names_no_single_host(uint32_t a) {
    uint8_t top = (uint8_t)(a >> 24);
    return top == 0 || top == 127 || top >= 224; /* this network, loopback, multicast, class E/broadcast */
}

bool icmp_error_allowed(const struct ipv4_datagram *d) {
    const struct ipv4_header *h = &d->header;
    if (h->frag_offset != 0) {
        return false;
    }
    if (h->dst == 0xffffffffu || (h->dst >> 28) == 0xe) {
        return false;
    }
    if (names_no_single_host(h->src)) {
        return false;
    }
    /* Never an error about an error; a message too short to show its type counts as one. */
    if (h->protocol == IPV4_PROTO_ICMP && (d->payload_len == 0 || !icmp_type_is_query(d->payload[0]))) {
        return false;
    }
    return true;
}

void icmp_error_build(const struct ipv4_datagram *offending, uint8_t type, uint8_t code, uint16_t mtu, uint32_t src,
                      uint8_t *out, size_t out_cap, struct ipv4_datagram *err) {
    const size_t max_quote = ICMP_ERROR_MAX_DATAGRAM - IPV4_MIN_HEADER_LEN - ICMP_HEADER_LEN;
    assert(out_cap >= ICMP_HEADER_LEN + max_quote);
    /* The quoted header as it arrived: serialize a copy (its checksum comes out as carried
     * when nothing was changed, and it is not the router's to fix otherwise). */
    uint8_t quoted_header[IPV4_MAX_HEADER_LEN];
    struct ipv4_header copy = offending->header;
    size_t hlen = 0;
    enum sponge_err e = ipv4_header_serialize(&copy, quoted_header, sizeof quoted_header, &hlen);
    assert(e == SPONGE_OK);
    (void)e;
    size_t payload_quoted = offending->payload_len < max_quote - hlen ? offending->payload_len : max_quote - hlen;
    struct byte_view2 body = {{{quoted_header, hlen}, {offending->payload, payload_quoted}}};
    struct icmp_header ih = {.type = type, .code = code, .rest = mtu};
    size_t written = 0;
    e = icmp_message_serialize(&ih, &body, out, out_cap, &written);
    assert(e == SPONGE_OK);
    ipv4_datagram_init(err, IPV4_PROTO_ICMP, src, offending->header.src, out, written);
}
