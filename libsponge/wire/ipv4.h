#ifndef SPONGE_WIRE_IPV4_H
#define SPONGE_WIRE_IPV4_H

/* IPv4 header (RFC 791): parse and serialize. Addresses and all fields are in host order in
 * the struct; the wire is big-endian. Options are carried but not interpreted. */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IPV4_MIN_HEADER_LEN 20
#define IPV4_MAX_HEADER_LEN 60
#define IPV4_PROTO_ICMP 1
#define IPV4_PROTO_TCP 6
#define IPV4_PROTO_UDP 17

struct ipv4_header {
    uint8_t version; /* 4 */
    uint8_t ihl;     /* header length in 32-bit words, 5..15 */
    uint8_t tos;
    uint16_t total_len; /* header + payload, bytes */
    uint16_t id;
    bool reserved_flag;   /* RFC 791's reserved flag bit ("must be zero"), carried as received so
                           * that a forwarded header still matches its checksum */
    bool df;              /* don't fragment */
    bool mf;              /* more fragments */
    uint16_t frag_offset; /* in 8-byte units */
    uint8_t ttl;
    uint8_t protocol;
    uint16_t checksum;
    uint32_t src;
    uint32_t dst;
    uint8_t options_len; /* bytes of options, ihl * 4 - 20 */
    uint8_t options[IPV4_MAX_HEADER_LEN - IPV4_MIN_HEADER_LEN];
};

/** Fills `h` with a 20-byte header: version 4, ihl 5, ttl 64, DF set, the given protocol and
 *  addresses, total_len = 20 + payload_len. */
void ipv4_header_init(struct ipv4_header *h, uint8_t protocol, uint32_t src, uint32_t dst, uint16_t payload_len);

/** Parses the header at `buf[0..len)`, checking version, header length, total length (must be
 *  <= len; bytes past total_len are link padding and ignored) and the header checksum.
 *  On success `*payload_off` is ihl * 4 and the payload is buf[payload_off .. total_len).
 *  Never reads past buf[len - 1]; `h` holds no pointer into `buf`. Checks in this order:
 *  PACKET_TOO_SHORT (len < 20), WRONG_IP_VERSION (version != 4), HEADER_TOO_SHORT (ihl < 5),
 *  TRUNCATED (ihl * 4 > len, total_len > len, or total_len < ihl * 4: the lengths do not fit
 *  the bytes), BAD_CHECKSUM. Fragments and options are returned as they are, not judged. */
enum sponge_err ipv4_header_parse(const uint8_t *buf, size_t len, struct ipv4_header *h, size_t *payload_off);

/** Writes the header (ihl * 4 bytes) to `out`, computing the checksum (stored back in h).
 *  The caller keeps ihl * 4 == 20 + options_len (asserted). The version field is written as
 *  given, so tests can build wrong-version headers.
 *  Returns SPONGE_OK or BUFFER_TOO_SMALL; `*written` gets the header length. */
enum sponge_err ipv4_header_serialize(struct ipv4_header *h, uint8_t *out, size_t out_cap, size_t *written);

/** Decrements the TTL (which must be > 0) and updates the checksum incrementally
 *  (RFC 1624 eqn. 3, as RFC 1812 section 5.3.1 allows for forwarding), without a full pass. */
void ipv4_header_decrement_ttl(struct ipv4_header *h);

/** Formats a host-order address as dotted quad into `out` (at least 16 bytes); returns out. */
char *ipv4_format(uint32_t addr, char *out);

/** Parses a dotted-quad address ("169.254.144.9") into host order; false if it is not exactly
 *  four decimal parts 0..255. Leading zeros are refused (other parsers read them as octal). */
bool ipv4_parse_address(const char *text, uint32_t *addr);

#endif
