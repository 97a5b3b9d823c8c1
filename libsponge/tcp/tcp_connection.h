#ifndef SPONGE_TCP_TCP_CONNECTION_H
#define SPONGE_TCP_TCP_CONNECTION_H

/* TCPConnection (lab 4): a sender and a receiver joined into one endpoint (RFC 793), with
 * CS144's rules for RST, keep-alives, and lingering after a clean active close.
 * Pure state machine: segments in, segments queued out, time only through tick(). */

#include "tcp/tcp_config.h"
#include "tcp/tcp_receiver.h"
#include "tcp/tcp_sender.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** RFC 793 state names (docs/labs/units.md section 1), derived from the sender's and receiver's states. */
enum tcp_state {
    TCP_STATE_LISTEN,
    TCP_STATE_SYN_SENT,
    TCP_STATE_SYN_RCVD,
    TCP_STATE_ESTABLISHED,
    TCP_STATE_CLOSE_WAIT,
    TCP_STATE_LAST_ACK,
    TCP_STATE_FIN_WAIT_1,
    TCP_STATE_FIN_WAIT_2,
    TCP_STATE_CLOSING,
    TCP_STATE_TIME_WAIT,
    TCP_STATE_CLOSED,
    TCP_STATE_RESET,
};

/** "LISTEN", "SYN_SENT", ... */
const char *tcp_state_name(enum tcp_state state);

/** What the connection ignored, by reason (the receiver counts its own drops:
 *  tcp_receiver_counters). Each segment given to segment_received counts at most once. */
struct tcp_connection_counters {
    uint64_t segments_received;
    uint64_t drop_not_active;  /* arrived after the connection ended (closed or reset) */
    uint64_t drop_in_listen;   /* ignored in LISTEN: not a bare SYN (RFC 793 p. 65) */
    uint64_t drop_in_syn_sent; /* ignored in SYN-SENT: no SYN, or an ACK of something else */
    uint64_t rst_accepted;     /* a RST that reset the connection */
    uint64_t rst_ignored;      /* a RST that did not pass the seqno / ackno checks */
    uint64_t drop_ack_unsent;  /* acknowledges data we never sent (RFC 793 p. 72) */
    /* Not drops: what the connection sent of its own accord. */
    uint64_t challenge_acks;            /* RFC 5961 challenge ACKs sent */
    uint64_t challenge_acks_suppressed; /* ... not sent: over cfg.challenge_ack_limit this second */
    uint64_t window_updates;            /* ACKs queued because the application's reads opened the window */
};

struct tcp_connection_ops;
struct connection_modern;

struct tcp_connection {
    struct tcp_connection_counters counters; /* read freely */
    /* private. Given code: */
    struct tcp_config cfg;
    struct tcp_sender sender;
    struct tcp_receiver receiver;
    const struct tcp_connection_ops *ops; /* modern mode's hooks (connection_modern.h); NULL in lab mode */
    struct connection_modern *ext;        /* ... and their state; NULL in lab mode */
    bool advertised;                      /* a segment with an ACK has gone out: adv_edge is set */
    struct wrap32 adv_edge;               /* right edge of the window last advertised (ackno + window) */
    bool destroyed;
    bool final_rst_pending; /* a RST queued by destroy, still poppable after it */
    struct tcp_segment final_rst;
    /* LAB4 BEGIN: the connection's state (yours to choose) */
    bool active;                               /* not yet closed or reset */
    bool linger_after_streams_finish;          /* an active close: linger before closing */
    bool reset;                                /* ended by a RST (sent or received) */
    uint64_t time_since_last_segment_received; /* ms */
    /* LAB4 END */
};

/** What the connection did with an arriving segment (tcp_connection_segment_arrived); the
 *  counters are derived from it. */
enum tcp_disposition {
    TCP_ACCEPTED,             /* processed (sender, receiver, replies) */
    TCP_DROP_NOT_ACTIVE,      /* the connection has ended */
    TCP_DROP_IN_LISTEN,       /* not a bare SYN in LISTEN (RFC 793 p. 65) */
    TCP_DROP_IN_SYN_SENT,     /* no SYN, or an ACK of something else, in SYN-SENT */
    TCP_RST_ACCEPTED,         /* a RST that reset the connection */
    TCP_RST_IGNORED,          /* a RST outside the window, in TIME-WAIT, or of another SYN */
    TCP_CHALLENGED,           /* modern mode (cfg.challenge_acks): a RST in the window but not at RCV.NXT, or a
                                 SYN when synchronized, answered with a challenge ACK (RFC 5961) */
    TCP_CHALLENGE_SUPPRESSED, /* ... not sent: over cfg.challenge_ack_limit this second */
    TCP_DROP_ACK_UNSENT,      /* acknowledges data we never sent: answered with an ACK */
    TCP_DROP_OPTIONS,         /* modern mode: an old timestamp (PAWS) or none when agreed */
};

/** Creates a connection in LISTEN: sender, receiver, and (connection_modern_wanted) the modern
 *  hooks, then tcp_connection_init_state. Returns SPONGE_OK, SPONGE_ERR_NO_MEMORY, or
 *  SPONGE_ERR_SYSTEM (no random ISN available); on failure nothing is left to free. */
enum sponge_err tcp_connection_init(struct tcp_connection *c, const struct tcp_config *cfg);

/** Lab 4: sets up the LAB4 state (CS144's constructor), the given parts being ready. */
void tcp_connection_init_state(struct tcp_connection *c);

/** Frees the connection. If it is still active and has a peer (it has left LISTEN), a RST is
 *  queued first; that one segment can still be popped with tcp_connection_segments_out after
 *  destroy (nothing else can be called). Calling destroy twice is harmless. */
void tcp_connection_destroy(struct tcp_connection *c);

/** Starts an active open: sends the SYN. */
void tcp_connection_connect(struct tcp_connection *c);

/** Writes application bytes to the outbound stream and sends what the window allows;
 *  returns the number of bytes accepted. */
size_t tcp_connection_write(struct tcp_connection *c, const void *data, size_t len);

/** Free space in the outbound stream. */
size_t tcp_connection_remaining_outbound_capacity(const struct tcp_connection *c);

/** The application has no more to send: ends the outbound stream and sends the FIN when it can. */
void tcp_connection_end_input_stream(struct tcp_connection *c);

/** The inbound stream (owned by the connection): the application reads here. Reading it
 *  directly (as the lab tests do) sends no window update: an application that wants the peer
 *  told when its reads open the window reads with tcp_connection_read or
 *  tcp_connection_pop_inbound instead. */
struct byte_stream *tcp_connection_inbound_stream(struct tcp_connection *c);

/** Reads up to `len` bytes of the inbound stream into `buf` (caller-owned); returns how many.
 *  If the read opened the window enough, queues a window update (a bare ACK, popped with
 *  segments_out) following the receiver's silly window syndrome avoidance of RFC 9293
 *  3.8.6.2.2: only when the window the peer was last shown is below one MSS (cfg.max_payload)
 *  and the window now is at least min(MSS, recv_capacity / 2) larger. */
size_t tcp_connection_read(struct tcp_connection *c, void *buf, size_t len);

/** As tcp_connection_read, for a caller that used the bytes in place (byte_stream_peek_view on
 *  the inbound stream): discards the first `len` of them (len <= their number) and queues a
 *  window update if due. */
void tcp_connection_pop_inbound(struct tcp_connection *c, size_t len);

uint64_t tcp_connection_bytes_in_flight(const struct tcp_connection *c);
size_t tcp_connection_unassembled_bytes(const struct tcp_connection *c);
/** Milliseconds since any segment arrived (CS144). Keep-alives and the linger after an active
 *  close run on an idle clock that, with cfg.strict_idle_clock (modern mode), only accepted
 *  segments restart (and in TIME-WAIT only a retransmitted FIN); in lab mode the two agree. */
uint64_t tcp_connection_time_since_last_segment_received(const struct tcp_connection *c);
enum tcp_state tcp_connection_state(const struct tcp_connection *c);

/** Whole ms (at least 1) until the sender's pacing lets a waiting segment go, UINT64_MAX if
 *  none is waiting: an event loop polls no longer than this, so that its tick opens the gate. */
uint64_t tcp_connection_pacing_delay(const struct tcp_connection *c);

/** What the sender's congestion control is doing now (congestion.h), for SPONGE_CC_TRACE. */
void tcp_connection_cc_trace(const struct tcp_connection *c, struct congestion_trace *out);

/** The connection's counters (see tcp_connection_counters). */
const struct tcp_connection_counters *tcp_connection_counters(const struct tcp_connection *c);

/** Lab 4 (CS144's segment_received): handles a segment from the peer (not kept) and says
 *  what it did. */
enum tcp_disposition tcp_connection_segment_arrived(struct tcp_connection *c, const struct tcp_segment *seg);

/** tcp_connection_segment_arrived, counted in the connection's counters. */
void tcp_connection_segment_received(struct tcp_connection *c, const struct tcp_segment *seg);

/** `ms` milliseconds have passed. */
void tcp_connection_tick(struct tcp_connection *c, uint64_t ms);

/** Pops the next segment to send, with ackno and window filled in. Returns false when none.
 *  The payload view stays valid until the next call on the connection. */
bool tcp_connection_segments_out(struct tcp_connection *c, struct tcp_segment *seg);

/** False once the connection is done: reset, or both streams finished (after lingering for an
 *  active close). */
bool tcp_connection_active(const struct tcp_connection *c);

/** Aborts: ends the connection (both streams in error, state RESET) and queues a RST in place
 *  of anything still queued, unless still in LISTEN (no peer to tell). */
void tcp_connection_abort(struct tcp_connection *c);

#endif
