#ifndef SPONGE_NET_ICMP_REPLY_H
#define SPONGE_NET_ICMP_REPLY_H

/* The ICMP messages a node makes about a datagram it received: the echo reply a host or
 * router owes for an echo request to one of its addresses (RFC 1122 3.2.2.6, RFC 1812
 * 4.3.3.6), the rules that say when an ICMP error may be sent at all (RFC 1812 4.3.2.7,
 * RFC 1122 3.2.2), and the error message itself (RFC 792, quoting per RFC 1812 4.3.2.3).
 * Pure functions: the caller sends what they build. */

#include "util/error.h"
#include "wire/icmp.h"
#include "wire/ipv4_datagram.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** If `req` heads an unfragmented ICMP echo request whose message msg[0..len) (its payload,
 *  in the caller's writable memory) has a valid checksum, turns the message into the echo
 *  reply in place and fills *reply: a fresh 20-byte header (TTL 64) from req's destination
 *  back to its source, payload = msg (still the caller's). Returns SPONGE_OK; UNSUPPORTED if it
 *  is not ICMP, is a fragment, or is another ICMP type; or the ICMP parse error (msg is then
 *  unchanged). Whether req's destination is ours is the caller's question. */
enum sponge_err icmp_echo_answer(const struct ipv4_header *req, uint8_t *msg, size_t len, struct ipv4_datagram *reply);

/* Bytes of a host's echo reply that come before the echoed data: IPv4 and ICMP headers. */
#define ICMP_ECHO_REPLY_HEADERS_LEN (IPV4_MIN_HEADER_LEN + ICMP_HEADER_LEN)

/** A host's answer to an echo request (RFC 1122 3.2.2.6) for carriers that send a datagram in
 *  pieces, made without changing the request: if `req` is ICMP to `local` and
 *  icmp_echo_answer's checks pass, writes the reply's IPv4 header and ICMP header to
 *  headers[0..ICMP_ECHO_REPLY_HEADERS_LEN), sets *data to the request's echo data (a view into
 *  req's payload, still the caller's) and returns true: the reply is the headers, then *data.
 *  Returns false, writing nothing, for anything else. */
bool icmp_echo_reply_headers(const struct ipv4_datagram *req, uint32_t local,
                             uint8_t headers[ICMP_ECHO_REPLY_HEADERS_LEN], struct byte_view *data);

/** May an ICMP error be sent about `d`? Not (RFC 1812 4.3.2.7, RFC 1122 3.2.2) when d is
 *  itself an ICMP error (or an unknown ICMP type), a fragment other than the first, addressed
 *  to the limited broadcast or a multicast address, or from an address that does not name one
 *  host (0.0.0.0/8, 127.0.0.0/8, multicast, 240.0.0.0/4 including the broadcast). */
bool icmp_error_allowed(const struct ipv4_datagram *d);

/** Builds the ICMP error `type`/`code` about `offending` (as received: its header is quoted
 *  as carried) from `src` back to offending's source: the message goes to out[0..) (at least
 *  ICMP_ERROR_MAX_DATAGRAM - IPV4_MIN_HEADER_LEN bytes) and *err gets a fresh header and
 *  payload = out. The quote is the offending header and as much of its payload as keeps the
 *  error within 576 bytes (RFC 1812 4.3.2.3), which includes the 8 bytes RFC 792 asks for.
 *  `mtu` is the next-hop MTU for Destination Unreachable code 4 (RFC 1191), else 0. */
void icmp_error_build(const struct ipv4_datagram *offending, uint8_t type, uint8_t code, uint16_t mtu, uint32_t src,
                      uint8_t *out, size_t out_cap, struct ipv4_datagram *err);

#endif
