/* The sender's modern hooks (sender_modern.h). The lab's sender owns the timer, the window and
 * the outstanding segments; this file keeps its own copy of the outstanding segments (for loss
 * recovery, which resends holes) and queues its retransmissions on the sender's queue.
 *
 * Loss recovery: the sender finds losses with RACK (RFC 8985 section 6) over the rate sampler's
 * per-segment records and resends what it marked lost as the window (RFC 6675's pipe) and the
 * pacing gate allow, which also finds and resends lost retransmissions (one RTT after they left,
 * not at the RTO). That is BBR's recovery always, and NewReno's and CUBIC's once the peer SACKs
 * (RFC 8985 recommends RACK whatever the congestion control). Without SACK RACK learns nothing
 * (no segment sent after a hole is reported delivered before the hole is), so NewReno and CUBIC
 * then count duplicate ACKs and resend the oldest segment (RFC 5681, 6582; rack_enabled).
 *
 * Super-segments (TSO, tcp_config.max_segment): a segment longer than the MSS leaves whole, and
 * the carrier cuts it into MSS pieces from its start; the peer's kernel then acknowledges and
 * SACKs those pieces one by one. So both of our records of what is outstanding (the segment ring
 * and the rate sampler's records) hold MSS pieces from the moment the segment is sent, not the
 * super-segment: `sent` splits it into the ring, `sender_modern_on_wire` into the rate records,
 * each piece with its own place in the send order (the carrier sends them in seqno order). Every
 * recovery path (the timeout, fast retransmit and hole filling, RACK's send_lost, the tail loss
 * probe) then resends ordinary MSS-sized segments, only the pieces not SACKed, each through the
 * window, pipe and pacing checks of one segment. Splitting later (when a super-segment is first
 * marked lost or resent) would be too late for the rate sampler: a record counts as SACKed or
 * delivered only when a SACK covers all of it, so a partly SACKed super-segment would give RACK
 * no delivered segment sent after the lost piece (and BBR no SACKed bytes in its pipe), and the
 * loss would wait for the timeout. Resending sub-ranges of whole records would need every path to
 * track partial SACK, partial loss and partial resending per record. The price of pieces is one
 * descriptor and one record per MSS, as without offloads, bounded by the rings' maxima (one per
 * seqno). The lab's own outstanding list keeps the segment whole (its RTO resend is replaced in
 * `expired` by our oldest piece). */

#include "tcp/sender_modern.h"

#include <stdlib.h>
#include <string.h>

/* RFC 8985 7.2: the worst-case delayed ACK added to the probe timeout when one segment is in
 * flight, and a floor for the timeout (a very small SRTT would probe needlessly). */
#define TLP_DELAYED_ACK_MS 200
#define TLP_MIN_TIMEOUT_MS 10
/* TSO autosizing: a paced super-segment carries about this many ms of the pacing rate, and at
 * least TSO_MIN_SEGMENTS MSS. */
#define TSO_AUTOSIZE_MS 1
#define TSO_MIN_SEGMENTS 2
/* Ring slots beyond window / max_payload (as the lab's sender). */
#define MODERN_RING_SLACK 8

static uint64_t min_u64(uint64_t a, uint64_t b) {
    return a < b ? a : b;
}

/* The highest ackno the lab's sender accepted. */
static uint64_t acked_seqno(const struct tcp_sender *s) {
    return tcp_sender_next_seqno_absolute(s) - tcp_sender_bytes_in_flight(s);
}

static uint64_t segment_end(const struct tcp_sender_segment *seg) {
    return seg->seqno + tcp_sender_segment_length(seg);
}

/* RACK drives the loss recovery of BBR, and of NewReno and CUBIC once the peer has SACKed.
 * With SACK, duplicate ACKs are not counted as a second trigger (RFC 8985 section 6 allows it):
 * RACK's reordering window is 0 once three segments are SACKed and no reordering was seen (6.2
 * step 4), so it finds the hole on the ACK that would have been the third duplicate, while
 * DupThresh would also fire where reordering was seen and the window should wait (and would
 * start NewReno's inflating recovery, a second notion of what is in flight). Without SACK RACK
 * never finds a loss, and the duplicate ACKs are all there is. */
static bool rack_enabled(const struct tcp_sender *s) {
    return s->cfg.congestion == TCP_CC_BBR || (s->cfg.congestion != TCP_CC_NONE && s->ext->peer_sacks);
}

/* Queues a retransmission of `seg` (if the caller has left room) and stops RTT timing (Karn's
 * rule: an ack after a retransmission cannot tell which copy it answers). */
static void resend(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    if (segment_ring_reserve(&s->queue)) {
        segment_ring_push(&s->queue, seg);
    }
    s->ext->timing = false;
}

/* The rate sampler's records of `seg`, queued again, count as sent now (for RACK). */
static void records_resending(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    struct sender_modern *m = s->ext;
    uint64_t end = segment_end(seg);
    for (size_t i = 0; i < rate_sampler_count(&m->rate); i++) {
        const struct rate_record *p = rate_sampler_record(&m->rate, i);
        if (p->start >= end) {
            break;
        }
        if (p->end > seg->seqno) {
            rate_sampler_resending(&m->rate, i, m->now);
        }
    }
}

static void resend_recorded(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    resend(s, seg);
    records_resending(s, seg);
}

/* The segment a record covers, to resend (the FIN with the record that ends with it). */
static struct tcp_sender_segment record_segment(const struct tcp_sender *s, const struct rate_record *p) {
    const struct segment_ring *out = &s->ext->outstanding;
    size_t n = segment_ring_count(out);
    bool fin = n && segment_ring_at(out, n - 1)->fin && p->end == segment_end(segment_ring_at(out, n - 1));
    return (struct tcp_sender_segment){
        .seqno = p->start, .payload_len = (uint32_t)(p->end - p->start - fin), .fin = fin};
}

/* RFC 6675's NextSeg rule 1 with RACK's marks: resends the segments marked lost, oldest first,
 * while the pipe (in flight less SACKed and lost bytes; a resent segment is no longer lost, so
 * it counts again) stays within the window and the pacing gate lets them go, so that the
 * retransmissions of a burst of losses leave at the pacing rate instead of overflowing again the
 * queue that dropped the originals. The first one of a NewReno or CUBIC recovery episode goes
 * whatever the pipe (RFC 6675 5 step 4.3: the reduced window is often below the pipe then). */
static void send_lost(struct tcp_sender *s) {
    struct sender_modern *m = s->ext;
    uint64_t left = rate_sampler_lost_bytes(&m->rate);
    uint64_t gone = left + rate_sampler_sacked_bytes(&m->rate);
    uint64_t in_flight = tcp_sender_bytes_in_flight(s);
    uint64_t pipe = in_flight > gone ? in_flight - gone : 0;
    uint64_t limit = congestion_pipe_window(&m->cc);
    for (size_t i = 0; left && i < rate_sampler_count(&m->rate); i++) {
        const struct rate_record *p = rate_sampler_record(&m->rate, i);
        uint64_t len = p->end - p->start;
        if (!p->lost) {
            continue;
        }
        if ((pipe + len > limit && !m->fast_retransmit) || !segment_ring_reserve(&s->queue) ||
            !congestion_pace(&m->cc, len)) {
            return; /* the rest when ACKs or the pacing gate make room */
        }
        struct tcp_sender_segment seg = record_segment(s, p);
        resend(s, &seg);
        m->fast_retransmit = false;
        rate_sampler_resending(&m->rate, i, m->now);
        pipe += len;
        left -= len;
    }
}

/* RACK (RFC 8985 6.2 steps 3-5) with the cumulative ACK at `ackno`: marks what is lost, arms the
 * reorder timer, and starts recovery if something was found. */
static void rack_detect(struct tcp_sender *s, uint64_t ackno) {
    struct sender_modern *m = s->ext;
    uint64_t reo_wnd = rack_reo_wnd(&m->rack, congestion_recovering(&m->cc, ackno),
                                    rate_sampler_sacked_segments(&m->rate), rtt_estimator_srtt(&m->rtt));
    uint64_t lost = rack_detect_loss(&m->rack, &m->rate, m->now, reo_wnd);
    if (lost) {
        m->newly_lost += lost;
        bool episode =
            congestion_on_loss(&m->cc, ackno, tcp_sender_bytes_in_flight(s), tcp_sender_next_seqno_absolute(s));
        m->fast_retransmit |= episode && s->cfg.congestion != TCP_CC_BBR;
        if (episode) {
            m->tlp_end_seq = 0; /* RFC 8985 7.4.1: this response covers a loss behind a probe */
        }
    }
}

/* The part of the peer's window the sender fills (as the lab's: at most max_in_flight). */
static uint64_t usable_window(const struct tcp_sender *s) {
    uint64_t limit = s->cfg.max_in_flight;
    return limit && s->ext->window > limit ? limit : s->ext->window;
}

/* With TSO (cfg.max_segment) and pacing (BBR), the length of the next super-segments: the carrier
 * sends its MSS pieces back to back, so a 64 KiB one is a 45-packet burst on top of the pacing
 * gate's credit (pacing.h: a segment is never split), more than a shallow bottleneck queue holds
 * (bench/wan.sh's shallow phase: 42 packets). As Linux's TSO autosizing, a super-segment carries
 * about 1 ms of the pacing rate in whole MSS (at least 2), up to what was configured; at high
 * rates that is the configured 64 KiB, so only slow paced paths get shorter ones. Unpaced
 * (NewReno, CUBIC, BBR before its first sample) it stays as configured. */
static void autosize_segments(struct tcp_sender *s) {
    struct sender_modern *m = s->ext;
    size_t mss = s->cfg.max_payload;
    uint64_t rate = congestion_pacing_rate(&m->cc);
    if (m->max_segment <= mss || rate == 0) {
        s->cfg.max_segment = m->max_segment;
        return;
    }
    uint64_t bytes = rate * TSO_AUTOSIZE_MS / 1000;
    bytes = bytes - bytes % mss > TSO_MIN_SEGMENTS * mss ? bytes - bytes % mss : TSO_MIN_SEGMENTS * mss;
    s->cfg.max_segment = (size_t)min_u64(bytes, m->max_segment);
}

static uint64_t send_window(struct tcp_sender *s, uint64_t window) {
    autosize_segments(s); /* fill_window makes its segments next */
    if (s->ext->probing) {
        /* A tail loss probe goes whatever the congestion window, but it is one segment of at
         * most one MSS (RFC 8985 7.3), not a super-segment (TSO). */
        return min_u64(window, tcp_sender_bytes_in_flight(s) + s->cfg.max_payload);
    }
    if (s->cfg.congestion == TCP_CC_NONE) {
        return window;
    }
    if (rack_enabled(s)) {
        /* The window bounds the pipe (RFC 6675): the SACKed and lost bytes, as of now, are not
         * in it. */
        const struct rate_sampler *r = &s->ext->rate;
        uint64_t gone = rate_sampler_sacked_bytes(r) + rate_sampler_lost_bytes(r);
        return min_u64(window, congestion_pipe_window(&s->ext->cc) + gone);
    }
    return min_u64(window, congestion_window(&s->ext->cc)); /* RFC 5681: min(cwnd, rwnd) */
}

static bool may_send(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    struct sender_modern *m = s->ext;
    if (!segment_ring_reserve_many(&m->outstanding, tcp_sender_segment_pieces(seg, s->cfg.max_payload))) {
        return false;
    }
    if (m->probing) {
        return !m->probe_sent; /* one probe */
    }
    if (rack_enabled(s) && rate_sampler_lost_bytes(&m->rate)) {
        return false; /* lost segments go first (send_lost) */
    }
    /* Nagle (RFC 1122 4.2.3.4): while data is unacknowledged, a segment shorter than the
     * maximum waits for more bytes or for the ACK (the FIN still goes). */
    if (s->cfg.nagle && seg->payload_len < s->cfg.max_payload && !seg->fin && !seg->syn &&
        tcp_sender_bytes_in_flight(s) > 0) {
        return false;
    }
    /* Paced (BBR): the tick calls fill_window again when the gate opens. Last: it takes credit. */
    return seg->syn || congestion_pace(&m->cc, seg->payload_len);
}

/* Room in the window, nothing to send. App-limited (delivery-rate draft 3.4) only if the
 * application left the send stream at least half empty: when data in flight fill half of it or
 * more, the stream's capacity is what holds the sender back (an application writing as fast as
 * it can refills the stream only as ACKs free it), a limit like the peer's window, and the rate
 * samples stay valid. Marking those app-limited kept BBR in STARTUP for a whole transfer
 * (its full-pipe check skips app-limited rounds) whenever its window outgrew the stream. */
static void starved(struct tcp_sender *s) {
    uint64_t in_flight = tcp_sender_bytes_in_flight(s);
    if (byte_stream_remaining_capacity(&s->stream) > in_flight) {
        rate_sampler_app_limited(&s->ext->rate, in_flight);
    }
}

static void sent(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    struct sender_modern *m = s->ext;
    /* In MSS pieces, as the carrier cuts a super-segment (see the top of the file); may_send
     * reserved the slots. */
    for (uint32_t offset = 0; offset == 0 || offset < seg->payload_len; offset += (uint32_t)s->cfg.max_payload) {
        struct tcp_sender_segment piece = tcp_sender_segment_piece(seg, offset, s->cfg.max_payload);
        segment_ring_push(&m->outstanding, &piece);
    }
    m->probe_sent |= m->probing;
    if (s->cfg.rtt_estimation && !m->timing) {
        m->timing = true;
        m->timed_end = segment_end(seg);
        m->timed_at = m->now;
    }
}

/* With cfg.ignore_stale_windows, only a segment at least as new as the one the window was last
 * taken from updates it (RFC 9293 3.10.7.4: SND.WL1 < SEG.SEQ, or SND.WL1 = SEG.SEQ and
 * SND.WL2 =< SEG.ACK), so that a reordered older segment cannot shrink (or grow) it; then it
 * becomes that segment. Otherwise (CS144) every ACK not older than the last does. */
static bool take_window(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t abs_ackno) {
    struct sender_modern *m = s->ext;
    m->window_before = m->window;
    if (s->cfg.ignore_stale_windows && ack->has_seqno) {
        if (m->wl_set && (seq_lt(ack->seqno, m->wl1) || (seq_eq(ack->seqno, m->wl1) && abs_ackno < m->wl2))) {
            return false;
        }
        m->wl_set = true;
        m->wl1 = ack->seqno;
        m->wl2 = abs_ackno;
    }
    m->window = ack->window;
    return true;
}

/* RFC 6675-style hole filling: resends the first outstanding segment after rexmit_high that
 * the peer has not SACKed and that lies below the highest SACKed byte (data beyond it may
 * simply still be in flight). One per ACK, so that ACKs pace the recovery. Returns false if
 * there was no such hole. */
static bool retransmit_next_hole(struct tcp_sender *s) {
    struct sender_modern *m = s->ext;
    uint64_t highest = sack_scoreboard_highest(&m->sacked);
    for (size_t i = 0; i < segment_ring_count(&m->outstanding); i++) {
        const struct tcp_sender_segment *seg = segment_ring_at(&m->outstanding, i);
        uint64_t end = segment_end(seg);
        if (seg->seqno >= highest) {
            return false;
        }
        if (end <= m->rexmit_high || sack_scoreboard_covers(&m->sacked, seg->seqno, end)) {
            continue;
        }
        resend(s, seg);
        m->rexmit_high = end;
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
    struct sender_modern *m = s->ext;
    uint64_t cwnd = congestion_window(&m->cc);
    for (size_t i = 0; i < segment_ring_count(&m->outstanding); i++) {
        const struct tcp_sender_segment *seg = segment_ring_at(&m->outstanding, i);
        uint64_t end = segment_end(seg);
        if (end <= m->rexmit_high || sack_scoreboard_covers(&m->sacked, seg->seqno, end)) {
            m->rexmit_high = end > m->rexmit_high ? end : m->rexmit_high;
            continue;
        }
        if (end - acked_seqno(s) > cwnd || !segment_ring_reserve(&s->queue)) {
            return;
        }
        resend(s, seg);
        m->rexmit_high = end;
    }
}

/* Loss detected (duplicate ACKs, or a partial ACK without SACK information): the oldest
 * segment is resent first. */
static void start_recovery(struct tcp_sender *s) {
    struct sender_modern *m = s->ext;
    if (!segment_ring_count(&m->outstanding)) {
        m->timing = false;
        return;
    }
    const struct tcp_sender_segment *oldest = segment_ring_at(&m->outstanding, 0);
    resend(s, oldest);
    m->rexmit_high = segment_end(oldest);
}

/* SACK blocks (RFC 2018) of the ACK, judged against the ackno before it (`prev_acked`):
 * recorded so that loss recovery resends only the holes (RFC 6675). Implausible blocks
 * (outside the unacknowledged data) are ignored. */
static void sack_received(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t prev_acked) {
    struct sender_modern *m = s->ext;
    uint64_t next = tcp_sender_next_seqno_absolute(s);
    for (size_t i = 0; i < ack->sack_count; i++) {
        uint64_t left = unwrap(ack->sack[i].left, s->isn, next);
        uint64_t right = unwrap(ack->sack[i].right, s->isn, next);
        if (prev_acked < left && left < right && right <= next) {
            m->peer_sacks = true; /* from now on RACK finds the losses (rack_enabled) */
            sack_scoreboard_add(&m->sacked, left, right);
            rate_sampler_on_sack(&m->rate, left, right, m->now);
        }
    }
}

/* Congestion control for an ACK that repeats the cumulative ackno, from a peer that does not
 * SACK (else RACK finds the losses, whatever the window does). A duplicate ACK (RFC 5681
 * section 2) carries nothing and keeps the window; a zero window's answers to probes are not
 * duplicates. */
static void same_ack(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t abs_ackno) {
    struct sender_modern *m = s->ext;
    bool duplicate = ack->pure && ack->window == m->window_before && ack->window;
    if (duplicate && segment_ring_count(&m->outstanding) &&
        congestion_on_dupack(&m->cc, abs_ackno, tcp_sender_bytes_in_flight(s), tcp_sender_next_seqno_absolute(s)) ==
            CONGESTION_RETRANSMIT) {
        start_recovery(s);
    } else if (congestion_recovering(&m->cc, abs_ackno)) {
        retransmit_next_hole(s); /* a duplicate in recovery: SACK may show the next hole */
    }
}

/* Congestion control for an ACK of `acked` new sequence numbers (up to abs_ackno). */
static void new_ack(struct tcp_sender *s, uint64_t abs_ackno, uint64_t acked) {
    struct sender_modern *m = s->ext;
    sack_scoreboard_ack(&m->sacked, abs_ackno);
    /* The SYN's acknowledgement opens no congestion window: only data counts. */
    bool syn_acked = abs_ackno == acked;
    if (syn_acked && acked == 1) {
        return;
    }
    enum congestion_action action =
        congestion_on_ack(&m->cc, abs_ackno, acked - syn_acked, m->now, rtt_estimator_srtt(&m->rtt));
    if (rack_enabled(s)) {
        return; /* RACK decides what to resend */
    }
    if (action == CONGESTION_RETRANSMIT) {
        /* A partial ACK: the next hole (RFC 6582 step 5), known more exactly with SACK. */
        if (!retransmit_next_hole(s) && segment_ring_count(&m->outstanding) &&
            segment_ring_at(&m->outstanding, 0)->seqno >= m->rexmit_high) {
            start_recovery(s); /* no SACK information: the oldest is the hole */
        }
    } else if (m->timeout_recovery && congestion_recovering(&m->cc, abs_ackno)) {
        resend_after_timeout(s);
    }
    m->timeout_recovery = m->timeout_recovery && congestion_recovering(&m->cc, abs_ackno);
}

/* RFC 8985 7.4.2: the outcome of a probe that resent data (tlp_end_seq). If it repaired the only
 * loss, its ACK looks like any cumulative ACK and nothing else reports the loss. A duplicate ACK
 * of tlp_end_seq (no SACK above it, no data, no window update) means the peer had the data
 * already: no loss. An ACK past tlp_end_seq without that duplicate before it means the probe
 * filled a hole: the window is reduced once. (No DSACK: a probe whose duplicate ACK was lost
 * counts as a repair.) */
static void probe_outcome(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t abs_ackno,
                          uint64_t newly_acked) {
    struct sender_modern *m = s->ext;
    if (!m->tlp_end_seq || abs_ackno < m->tlp_end_seq) {
        return;
    }
    if (abs_ackno > m->tlp_end_seq) {
        congestion_on_probe_repair(&m->cc, abs_ackno, m->tlp_flight);
        m->tlp_end_seq = 0;
        return;
    }
    bool above = false;
    uint64_t next = tcp_sender_next_seqno_absolute(s);
    for (size_t i = 0; i < ack->sack_count; i++) {
        above |= unwrap(ack->sack[i].right, s->isn, next) > m->tlp_end_seq;
    }
    if (newly_acked == 0 && ack->pure && ack->window == m->window_before && !above) {
        m->tlp_end_seq = 0;
    }
}

static void acked(struct tcp_sender *s, const struct tcp_sender_ack *ack, uint64_t abs_ackno, uint64_t newly_acked) {
    struct sender_modern *m = s->ext;
    sack_received(s, ack, abs_ackno - newly_acked);
    bool cc = s->cfg.congestion != TCP_CC_NONE, rack = rack_enabled(s);
    if (cc && !rack && newly_acked == 0) {
        same_ack(s, ack, abs_ackno);
    }
    m->sampled = false; /* an RTT measurement, of rtt_ms */
    uint64_t rtt_ms = 0;
    if (newly_acked) {
        while (segment_ring_count(&m->outstanding) && segment_end(segment_ring_at(&m->outstanding, 0)) <= abs_ackno) {
            segment_ring_pop(&m->outstanding);
        }
        bool echo = s->cfg.rtt_estimation && ack->has_echo_rtt;
        m->sampled = echo || (m->timing && abs_ackno >= m->timed_end);
        rtt_ms = echo ? ack->echo_rtt : m->now - m->timed_at;
        if (m->sampled) {
            rtt_estimator_sample(&m->rtt, rtt_ms);
            m->timing = m->timing && abs_ackno < m->timed_end;
        }
        m->probe_sent = false;
        if (cc) {
            new_ack(s, abs_ackno, newly_acked);
        }
    }
    if (cc) {
        struct rate_sample rs = rate_sampler_on_ack(&m->rate, abs_ackno, m->now);
        rack_on_ack(&m->rack, &rs, m->now); /* its RTTs, ready for the first SACK */
        if (rack) {
            rack_detect(s, abs_ackno);
        }
        struct congestion_sample sample = {.now = m->now,
                                           .ackno = abs_ackno,
                                           .sacked = rate_sampler_sacked_bytes(&m->rate),
                                           .lost = rate_sampler_lost_bytes(&m->rate),
                                           .newly_lost = m->newly_lost,
                                           .in_flight = tcp_sender_bytes_in_flight(s),
                                           .has_rtt = m->sampled,
                                           .rtt_ms = rtt_ms,
                                           .rate = rs};
        m->newly_lost = 0;
        congestion_on_sample(&m->cc, &sample);
        probe_outcome(s, ack, abs_ackno, newly_acked);
        if (rack) {
            send_lost(s);
        }
    }
}

/* RFC 6298 (5.3, 5.7) with estimation: the estimator's RTO, except that a backed-off RTO stays
 * until a new measurement (RFC 6298 section 5's note, Karn's algorithm): an ACK after a
 * retransmission says nothing about the RTT. */
static uint64_t rto(struct tcp_sender *s, uint64_t current) {
    struct sender_modern *m = s->ext;
    uint64_t next = current;
    if (!s->cfg.rtt_estimation) {
        next = s->cfg.rt_timeout;
    } else if (m->sampled || m->backoffs == 0) {
        next = rtt_estimator_rto(&m->rtt);
    }
    m->backoffs = 0;
    return next;
}

/* Tail loss probe (RFC 8985 section 7): no ACK for the probe timeout, PTO = 2 SRTT (plus the
 * peer's delayed-ACK allowance if one segment is in flight), may mean the last segments or
 * their ACKs were lost; a lost ACK of a whole window (a receiver that reads in bursts ACKs a
 * burst once) or a lost tail would otherwise cost an RTO and a loss window of 1 MSS. One new
 * segment, sent whatever the congestion window, makes the receiver ACK again; if no new data
 * can go (none written, or the peer's window is full), the most recently sent segment goes
 * again (7.3). A lost tail then shows up in the ACK's SACK, where RACK finds it (7.4.1); a loss
 * the resent segment alone repaired is found by probe_outcome (7.4.2, NewReno and CUBIC; BBR
 * needs no loss signal). */
static bool tail_loss_probe(struct tcp_sender *s, uint64_t elapsed, uint64_t current_rto) {
    struct sender_modern *m = s->ext;
    uint64_t acked_abs = acked_seqno(s);
    if (!s->cfg.tail_loss_probe || m->probe_sent || m->backoffs || !rtt_estimator_srtt(&m->rtt) || acked_abs == 0 ||
        sack_scoreboard_highest(&m->sacked) || congestion_recovering(&m->cc, acked_abs)) {
        return false;
    }
    uint64_t pto = 2 * rtt_estimator_srtt(&m->rtt);
    if (tcp_sender_bytes_in_flight(s) <= s->cfg.max_payload) {
        pto += TLP_DELAYED_ACK_MS;
    }
    pto = pto > TLP_MIN_TIMEOUT_MS ? pto : TLP_MIN_TIMEOUT_MS;
    if (elapsed < pto || pto >= current_rto || usable_window(s) == 0) {
        return false;
    }
    if (byte_stream_buffer_size(&s->stream) && tcp_sender_next_seqno_absolute(s) < acked_abs + usable_window(s)) {
        m->probing = true;
        tcp_sender_fill_window(s);
        m->probing = false;
    }
    if (!m->probe_sent && segment_ring_count(&m->outstanding) && segment_ring_reserve(&s->queue)) {
        resend_recorded(s, segment_ring_at(&m->outstanding, segment_ring_count(&m->outstanding) - 1));
        m->probe_sent = true;
        if (s->cfg.congestion == TCP_CC_NEWRENO || s->cfg.congestion == TCP_CC_CUBIC) {
            m->tlp_end_seq = tcp_sender_next_seqno_absolute(s); /* 7.4.2 (BBR: its model) */
            m->tlp_flight = tcp_sender_bytes_in_flight(s);
        }
    }
    return m->probe_sent; /* 7.3: the RTO timer restarts with the probe */
}

static bool tick(struct tcp_sender *s, uint64_t ms, bool timer_running, uint64_t elapsed, uint64_t current_rto) {
    struct sender_modern *m = s->ext;
    m->now += ms;
    bool go = congestion_tick(&m->cc, ms); /* the pacing gate opened */
    if (rack_enabled(s) && rack_timer_expired(&m->rack, m->now)) {
        rack_detect(s, acked_seqno(s)); /* RFC 8985 6.2: the reorder timer */
        go = true;
    }
    if (go) {
        if (rack_enabled(s)) {
            send_lost(s);
        }
        tcp_sender_fill_window(s);
    }
    return timer_running && tail_loss_probe(s, elapsed, current_rto);
}

static uint64_t expired(struct tcp_sender *s, const struct tcp_sender_segment *oldest, bool back_off, uint64_t next) {
    struct sender_modern *m = s->ext;
    m->timing = false; /* Karn's rule */
    /* The lab queued its oldest outstanding segment, whole; ours is its oldest MSS piece not yet
     * acknowledged (a super-segment is kept in pieces, and so is a segment split because the path
     * MTU was lowered, sender_pmtu.h), and that is what goes: one MSS. */
    struct tcp_sender_segment *resent = segment_ring_at(&s->queue, segment_ring_count(&s->queue) - 1);
    if (segment_ring_count(&m->outstanding)) {
        *resent = *segment_ring_at(&m->outstanding, 0);
    }
    oldest = resent;
    if (!back_off && s->cfg.persist_backoff) {
        /* Persist timer (RFC 1122 4.2.2.17): probes of a zero window back off too, but do not
         * count towards giving up: a peer that keeps answering keeps the connection. */
        next = next * 2 < s->cfg.max_rto ? next * 2 : s->cfg.max_rto;
    }
    if (back_off && rack_enabled(s)) {
        /* RFC 8985 6.3: after a timeout what is not SACKed is lost; the oldest goes now, the
         * others as the window (one segment, regrowing in slow start) allows (send_lost). */
        for (size_t i = 0; i < rate_sampler_count(&m->rate); i++) {
            rate_sampler_mark_lost(&m->rate, i);
        }
        records_resending(s, oldest);
    }
    if (back_off) {
        congestion_on_timeout(&m->cc, tcp_sender_bytes_in_flight(s), tcp_sender_next_seqno_absolute(s));
        m->timeout_recovery = s->cfg.congestion != TCP_CC_NONE && !rack_enabled(s);
        m->fast_retransmit = false;
        m->tlp_end_seq = 0; /* the timeout's response covers it */
        m->rexmit_high = segment_end(oldest);
        m->backoffs++;
        /* RFC 6298 5.5 allows a maximum on the backed-off RTO (at least 60 s). */
        if (s->cfg.rtt_estimation && next > s->cfg.max_rto) {
            next = s->cfg.max_rto;
        }
    }
    return next;
}

static const struct tcp_sender_ops modern_ops = {
    .send_window = send_window,
    .starved = starved,
    .may_send = may_send,
    .sent = sent,
    .take_window = take_window,
    .acked = acked,
    .rto = rto,
    .tick = tick,
    .expired = expired,
};

bool sender_modern_wanted(const struct tcp_config *cfg) {
    return cfg->congestion != TCP_CC_NONE || cfg->rtt_estimation || cfg->tail_loss_probe || cfg->nagle ||
           cfg->persist_backoff || cfg->ignore_stale_windows;
}

enum sponge_err sender_modern_attach(struct tcp_sender *s) {
    const struct tcp_config *cfg = &s->cfg;
    struct sender_modern *m = calloc(1, sizeof *m);
    if (!m) {
        return SPONGE_ERR_NO_MEMORY;
    }
    /* As many segments as the lab's sender can have outstanding (tcp_sender_init_state). */
    size_t max_tracked = cfg->send_capacity + cfg->max_in_flight + cfg->max_payload + 2;
    size_t initial = min_u64(max_tracked / cfg->max_payload + MODERN_RING_SLACK, max_tracked);
    if (segment_ring_init(&m->outstanding, initial, max_tracked) != SPONGE_OK) {
        free(m);
        return SPONGE_ERR_NO_MEMORY;
    }
    if (rate_sampler_init(&m->rate, initial, max_tracked) != SPONGE_OK) {
        segment_ring_destroy(&m->outstanding);
        free(m);
        return SPONGE_ERR_NO_MEMORY;
    }
    m->window = 1;
    m->max_segment = cfg->max_segment;
    rtt_estimator_init(&m->rtt, cfg->rt_timeout, cfg->min_rto, cfg->max_rto);
    rack_init(&m->rack);
    congestion_init(&m->cc, cfg->congestion, cfg->max_payload);
    sack_scoreboard_init(&m->sacked);
    s->ext = m;
    s->ops = &modern_ops;
    return SPONGE_OK;
}

void sender_modern_detach(struct tcp_sender *s) {
    if (s->ext) {
        segment_ring_destroy(&s->ext->outstanding);
        rate_sampler_destroy(&s->ext->rate);
        free(s->ext);
    }
    s->ext = NULL;
    s->ops = NULL;
}

void sender_modern_on_wire(struct tcp_sender *s, const struct tcp_sender_segment *seg) {
    struct sender_modern *m = s->ext;
    if (s->cfg.congestion == TCP_CC_NONE || !seg->payload_len) {
        return; /* no rate samples without congestion control; a SYN's 1 byte is no rate */
    }
    /* One record per MSS piece (see the top of the file), in seqno order, each its own send. */
    for (uint32_t offset = 0; offset < seg->payload_len; offset += (uint32_t)s->cfg.max_payload) {
        struct tcp_sender_segment piece = tcp_sender_segment_piece(seg, offset, s->cfg.max_payload);
        rate_sampler_on_send(&m->rate, piece.seqno, segment_end(&piece), m->now);
    }
}

void sender_modern_set_mss(struct tcp_sender *s, size_t mss) {
    struct sender_modern *m = s->ext;
    /* Before anything is acknowledged or lost, the congestion state is just the initial window:
     * RFC 5681's for the new size. After that it keeps what it learnt (after a lost SYN, a
     * window of one segment: RFC 5681 3.1), its windows counted in segments. */
    if (acked_seqno(s) == 0 && tcp_sender_consecutive_retransmissions(s) == 0) {
        congestion_init(&m->cc, s->cfg.congestion, mss);
    } else {
        congestion_set_mss(&m->cc, mss);
    }
}
