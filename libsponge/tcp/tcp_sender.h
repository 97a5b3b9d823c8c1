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
#include "tcp/rate_sample.h"
#include "tcp/rtt_estimator.h"
#include "tcp/sack_scoreboard.h"
#include "tcp/sender_segments.h"
#include "tcp/tcp_config.h"
#include "tcp/wrapping_integers.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_sender {
    /* private: see tcp_sender.c */
    struct byte_stream stream; /* readable: unsent bytes; retained: sent, not yet released */
    struct tcp_config cfg;
    struct wrap32 isn;
    uint64_t next_seqno;  /* absolute seqno of the next new byte */
    uint64_t acked_seqno; /* highest absolute ackno accepted */
    uint64_t window;      /* peer's last advertised window (1 until the first ack) */
    bool wl_set;          /* cfg.ignore_stale_windows: wl1/wl2 name the window's segment */
    struct wrap32 wl1;    /* RFC 9293 SND.WL1: seqno (peer's space) of the segment the window came from */
    uint64_t wl2;         /* SND.WL2: its absolute ackno */
    bool syn_sent, fin_sent;
    struct segment_ring outstanding; /* sent, not fully acknowledged, in seqno order */
    struct segment_ring queue;       /* made, waiting for the caller to pop */
    /* the one retransmission timer (RFC 6298), for the oldest outstanding segment */
    bool timer_running;
    uint64_t timer_elapsed;
    uint64_t rto;
    unsigned consecutive_retx;
    /* modern mode: RFC 6298 estimation from one timed segment at a time (Karn's rule) */
    uint64_t now; /* sum of ticks, ms */
    struct rtt_estimator rtt;
    bool timing;                   /* a segment is being timed */
    uint64_t timed_end;            /* absolute seqno just past it: an ack reaching this ends the timing */
    uint64_t timed_at;             /* when it was sent */
    bool echo_pending;             /* the ACK being processed echoes a timestamp (RFC 7323 RTTM) */
    uint64_t echo_rtt;             /* ... giving this RTT */
    struct congestion cc;          /* modern mode: NewReno or CUBIC; TCP_CC_NONE in the labs */
    struct sack_scoreboard sacked; /* modern mode: what the peer reported by SACK */
    bool sack_news;                /* the ACK being processed SACKs data not SACKed before */
    bool probe_sent;               /* a tail loss probe went out since the last new ACK */
    bool timeout_recovery;         /* recovering from a timeout: unsent-again segments are lost */
    uint64_t rexmit_high;          /* end of the highest hole resent in this recovery */
    struct rate_sampler rate;      /* modern mode: delivery-rate samples for congestion control */
};

/** Creates a sender with an outbound stream of cfg->send_capacity bytes (its ring has room for
 *  cfg->max_in_flight sent bytes besides, plus one segment); the ISN is
 *  cfg->fixed_isn if set, else random (getrandom(2)). Returns SPONGE_OK,
 *  SPONGE_ERR_NO_MEMORY, or SPONGE_ERR_SYSTEM if no random ISN could be drawn. */
enum sponge_err tcp_sender_init(struct tcp_sender *s, const struct tcp_config *cfg);
void tcp_sender_destroy(struct tcp_sender *s);

/** The outbound stream: the application writes here; the sender reads what it sends. Its
 *  remaining capacity counts unsent bytes only (CS144), unless cfg.max_in_flight is 0: then
 *  it counts unacknowledged bytes too (as a kernel's send buffer does). */
struct byte_stream *tcp_sender_stream_in(struct tcp_sender *s);

/** The peer acknowledged everything before `ackno` and offers `window` bytes past it.
 *  Returns false (and changes nothing) if ackno acknowledges data never sent. */
bool tcp_sender_ack_received(struct tcp_sender *s, struct wrap32 ackno, uint64_t window);

/** One arriving ACK, with what the connection knows about its segment. */
struct tcp_sender_ack {
    struct wrap32 ackno;
    uint64_t window;     /* the peer's window, bytes (scaled) */
    bool pure;           /* no data, SYN or FIN: an unchanged ackno and window make it a duplicate ACK */
    bool has_seqno;      /* `seqno` is set */
    struct wrap32 seqno; /* the segment's own seqno (the peer's sequence space) */
};

/** As ack_received, for the connection, which knows more about the segment. A pure ACK with
 *  an unchanged ackno and window is a duplicate ACK (RFC 5681 section 2) for congestion
 *  control; ack_received treats every ACK as pure. An unchanged ackno whose SACK blocks (given
 *  just before) report new data is a duplicate too, whatever its window (RFC 6675 section 2).
 *  With cfg.ignore_stale_windows and the seqno given, the window is taken only from a segment
 *  at least as new as the one it was last taken from (RFC 9293 3.10.7.4, SND.WL1/SND.WL2);
 *  otherwise (CS144) from every ACK not older than the last. Returns false (and changes
 *  nothing) if the ackno acknowledges data never sent. */
bool tcp_sender_ack_received_ext(struct tcp_sender *s, const struct tcp_sender_ack *ack);

/** SACK blocks (RFC 2018) from an arriving segment, given before its ack: recorded in the
 *  scoreboard so that loss recovery resends only the holes (RFC 6675). Implausible blocks
 *  (outside the unacknowledged data) are ignored. */
void tcp_sender_sack_received(struct tcp_sender *s, const struct tcp_sack_block *blocks, size_t count);

/** The ACK about to be passed to ack_received(_ext) echoes one of our timestamps, `rtt_ms`
 *  ago (RFC 7323 section 4): if it acknowledges new data, this is the RTT sample, valid even
 *  for retransmitted segments. Applies to that one ACK only. */
void tcp_sender_timestamp_echo(struct tcp_sender *s, uint64_t rtt_ms);

/** Queues a keep-alive: no payload, seqno one before the next (not tracked). */
void tcp_sender_send_keepalive(struct tcp_sender *s);

/** Queues a segment with no payload and no SYN/FIN at the next seqno (not tracked for
 *  retransmission): for pure ACKs and RSTs made by the connection. */
void tcp_sender_send_empty_segment(struct tcp_sender *s, bool rst);

/** Makes segments until the window (at most cfg.max_in_flight if that is set) is full or
 *  there is nothing left to send. A zero window is treated as one byte (probe). */
void tcp_sender_fill_window(struct tcp_sender *s);

/** `ms` milliseconds have passed: retransmits the oldest outstanding segment if its timer
 *  expired (doubling the RTO if the window is non-zero; if the caller has left the queue full,
 *  at the first tick that finds room, and only then counted and backed off). With cfg.tail_loss_probe, first
 *  sends one new segment (beyond the congestion window) if no ACK came for 2 SRTT. */
void tcp_sender_tick(struct tcp_sender *s, uint64_t ms);

/** Limits the payload of segments made from now on to `max_payload` (> 0, at most
 *  cfg.max_payload): the size agreed in the handshake (MSS option). Congestion state is kept
 *  (congestion_set_mss), except that an initial window not used yet becomes the new size's. */
void tcp_sender_set_max_payload(struct tcp_sender *s, size_t max_payload);

/** Sequence numbers sent but not yet acknowledged (SYN and FIN count). */
uint64_t tcp_sender_bytes_in_flight(const struct tcp_sender *s);

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
 *  waiting: an event loop's poll timeout, so that it ticks the sender in time. */
uint64_t tcp_sender_pacing_delay(const struct tcp_sender *s);

/** What congestion control is doing now (congestion.h), for a trace. */
void tcp_sender_cc_trace(const struct tcp_sender *s, struct congestion_trace *out);

uint64_t tcp_sender_next_seqno_absolute(const struct tcp_sender *s);
struct wrap32 tcp_sender_next_seqno(const struct tcp_sender *s);

/** CS144 state name: "CLOSED", "SYN_SENT", "SYN_ACKED", "FIN_SENT", "FIN_ACKED" or "ERROR". */
const char *tcp_sender_state(const struct tcp_sender *s);

#endif
