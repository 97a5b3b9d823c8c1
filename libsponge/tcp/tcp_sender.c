/* TCPSender (lab 3). The outbound stream's readable bytes are the unsent ones: sending a byte
 * reads it (byte_stream_retain_output), which frees its place in the writer's capacity, but it
 * stays in the stream's ring, retained, as long as a segment may still need it (for a
 * retransmission or a queued segment); release_acked lets acknowledged bytes go. Stream byte i
 * has absolute seqno i + 1, because the SYN takes absolute seqno 0. */

#include "tcp/tcp_sender.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* Ring slots beyond window / max_payload: the SYN, the FIN, and small segments made when the
 * application writes less than a full payload at a time. */
#define SENDER_RING_SLACK 8
/* RFC 8985 7.2: the worst-case delayed ACK added to the probe timeout when one segment is in
 * flight, and a floor for the timeout (a very small SRTT would probe needlessly). */
#define TLP_DELAYED_ACK_MS 200
#define TLP_MIN_TIMEOUT_MS 10
/* RFC 6675 section 2: DupThresh, the SACKed segments above a hole that make it lost. */
#define DUPACK_SEGMENTS 3

/* Modern mode's pacing and trace (congestion.h): given code. */
uint64_t tcp_sender_pacing_delay(const struct tcp_sender *s) {
    return congestion_pacing_delay(&s->cc);
}

void tcp_sender_cc_trace(const struct tcp_sender *s, struct congestion_trace *out) {
    congestion_trace(&s->cc, out);
    out->now_ms = s->now;
    out->in_flight = s->next_seqno - s->acked_seqno;
    out->srtt_ms = rtt_estimator_srtt(&s->rtt);
    out->retransmissions = rate_sampler_retransmissions(&s->rate);
}

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
    assert(cfg->rt_timeout > 0 && cfg->max_in_flight <= UINT32_MAX);
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->window = 1; /* before the first ack, assume room for the SYN */
    s->rto = cfg->rt_timeout;
    rtt_estimator_init(&s->rtt, cfg->rt_timeout, cfg->min_rto, cfg->max_rto);
    congestion_init(&s->cc, cfg->congestion, cfg->max_payload);
    sack_scoreboard_init(&s->sacked);
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
     * segment (kept because the segment is resent whole). */
    size_t reserve = cfg->max_in_flight ? cfg->max_in_flight + cfg->max_payload : 0;
    size_t ring = cfg->send_capacity + reserve;
    /* Every tracked segment occupies at least one seqno, and at most `ring` data bytes plus SYN
     * and FIN can be unacknowledged (unacknowledged bytes stay in the ring), so ring + 2
     * descriptors always suffice; the queue may additionally hold a few retransmissions and
     * empty segments the caller has not popped yet. */
    size_t max_tracked = ring + 2;
    size_t initial = min_u64(ring / cfg->max_payload + SENDER_RING_SLACK, max_tracked);
    if (byte_stream_init_reserve(&s->stream, cfg->send_capacity, reserve) != SPONGE_OK ||
        segment_ring_init(&s->outstanding, initial, max_tracked) != SPONGE_OK ||
        segment_ring_init(&s->queue, initial, max_tracked + SENDER_RING_SLACK) != SPONGE_OK ||
        rate_sampler_init(&s->rate, initial, max_tracked) != SPONGE_OK) {
        tcp_sender_destroy(s);
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void tcp_sender_destroy(struct tcp_sender *s) {
    byte_stream_destroy(&s->stream);
    segment_ring_destroy(&s->outstanding);
    segment_ring_destroy(&s->queue);
    rate_sampler_destroy(&s->rate);
}

struct byte_stream *tcp_sender_stream_in(struct tcp_sender *s) {
    return &s->stream;
}

/* Payload bytes sent so far (sequence numbers minus SYN and FIN). */
static uint64_t data_sent(const struct tcp_sender *s) {
    return s->next_seqno - (uint64_t)s->syn_sent - (uint64_t)s->fin_sent;
}

/* Stream index of the oldest byte still retained (sent, not yet released). */
static uint64_t first_retained(const struct tcp_sender *s) {
    return byte_stream_bytes_read(&s->stream) - byte_stream_retained(&s->stream);
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

/* The part of the peer's window the sender fills: all of it, or at most max_in_flight (CS144's
 * send buffer, whose ring has room for that many sent bytes). */
static uint64_t usable_window(const struct tcp_sender *s) {
    uint64_t limit = s->cfg.max_in_flight;
    return limit && s->window > limit ? limit : s->window;
}

/* Sends a new segment: tracked for retransmission and queued. False if either ring is full. */
static bool send_new(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    if (!segment_ring_reserve(&s->outstanding) || !segment_ring_reserve(&s->queue)) {
        return false;
    }
    segment_ring_push(&s->outstanding, seg);
    segment_ring_push(&s->queue, seg);
    /* Sent bytes leave the writer's capacity but stay in the ring until acknowledged. */
    byte_stream_retain_output(&s->stream, seg->payload_len);
    s->next_seqno += tcp_sender_segment_length(seg);
    s->syn_sent |= seg->syn;
    s->fin_sent |= seg->fin;
    if (s->cfg.rtt_estimation && !s->timing) {
        s->timing = true;
        s->timed_end = s->next_seqno;
        s->timed_at = s->now;
    }
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
    uint64_t window = usable_window(s) ? usable_window(s) : 1;
    if (s->cfg.congestion != TCP_CC_NONE) {
        window = min_u64(window, congestion_window(&s->cc)); /* RFC 5681: min(cwnd, rwnd) */
    }
    uint64_t right_edge = s->acked_seqno + window;
    uint64_t written = byte_stream_bytes_written(&s->stream);
    bool ended = byte_stream_input_ended(&s->stream);
    while (!s->fin_sent && s->next_seqno < right_edge) {
        uint64_t room = right_edge - s->next_seqno;
        uint64_t unsent = written - data_sent(s);
        uint64_t n = min_u64(min_u64(room, tcp_config_segment_limit(&s->cfg)), unsent);
        /* The FIN takes a seqno of its own, so it goes only if the window has room for it. */
        bool fin = ended && n == unsent && n < room;
        if (n == 0 && !fin) {
            rate_sampler_app_limited(&s->rate, tcp_sender_bytes_in_flight(s)); /* room, no data */
            return;
        }
        /* Nagle (RFC 1122 4.2.3.4): while data is unacknowledged, a segment shorter than the
         * maximum waits for more bytes or for the ACK (the FIN still goes). */
        if (s->cfg.nagle && n < s->cfg.max_payload && !fin && s->next_seqno > s->acked_seqno) {
            return;
        }
        if (!congestion_pace(&s->cc, n)) {
            return; /* paced: tcp_sender_tick calls again when the gate opens */
        }
        struct tcp_sender_segment seg = {.seqno = s->next_seqno, .payload_len = (uint32_t)n, .fin = fin};
        if (!send_new(s, &seg)) {
            return; /* the caller has not popped; the rest waits for the next call */
        }
    }
}

/* Queues the oldest outstanding segment again (fast retransmit or a NewReno partial ACK). */
static void retransmit_oldest(struct tcp_sender *s) {
    if (segment_ring_count(&s->outstanding) && segment_ring_reserve(&s->queue)) {
        segment_ring_push(&s->queue, segment_ring_at(&s->outstanding, 0));
    }
    s->timing = false; /* Karn's rule */
}

/* RFC 6675-style hole filling: resends the first outstanding segment after rexmit_high that
 * the peer has not SACKed and that lies below the highest SACKed byte (data beyond it may
 * simply still be in flight). One per ACK, so that ACKs pace the recovery. Returns false if
 * there was no such hole. */
static bool retransmit_next_hole(struct tcp_sender *s) {
    uint64_t highest = sack_scoreboard_highest(&s->sacked);
    for (size_t i = 0; i < segment_ring_count(&s->outstanding); i++) {
        const struct tcp_sender_segment *seg = segment_ring_at(&s->outstanding, i);
        uint64_t end = seg->seqno + tcp_sender_segment_length(seg);
        if (seg->seqno >= highest) {
            return false;
        }
        if (end <= s->rexmit_high || sack_scoreboard_covers(&s->sacked, seg->seqno, end)) {
            continue;
        }
        if (segment_ring_reserve(&s->queue)) {
            segment_ring_push(&s->queue, seg);
        }
        s->rexmit_high = end;
        s->timing = false; /* Karn's rule */
        return true;
    }
    return false;
}

/* After a timeout every outstanding segment not SACKed is presumed lost (RFC 6675 5.1 (5),
 * BSD's snd_nxt = snd_una): they are resent in order as the congestion window, growing in
 * slow start, allows; only what was resent since the timeout counts as in flight. Without
 * this a lost tail (no SACK above it, so no holes to fill) would be resent one segment per
 * RTO, the RTO doubling each time (Karn's rule gives no sample to reset it). */
static void resend_after_timeout(struct tcp_sender *s) {
    uint64_t cwnd = congestion_window(&s->cc);
    for (size_t i = 0; i < segment_ring_count(&s->outstanding); i++) {
        const struct tcp_sender_segment *seg = segment_ring_at(&s->outstanding, i);
        uint64_t end = seg->seqno + tcp_sender_segment_length(seg);
        if (end <= s->rexmit_high || sack_scoreboard_covers(&s->sacked, seg->seqno, end)) {
            s->rexmit_high = end > s->rexmit_high ? end : s->rexmit_high;
            continue;
        }
        if (end - s->acked_seqno > cwnd || !segment_ring_reserve(&s->queue)) {
            return;
        }
        segment_ring_push(&s->queue, seg);
        s->rexmit_high = end;
        s->timing = false; /* Karn's rule */
    }
}

/* Loss detected (duplicate ACKs, or a partial ACK without SACK information): the oldest
 * segment is resent first. */
static void start_recovery(struct tcp_sender *s) {
    retransmit_oldest(s);
    const struct tcp_sender_segment *oldest = segment_ring_at(&s->outstanding, 0);
    s->rexmit_high = oldest->seqno + tcp_sender_segment_length(oldest);
}

void tcp_sender_sack_received(struct tcp_sender *s, const struct tcp_sack_block *blocks, size_t count) {
    for (size_t i = 0; i < count; i++) {
        uint64_t left = unwrap(blocks[i].left, s->isn, s->next_seqno);
        uint64_t right = unwrap(blocks[i].right, s->isn, s->next_seqno);
        if (s->acked_seqno < left && left < right && right <= s->next_seqno) {
            s->sack_news |= !sack_scoreboard_covers(&s->sacked, left, right);
            sack_scoreboard_add(&s->sacked, left, right);
            rate_sampler_on_sack(&s->rate, left, right, s->now);
        }
    }
}

/* Congestion control for an ACK that repeats the cumulative ackno. A duplicate ACK (RFC 5681
 * section 2) carries nothing and keeps the window; a zero window's answers to probes are not
 * duplicates. One that SACKs new data is a duplicate even if the window moved (RFC 6675
 * section 2): a receiver growing its buffer (Linux's autotuning) changes the window in every
 * ACK, and without this no loss would be detected before the RTO. */
static void same_ack(struct tcp_sender *s, uint64_t abs_ackno, uint64_t window, bool pure) {
    bool duplicate = (pure && window == s->window && window) || s->sack_news;
    if (duplicate && segment_ring_count(&s->outstanding) &&
        congestion_on_dupack(&s->cc, abs_ackno, tcp_sender_bytes_in_flight(s), s->next_seqno) ==
            CONGESTION_RETRANSMIT) {
        start_recovery(s);
    } else if (congestion_recovering(&s->cc, abs_ackno)) {
        /* a duplicate in recovery: SACK may show the next holes (BBR: one per segment it SACKed) */
        for (uint64_t n = congestion_holes_per_ack(&s->cc, rate_sampler_pending(&s->rate));
             n && retransmit_next_hole(s);) {
            n--;
        }
    }
}

/* Congestion control for an ACK of `acked` new sequence numbers (up to abs_ackno). */
static void new_ack(struct tcp_sender *s, uint64_t abs_ackno, uint64_t acked) {
    sack_scoreboard_ack(&s->sacked, abs_ackno);
    /* The SYN's acknowledgement opens no congestion window: only data counts. */
    bool syn_acked = abs_ackno == acked;
    if (syn_acked && acked == 1) {
        return;
    }
    if (congestion_on_ack(&s->cc, abs_ackno, acked - syn_acked, s->now, rtt_estimator_srtt(&s->rtt)) ==
        CONGESTION_RETRANSMIT) {
        /* A partial ACK: the next hole (RFC 6582 step 5), known more exactly with SACK. */
        if (!retransmit_next_hole(s) && segment_ring_count(&s->outstanding) &&
            segment_ring_at(&s->outstanding, 0)->seqno >= s->rexmit_high) {
            start_recovery(s); /* no SACK information: the oldest is the hole */
        }
    } else if (s->timeout_recovery && congestion_recovering(&s->cc, abs_ackno)) {
        resend_after_timeout(s);
    }
    s->timeout_recovery = s->timeout_recovery && congestion_recovering(&s->cc, abs_ackno);
}

static bool ack_received(struct tcp_sender *s, const struct tcp_sender_ack *ack);

void tcp_sender_timestamp_echo(struct tcp_sender *s, uint64_t rtt_ms) {
    s->echo_pending = s->cfg.rtt_estimation;
    s->echo_rtt = rtt_ms;
}

bool tcp_sender_ack_received(struct tcp_sender *s, struct wrap32 ackno, uint64_t window) {
    struct tcp_sender_ack ack = {.ackno = ackno, .window = window, .pure = true};
    return tcp_sender_ack_received_ext(s, &ack);
}

bool tcp_sender_ack_received_ext(struct tcp_sender *s, const struct tcp_sender_ack *ack) {
    bool accepted = ack_received(s, ack);
    s->echo_pending = false;
    s->sack_news = false;
    return accepted;
}

/* Whether an ACK that is not older than the last one (abs_ackno >= acked_seqno) updates the
 * window. With cfg.ignore_stale_windows, only a segment at least as new as the one the window
 * was last taken from does (RFC 9293 3.10.7.4: SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and
 * SND.WL2 =< SEG.ACK), so that a reordered older segment cannot shrink (or grow) it; then it
 * becomes that segment. In the labs every such ACK does (CS144: the latest ACK's window). */
static bool window_update_allowed(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t abs_ackno) {
    if (!s->cfg.ignore_stale_windows || !ack->has_seqno) {
        return true;
    }
    if (s->wl_set && (seq_lt(ack->seqno, s->wl1) || (seq_eq(ack->seqno, s->wl1) && abs_ackno < s->wl2))) {
        return false;
    }
    s->wl_set = true;
    s->wl1 = ack->seqno;
    s->wl2 = abs_ackno;
    return true;
}

static bool ack_received(struct tcp_sender *s, const struct tcp_sender_ack *ack) {
    uint64_t abs_ackno = unwrap(ack->ackno, s->isn, s->next_seqno);
    if (abs_ackno > s->next_seqno) {
        return false; /* acknowledges something never sent */
    }
    if (abs_ackno < s->acked_seqno) {
        /* An old ACK: its window is stale too (RFC 793 updates the window only from segments
         * at least as new as the last update). */
        return true;
    }
    if (s->cfg.congestion != TCP_CC_NONE && abs_ackno == s->acked_seqno) {
        same_ack(s, abs_ackno, ack->window, ack->pure);
    }
    if (window_update_allowed(s, ack, abs_ackno)) {
        s->window = ack->window;
    }
    bool sampled = false; /* an RTT measurement, of rtt_ms */
    uint64_t rtt_ms = 0;
    if (abs_ackno > s->acked_seqno) {
        uint64_t acked = abs_ackno - s->acked_seqno;
        s->acked_seqno = abs_ackno;
        /* A segment leaves only when every seqno it occupies is acknowledged. */
        while (segment_ring_count(&s->outstanding)) {
            const struct tcp_sender_segment *oldest = segment_ring_at(&s->outstanding, 0);
            if (oldest->seqno + tcp_sender_segment_length(oldest) > abs_ackno) {
                break;
            }
            segment_ring_pop(&s->outstanding);
        }
        sampled = s->echo_pending || (s->timing && abs_ackno >= s->timed_end);
        rtt_ms = s->echo_pending ? s->echo_rtt : s->now - s->timed_at;
        if (sampled) {
            rtt_estimator_sample(&s->rtt, rtt_ms);
            s->timing = s->timing && abs_ackno < s->timed_end;
        }
        /* RFC 6298 (5.3, 5.7): new data acknowledged resets the RTO and restarts the timer
         * (or stops it when nothing is outstanding); the back-off count starts over. With
         * estimation, a backed-off RTO stays until a new measurement (RFC 6298 section 5's
         * note, Karn's algorithm): an ACK after a retransmission says nothing about the RTT. */
        if (!s->cfg.rtt_estimation) {
            s->rto = s->cfg.rt_timeout;
        } else if (sampled || s->consecutive_retx == 0) {
            s->rto = rtt_estimator_rto(&s->rtt);
        }
        s->consecutive_retx = 0;
        s->probe_sent = false;
        s->timer_running = segment_ring_count(&s->outstanding) > 0;
        s->timer_elapsed = 0;
        if (s->cfg.congestion != TCP_CC_NONE) {
            new_ack(s, abs_ackno, acked);
        }
    }
    if (s->cfg.congestion != TCP_CC_NONE) {
        struct congestion_sample sample = {.now = s->now,
                                           .ackno = abs_ackno,
                                           .sacked = sack_scoreboard_bytes(&s->sacked),
                                           .lost = rate_sampler_lost(&s->rate, DUPACK_SEGMENTS),
                                           .in_flight = tcp_sender_bytes_in_flight(s),
                                           .has_rtt = sampled,
                                           .rtt_ms = rtt_ms,
                                           .rate = rate_sampler_on_ack(&s->rate, abs_ackno, s->now)};
        congestion_on_sample(&s->cc, &sample);
    }
    release_acked(s);
    return true;
}

/* Tail loss probe (RFC 8985 section 7, the new-data case only): no ACK for the probe
 * timeout, PTO = 2 SRTT (plus the peer's delayed-ACK allowance if one segment is in flight),
 * may mean the last segments or their ACKs were lost; a lost ACK of a whole window (a
 * receiver that reads in bursts ACKs a burst once) would otherwise cost an RTO and a loss
 * window of 1 MSS. One new segment, sent whatever the congestion window, makes the receiver
 * ACK again; a lost tail shows up in its SACK. When no new data can go, the RTO stays in
 * charge (the RFC's retransmission probe is not done), so no congestion response is due. */
static void tail_loss_probe(struct tcp_sender *s) {
    if (!s->cfg.tail_loss_probe || s->probe_sent || s->consecutive_retx || !rtt_estimator_srtt(&s->rtt) ||
        s->acked_seqno == 0 || s->fin_sent || sack_scoreboard_highest(&s->sacked) ||
        congestion_recovering(&s->cc, s->acked_seqno)) {
        return;
    }
    uint64_t pto = 2 * rtt_estimator_srtt(&s->rtt);
    if (tcp_sender_bytes_in_flight(s) <= s->cfg.max_payload) {
        pto += TLP_DELAYED_ACK_MS;
    }
    pto = pto > TLP_MIN_TIMEOUT_MS ? pto : TLP_MIN_TIMEOUT_MS;
    uint64_t unsent = byte_stream_bytes_written(&s->stream) - data_sent(s);
    uint64_t right_edge = s->acked_seqno + usable_window(s);
    if (s->timer_elapsed < pto || pto >= s->rto || unsent == 0 || s->next_seqno >= right_edge) {
        return;
    }
    struct tcp_sender_segment seg = {
        .seqno = s->next_seqno,
        .payload_len = (uint32_t)min_u64(min_u64(unsent, s->cfg.max_payload), right_edge - s->next_seqno)};
    if (send_new(s, &seg)) {
        s->probe_sent = true;
        s->timer_elapsed = 0; /* 7.3: the RTO timer restarts with the probe */
    }
}

void tcp_sender_tick(struct tcp_sender *s, uint64_t ms) {
    s->now += ms;
    release_acked(s);
    if (congestion_tick(&s->cc, ms)) {
        tcp_sender_fill_window(s); /* the pacing gate opened */
    }
    if (!s->timer_running) {
        return;
    }
    s->timer_elapsed += ms;
    tail_loss_probe(s);
    if (s->timer_elapsed < s->rto) {
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
    /* Karn's rule: an ack after a retransmission cannot tell which copy it answers. */
    s->timing = false;
    if (!back_off && s->cfg.persist_backoff) {
        /* Persist timer (RFC 1122 4.2.2.17): probes of a zero window back off too, but do not
         * count towards giving up: a peer that keeps answering keeps the connection. */
        s->rto = s->rto * 2 < s->cfg.max_rto ? s->rto * 2 : s->cfg.max_rto;
    }
    if (back_off) {
        congestion_on_timeout(&s->cc, tcp_sender_bytes_in_flight(s), s->next_seqno);
        s->timeout_recovery = s->cfg.congestion != TCP_CC_NONE;
        s->rexmit_high = oldest->seqno + tcp_sender_segment_length(oldest);
        s->consecutive_retx++;
        if (s->rto <= UINT64_MAX / 2) {
            s->rto *= 2;
        }
        /* RFC 6298 5.5 allows a maximum on the backed-off RTO (at least 60 s). */
        if (s->cfg.rtt_estimation && s->rto > s->cfg.max_rto) {
            s->rto = s->cfg.max_rto;
        }
    }
    s->timer_elapsed = 0;
}

void tcp_sender_send_keepalive(struct tcp_sender *s) {
    release_acked(s);
    /* RFC 1122 4.2.3.6: no data, seqno one before the next, so the peer must answer. */
    struct tcp_sender_segment seg = {.seqno = s->next_seqno - 1};
    if (s->next_seqno > 0 && segment_ring_reserve(&s->queue)) {
        segment_ring_push(&s->queue, &seg);
    }
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

void tcp_sender_set_max_payload(struct tcp_sender *s, size_t max_payload) {
    assert(max_payload > 0);
    s->cfg.max_payload = max_payload;
    /* Before anything is acknowledged or lost, the congestion state is just the initial window:
     * RFC 5681's for the new size. After that it keeps what it learnt (after a lost SYN, a
     * window of one segment: RFC 5681 3.1), its windows counted in segments. */
    if (s->acked_seqno == 0 && s->consecutive_retx == 0) {
        congestion_init(&s->cc, s->cfg.congestion, max_payload);
    } else {
        congestion_set_mss(&s->cc, max_payload);
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
    if (s->cfg.congestion != TCP_CC_NONE && d->payload_len) { /* data only: a SYN's 1 byte is no rate */
        rate_sampler_on_send(&s->rate, d->seqno, d->seqno + tcp_sender_segment_length(d), s->now);
    }
    memset(seg, 0, sizeof *seg);
    seg->header.seqno = wrap(d->seqno, s->isn);
    seg->header.syn = d->syn;
    seg->header.fin = d->fin;
    seg->header.rst = d->rst;
    if (d->payload_len) {
        /* release_acked keeps every byte a queued segment refers to, so the offset is >= 0. */
        uint64_t offset = tcp_sender_segment_stream_index(d) - first_retained(s);
        seg->payload = byte_stream_peek_retained(&s->stream, (size_t)offset, d->payload_len);
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
