#ifndef SPONGE_TCP_TCP_RECEIVER_H
#define SPONGE_TCP_TCP_RECEIVER_H

/* TCPReceiver (lab 2): turns arriving segments into the inbound byte stream and tells the
 * peer what it has (ackno) and how much more it may send (window).
 * States (CS144): LISTEN (no SYN yet), SYN_RECV, FIN_RECV (input ended), ERROR. */

#include "tcp/stream_reassembler.h"
#include "tcp/wrapping_integers.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Segments the receiver took nothing from, by reason (the rest reached the reassembler). */
struct tcp_receiver_counters {
    uint64_t segments_received;
    uint64_t drop_before_syn;    /* no SYN yet and this is not one (CS144 LISTEN) */
    uint64_t drop_out_of_window; /* occupies sequence space wholly outside [ackno, ackno + window) */
};

struct tcp_receiver {
    struct tcp_receiver_counters counters; /* read freely */
    /* private */
    struct stream_reassembler reassembler;
    size_t capacity;
    bool syn_received;
    struct wrap32 isn;
};

/** Creates a receiver whose inbound stream holds `capacity` bytes.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err tcp_receiver_init(struct tcp_receiver *r, size_t capacity);
void tcp_receiver_destroy(struct tcp_receiver *r);

/** What the receiver did with a segment (tcp_receiver_segment_arrived). */
enum tcp_receiver_disposition {
    TCP_RECEIVER_TAKEN,           /* given to the reassembler */
    TCP_RECEIVER_DROP_BEFORE_SYN, /* no SYN yet and this is not one (CS144 LISTEN) */
    TCP_RECEIVER_OUT_OF_WINDOW,   /* occupies sequence space wholly outside [ackno, ackno + window) */
};

/** Lab 2 (CS144's segment_received): handles one arriving segment: nothing is accepted before
 *  a SYN; data outside the window is dropped; payload is copied into the inbound stream (the
 *  segment is not kept). Returns what it did. */
enum tcp_receiver_disposition tcp_receiver_segment_arrived(struct tcp_receiver *r, const struct tcp_segment *seg);

/** tcp_receiver_segment_arrived, counted in the receiver's counters. */
void tcp_receiver_segment_received(struct tcp_receiver *r, const struct tcp_segment *seg);

/** The receiver's drop counters. */
const struct tcp_receiver_counters *tcp_receiver_counters(const struct tcp_receiver *r);

/** The ackno to send: false (no ackno) until the SYN has arrived; otherwise the first
 *  sequence number not yet received in order (counting SYN and, once assembled, FIN). */
bool tcp_receiver_ackno(const struct tcp_receiver *r, struct wrap32 *ackno);

/** Window: capacity minus the bytes buffered in the inbound stream. */
size_t tcp_receiver_window_size(const struct tcp_receiver *r);

size_t tcp_receiver_unassembled_bytes(const struct tcp_receiver *r);

/** SACK blocks (RFC 2018) for the bytes received out of order: up to `max` blocks, in seqno
 *  order. Returns how many were written (0 before the SYN). */
size_t tcp_receiver_sack_blocks(const struct tcp_receiver *r, struct tcp_sack_block *blocks, size_t max);

/** The inbound stream (owned by the receiver). */
struct byte_stream *tcp_receiver_stream_out(struct tcp_receiver *r);

/** CS144's receiver states, from the receiver's functions (tcp_receiver_state). */
enum tcp_receiver_state {
    TCP_RECEIVER_LISTEN,   /* no SYN yet */
    TCP_RECEIVER_SYN_RECV, /* receiving */
    TCP_RECEIVER_FIN_RECV, /* the inbound stream has ended */
    TCP_RECEIVER_ERROR,
};

/** The CS144 state, from ackno and the inbound stream. */
enum tcp_receiver_state tcp_receiver_state_of(const struct tcp_receiver *r);

/** Its name: "LISTEN", "SYN_RECV", "FIN_RECV" or "ERROR". */
const char *tcp_receiver_state(const struct tcp_receiver *r);

#endif
