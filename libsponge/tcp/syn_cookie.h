#ifndef SPONGE_TCP_SYN_COOKIE_H
#define SPONGE_TCP_SYN_COOKIE_H
/* SYN cookies (RFC 4987 section 3.6): a listener whose half-open table is full answers a SYN
 * with a SYN+ACK whose ISN (the cookie) is a keyed hash of the connection, and keeps nothing;
 * the peer's ACK returns the cookie (its ackno minus one) and, if the hash checks, the
 * connection is made there and then from what the cookie kept of the SYN.
 *
 * The cookie (32 bits, our ISN): bits 31..3 are bits 31..3 of h, bits 2..0 are the index of the
 * peer's MSS in syn_cookie_mss_table XOR bits 2..0 of h, where h is the low half of
 * SipHash-2-4, under the listener's key, of (local address, remote address, local port, remote
 * port, the peer's ISN, the time slot). The slot is the cookie clock (the sum of ticks) divided
 * by SYN_COOKIE_SLOT_MS; a cookie is valid in its slot and the next, so for 64 to 128 s.
 *
 * With timestamps (RFC 7323) agreed, our TSval on the SYN+ACK carries what else the SYN said,
 * in its low 6 bits (Linux keeps these options in the same place; the layout is ours):
 *   bits 3..0  the peer's window shift (0..14), or 15: no window scaling
 *   bit  4     SACK-permitted (RFC 2018)
 *   bit  5     0
 *   bits 31..6 bits 31..6 of (cookie - 64)
 * so the TSval is below the cookie, which a connection made from it uses as its first TSval
 * (its clock plus its ISN, connection_modern.c): our timestamps never go back (RFC 7323 5.3).
 * The peer echoes it in TSecr, which must match the cookie. Without timestamps there is
 * nowhere to keep them: the SYN+ACK offers neither window scaling nor SACK.
 *
 * Pure: the clock advances only through syn_cookies_tick; the key is the caller's (drawn at
 * random per listener or host, never global). */
#include "tcp/connection_table.h"
#include "tcp/tcp_config.h"
#include "util/siphash.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stdint.h>

#define SYN_COOKIE_SLOT_MS 64000u
#define SYN_COOKIE_MSS_ENTRIES 8
/* TSval bits 3..0 when the peer offered no window scaling. */
#define SYN_COOKIE_NO_WSCALE 15u

/** The MSS values a cookie can keep, ascending: a peer's MSS is rounded down to one of them
 *  (below the smallest, the smallest is used). */
extern const uint16_t syn_cookie_mss_table[SYN_COOKIE_MSS_ENTRIES];

struct syn_cookies {
    /* private */
    uint8_t key[SIPHASH_KEY_LEN];
    uint64_t clock_ms; /* sum of ticks */
};

/** What a valid cookie ACK tells about the connection it stands for. */
struct syn_cookie_syn {
    struct wrap32 peer_isn; /* the ACK's seqno minus one */
    struct wrap32 our_isn;  /* the cookie: the ACK's ackno minus one */
    uint16_t mss;           /* the peer's MSS, rounded down to the table */
    bool timestamps;        /* the ACK carries timestamps (so the SYN did, and we agreed) */
    uint32_t ts_val;        /* ... the ACK's TSval */
    bool window_scale;      /* window scaling agreed (timestamps only) */
    uint8_t wscale;         /* ... the peer's shift */
    bool sack_permitted;    /* SACK agreed (timestamps only) */
};

/** Why a segment that could be a cookie's ACK did not validate (or OK). */
enum syn_cookie_result {
    SYN_COOKIE_OK,
    SYN_COOKIE_BAD,           /* the cookie is not ours for this tuple and ISN, or expired */
    SYN_COOKIE_BAD_TIMESTAMP, /* the cookie is good, TSecr is not the TSval we sent with it */
};

/** Starts the cookie clock at 0 with `key` (copied). */
void syn_cookies_init(struct syn_cookies *sc, const uint8_t key[SIPHASH_KEY_LEN]);

/** `ms` milliseconds have passed. */
void syn_cookies_tick(struct syn_cookies *sc, uint64_t ms);

/** Index of the largest table entry <= mss (0 if mss is below every entry). */
unsigned syn_cookie_mss_index(uint16_t mss);

/** The cookie for a SYN with ISN `peer_isn` on tuple `t` (local = ours), keeping MSS index
 *  `mss_index` (< SYN_COOKIE_MSS_ENTRIES), in the current slot. */
uint32_t syn_cookie_make(const struct syn_cookies *sc, const struct tcp_four_tuple *t, uint32_t peer_isn,
                         unsigned mss_index);

/** True if `cookie` was made for (t, peer_isn) in the current slot or the one before; then
 *  *mss_index gets the MSS index it keeps. */
bool syn_cookie_validate(const struct syn_cookies *sc, const struct tcp_four_tuple *t, uint32_t peer_isn,
                         uint32_t cookie, unsigned *mss_index);

/** The TSval that keeps the peer's window shift (or SYN_COOKIE_NO_WSCALE) and SACK-permitted
 *  for `cookie` (layout above). */
uint32_t syn_cookie_tsval(uint32_t cookie, unsigned wscale, bool sack_permitted);

/** Reads back an echoed TSval: false if it is not one syn_cookie_tsval made for `cookie`. */
bool syn_cookie_tsval_decode(uint32_t cookie, uint32_t tsecr, unsigned *wscale, bool *sack_permitted);

/** Builds in *synack the cookie SYN+ACK that answers `syn` (a SYN from t's remote end) for a
 *  connection configured by `cfg`: ports, seqno (the cookie), ackno, window (unscaled, at most
 *  65535) and the options a connection would send (tcp_negotiation), window scaling and SACK
 *  only with timestamps; no payload. */
void syn_cookie_answer(const struct syn_cookies *sc, const struct tcp_config *cfg, const struct tcp_four_tuple *t,
                       const struct tcp_header *syn, struct tcp_segment *synack);

/** Checks an ACK (ack set, syn and rst clear: the caller's test) from t's remote end against
 *  our cookies; on SYN_COOKIE_OK *out gets what the cookie kept. */
enum syn_cookie_result syn_cookie_check(const struct syn_cookies *sc, const struct tcp_four_tuple *t,
                                        const struct tcp_header *ack, struct syn_cookie_syn *out);

#endif
