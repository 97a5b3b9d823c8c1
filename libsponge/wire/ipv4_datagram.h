#ifndef SPONGE_WIRE_IPV4_DATAGRAM_H
#define SPONGE_WIRE_IPV4_DATAGRAM_H

/* An IPv4 datagram as the network layer passes it around: the parsed header and a view of
 * the payload. The payload bytes belong to whoever made the datagram (a parsed frame, the
 * sender's buffer); a unit that keeps a datagram past the call copies the bytes into storage
 * it owns. The header's checksum field travels with it: serializing writes it as carried, so
 * a router can update it incrementally (RFC 1624) instead of recomputing it. */

#include "util/error.h"
#include "wire/ipv4.h"

#include <stddef.h>
#include <stdint.h>

struct ipv4_datagram {
    struct ipv4_header header;
    const uint8_t *payload; /* view, not owned */
    size_t payload_len;
};

/** Parses buf[0..len) with ipv4_header_parse (which verifies the checksum); the payload is a
 *  view into buf: buf[header length .. total_len). Errors as ipv4_header_parse. */
enum sponge_err ipv4_datagram_parse(const uint8_t *buf, size_t len, struct ipv4_datagram *d);

/** Makes a datagram with a fresh 20-byte header (ipv4_header_init: TTL 64, DF) and a valid
 *  checksum. `payload` is kept as a view; payload_len must leave room for the header. */
void ipv4_datagram_init(struct ipv4_datagram *d, uint8_t protocol, uint32_t src, uint32_t dst, const uint8_t *payload,
                        size_t payload_len);

/** After the caller changed header fields: sets total_len from the header and payload lengths
 *  and recomputes the header checksum. */
void ipv4_datagram_seal(struct ipv4_datagram *d);

/** Bytes the datagram takes on the wire: header length + payload length. */
static inline size_t ipv4_datagram_len(const struct ipv4_datagram *d) {
    return (size_t)d->header.ihl * 4 + d->payload_len;
}

/** Writes header and payload to out[0..ipv4_datagram_len). The checksum field is written as
 *  carried in d->header, not recomputed (see ipv4_datagram_seal). Returns SPONGE_OK or
 *  SPONGE_ERR_BUFFER_TOO_SMALL. */
enum sponge_err ipv4_datagram_serialize(const struct ipv4_datagram *d, uint8_t *out, size_t out_cap);

#endif
