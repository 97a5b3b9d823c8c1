/* Lab 3, minimal solution: the TCPSender, with the outstanding segments in a plain array. */

/* LAB3 BEGIN: TCPSender, the outbound stream into segments, acks and retransmission */

#include <stdlib.h>

static uint64_t smaller(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

/* Sequence numbers a segment takes: SYN, payload, FIN. */
static uint64_t seg_len(const struct tcp_sender_segment *g) {
    return (uint64_t)g->syn + g->payload_len + (uint64_t)g->fin;
}

enum sponge_err tcp_sender_init_state(struct tcp_sender *s) {
    s->peer_window = 1;
    s->timeout = s->cfg.rt_timeout;
    /* Every outstanding segment takes at least one seqno. */
    s->flight_cap = s->cfg.send_capacity + s->cfg.max_in_flight + s->cfg.max_payload + 2;
    s->flight = calloc(s->flight_cap, sizeof *s->flight);
    return s->flight ? SPONGE_OK : SPONGE_ERR_NO_MEMORY;
}

void tcp_sender_destroy_state(struct tcp_sender *s) {
    free(s->flight);
    s->flight = NULL;
}

/* Gives back to the stream the sent bytes no segment needs any more: those before the oldest
 * outstanding segment and before every queued segment with data. */
static void let_go(struct tcp_sender *s) {
    uint64_t keep = byte_stream_bytes_read(&s->stream); /* everything sent */
    if (s->flight_count) {
        keep = smaller(keep, tcp_sender_segment_stream_index(&s->flight[0]));
    }
    for (size_t i = 0; i < segment_ring_count(&s->queue); i++) {
        const struct tcp_sender_segment *g = segment_ring_at(&s->queue, i);
        if (g->payload_len) {
            keep = smaller(keep, tcp_sender_segment_stream_index(g));
        }
    }
    uint64_t first = byte_stream_bytes_read(&s->stream) - byte_stream_retained(&s->stream);
    if (keep > first) {
        byte_stream_release(&s->stream, (size_t)(keep - first));
    }
}

static bool queue_segment(struct tcp_sender *s, const struct tcp_sender_segment *g) {
    if (!segment_ring_reserve(&s->queue)) {
        return false;
    }
    segment_ring_push(&s->queue, g);
    return true;
}

void tcp_sender_fill_window(struct tcp_sender *s) {
    let_go(s);
    uint64_t win = s->peer_window;
    if (s->cfg.max_in_flight && win > s->cfg.max_in_flight) {
        win = s->cfg.max_in_flight;
    }
    if (win == 0) {
        win = 1; /* probe a zero window */
    }
    while (!s->fin_done && (s->next == 0 || s->acked > 0)) {
        struct tcp_sender_segment g = {.seqno = s->next, .syn = s->next == 0};
        uint64_t room = s->acked + win > s->next ? s->acked + win - s->next : 0;
        if (!g.syn) {
            size_t avail = byte_stream_buffer_size(&s->stream);
            g.payload_len = (uint32_t)smaller(smaller(room, s->cfg.max_payload), avail);
            g.fin = byte_stream_input_ended(&s->stream) && g.payload_len == avail && g.payload_len < room;
        }
        if (room == 0 || seg_len(&g) == 0 || s->flight_count == s->flight_cap || !queue_segment(s, &g)) {
            return;
        }
        s->flight[s->flight_count++] = g;
        byte_stream_retain_output(&s->stream, g.payload_len);
        s->next += seg_len(&g);
        s->fin_done = g.fin;
        if (!s->clock_on) {
            s->clock_on = true;
            s->clock_ms = 0;
        }
    }
}

bool tcp_sender_ack_arrived(struct tcp_sender *s, const struct tcp_sender_ack *ack) {
    uint64_t abs = unwrap(ack->ackno, s->isn, s->next);
    if (abs > s->next) {
        return false;
    }
    if (abs < s->acked) {
        return true;
    }
    s->peer_window = ack->window;
    if (abs > s->acked) {
        s->acked = abs;
        size_t kept = 0;
        for (size_t i = 0; i < s->flight_count; i++) {
            if (s->flight[i].seqno + seg_len(&s->flight[i]) > abs) {
                s->flight[kept++] = s->flight[i];
            }
        }
        s->flight_count = kept;
        s->timeout = s->cfg.rt_timeout;
        s->retx = 0;
        s->clock_on = kept > 0;
        s->clock_ms = 0;
    }
    let_go(s);
    return true;
}

void tcp_sender_tick(struct tcp_sender *s, uint64_t ms) {
    let_go(s);
    if (!s->clock_on) {
        return;
    }
    s->clock_ms += ms;
    if (s->clock_ms < s->timeout || !queue_segment(s, &s->flight[0])) {
        return;
    }
    if (s->peer_window > 0 || s->flight[0].syn) {
        s->retx++;
        s->timeout *= 2;
    }
    s->clock_ms = 0;
}

void tcp_sender_send_empty_segment(struct tcp_sender *s, bool rst) {
    let_go(s);
    struct tcp_sender_segment g = {.seqno = s->next, .rst = rst};
    queue_segment(s, &g);
}

uint64_t tcp_sender_bytes_in_flight(const struct tcp_sender *s) {
    return s->next - s->acked;
}

unsigned tcp_sender_consecutive_retransmissions(const struct tcp_sender *s) {
    return s->retx;
}

uint64_t tcp_sender_next_seqno_absolute(const struct tcp_sender *s) {
    return s->next;
}

struct wrap32 tcp_sender_next_seqno(const struct tcp_sender *s) {
    return wrap(s->next, s->isn);
}

/* LAB3 END */
