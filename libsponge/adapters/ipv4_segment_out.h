#ifndef SPONGE_ADAPTERS_IPV4_SEGMENT_OUT_H
#define SPONGE_ADAPTERS_IPV4_SEGMENT_OUT_H
/* Puts a TCP segment into an IPv4 datagram and hands it to a carrier without copying the
 * payload (headers in one piece, the payload's two pieces as they are); and the RST that
 * RFC 9293 3.10.7.1 sends in reply to a segment that belongs to no connection. */
#include "adapters/ipv4_carrier.h"
#include "wire/tcp.h"

#include <stdint.h>

/** Sends `seg` (ports as given in it) from `src` to `dst` (host order) with IPv4 identification
 *  `ip_id`. Errors are the carrier's. */
enum sponge_err ipv4_segment_send(struct ipv4_carrier *c, uint32_t src, uint32_t dst, uint16_t ip_id,
                                  const struct tcp_segment *seg);

/** The reset for `seg`, which arrived from `peer` to `local` for no connection (RFC 9293
 *  3.10.7.1): if it has ACK, <SEQ=SEG.ACK><CTL=RST>; otherwise
 *  <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. Must not be called for a RST (asserted). */
void tcp_reset_for(const struct tcp_segment *seg, struct tcp_segment *rst);

#endif
