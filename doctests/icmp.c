/* ICMP in a few lines: build an echo request, answer it in place as a host does, and build
 * the Time Exceeded a router owes for an expired datagram, then read its quote back. */

#include "wire/icmp.h"
#include "net/icmp_reply.h"

#include <stdio.h>

/* Doctests run in Release builds too, where assert() is compiled out. */
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "check failed: %s\n", #cond);                                                              \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

int main(void) {
    /* 10.0.0.9 pings 10.0.0.1: id 7, sequence 1, 4 bytes of data. */
    uint8_t msg[64];
    size_t len = 0;
    struct icmp_header echo = icmp_echo_header(ICMP_ECHO_REQUEST, 7, 1);
    struct byte_view2 data = byte_view2_of("ping", 4);
    CHECK(icmp_message_serialize(&echo, &data, msg, sizeof msg, &len) == SPONGE_OK);
    struct ipv4_datagram req, reply;
    ipv4_datagram_init(&req, IPV4_PROTO_ICMP, 0x0a000009, 0x0a000001, msg, len);

    /* 10.0.0.1 answers: msg becomes the reply, the reply datagram goes back to 10.0.0.9. */
    CHECK(icmp_echo_answer(&req.header, msg, len, &reply) == SPONGE_OK);
    struct icmp_header got;
    struct byte_view body;
    CHECK(icmp_message_parse(reply.payload, reply.payload_len, &got, &body) == SPONGE_OK);
    CHECK(got.type == ICMP_ECHO_REPLY && icmp_echo_seq(&got) == 1 && reply.header.dst == 0x0a000009);
    unsigned seq = icmp_echo_seq(&got);

    /* A router at 10.0.0.1 drops a UDP datagram with TTL 1: Time Exceeded back to its source. */
    struct ipv4_datagram probe, err;
    ipv4_datagram_init(&probe, IPV4_PROTO_UDP, 0x0a000009, 0x08080808, (const uint8_t *)"probe", 5);
    CHECK(icmp_error_allowed(&probe));
    uint8_t out[ICMP_ERROR_MAX_DATAGRAM];
    icmp_error_build(&probe, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, 0, 0x0a000001, out, sizeof out, &err);
    CHECK(icmp_message_parse(err.payload, err.payload_len, &got, &body) == SPONGE_OK);
    struct ipv4_header quoted;
    struct byte_view first;
    CHECK(icmp_quote_parse(body.data, body.len, &quoted, &first) == SPONGE_OK && quoted.dst == 0x08080808);
    printf("echo reply seq %u; Time Exceeded quoting %zu payload bytes\n", seq, first.len);
    return 0;
}
