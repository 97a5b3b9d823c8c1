#ifndef SPONGE_WIRE_TCP_H
#define SPONGE_WIRE_TCP_H

/* TCP header with options (RFC 793, RFC 7323, RFC 2018) and the in-memory TCP segment that
 * the TCP units exchange: a header plus a payload view (bytes owned elsewhere).
 * Parse checks every length before reading; serialize computes the checksum over the
 * IPv4 pseudo-header. */

#include "tcp/wrapping_integers.h"
#include "util/byte_view.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_MIN_HEADER_LEN 20
#define TCP_MAX_HEADER_LEN 60
#define TCP_MAX_SACK_BLOCKS 4

struct tcp_sack_block {
    struct wrap32 left;
    struct wrap32 right;
};

/** Options we understand. Unknown options are skipped by their length when parsing. */
struct tcp_options {
    bool has_mss;
    uint16_t mss;
    bool has_window_scale;
    uint8_t window_scale;
    bool sack_permitted;
    uint8_t sack_count; /* number of SACK blocks, 0..TCP_MAX_SACK_BLOCKS */
    struct tcp_sack_block sack[TCP_MAX_SACK_BLOCKS];
    bool has_timestamps;
    uint32_t ts_val;
    uint32_t ts_ecr;
};

struct tcp_header {
    uint16_t sport;
    uint16_t dport;
    struct wrap32 seqno;
    struct wrap32 ackno;
    uint8_t data_offset; /* header length in 32-bit words (set by parse and serialize) */
    bool urg, ack, psh, rst, syn, fin;
    uint16_t win;
    uint16_t checksum;
    uint16_t urgent_ptr;
    struct tcp_options opts;
};

/** A TCP segment: header plus payload. The payload bytes are owned by whoever produced the
 *  segment (a parsed packet buffer, or a sender's stream); each producer says how long the
 *  view stays valid. */
struct tcp_segment {
    struct tcp_header header;
    struct byte_view2 payload;
};

/** SYN and FIN each occupy one sequence number, plus one per payload byte. */
static inline uint64_t tcp_segment_length_in_sequence_space(const struct tcp_segment *s) {
    return (uint64_t)s->header.syn + byte_view2_len(&s->payload) + (uint64_t)s->header.fin;
}

/** Parses a TCP segment at `buf[0..len)` (the IPv4 payload). If `verify_checksum`, checks it
 *  against the pseudo-header built from `src`/`dst` (host order). The payload view points
 *  into `buf`. Errors: PACKET_TOO_SHORT, HEADER_TOO_SHORT (data offset < 5), TRUNCATED (data
 *  offset or an option length past the end), BAD_CHECKSUM. */
enum sponge_err tcp_segment_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst, bool verify_checksum,
                                  struct tcp_segment *seg);

/** Length in bytes of the header (with options, padded to 4) that serialize will write. */
size_t tcp_header_length(const struct tcp_header *h);

/** Writes header and payload to `out`, computing the checksum over the pseudo-header for
 *  `src`/`dst` (host order). `*written` gets the total length. BUFFER_TOO_SMALL if it does
 *  not fit. */
enum sponge_err tcp_segment_serialize(const struct tcp_segment *seg, uint32_t src, uint32_t dst, uint8_t *out,
                                      size_t out_cap, size_t *written);

/** Writes only the header into `out` (for scatter-gather output), with the checksum covering
 *  the payload `seg->payload` too. Returns the header length via `*written`. */
enum sponge_err tcp_header_serialize(const struct tcp_segment *seg, uint32_t src, uint32_t dst, uint8_t *out,
                                     size_t out_cap, size_t *written);

/** One-line human description ("S A seq=.. ack=.. win=.. len=.."), for logs and test history. */
char *tcp_segment_describe(const struct tcp_segment *seg, char *out, size_t out_len);

#endif
