#ifndef SPONGE_WIRE_UDP_H
#define SPONGE_WIRE_UDP_H

/* UDP header (RFC 768) over IPv4: parse and serialize, with the checksum over the IPv4
 * pseudo-header. Fields are in host order in the struct; the wire is big-endian. */

#include "util/byte_view.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UDP_HEADER_LEN 8

struct udp_header {
    uint16_t sport;
    uint16_t dport;
    uint16_t length;   /* header + payload, bytes (set by parse and serialize) */
    uint16_t checksum; /* 0 means "none" (RFC 768); set by parse and serialize */
};

/** Parses the datagram at `buf[0..len)` (the IPv4 payload). The length field must be at least 8
 *  and at most len; bytes past it are ignored. A non-zero checksum is verified against the
 *  pseudo-header for `src`/`dst` (host order) if `verify_checksum`; a zero checksum means the
 *  sender computed none and is accepted. `*payload` points into `buf` (valid as long as buf).
 *  Never reads past buf[len - 1]. Errors: PACKET_TOO_SHORT (len < 8), HEADER_TOO_SHORT
 *  (length field < 8), TRUNCATED (length field > len), BAD_CHECKSUM. */
enum sponge_err udp_datagram_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst, bool verify_checksum,
                                   struct udp_header *h, struct byte_view *payload);

/** Writes the 8-byte header for `payload` into `out` (for scatter-gather output): ports from
 *  `h`, length and checksum computed (a computed 0 is sent as 0xffff, RFC 768) and stored back
 *  in `h`. Payload bytes stay with the caller. The datagram must fit in 65535 bytes (asserted).
 *  Returns SPONGE_OK or BUFFER_TOO_SMALL (out_cap < 8). */
enum sponge_err udp_header_serialize(struct udp_header *h, const struct byte_view2 *payload, uint32_t src, uint32_t dst,
                                     uint8_t *out, size_t out_cap);

/** Writes header and payload into `out`, as udp_header_serialize; `*written` gets the total.
 *  BUFFER_TOO_SMALL if the datagram does not fit in out_cap. */
enum sponge_err udp_datagram_serialize(struct udp_header *h, const struct byte_view2 *payload, uint32_t src,
                                       uint32_t dst, uint8_t *out, size_t out_cap, size_t *written);

#endif
