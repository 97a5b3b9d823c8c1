#ifndef SPONGE_WIRE_ICMP_H
#define SPONGE_WIRE_ICMP_H

/* ICMP for IPv4 (RFC 792): parse and serialize the message carried in an IPv4 datagram
 * (protocol 1). The checksum covers the whole ICMP message. The header's second 32-bit word
 * depends on the type: identifier and sequence number for echo (types 0 and 8), unused for
 * Time Exceeded, and for Destination Unreachable code 4 the next-hop MTU in its low 16 bits
 * (RFC 1191 section 4). Error messages carry the offending datagram's IPv4 header and the
 * first bytes of its payload (RFC 792: 8 bytes; RFC 1812 4.3.2.3: up to a 576-byte datagram). */

#include "util/byte_view.h"
#include "util/error.h"
#include "wire/ipv4.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ICMP_HEADER_LEN 8
#define ICMP_QUOTE_MIN_PAYLOAD 8    /* payload bytes of the offending datagram an error carries at least */
#define ICMP_ERROR_MAX_DATAGRAM 576 /* RFC 1812 4.3.2.3: an ICMP error datagram stays within 576 bytes */

enum icmp_type {
    ICMP_ECHO_REPLY = 0,
    ICMP_DEST_UNREACHABLE = 3,
    ICMP_REDIRECT = 5,
    ICMP_ECHO_REQUEST = 8,
    ICMP_TIME_EXCEEDED = 11,
    ICMP_PARAMETER_PROBLEM = 12,
};

/* Destination Unreachable codes (RFC 792; 4 with the next-hop MTU, RFC 1191). */
enum icmp_unreachable_code {
    ICMP_UNREACH_NET = 0,
    ICMP_UNREACH_HOST = 1,
    ICMP_UNREACH_PROTOCOL = 2,
    ICMP_UNREACH_PORT = 3,
    ICMP_UNREACH_FRAG_NEEDED = 4,
};

/* Time Exceeded code 0: TTL exceeded in transit (RFC 792). */
#define ICMP_TIME_EXCEEDED_TTL 0

struct icmp_header {
    uint8_t type;
    uint8_t code;
    uint16_t checksum; /* set by parse and serialize */
    uint32_t rest;     /* the type-dependent second word, host order (see the accessors below) */
};

/** An echo request or reply header with this identifier and sequence number. */
static inline struct icmp_header icmp_echo_header(uint8_t type, uint16_t id, uint16_t seq) {
    struct icmp_header h = {.type = type, .rest = (uint32_t)id << 16 | seq};
    return h;
}

/** Echo identifier and sequence number (types 0 and 8). */
static inline uint16_t icmp_echo_id(const struct icmp_header *h) {
    return (uint16_t)(h->rest >> 16);
}
static inline uint16_t icmp_echo_seq(const struct icmp_header *h) {
    return (uint16_t)h->rest;
}

/** Next-hop MTU of a Destination Unreachable code 4 (RFC 1191; 0 from pre-RFC 1191 routers). */
static inline uint16_t icmp_next_hop_mtu(const struct icmp_header *h) {
    return (uint16_t)h->rest;
}

/** True for the query and reply types (echo, timestamp, information, address mask: 0, 8 and
 *  13..18). Every other type is an error message or unknown; RFC 1812 4.3.2.7 forbids an
 *  error about an error, and treating unknown types as errors keeps to the safe side. */
bool icmp_type_is_query(uint8_t type);

/** Parses the ICMP message buf[0..len) (the whole IPv4 payload: the checksum covers all of
 *  it) into *h; *body is the rest after the 8-byte header (a view into buf). Never reads past
 *  buf[len - 1]. Errors: PACKET_TOO_SHORT (len < 8), BAD_CHECKSUM. Any type and code parse. */
enum sponge_err icmp_message_parse(const uint8_t *buf, size_t len, struct icmp_header *h, struct byte_view *body);

/** Writes the header and `body` to out[0..8 + body length) with a fresh checksum (stored back
 *  in h); `*written` gets the length. The body stays the caller's. Returns SPONGE_OK or
 *  BUFFER_TOO_SMALL. */
enum sponge_err icmp_message_serialize(struct icmp_header *h, const struct byte_view2 *body, uint8_t *out,
                                       size_t out_cap, size_t *written);

/** Reads the offending datagram quoted in an error message's body: its IPv4 header into *h and
 *  the payload bytes that follow the header in the quote into *first (a view into body; at
 *  most total_len - header length of them). The quoted header's checksum is not verified and
 *  its total_len may exceed the quote (only the start is quoted). Errors: PACKET_TOO_SHORT
 *  (len < 20), WRONG_IP_VERSION, HEADER_TOO_SHORT (ihl < 5), TRUNCATED (header longer than the
 *  quote). */
enum sponge_err icmp_quote_parse(const uint8_t *body, size_t len, struct ipv4_header *h, struct byte_view *first);

/** Turns a parsed, checksum-verified echo request msg[0..len) (the caller's memory) into the
 *  echo reply in place: the type becomes 0 and the checksum is updated incrementally
 *  (RFC 1624); identifier, sequence number and data stay as they are (RFC 792). */
void icmp_echo_request_to_reply(uint8_t *msg, size_t len);

#endif
