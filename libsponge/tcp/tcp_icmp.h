#ifndef SPONGE_TCP_TCP_ICMP_H
#define SPONGE_TCP_TCP_ICMP_H

/* What a connection does with an ICMP error about one of its segments (modern mode; in lab mode
 * every one is ignored, as CS144's TCPConnection has no such input):
 *
 * - First, the error must be about a segment the connection sent and the peer has not
 *   acknowledged: the quoted sequence number must lie in SND.UNA <= SEQ < SND.NXT (RFC 5927
 *   section 4.1); anything else is ignored, so that a blind attacker would have to guess it.
 * - Destination Unreachable, port or protocol (codes 3, 2), during a connection attempt
 *   (SYN_SENT): nobody will answer, so the attempt ends at once (RFC 1122 4.2.3.9; RFC 5461:
 *   hard errors only while connecting), without a RST, like a RST in SYN_SENT.
 * - Fragmentation Needed (code 4, RFC 1191): the path MTU is the MTU the router reported (or,
 *   from a router too old to report one, the next plateau below the quoted datagram's length,
 *   RFC 1191 sections 5 and 7), never below TCP_ICMP_MIN_PMTU; the segment size becomes that less the
 *   IPv4 and TCP headers and the options every segment carries (timestamps). It only ever
 *   goes down (RFC 1191 section 3: a report of a larger MTU is ignored; no increase is tried later),
 *   and segments already made are split and resent (tcp/sender_pmtu.h).
 * - Every other error (the other unreachable codes, port/protocol unreachable once connected,
 *   Time Exceeded, Parameter Problem) is soft: recorded, the connection goes on (RFC 1122
 *   4.2.3.9). Source Quench is ignored (RFC 6633).
 * The result says which happened; callers count results (struct tcp_icmp_counters). */

#include "tcp/connection_table.h"
#include "tcp/tcp_connection.h"
#include "tcp/wrapping_integers.h"
#include "wire/ipv4_datagram.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The smallest path MTU believed (RFC 1122 3.3.2, RFC 791: every host takes 576-byte
 * datagrams): a segment size of at least 536 bytes (RFC 9293 3.7.1's default MSS). A report of
 * less (down to RFC 1191's 68) is taken as 576: otherwise a forged or broken router could
 * make a connection send 28-byte segments (RFC 5927 section 7). Paths that really carry less
 * than 576 bytes with DF are not supported (they would need DF cleared). */
#define TCP_ICMP_MIN_PMTU 576

/** An ICMP error as TCP needs it (parsed by tcp_icmp_error_parse). */
struct tcp_icmp_error {
    uint8_t type, code;
    uint16_t next_hop_mtu;     /* Fragmentation Needed: the reported MTU (0 from pre-RFC 1191 routers) */
    uint16_t quoted_total_len; /* total length of the quoted datagram (ours) */
    struct wrap32 seqno;       /* sequence number of the quoted TCP header */
};

/** What the connection did. */
enum tcp_icmp_result {
    TCP_ICMP_ABORTED,            /* port/protocol unreachable while connecting: the connection ended */
    TCP_ICMP_MSS_LOWERED,        /* Fragmentation Needed: path MTU and segment size lowered */
    TCP_ICMP_SOFT_ERROR,         /* recorded; nothing else changes */
    TCP_ICMP_IGNORED_LAB_MODE,   /* lab mode acts on no ICMP */
    TCP_ICMP_IGNORED_NOT_ACTIVE, /* the connection has ended (or is still listening) */
    TCP_ICMP_IGNORED_SEQNO,      /* quoted seqno outside SND.UNA..SND.NXT (RFC 5927 4.1) */
    TCP_ICMP_IGNORED_MTU,        /* reports an MTU that would not make segments smaller, or not below
                                    the quoted datagram's length (RFC 1191 section 3) */
    TCP_ICMP_IGNORED_TYPE,       /* Source Quench (RFC 6633) or a type that is not an error */
    TCP_ICMP_RESULT_COUNT
};

/** Results counted, for reports. */
struct tcp_icmp_counters {
    uint64_t results[TCP_ICMP_RESULT_COUNT];
};

/** Why tcp_icmp_error_parse refused a datagram. */
enum tcp_icmp_parse {
    TCP_ICMP_PARSE_OK,
    TCP_ICMP_PARSE_NOT_ERROR, /* not ICMP, or an ICMP query/reply (echo, ...) */
    TCP_ICMP_PARSE_BAD,       /* checksum wrong, or too short to quote an IPv4 header and 8 bytes */
    TCP_ICMP_PARSE_NOT_TCP,   /* the quoted datagram is not TCP, or is a later fragment */
};

/** Reads the unfragmented ICMP datagram `d` as an error about a TCP segment: *e gets what TCP
 *  needs and *tuple the connection it is about, from our side (the quoted source is the local
 *  address, its source port the local port). Returns TCP_ICMP_PARSE_OK or why not. */
enum tcp_icmp_parse tcp_icmp_error_parse(const struct ipv4_datagram *d, struct tcp_icmp_error *e,
                                         struct tcp_four_tuple *tuple);

/** Acts on an ICMP error about a segment of connection `c` (rules above); returns what it did.
 *  Output it causes (resent pieces) waits in tcp_connection_segments_out. */
enum tcp_icmp_result tcp_connection_icmp_error(struct tcp_connection *c, const struct tcp_icmp_error *e);

/** Counts `r` in `k`. */
static inline void tcp_icmp_count(struct tcp_icmp_counters *k, enum tcp_icmp_result r) {
    k->results[r]++;
}

/** "aborted", "mss_lowered", ... */
const char *tcp_icmp_result_name(enum tcp_icmp_result r);

/** Prints " icmp_errors: aborted=N mss_lowered=N ..." (no newline) to `out`. */
void tcp_icmp_report(const struct tcp_icmp_counters *k, FILE *out);

#endif
