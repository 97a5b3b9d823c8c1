#ifndef SPONGE_TCP_TCP_NEGOTIATION_H
#define SPONGE_TCP_TCP_NEGOTIATION_H

/* The options a connection agrees on in its handshake (modern mode) and what they do to every
 * later segment: MSS (RFC 9293 3.7.1), window scaling and timestamps with PAWS (RFC 7323),
 * SACK-permitted (RFC 2018). With every option switched off in the configuration, nothing is
 * sent, the windows are not scaled, and the window field stays clamped to 16 bits (lab mode). */

#include "tcp/tcp_config.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stdint.h>

/* RFC 7323 section 2.3: the largest shift. */
#define TCP_MAX_WINDOW_SHIFT 14

struct tcp_negotiation {
    /* private */
    struct tcp_config cfg;
    uint8_t our_shift;   /* the shift we offer (for our advertised window) */
    bool peer_syn_seen;  /* the peer's SYN options have been read */
    bool window_scaling; /* both SYNs had the option */
    uint8_t rcv_shift;   /* applied to the window we advertise */
    uint8_t snd_shift;   /* applied to the peer's window field */
    bool timestamps;     /* both SYNs had the option */
    uint32_t ts_recent;  /* the peer's latest TSval to echo (RFC 7323 4.3) */
    bool sack_ok;        /* both SYNs had SACK-permitted */
    uint16_t peer_mss;   /* 0: the peer sent none */
    uint32_t ts_offset;  /* added to our clock in TSval (RFC 7323 5.4: a per-connection offset) */
};

/** Starts with nothing agreed; our TSvals will be the clock plus `ts_offset`. */
void tcp_negotiation_init(struct tcp_negotiation *n, const struct tcp_config *cfg, uint32_t ts_offset);

/** Reads the options of the peer's SYN (once). */
void tcp_negotiation_peer_syn(struct tcp_negotiation *n, const struct tcp_options *opts);

/** The payload limit once the handshake options are known: min(ours, the peer's MSS), less
 *  the bytes that the timestamps option takes from every segment (as RFC 6691 advises). */
size_t tcp_negotiation_max_payload(const struct tcp_negotiation *n);

/** How many SACK blocks fit in a segment with `payload_len` bytes of data so that data and
 *  options stay within the agreed segment size (RFC 9293 3.7.1: options count against it). */
size_t tcp_negotiation_sack_room(const struct tcp_negotiation *n, size_t payload_len);

/** The peer's window in bytes from the header's field (a SYN's window is never scaled). */
static inline uint64_t tcp_negotiation_peer_window(const struct tcp_negotiation *n, const struct tcp_header *hdr) {
    return hdr->syn ? hdr->win : (uint64_t)hdr->win << n->snd_shift;
}

/** The header field for the window we advertise: scaled (not on a SYN), at most 65535. */
static inline uint16_t tcp_negotiation_window_field(const struct tcp_negotiation *n, uint64_t window, bool syn) {
    uint64_t field = syn ? window : window >> n->rcv_shift;
    return (uint16_t)(field < UINT16_MAX ? field : UINT16_MAX);
}

/** The window we can actually advertise: a multiple of 2^rcv_shift, at most 65535 << shift. */
static inline uint64_t tcp_negotiation_window_bytes(const struct tcp_negotiation *n, uint64_t window, bool syn) {
    uint64_t field = tcp_negotiation_window_field(n, window, syn);
    return syn ? field : field << n->rcv_shift;
}

/** Adds the options an outgoing segment carries: on a SYN our offer (on a SYN+ACK only the
 *  options the peer offered too); on others the timestamps, if agreed. `now_ms` is our clock. */
void tcp_negotiation_stamp(const struct tcp_negotiation *n, struct tcp_header *hdr, uint64_t now_ms);

/** PAWS and TS.Recent (RFC 7323 sections 4.3 and 5.3) for an arriving segment after the
 *  handshake. `in_order`: its seqno is at or before the next byte we expect. Returns false
 *  if the segment must be dropped (an old timestamp, or none when they were agreed); a
 *  dropped non-RST segment is answered with an ACK by the caller. */
bool tcp_negotiation_check_arrival(struct tcp_negotiation *n, const struct tcp_header *hdr, bool in_order);

#endif
