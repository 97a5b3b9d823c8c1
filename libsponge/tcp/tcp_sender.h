#ifndef SPONGE_TCP_TCP_SENDER_H
#define SPONGE_TCP_TCP_SENDER_H

/* TCPSender (lab 3): reads the outbound stream and turns it into segments within the peer's
 * window, retransmitting the oldest unacknowledged one when its timer expires.
 * States (CS144): CLOSED, SYN_SENT, SYN_ACKED, FIN_SENT, FIN_ACKED, ERROR.
 *
 * No payload copies: sent bytes stay in the outbound stream until acknowledged, and a
 * segment's payload is a view into that stream. Queued segments are stored as descriptors
 * (seqno, length, flags); the view is made when the caller pops the segment, and acknowledged
 * bytes are released from the stream only when no queued segment still refers to them. */

#include "tcp/byte_stream.h"
#include "tcp/tcp_config.h"
#include "tcp/wrapping_integers.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A segment the sender has made: where it starts and what it holds. Payload bytes are the
 *  stream bytes at absolute seqnos [seqno + syn, seqno + syn + payload_len). */
struct tcp_sender_segment {
    uint64_t seqno; /* absolute */
    uint32_t payload_len;
    bool syn;
    bool fin;
    bool rst;
};

struct tcp_sender {
    /* private: implementation-defined; see tcp_sender.c */
    struct byte_stream stream;
    struct tcp_config cfg;
    struct wrap32 isn;
    uint64_t next_seqno;  /* absolute seqno of the next new byte */
    uint64_t acked_seqno; /* absolute ackno most recently accepted */
    uint64_t window;      /* peer's advertised window */
    bool syn_sent, fin_sent;
    /* outstanding segments (sent, not fully acknowledged), oldest first: a ring */
    struct tcp_sender_segment *outstanding;
    size_t outstanding_cap, outstanding_head, outstanding_count;
    /* segments ready for the caller to pop, oldest first: a ring */
    struct tcp_sender_segment *queue;
    size_t queue_cap, queue_head, queue_count;
    /* retransmission timer */
    bool timer_running;
    uint64_t timer_elapsed;
    uint64_t rto;
    unsigned consecutive_retx;
};

/** Creates a sender with an outbound stream of cfg->send_capacity bytes; the ISN is
 *  cfg->fixed_isn if set, else random. Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err tcp_sender_init(struct tcp_sender *s, const struct tcp_config *cfg);
void tcp_sender_destroy(struct tcp_sender *s);

/** The outbound stream: the application writes here. Bytes stay in it until acknowledged,
 *  so its remaining capacity counts unacknowledged bytes too (as a kernel's send buffer does). */
struct byte_stream *tcp_sender_stream_in(struct tcp_sender *s);

/** The peer acknowledged everything before `ackno` and offers `window` bytes past it.
 *  Returns false (and changes nothing) if ackno acknowledges data never sent. */
bool tcp_sender_ack_received(struct tcp_sender *s, struct wrap32 ackno, uint64_t window);

/** Queues a segment with no payload and no SYN/FIN at the next seqno (not tracked for
 *  retransmission): for pure ACKs and RSTs made by the connection. */
void tcp_sender_send_empty_segment(struct tcp_sender *s, bool rst);

/** Makes segments until the window is full or there is nothing left to send. A zero window
 *  is treated as one byte (probe). */
void tcp_sender_fill_window(struct tcp_sender *s);

/** `ms` milliseconds have passed: retransmits the oldest outstanding segment if its timer
 *  expired (doubling the RTO if the window is non-zero). */
void tcp_sender_tick(struct tcp_sender *s, uint64_t ms);

/** Sequence numbers sent but not yet acknowledged (SYN and FIN count). */
uint64_t tcp_sender_bytes_in_flight(const struct tcp_sender *s);

unsigned tcp_sender_consecutive_retransmissions(const struct tcp_sender *s);

/** Pops the oldest queued segment into `seg` (ackno/window fields unset: the connection fills
 *  them). Returns false when the queue is empty. The payload view stays valid until the next
 *  call that changes the sender. */
bool tcp_sender_segments_out(struct tcp_sender *s, struct tcp_segment *seg);

/** True if a segment is waiting to be popped. */
bool tcp_sender_has_segments(const struct tcp_sender *s);

uint64_t tcp_sender_next_seqno_absolute(const struct tcp_sender *s);
struct wrap32 tcp_sender_next_seqno(const struct tcp_sender *s);

/** CS144 state name: "CLOSED", "SYN_SENT", "SYN_ACKED", "FIN_SENT", "FIN_ACKED" or "ERROR". */
const char *tcp_sender_state(const struct tcp_sender *s);

#endif
