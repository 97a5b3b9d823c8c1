#ifndef SPONGE_TCP_TCP_SENDER_H
#define SPONGE_TCP_TCP_SENDER_H

/* TCPSender (lab 3): reads the outbound stream and turns it into segments within the peer's
 * window, retransmitting the oldest unacknowledged one when its timer expires.
 * States (CS144): CLOSED, SYN_SENT, SYN_ACKED, FIN_SENT, FIN_ACKED, ERROR.
 *
 * The outbound stream's capacity (cfg.send_capacity) counts unsent bytes only, as in CS144: a
 * byte leaves it when sent, and what is in flight is bounded by the peer's window (at most
 * cfg.max_in_flight). With cfg.max_in_flight 0 (modern mode) it is a kernel-style send buffer
 * instead: unacknowledged bytes count against the capacity too.
 *
 * No payload copies: sent bytes stay in the outbound stream's ring (retained, no longer
 * readable) until acknowledged, and a segment's payload is a view into that ring. Queued
 * segments are stored as descriptors (seqno, length, flags); the view is made when the caller
 * pops the segment, and acknowledged bytes are released from the ring only when no queued
 * segment still refers to them and no outstanding segment (which a retransmission sends
 * whole) starts before them. */

#include "tcp/byte_stream.h"
#include "tcp/congestion.h"
#include "tcp/sender_segments.h"
#include "tcp/tcp_config.h"
#include "tcp/wrapping_integers.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_sender_ops;
struct sender_modern;

struct tcp_sender {
    /* private. Given code: */
    struct byte_stream stream;        /* readable: unsent bytes; retained: sent, not yet released */
    struct tcp_config cfg;            /* cfg.max_payload may shrink (tcp_sender_set_max_payload) */
    struct wrap32 isn;                /* cfg.fixed_isn, or random */
    struct segment_ring queue;        /* segments made, waiting for the caller to pop */
    const struct tcp_sender_ops *ops; /* modern mode's hooks (sender_modern.h); NULL in lab mode */
    struct sender_modern *ext;        /* ... and their state; NULL in lab mode */
    /* LAB3 BEGIN: the sender's state (yours to choose) */
    uint64_t next_seqno;             /* absolute seqno of the next new byte */
    uint64_t acked_seqno;            /* highest absolute ackno accepted */
    uint64_t window;                 /* peer's last advertised window (1 until the first ack) */
    bool syn_sent, fin_sent;         /* SYN and FIN made */
    struct segment_ring outstanding; /* sent, not fully acknowledged, in seqno order */
    bool timer_running;              /* the retransmission timer, for the oldest outstanding */
    uint64_t timer_elapsed;          /* ms since it (re)started */
    uint64_t rto;                    /* current retransmission timeout, ms */
    unsigned consecutive_retx;       /* timeouts in a row since the last new ACK */
    /* LAB3 END */
};

/** CS144's sender states, from the sender's functions (tcp_sender_state). */
enum tcp_sender_state {
    TCP_SENDER_CLOSED,
    TCP_SENDER_SYN_SENT,
    TCP_SENDER_SYN_ACKED,
    TCP_SENDER_FIN_SENT,
    TCP_SENDER_FIN_ACKED,
    TCP_SENDER_ERROR,
};

/** Creates a sender with an outbound stream of cfg->send_capacity bytes (its ring has room for
 *  cfg->max_in_flight sent bytes besides, plus one segment); the ISN is cfg->fixed_isn if set,
 *  else random (getrandom(2)). Modern configurations (sender_modern_wanted) get the modern
 *  hooks. Then calls tcp_sender_init_state. Returns SPONGE_OK, SPONGE_ERR_NO_MEMORY, or
 *  SPONGE_ERR_SYSTEM if no random ISN could be drawn; on failure nothing is left to free. */
enum sponge_err tcp_sender_init(struct tcp_sender *s, const struct tcp_config *cfg);
void tcp_sender_destroy(struct tcp_sender *s);

/** Lab 3: sets up the LAB3 state (CS144's constructor), called by tcp_sender_init once the
 *  given parts (stream, cfg, isn, queue) are ready. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err tcp_sender_init_state(struct tcp_sender *s);
/** Lab 3: frees what tcp_sender_init_state allocated (called by tcp_sender_destroy). */
void tcp_sender_destroy_state(struct tcp_sender *s);

/** The outbound stream: the application writes here; the sender reads what it sends. Its
 *  remaining capacity counts unsent bytes only (CS144), unless cfg.max_in_flight is 0: then
 *  it counts unacknowledged bytes too (as a kernel's send buffer does). */
struct byte_stream *tcp_sender_stream_in(struct tcp_sender *s);

/** One arriving ACK: everything its segment tells the sender. */
struct tcp_sender_ack {
    struct wrap32 ackno;
    uint64_t window;                   /* the peer's window, bytes (scaled) */
    bool pure;                         /* no data, SYN or FIN: may be a duplicate ACK (RFC 5681 2) */
    bool has_seqno;                    /* `seqno` is set */
    struct wrap32 seqno;               /* the segment's own seqno (the peer's sequence space) */
    const struct tcp_sack_block *sack; /* its SACK blocks (RFC 2018), `sack_count` of them */
    size_t sack_count;                 /* (0 unless SACK was agreed) */
    bool has_echo_rtt;                 /* it echoes one of our timestamps (RFC 7323 4), ... */
    uint64_t echo_rtt;                 /* ... sent this many ms ago */
};

/** Lab 3 (CS144's ack_received): the peer acknowledged everything before ack->ackno and offers
 *  ack->window bytes past it. Returns false (and changes nothing) if the ackno acknowledges
 *  data never sent; an ACK older than the last one changes nothing. The rest of the struct is
 *  for the modern hooks: a pure ACK with an unchanged ackno and window is a duplicate ACK for
 *  congestion control, SACK blocks feed loss recovery, a timestamp echo gives an RTT sample,
 *  and with cfg.ignore_stale_windows the window is taken only from a segment at least as new
 *  as the one it was last taken from (RFC 9293 3.10.7.4, SND.WL1/SND.WL2). */
bool tcp_sender_ack_arrived(struct tcp_sender *s, const struct tcp_sender_ack *ack);

/** tcp_sender_ack_arrived with a pure ACK of `ackno` and `window`. */
bool tcp_sender_ack_received(struct tcp_sender *s, struct wrap32 ackno, uint64_t window);

/** Queues a keep-alive: no payload, seqno one before the next (not tracked). */
void tcp_sender_send_keepalive(struct tcp_sender *s);

/** Lab 3: queues a segment with no payload and no SYN/FIN at the next seqno (not tracked for
 *  retransmission): for pure ACKs and RSTs made by the connection. */
void tcp_sender_send_empty_segment(struct tcp_sender *s, bool rst);

/** Lab 3: makes segments until the window (at most cfg.max_in_flight if that is set) is full
 *  or there is nothing left to send. A zero window is treated as one byte (probe). */
void tcp_sender_fill_window(struct tcp_sender *s);

/** Lab 3: `ms` milliseconds have passed: retransmits the oldest outstanding segment if its
 *  timer expired, doubling the RTO if the window is non-zero (if the caller has left the queue
 *  full, at the first tick that finds room, and only then counted and backed off). */
void tcp_sender_tick(struct tcp_sender *s, uint64_t ms);

/** Limits the payload of segments made from now on to `max_payload` (> 0, at most
 *  cfg.max_payload): the size agreed in the handshake (MSS option). Congestion state is kept
 *  (congestion_set_mss), except that an initial window not used yet becomes the new size's. */
void tcp_sender_set_max_payload(struct tcp_sender *s, size_t max_payload);

/** The next ACK is no RTT sample (Karn's rule in spirit, RFC 6298 3: for a segment replayed,
 *  not sent now). Nothing in lab mode, which takes no samples. */
void tcp_sender_forget_rtt_sample(struct tcp_sender *s);

/** Lab 3: sequence numbers sent but not yet acknowledged (SYN and FIN count). */
uint64_t tcp_sender_bytes_in_flight(const struct tcp_sender *s);

/** Lab 3: retransmissions by timeout since the last ACK of new data. */
unsigned tcp_sender_consecutive_retransmissions(const struct tcp_sender *s);

/** Pops the oldest queued segment into `seg` (ackno/window fields unset: the connection fills
 *  them). Returns false when the queue is empty. The payload view points into the outbound
 *  stream's ring and stays valid until the next call to ack_received, fill_window, tick,
 *  send_empty_segment or destroy: popping more segments or writing to the stream keeps it
 *  valid, so a caller may pop several segments before using them. */
bool tcp_sender_segments_out(struct tcp_sender *s, struct tcp_segment *seg);

/** True if a segment is waiting to be popped. */
bool tcp_sender_has_segments(const struct tcp_sender *s);

/** Whole ms (at least 1) until pacing lets a waiting segment go, UINT64_MAX if none is
 *  waiting (or no pacing: lab mode): an event loop's poll timeout, so that it ticks the sender
 *  in time. */
uint64_t tcp_sender_pacing_delay(const struct tcp_sender *s);

/** What congestion control is doing now (congestion.h), for a trace (zeros but in_flight in
 *  lab mode). */
void tcp_sender_cc_trace(const struct tcp_sender *s, struct congestion_trace *out);

/** Lab 3: the absolute seqno of the next new byte (0 before the SYN). */
uint64_t tcp_sender_next_seqno_absolute(const struct tcp_sender *s);
/** Lab 3: the same, wrapped. */
struct wrap32 tcp_sender_next_seqno(const struct tcp_sender *s);

/** The CS144 state, from next_seqno_absolute, bytes_in_flight and the stream. */
enum tcp_sender_state tcp_sender_state_of(const struct tcp_sender *s);

/** Its name: "CLOSED", "SYN_SENT", "SYN_ACKED", "FIN_SENT", "FIN_ACKED" or "ERROR". */
const char *tcp_sender_state(const struct tcp_sender *s);

#endif
