/* TCPSender (lab 3). The outbound stream holds every byte from the oldest one a segment may
 * still need (for a retransmission or a queued segment) to the newest one written; its read
 * position advances only when acknowledged bytes are released (release_acked). Stream byte i
 * has absolute seqno i + 1, because the SYN takes absolute seqno 0. */

#include "tcp/tcp_sender.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* Ring slots beyond window / max_payload: the SYN, the FIN, and small segments made when the
 * application writes less than a full payload at a time. */
#define SENDER_RING_SLACK 8

/* LAB3 BEGIN: TCPSender, the outbound stream into segments, acks and retransmission */

static uint64_t min_u64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

static enum sponge_err random_isn(struct wrap32 *isn) {
    uint32_t raw;
    ssize_t got;
    do {
        got = getrandom(&raw, sizeof raw, 0);
    } while (got < 0 && errno == EINTR);
    if (got != (ssize_t)sizeof raw) {
        return SPONGE_ERR_SYSTEM;
    }
    *isn = wrap32_of(raw);
    return SPONGE_OK;
}

enum sponge_err tcp_sender_init(struct tcp_sender *s, const struct tcp_config *cfg) {
    assert(cfg->send_capacity > 0 && cfg->max_payload > 0 && cfg->max_payload <= UINT32_MAX);
    assert(cfg->rt_timeout > 0);
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->window = 1; /* before the first ack, assume room for the SYN */
    s->rto = cfg->rt_timeout;
    if (cfg->fixed_isn_set) {
        s->isn = wrap32_of(cfg->fixed_isn);
    } else {
        enum sponge_err err = random_isn(&s->isn);
        if (err != SPONGE_OK) {
            return err;
        }
    }
    /* Every tracked segment occupies at least one seqno, and at most send_capacity data bytes
     * plus SYN and FIN can be unacknowledged (unacknowledged bytes stay in the stream), so
     * send_capacity + 2 descriptors always suffice; the queue may additionally hold a few
     * retransmissions and empty segments the caller has not popped yet. */
    size_t max_tracked = cfg->send_capacity + 2;
    size_t initial = min_u64(cfg->send_capacity / cfg->max_payload + SENDER_RING_SLACK, max_tracked);
    if (byte_stream_init(&s->stream, cfg->send_capacity) != SPONGE_OK ||
        segment_ring_init(&s->outstanding, initial, max_tracked) != SPONGE_OK ||
        segment_ring_init(&s->queue, initial, max_tracked + SENDER_RING_SLACK) != SPONGE_OK) {
        tcp_sender_destroy(s);
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void tcp_sender_destroy(struct tcp_sender *s) {
    byte_stream_destroy(&s->stream);
    segment_ring_destroy(&s->outstanding);
    segment_ring_destroy(&s->queue);
}

struct byte_stream *tcp_sender_stream_in(struct tcp_sender *s) {
    return &s->stream;
}

/* Payload bytes sent so far (sequence numbers minus SYN and FIN). */
static uint64_t data_sent(const struct tcp_sender *s) {
    return s->next_seqno - (uint64_t)s->syn_sent - (uint64_t)s->fin_sent;
}

/* Pops acknowledged bytes from the stream, keeping those an outstanding segment may resend
 * (a partly acknowledged segment is retransmitted whole) and those a queued segment will show
 * when popped. Previously popped views become invalid here, which is why only the calls that
 * change the sender's state (not segments_out) do this. */
static void release_acked(struct tcp_sender *s) {
    uint64_t read = byte_stream_bytes_read(&s->stream);
    uint64_t keep_from = s->acked_seqno ? min_u64(s->acked_seqno - 1, data_sent(s)) : 0;
    if (segment_ring_count(&s->outstanding)) {
        keep_from = min_u64(keep_from, tcp_sender_segment_stream_index(segment_ring_at(&s->outstanding, 0)));
    }
    for (size_t i = 0; keep_from > read && i < segment_ring_count(&s->queue); i++) {
        const struct tcp_sender_segment *seg = segment_ring_at(&s->queue, i);
        if (seg->payload_len) {
            keep_from = min_u64(keep_from, tcp_sender_segment_stream_index(seg));
        }
    }
    if (keep_from > read) {
        byte_stream_pop_output(&s->stream, keep_from - read);
    }
}

/* Sends a new segment: tracked for retransmission and queued. False if either ring is full. */
static bool send_new(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    if (!segment_ring_reserve(&s->outstanding) || !segment_ring_reserve(&s->queue)) {
        return false;
    }
    segment_ring_push(&s->outstanding, seg);
    segment_ring_push(&s->queue, seg);
    s->next_seqno += tcp_sender_segment_length(seg);
    s->syn_sent |= seg->syn;
    s->fin_sent |= seg->fin;
    /* RFC 6298 (5.1): start the timer when a segment is sent and it is not running. */
    if (!s->timer_running) {
        s->timer_running = true;
        s->timer_elapsed = 0;
    }
    return true;
}

void tcp_sender_fill_window(struct tcp_sender *s) {
    release_acked(s);
    if (!s->syn_sent) {
        struct tcp_sender_segment syn = {.seqno = 0, .syn = true};
        send_new(s, &syn);
        return;
    }
    /* Nothing more until the SYN is acknowledged, and nothing at all after the FIN. */
    if (s->acked_seqno == 0 || s->fin_sent) {
        return;
    }
    /* A zero window is probed with one byte so that the peer's window update, which may be
     * lost, is eventually solicited (RFC 793 section 3.7, "Managing the Window"). */
    uint64_t right_edge = s->acked_seqno + (s->window ? s->window : 1);
    uint64_t written = byte_stream_bytes_written(&s->stream);
    bool ended = byte_stream_input_ended(&s->stream);
    while (!s->fin_sent && s->next_seqno < right_edge) {
        uint64_t room = right_edge - s->next_seqno;
        uint64_t unsent = written - data_sent(s);
        uint64_t n = min_u64(min_u64(room, s->cfg.max_payload), unsent);
        /* The FIN takes a seqno of its own, so it goes only if the window has room for it. */
        bool fin = ended && n == unsent && n < room;
        if (n == 0 && !fin) {
            return;
        }
        struct tcp_sender_segment seg = {.seqno = s->next_seqno, .payload_len = (uint32_t)n, .fin = fin};
        if (!send_new(s, &seg)) {
            return; /* the caller has not popped; the rest waits for the next call */
        }
    }
}

bool tcp_sender_ack_received(struct tcp_sender *s, struct wrap32 ackno, uint64_t window) {
    uint64_t abs_ackno = unwrap(ackno, s->isn, s->next_seqno);
    if (abs_ackno > s->next_seqno) {
        return false; /* acknowledges something never sent */
    }
    if (abs_ackno < s->acked_seqno) {
        /* An old ACK: its window is stale too (RFC 793 updates the window only from segments
         * at least as new as the last update). */
        return true;
    }
    s->window = window;
    if (abs_ackno > s->acked_seqno) {
        s->acked_seqno = abs_ackno;
        /* A segment leaves only when every seqno it occupies is acknowledged. */
        while (segment_ring_count(&s->outstanding)) {
            const struct tcp_sender_segment *oldest = segment_ring_at(&s->outstanding, 0);
            if (oldest->seqno + tcp_sender_segment_length(oldest) > abs_ackno) {
                break;
            }
            segment_ring_pop(&s->outstanding);
        }
        /* RFC 6298 (5.3, 5.7): new data acknowledged resets the RTO and restarts the timer
         * (or stops it when nothing is outstanding); the back-off count starts over. */
        s->rto = s->cfg.rt_timeout;
        s->consecutive_retx = 0;
        s->timer_running = segment_ring_count(&s->outstanding) > 0;
        s->timer_elapsed = 0;
    }
    release_acked(s);
    return true;
}

void tcp_sender_tick(struct tcp_sender *s, uint64_t ms) {
    release_acked(s);
    if (!s->timer_running) {
        return;
    }
    s->timer_elapsed += ms;
    if (s->timer_elapsed < s->rto) {
        return;
    }
    /* RFC 6298 (5.4-5.6): resend the oldest outstanding segment, back off, restart the timer.
     * A zero window means the peer is merely full, not that the path is congested, so a
     * window probe does not back off (CS144's rule); a SYN is never a probe. If the caller
     * has left the queue full, it already holds segments to send and this one is skipped. */
    const struct tcp_sender_segment *oldest = segment_ring_at(&s->outstanding, 0);
    bool back_off = s->window != 0 || oldest->syn;
    if (segment_ring_reserve(&s->queue)) {
        segment_ring_push(&s->queue, oldest);
    }
    if (back_off) {
        s->consecutive_retx++;
        if (s->rto <= UINT64_MAX / 2) {
            s->rto *= 2;
        }
    }
    s->timer_elapsed = 0;
}

void tcp_sender_send_empty_segment(struct tcp_sender *s, bool rst) {
    release_acked(s);
    /* A pure ACK or RST occupies no sequence space and is not retransmitted. If the caller has
     * left the queue full, this one is not queued: the queued segments carry the ackno too. */
    struct tcp_sender_segment seg = {.seqno = s->next_seqno, .rst = rst};
    if (segment_ring_reserve(&s->queue)) {
        segment_ring_push(&s->queue, &seg);
    }
}

uint64_t tcp_sender_bytes_in_flight(const struct tcp_sender *s) {
    return s->next_seqno - s->acked_seqno;
}

unsigned tcp_sender_consecutive_retransmissions(const struct tcp_sender *s) {
    return s->consecutive_retx;
}

bool tcp_sender_segments_out(struct tcp_sender *s, struct tcp_segment *seg) {
    if (!segment_ring_count(&s->queue)) {
        return false;
    }
    const struct tcp_sender_segment *d = segment_ring_at(&s->queue, 0);
    memset(seg, 0, sizeof *seg);
    seg->header.seqno = wrap(d->seqno, s->isn);
    seg->header.syn = d->syn;
    seg->header.fin = d->fin;
    seg->header.rst = d->rst;
    if (d->payload_len) {
        /* release_acked keeps every byte a queued segment refers to, so the offset is >= 0. */
        uint64_t offset = tcp_sender_segment_stream_index(d) - byte_stream_bytes_read(&s->stream);
        seg->payload = byte_stream_peek_at(&s->stream, (size_t)offset, d->payload_len);
        assert(byte_view2_len(&seg->payload) == d->payload_len);
    }
    segment_ring_pop(&s->queue);
    return true;
}

bool tcp_sender_has_segments(const struct tcp_sender *s) {
    return segment_ring_count(&s->queue) > 0;
}

uint64_t tcp_sender_next_seqno_absolute(const struct tcp_sender *s) {
    return s->next_seqno;
}

struct wrap32 tcp_sender_next_seqno(const struct tcp_sender *s) {
    return wrap(s->next_seqno, s->isn);
}

const char *tcp_sender_state(const struct tcp_sender *s) {
    if (byte_stream_error(&s->stream)) {
        return "ERROR";
    }
    if (!s->syn_sent) {
        return "CLOSED";
    }
    if (s->acked_seqno == 0) {
        return "SYN_SENT";
    }
    if (!s->fin_sent) {
        return "SYN_ACKED";
    }
    return s->acked_seqno == s->next_seqno ? "FIN_ACKED" : "FIN_SENT";
}
