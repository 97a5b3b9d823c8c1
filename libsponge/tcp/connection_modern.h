#ifndef SPONGE_TCP_CONNECTION_MODERN_H
#define SPONGE_TCP_CONNECTION_MODERN_H

/* The connection beyond lab 4 (given code): option negotiation (MSS, window scaling,
 * timestamps with PAWS, SACK; tcp_negotiation.h), SACK blocks on our ACKs, delayed ACKs,
 * keep-alives, the strict idle clock, RFC 5961's challenge ACKs and their rate limit, and
 * the TIME-WAIT backoff. The lab's connection (tcp_connection.c) calls the hooks below at named
 * points and does the CS144 thing when the table is NULL (lab mode). */

#include "tcp/tcp_connection.h"
#include "tcp/tcp_negotiation.h"

/** The hooks, in the order of a segment's way through the connection. */
struct tcp_connection_ops {
    /** A segment arrived past LISTEN and SYN-SENT, before the lab's RST rule: RFC 5961's checks
     *  (cfg.challenge_acks). Returns TCP_ACCEPTED to let the lab's rules go on (no RST or SYN,
     *  a RST exactly at RCV.NXT, any RST in TIME-WAIT, a SYN before we are synchronized), or
     *  what it did instead: TCP_CHALLENGED or TCP_CHALLENGE_SUPPRESSED (a RST elsewhere in the
     *  window, a SYN once synchronized), TCP_RST_IGNORED (a RST outside the window). */
    enum tcp_disposition (*synchronized_arrival)(struct tcp_connection *c, const struct tcp_segment *seg);
    /** A segment past the state checks (LISTEN, SYN-SENT, RST, RFC 5961) is about to be processed;
     *  `handshake`: we are in LISTEN or SYN-SENT. Reads the peer's SYN options, or screens the
     *  segment (PAWS), and completes `ack` (scaled window, SACK blocks, timestamp echo).
     *  Returns TCP_ACCEPTED, or TCP_DROP_OPTIONS (answered with an ACK if it had timestamps). */
    enum tcp_disposition (*arrived)(struct tcp_connection *c, const struct tcp_segment *seg, bool handshake,
                                    struct tcp_sender_ack *ack);
    /** The sender took the segment's ACK; the receiver takes the segment next. */
    void (*accepted)(struct tcp_connection *c, const struct tcp_segment *seg);
    /** The segment (taken by the receiver) is to be acknowledged and nothing is queued: true if
     *  the ACK may wait (delayed ACK). */
    bool (*delay_ack)(struct tcp_connection *c, const struct tcp_segment *seg);
    /** The window we advertise, in bytes (as the scaled field tells it). */
    uint64_t (*window)(const struct tcp_connection *c);
    /** `seg` (ackno and window stamped) is about to go out: options, the scaled window. */
    void (*outgoing)(struct tcp_connection *c, struct tcp_segment *seg);
    /** `ms` passed (after the lab's tick): delayed ACK timer, keep-alives. */
    void (*tick)(struct tcp_connection *c, uint64_t ms);
    /** Both streams are done after an active close: true once it has lingered long enough. */
    bool (*linger_done)(const struct tcp_connection *c);
};

/** Modern mode's state (one per connection, allocated by connection_modern_attach). */
struct connection_modern {
    struct tcp_negotiation neg;        /* handshake options */
    uint64_t clock_ms;                 /* sum of ticks: the timestamps' clock */
    uint64_t idle_ms;                  /* the idle clock of keep-alives and the linger */
    unsigned keepalives_sent;          /* since the idle clock last restarted */
    bool time_wait;                    /* the segment being processed arrived in TIME-WAIT */
    bool in_order;                     /* ... is in order and fills no hole (delayed ACK) */
    struct wrap32 last_data_seqno;     /* seqno of the latest segment with payload (first SACK block) */
    unsigned delack_segments;          /* in-order data segments not yet acknowledged */
    uint64_t delack_elapsed;           /* ms since the first of them */
    uint64_t challenge_window_start;   /* clock_ms when the current second of challenge ACKs began */
    unsigned challenge_acks_in_window; /* challenge ACKs sent in that second */
    unsigned time_wait_repeats;        /* FINs repeated by the peer in TIME-WAIT (time_wait_backoff) */
};

/** True if `cfg` asks for anything beyond lab 4 (options, delayed ACK, keep-alive, ...). */
bool connection_modern_wanted(const struct tcp_config *cfg);

/** Gives `c` (its cfg and sender set up) the modern hooks and their state.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err connection_modern_attach(struct tcp_connection *c);

/** Frees the state (nothing if none). */
void connection_modern_detach(struct tcp_connection *c);

/** A segment arrived (any segment, before the lab's checks): without cfg.strict_idle_clock
 *  the idle clock restarts. */
void connection_modern_segment_seen(struct tcp_connection *c);

#endif
