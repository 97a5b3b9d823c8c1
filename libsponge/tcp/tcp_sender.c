/* TCPSender (lab 3). The outbound stream's readable bytes are the unsent ones: sending a byte
 * reads it (byte_stream_retain_output), which frees its place in the writer's capacity, but it
 * stays in the stream's ring, retained, as long as a segment may still need it (for a
 * retransmission or a queued segment); release_acked lets acknowledged bytes go. Stream byte i
 * has absolute seqno i + 1, because the SYN takes absolute seqno 0.
 *
 * Given code first (setup, the queue of segments to pop, the state name); then lab 3's part,
 * CS144's algorithm, which calls the modern hooks (sender_modern.h) where s->ops is set. */

#include "tcp/tcp_sender.h"

#include "tcp/sender_modern.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* Ring slots beyond window / max_payload: the SYN, the FIN, and small segments made when the
 * application writes less than a full payload at a time. */
#define SENDER_RING_SLACK 8

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
    assert(cfg->rt_timeout > 0 && cfg->max_in_flight <= UINT32_MAX);
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    if (cfg->fixed_isn_set) {
        s->isn = wrap32_of(cfg->fixed_isn);
    } else {
        enum sponge_err err = random_isn(&s->isn);
        if (err != SPONGE_OK) {
            return err;
        }
    }
    /* The stream's ring holds send_capacity unsent bytes and, with CS144's send buffer,
     * max_in_flight sent ones beside them, plus the acknowledged start of a partly acknowledged
     * segment (kept because the segment is resent whole). Every tracked segment occupies at
     * least one seqno, so the queue needs room for as many as there can be unacknowledged
     * seqnos, plus a few retransmissions and empty segments the caller has not popped yet. */
    size_t reserve = cfg->max_in_flight ? cfg->max_in_flight + cfg->max_payload : 0;
    size_t max_queued = cfg->send_capacity + reserve + 2 + SENDER_RING_SLACK;
    size_t initial = (cfg->send_capacity + reserve) / cfg->max_payload + SENDER_RING_SLACK;
    enum sponge_err err = SPONGE_ERR_NO_MEMORY;
    if (byte_stream_init_reserve(&s->stream, cfg->send_capacity, reserve) == SPONGE_OK &&
        segment_ring_init(&s->queue, initial < max_queued ? initial : max_queued, max_queued) == SPONGE_OK &&
        (!sender_modern_wanted(cfg) || sender_modern_attach(s) == SPONGE_OK)) {
        err = tcp_sender_init_state(s);
    }
    if (err != SPONGE_OK) {
        byte_stream_destroy(&s->stream);
        segment_ring_destroy(&s->queue);
        sender_modern_detach(s);
    }
    return err;
}

void tcp_sender_destroy(struct tcp_sender *s) {
    tcp_sender_destroy_state(s);
    byte_stream_destroy(&s->stream);
    segment_ring_destroy(&s->queue);
    sender_modern_detach(s);
}

struct byte_stream *tcp_sender_stream_in(struct tcp_sender *s) {
    return &s->stream;
}

bool tcp_sender_ack_received(struct tcp_sender *s, struct wrap32 ackno, uint64_t window) {
    struct tcp_sender_ack ack = {.ackno = ackno, .window = window, .pure = true};
    return tcp_sender_ack_arrived(s, &ack);
}

void tcp_sender_send_keepalive(struct tcp_sender *s) {
    /* RFC 1122 4.2.3.6: no data, seqno one before the next, so the peer must answer. */
    uint64_t next = tcp_sender_next_seqno_absolute(s);
    struct tcp_sender_segment seg = {.seqno = next - 1};
    if (next > 0 && segment_ring_reserve(&s->queue)) {
        segment_ring_push(&s->queue, &seg);
    }
}

void tcp_sender_set_max_payload(struct tcp_sender *s, size_t max_payload) {
    assert(max_payload > 0);
    s->cfg.max_payload = max_payload;
    if (s->ext) {
        sender_modern_set_mss(s, max_payload);
    }
}

void tcp_sender_forget_rtt_sample(struct tcp_sender *s) {
    if (s->ext) {
        s->ext->timing = false;
    }
}

uint64_t tcp_sender_pacing_delay(const struct tcp_sender *s) {
    return s->ext ? congestion_pacing_delay(&s->ext->cc) : UINT64_MAX;
}

void tcp_sender_cc_trace(const struct tcp_sender *s, struct congestion_trace *out) {
    memset(out, 0, sizeof *out);
    if (s->ext) {
        congestion_trace(&s->ext->cc, out);
        out->now_ms = s->ext->now;
        out->srtt_ms = rtt_estimator_srtt(&s->ext->rtt);
        out->retransmissions = rate_sampler_retransmissions(&s->ext->rate);
    }
    out->in_flight = tcp_sender_bytes_in_flight(s);
}

/* Stream index of the oldest byte still retained (sent, not yet released). */
static uint64_t first_retained(const struct tcp_sender *s) {
    return byte_stream_bytes_read(&s->stream) - byte_stream_retained(&s->stream);
}

bool tcp_sender_segments_out(struct tcp_sender *s, struct tcp_segment *seg) {
    if (!segment_ring_count(&s->queue)) {
        return false;
    }
    struct tcp_sender_segment *d = segment_ring_at(&s->queue, 0);
    struct tcp_sender_segment piece = *d;
    size_t limit = tcp_config_segment_limit(&s->cfg);
    if (d->payload_len > limit) {
        /* Made before the limit was lowered (sender_pmtu.h): it goes out in pieces that fit,
         * the SYN with the first and the FIN with the last. */
        piece.payload_len = (uint32_t)limit;
        piece.fin = false;
        d->seqno += (uint64_t)d->syn + limit;
        d->payload_len -= (uint32_t)limit;
        d->syn = false;
    } else {
        segment_ring_pop(&s->queue);
    }
    d = &piece;
    if (s->ext) {
        sender_modern_on_wire(s, d); /* delivery-rate records */
    }
    memset(seg, 0, sizeof *seg);
    seg->header.seqno = wrap(d->seqno, s->isn);
    seg->header.syn = d->syn;
    seg->header.fin = d->fin;
    seg->header.rst = d->rst;
    if (d->payload_len) {
        /* The sender keeps every byte a queued segment refers to, so the offset is >= 0. */
        uint64_t offset = tcp_sender_segment_stream_index(d) - first_retained(s);
        seg->payload = byte_stream_peek_retained(&s->stream, (size_t)offset, d->payload_len);
        assert(byte_view2_len(&seg->payload) == d->payload_len);
    }
    return true;
}

bool tcp_sender_has_segments(const struct tcp_sender *s) {
    return segment_ring_count(&s->queue) > 0;
}

enum tcp_sender_state tcp_sender_state_of(const struct tcp_sender *s) {
    uint64_t next = tcp_sender_next_seqno_absolute(s);
    uint64_t in_flight = tcp_sender_bytes_in_flight(s);
    if (byte_stream_error(&s->stream)) {
        return TCP_SENDER_ERROR;
    }
    if (next == 0) {
        return TCP_SENDER_CLOSED;
    }
    if (next == in_flight) {
        return TCP_SENDER_SYN_SENT;
    }
    /* The FIN takes the seqno after the SYN and every byte written. */
    if (!byte_stream_eof(&s->stream) || next < byte_stream_bytes_written(&s->stream) + 2) {
        return TCP_SENDER_SYN_ACKED;
    }
    return in_flight ? TCP_SENDER_FIN_SENT : TCP_SENDER_FIN_ACKED;
}

const char *tcp_sender_state(const struct tcp_sender *s) {
    static const char *const names[] = {
        [TCP_SENDER_CLOSED] = "CLOSED",     [TCP_SENDER_SYN_SENT] = "SYN_SENT",   [TCP_SENDER_SYN_ACKED] = "SYN_ACKED",
        [TCP_SENDER_FIN_SENT] = "FIN_SENT", [TCP_SENDER_FIN_ACKED] = "FIN_ACKED", [TCP_SENDER_ERROR] = "ERROR",
    };
    return names[tcp_sender_state_of(s)];
}

/* LAB3 BEGIN: TCPSender, the outbound stream into segments, acks and retransmission */

static uint64_t min_u64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

enum sponge_err tcp_sender_init_state(struct tcp_sender *s) {
    s->window = 1; /* before the first ack, assume room for the SYN */
    s->rto = s->cfg.rt_timeout;
    /* At most every byte the stream can hold, with SYN and FIN, is outstanding. */
    size_t max = s->cfg.send_capacity + s->cfg.max_in_flight + s->cfg.max_payload + 2;
    return segment_ring_init(&s->outstanding, min_u64(max / s->cfg.max_payload + SENDER_RING_SLACK, max), max);
}

void tcp_sender_destroy_state(struct tcp_sender *s) {
    segment_ring_destroy(&s->outstanding);
}

/* Payload bytes sent so far (sequence numbers minus SYN and FIN). */
static uint64_t data_sent(const struct tcp_sender *s) {
    return s->next_seqno - (uint64_t)s->syn_sent - (uint64_t)s->fin_sent;
}

/* Releases acknowledged bytes from the stream's ring, keeping those an outstanding segment may
 * resend (a partly acknowledged segment is retransmitted whole) and those a queued segment will
 * show when popped. Previously popped views become invalid here, which is why only the calls
 * that change the sender's state (not segments_out) do this. */
static void release_acked(struct tcp_sender *s) {
    uint64_t released = first_retained(s);
    uint64_t keep_from = s->acked_seqno ? min_u64(s->acked_seqno - 1, data_sent(s)) : 0;
    if (segment_ring_count(&s->outstanding)) {
        keep_from = min_u64(keep_from, tcp_sender_segment_stream_index(segment_ring_at(&s->outstanding, 0)));
    }
    for (size_t i = 0; keep_from > released && i < segment_ring_count(&s->queue); i++) {
        const struct tcp_sender_segment *seg = segment_ring_at(&s->queue, i);
        if (seg->payload_len) {
            keep_from = min_u64(keep_from, tcp_sender_segment_stream_index(seg));
        }
    }
    if (keep_from > released) {
        byte_stream_release(&s->stream, (size_t)(keep_from - released));
    }
}

/* Sends a new segment: tracked for retransmission and queued. False if it may not go. */
static bool send_new(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    if (!segment_ring_reserve(&s->outstanding) || !segment_ring_reserve(&s->queue) ||
        (s->ops && !s->ops->may_send(s, seg))) {
        return false;
    }
    segment_ring_push(&s->outstanding, seg);
    segment_ring_push(&s->queue, seg);
    /* Sent bytes leave the writer's capacity but stay in the ring until acknowledged. */
    byte_stream_retain_output(&s->stream, seg->payload_len);
    s->next_seqno += tcp_sender_segment_length(seg);
    s->syn_sent |= seg->syn;
    s->fin_sent |= seg->fin;
    /* RFC 6298 (5.1): start the timer when a segment is sent and it is not running. */
    if (!s->timer_running) {
        s->timer_running = true;
        s->timer_elapsed = 0;
    }
    if (s->ops) {
        s->ops->sent(s, seg);
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
    /* The part of the peer's window we fill: at most max_in_flight (CS144's send buffer). A
     * zero window is probed with one byte so that the peer's window update, which may be
     * lost, is eventually solicited (RFC 793 section 3.7, "Managing the Window"). */
    uint64_t window = s->cfg.max_in_flight ? min_u64(s->window, s->cfg.max_in_flight) : s->window;
    window = window ? window : 1;
    if (s->ops) {
        window = s->ops->send_window(s, window);
    }
    uint64_t right_edge = s->acked_seqno + window;
    bool ended = byte_stream_input_ended(&s->stream);
    while (!s->fin_sent && s->next_seqno < right_edge) {
        uint64_t room = right_edge - s->next_seqno;
        uint64_t unsent = byte_stream_bytes_written(&s->stream) - data_sent(s);
        uint64_t n = min_u64(min_u64(room, tcp_config_segment_limit(&s->cfg)), unsent);
        /* The FIN takes a seqno of its own, so it goes only if the window has room for it. */
        bool fin = ended && n == unsent && n < room;
        if (n == 0 && !fin) {
            if (s->ops) {
                s->ops->starved(s); /* room, but nothing to send */
            }
            return;
        }
        struct tcp_sender_segment seg = {.seqno = s->next_seqno, .payload_len = (uint32_t)n, .fin = fin};
        if (!send_new(s, &seg)) {
            return; /* not now; the rest waits for the next call */
        }
    }
}

bool tcp_sender_ack_arrived(struct tcp_sender *s, const struct tcp_sender_ack *ack) {
    uint64_t abs_ackno = unwrap(ack->ackno, s->isn, s->next_seqno);
    if (abs_ackno > s->next_seqno) {
        return false; /* acknowledges something never sent */
    }
    if (abs_ackno < s->acked_seqno) {
        return true; /* an old ACK: its window is stale too (RFC 793 3.7) */
    }
    if (!s->ops || s->ops->take_window(s, ack, abs_ackno)) {
        s->window = ack->window;
    }
    uint64_t newly_acked = abs_ackno - s->acked_seqno;
    s->acked_seqno = abs_ackno;
    /* A segment leaves only when every seqno it occupies is acknowledged. */
    while (segment_ring_count(&s->outstanding)) {
        const struct tcp_sender_segment *oldest = segment_ring_at(&s->outstanding, 0);
        if (oldest->seqno + tcp_sender_segment_length(oldest) > abs_ackno) {
            break;
        }
        segment_ring_pop(&s->outstanding);
    }
    if (s->ops) {
        s->ops->acked(s, ack, abs_ackno, newly_acked);
    }
    if (newly_acked) {
        /* RFC 6298 (5.3, 5.7): new data acknowledged resets the RTO and restarts the timer
         * (or stops it when nothing is outstanding); the back-off count starts over. */
        s->rto = s->ops ? s->ops->rto(s, s->rto) : s->cfg.rt_timeout;
        s->consecutive_retx = 0;
        s->timer_running = segment_ring_count(&s->outstanding) > 0;
        s->timer_elapsed = 0;
    }
    release_acked(s);
    return true;
}

void tcp_sender_tick(struct tcp_sender *s, uint64_t ms) {
    release_acked(s);
    if (s->timer_running) {
        s->timer_elapsed += ms;
    }
    if (s->ops && s->ops->tick(s, ms, s->timer_running, s->timer_elapsed, s->rto)) {
        s->timer_elapsed = 0; /* a tail loss probe went out */
    }
    if (!s->timer_running || s->timer_elapsed < s->rto) {
        return;
    }
    /* RFC 6298 (5.4-5.6): resend the oldest outstanding segment, back off, restart the timer.
     * A zero window means the peer is merely full, not that the path is congested, so a
     * window probe does not back off (CS144's rule); a SYN is never a probe. If the caller
     * has left the queue full, nothing is resent, counted or backed off: the timer stays
     * expired and the retransmission goes at the first tick that finds room. */
    const struct tcp_sender_segment *oldest = segment_ring_at(&s->outstanding, 0);
    bool back_off = s->window != 0 || oldest->syn;
    if (!segment_ring_reserve(&s->queue)) {
        return;
    }
    segment_ring_push(&s->queue, oldest);
    if (back_off) {
        s->consecutive_retx++;
        s->rto = s->rto <= UINT64_MAX / 2 ? s->rto * 2 : s->rto;
    }
    if (s->ops) {
        s->rto = s->ops->expired(s, oldest, back_off, s->rto);
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

uint64_t tcp_sender_next_seqno_absolute(const struct tcp_sender *s) {
    return s->next_seqno;
}

struct wrap32 tcp_sender_next_seqno(const struct tcp_sender *s) {
    return wrap(s->next_seqno, s->isn);
}
