#ifndef SPONGE_WIRE_TCP_H
#define SPONGE_WIRE_TCP_H

/* TCP header with options (RFC 793, RFC 7323, RFC 2018) and the in-memory TCP segment that
 * the TCP units exchange: a header plus a payload view (bytes owned elsewhere).
 * Parse checks every length before reading; serialize computes the checksum over the
 * IPv4 pseudo-header. */

#include "util/byte_view.h"
#include "util/error.h"
#include "util/seq32.h"

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
    uint8_t data_offset; /* header length in 32-bit words (set by parse; serialize computes its own) */
    bool urg, ack, psh, rst, syn, fin;
    uint16_t win;
    uint16_t checksum; /* as parsed; serialize computes its own */
    uint16_t urgent_ptr;
    struct tcp_options opts;
};

/** A TCP segment: header plus payload. The payload bytes are owned by whoever produced the
 *  segment (a parsed packet buffer, or a sender's stream); each producer says how long the
 *  view stays valid. */
struct tcp_segment {
    struct tcp_header header;
    struct byte_view2 payload;
    uint16_t tso_mss; /* 0, or: the payload is longer than this MSS and the carrier is to cut it into
                         pieces of at most tso_mss bytes (segmentation offload, tcp_config.max_segment) */
};

/** SYN and FIN each occupy one sequence number, plus one per payload byte. */
static inline uint64_t tcp_segment_length_in_sequence_space(const struct tcp_segment *s) {
    return (uint64_t)s->header.syn + byte_view2_len(&s->payload) + (uint64_t)s->header.fin;
}

/** Parses a TCP segment at `buf[0..len)` (the IPv4 payload; len <= 65535, asserted). If
 *  `verify_checksum`, checks it against the pseudo-header built from `src`/`dst` (host order).
 *  The payload view points into `buf` (valid as long as `buf` is). Never reads past
 *  buf[len - 1]. The reserved bits, CWR and ECE are ignored.
 *  Errors, in the order checked: PACKET_TOO_SHORT (len < 20), HEADER_TOO_SHORT (data offset
 *  < 5), TRUNCATED (data offset * 4 > len), BAD_CHECKSUM (only if verify_checksum), then the
 *  options: TRUNCATED (an option's length byte is missing, 0, 1 or runs past the header: the
 *  list cannot be walked any further), UNSUPPORTED (a known option with the wrong length for
 *  its kind, e.g. MSS not 4 bytes or SACK not 2 + 8n). Unknown option kinds are skipped by
 *  their length; EOL ends the list; if an option appears twice the last one wins. */
enum sponge_err tcp_segment_parse(const uint8_t *buf, size_t len, uint32_t src, uint32_t dst, bool verify_checksum,
                                  struct tcp_segment *seg);

/** Length in bytes of the header (with options, padded to 4) that serialize will write.
 *  Option layout, each piece padded with NOPs to 4 bytes so that 32-bit fields stay aligned
 *  (as RFC 7323 appendix A suggests): MSS; SACK-permitted and timestamps (sharing their
 *  padding); NOP + window scale; NOP NOP + SACK blocks. Nothing else is padded.
 *  SACK blocks that do not fit in the 40 option bytes are left out, the last ones first
 *  (RFC 2018 section 4: the first block is the most recent and must be kept). */
size_t tcp_header_length(const struct tcp_header *h);

/** Writes header and payload to `out`, computing the checksum over the pseudo-header for
 *  `src`/`dst` (host order). `*written` gets the total length. BUFFER_TOO_SMALL if it does
 *  not fit. The segment must fit in 65535 bytes (asserted). data_offset and checksum in
 *  `seg` are not read. */
enum sponge_err tcp_segment_serialize(const struct tcp_segment *seg, uint32_t src, uint32_t dst, uint8_t *out,
                                      size_t out_cap, size_t *written);

/** Writes only the header into `out` (for scatter-gather output), with the checksum covering
 *  the payload `seg->payload` too. Returns the header length via `*written`. */
enum sponge_err tcp_header_serialize(const struct tcp_segment *seg, uint32_t src, uint32_t dst, uint8_t *out,
                                     size_t out_cap, size_t *written);

/** One-line human description for logs and test history, e.g.
 *  "SA seq=100 ack=200 win=4000 len=5 mss=1460 ws=7 sackok ts=5/0 sack=10-20,30-40".
 *  Flags in the order S A R F P U ("-" when none); ack= only with the ACK flag; options only
 *  when present. Truncated to fit `out_len` (> 0); returns out. */
char *tcp_segment_describe(const struct tcp_segment *seg, char *out, size_t out_len);

#endif
