#include "tcp/tcp_connection.h"

#include <assert.h>
#include <string.h>

/* An active close waits this many initial RTOs after the last segment before closing, so that
 * a lost final ACK can still be repeated (RFC 793's TIME-WAIT, with CS144's duration). */
#define LINGER_RTOS 10
/* time_wait_backoff: at most 2^16 times that (a bound on the shift whatever max_retx_attempts). */
#define MAX_LINGER_DOUBLINGS 16
/* RFC 5961 section 7: challenge ACKs are counted per second of the connection's clock. */
#define CHALLENGE_ACK_PERIOD_MS 1000

const char *tcp_state_name(enum tcp_state state) {
    static const char *const names[] = {
        [TCP_STATE_LISTEN] = "LISTEN",         [TCP_STATE_SYN_SENT] = "SYN_SENT",
        [TCP_STATE_SYN_RCVD] = "SYN_RCVD",     [TCP_STATE_ESTABLISHED] = "ESTABLISHED",
        [TCP_STATE_CLOSE_WAIT] = "CLOSE_WAIT", [TCP_STATE_LAST_ACK] = "LAST_ACK",
        [TCP_STATE_FIN_WAIT_1] = "FIN_WAIT_1", [TCP_STATE_FIN_WAIT_2] = "FIN_WAIT_2",
        [TCP_STATE_CLOSING] = "CLOSING",       [TCP_STATE_TIME_WAIT] = "TIME_WAIT",
        [TCP_STATE_CLOSED] = "CLOSED",         [TCP_STATE_RESET] = "RESET",
    };
    return (unsigned)state < sizeof names / sizeof names[0] ? names[state] : "UNKNOWN";
}

/* Receiver-side silly window syndrome avoidance (RFC 9293 3.8.6.2.2, RFC 1122 4.2.3.3), after
 * the application has read: the peer hears of the larger window at once only if the window it
 * was last shown is under one MSS (it may be waiting on it, perhaps zero) and the window has
 * grown by at least min(MSS, capacity / 2) past it; otherwise the next ACK tells it.
 * This and the two readers below are given code, not lab 4's: they use the connection only
 * through the sender's and receiver's functions and adv_edge, which segments_out keeps. */
static void window_update_if_due(struct tcp_connection *c) {
    struct wrap32 ackno;
    if (!tcp_connection_active(c) || !c->advertised || !tcp_receiver_ackno(&c->receiver, &ackno) ||
        byte_stream_input_ended(tcp_receiver_stream_out(&c->receiver))) {
        return; /* nothing advertised yet, or the peer has finished sending */
    }
    int32_t shown = seq_diff(c->adv_edge, ackno);
    uint64_t shown_bytes = shown > 0 ? (uint64_t)shown : 0;
    uint64_t now = tcp_negotiation_window_bytes(&c->neg, tcp_receiver_window_size(&c->receiver), false);
    uint64_t mss = c->cfg.max_payload, half = c->cfg.recv_capacity / 2;
    uint64_t step = mss < half ? mss : half;
    if (step == 0) {
        step = 1; /* a one-byte buffer: any byte read is worth telling */
    }
    if (shown_bytes < mss && now >= shown_bytes + step) {
        c->counters.window_updates++;
        if (!tcp_sender_has_segments(&c->sender)) {
            tcp_sender_send_empty_segment(&c->sender, false); /* else the queued one carries it */
        }
    }
}

size_t tcp_connection_read(struct tcp_connection *c, void *buf, size_t len) {
    assert(!c->destroyed);
    size_t n = byte_stream_read(tcp_receiver_stream_out(&c->receiver), buf, len);
    window_update_if_due(c);
    return n;
}

void tcp_connection_pop_inbound(struct tcp_connection *c, size_t len) {
    assert(!c->destroyed);
    byte_stream_pop_output(tcp_receiver_stream_out(&c->receiver), len);
    window_update_if_due(c);
}

/* LAB4 BEGIN: TCPConnection, sender and receiver together with RFC 793's states */

enum sponge_err tcp_connection_init(struct tcp_connection *c, const struct tcp_config *cfg) {
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    /* On failure everything is already freed, and a later destroy does nothing. */
    c->destroyed = true;
    enum sponge_err err = tcp_sender_init(&c->sender, cfg);
    if (err != SPONGE_OK) {
        return err;
    }
    /* The ISN is random (or fixed for tests): a fine per-connection timestamp offset too. */
    tcp_negotiation_init(&c->neg, cfg, tcp_sender_next_seqno(&c->sender).raw);
    err = tcp_receiver_init(&c->receiver, cfg->recv_capacity);
    if (err != SPONGE_OK) {
        tcp_sender_destroy(&c->sender);
        return err;
    }
    c->destroyed = false;
    c->active = true;
    c->linger_after_streams_finish = true;
    return SPONGE_OK;
}

static bool sender_in(const struct tcp_connection *c, enum tcp_sender_state state) {
    return tcp_sender_state_of(&c->sender) == state;
}

static bool receiver_in(const struct tcp_connection *c, enum tcp_receiver_state state) {
    return tcp_receiver_state_of(&c->receiver) == state;
}

/* Nothing sent, nothing received: there is no peer yet. */
static bool in_listen(const struct tcp_connection *c) {
    return tcp_sender_next_seqno_absolute(&c->sender) == 0 && receiver_in(c, TCP_RECEIVER_LISTEN);
}

/* Our FIN has gone out (it may not be acknowledged yet). */
static bool fin_sent(const struct tcp_connection *c) {
    return sender_in(c, TCP_SENDER_FIN_SENT) || sender_in(c, TCP_SENDER_FIN_ACKED);
}

/* Drops whatever the sender has queued and queues a RST in its place: once the connection is
 * reset, nothing else should reach the peer. */
static void queue_rst(struct tcp_connection *c) {
    struct tcp_segment discard;
    while (tcp_sender_segments_out(&c->sender, &discard)) {
    }
    tcp_sender_send_empty_segment(&c->sender, true);
}

/* An unclean shutdown: both streams fail and the connection is over (CS144 "RESET"). */
static void unclean_shutdown(struct tcp_connection *c, bool send_rst) {
    if (send_rst) {
        queue_rst(c);
    }
    byte_stream_set_error(tcp_sender_stream_in(&c->sender));
    byte_stream_set_error(tcp_receiver_stream_out(&c->receiver));
    c->reset = true;
    c->active = false;
}

/* How long an active close lingers after the last segment received: CS144's 10 initial RTOs,
 * far below RFC 9293's 2 MSL. With time_wait_backoff, each FIN the peer repeated in TIME-WAIT
 * doubles it: a repeat means our ACK was lost, and the peer doubles its RTO before each next
 * try (RFC 6298 5.5), so with a fixed linger a few more lost ACKs or FINs let us leave before
 * its next try, and the peer retransmits its FIN to nobody until it gives up. */
static uint64_t linger_ms(const struct tcp_connection *c) {
    unsigned doublings = c->time_wait_repeats;
    if (doublings > c->cfg.max_retx_attempts) {
        doublings = c->cfg.max_retx_attempts; /* the peer gives up after as many */
    }
    if (doublings > MAX_LINGER_DOUBLINGS) {
        doublings = MAX_LINGER_DOUBLINGS;
    }
    return ((uint64_t)LINGER_RTOS * c->cfg.rt_timeout) << doublings;
}

/* Ends the connection when both directions are finished: the inbound stream has ended, our
 * FIN has been sent and acknowledged, and (active close only) the linger time has passed. */
static void check_clean_shutdown(struct tcp_connection *c) {
    if (!byte_stream_input_ended(tcp_receiver_stream_out(&c->receiver)) || !sender_in(c, TCP_SENDER_FIN_ACKED)) {
        return;
    }
    if (!c->linger_after_streams_finish || c->idle_ms >= linger_ms(c)) {
        c->active = false;
    }
}

/* Makes segments from the outbound stream, once the handshake has begun. */
static void send_what_fits(struct tcp_connection *c) {
    if (tcp_sender_next_seqno_absolute(&c->sender) > 0) {
        tcp_sender_fill_window(&c->sender);
    }
}

/* Queues a bare ACK unless some other segment (which will carry the ACK) is already queued. */
static void ensure_reply(struct tcp_connection *c) {
    if (!tcp_sender_has_segments(&c->sender)) {
        tcp_sender_send_empty_segment(&c->sender, false);
    }
}

void tcp_connection_destroy(struct tcp_connection *c) {
    if (c->destroyed) {
        return;
    }
    c->final_rst_pending = false;
    if (c->active && !in_listen(c)) {
        /* Leaving without a clean close: tell the peer, and keep that one RST poppable. */
        unclean_shutdown(c, true);
        c->final_rst_pending = tcp_connection_segments_out(c, &c->final_rst);
        c->final_rst.payload = byte_view2_of(NULL, 0);
    }
    tcp_receiver_destroy(&c->receiver);
    tcp_sender_destroy(&c->sender);
    c->active = false;
    c->destroyed = true;
}

void tcp_connection_connect(struct tcp_connection *c) {
    assert(!c->destroyed);
    if (c->active && in_listen(c)) {
        tcp_sender_fill_window(&c->sender); /* the SYN */
    }
}

size_t tcp_connection_write(struct tcp_connection *c, const void *data, size_t len) {
    assert(!c->destroyed);
    if (!c->active) {
        return 0;
    }
    size_t n = byte_stream_write(tcp_sender_stream_in(&c->sender), data, len);
    send_what_fits(c);
    return n;
}

size_t tcp_connection_remaining_outbound_capacity(const struct tcp_connection *c) {
    /* The sender has no const accessor for its stream; reading the capacity changes nothing. */
    return byte_stream_remaining_capacity(tcp_sender_stream_in((struct tcp_sender *)&c->sender));
}

void tcp_connection_end_input_stream(struct tcp_connection *c) {
    assert(!c->destroyed);
    byte_stream_end_input(tcp_sender_stream_in(&c->sender));
    if (c->active) {
        send_what_fits(c);
    }
}

struct byte_stream *tcp_connection_inbound_stream(struct tcp_connection *c) {
    return tcp_receiver_stream_out(&c->receiver);
}

uint64_t tcp_connection_bytes_in_flight(const struct tcp_connection *c) {
    return tcp_sender_bytes_in_flight(&c->sender);
}

size_t tcp_connection_unassembled_bytes(const struct tcp_connection *c) {
    return tcp_receiver_unassembled_bytes(&c->receiver);
}

uint64_t tcp_connection_time_since_last_segment_received(const struct tcp_connection *c) {
    return c->time_since_last_segment_received;
}

enum tcp_state tcp_connection_state(const struct tcp_connection *c) {
    if (c->reset) {
        return TCP_STATE_RESET;
    }
    if (!c->active) {
        return TCP_STATE_CLOSED;
    }
    bool listen = receiver_in(c, TCP_RECEIVER_LISTEN), fin_recv = receiver_in(c, TCP_RECEIVER_FIN_RECV);
    if (sender_in(c, TCP_SENDER_CLOSED)) {
        return TCP_STATE_LISTEN;
    }
    if (sender_in(c, TCP_SENDER_SYN_SENT)) {
        /* RFC 793 p. 75: a FIN in SYN-RECEIVED leads to CLOSE-WAIT. */
        return listen ? TCP_STATE_SYN_SENT : fin_recv ? TCP_STATE_CLOSE_WAIT : TCP_STATE_SYN_RCVD;
    }
    if (sender_in(c, TCP_SENDER_SYN_ACKED)) {
        return fin_recv ? TCP_STATE_CLOSE_WAIT : TCP_STATE_ESTABLISHED;
    }
    if (sender_in(c, TCP_SENDER_FIN_SENT)) {
        if (!fin_recv) {
            return TCP_STATE_FIN_WAIT_1;
        }
        return c->linger_after_streams_finish ? TCP_STATE_CLOSING : TCP_STATE_LAST_ACK;
    }
    /* FIN_ACKED */
    return fin_recv ? TCP_STATE_TIME_WAIT : TCP_STATE_FIN_WAIT_2;
}

/* The window we advertise: the receiver's, as the (scaled) 16-bit field can tell it. */
static uint64_t advertised_window(const struct tcp_connection *c) {
    return tcp_negotiation_window_bytes(&c->neg, tcp_receiver_window_size(&c->receiver), false);
}

/* Modern mode: the peer's SYN fixes the options; afterwards PAWS screens every segment.
 * Returns false if the segment must be dropped. */
static bool negotiate(struct tcp_connection *c, const struct tcp_segment *seg, bool past_syn_sent) {
    const struct tcp_header *hdr = &seg->header;
    if (!past_syn_sent) {
        if (hdr->syn) {
            tcp_negotiation_peer_syn(&c->neg, &hdr->opts);
            tcp_sender_set_max_payload(&c->sender, tcp_negotiation_max_payload(&c->neg));
        }
        return true;
    }
    if (!c->neg.timestamps) {
        return true;
    }
    struct wrap32 ackno;
    bool in_order = tcp_receiver_ackno(&c->receiver, &ackno) && seq_leq(hdr->seqno, ackno);
    return tcp_negotiation_check_arrival(&c->neg, hdr, in_order);
}

/* Where a RST's seqno falls, for RFC 5961 section 3.2. */
enum rst_check { RST_OUTSIDE_WINDOW, RST_IN_WINDOW, RST_EXACT };

/* A seqno `offset` past RCV.NXT lies in a window of `window` bytes. */
static bool in_window(int64_t offset, uint64_t window) {
    return offset >= 0 && (uint64_t)offset < window;
}

/* RFC 5961 section 3.2 (tightening RFC 793 p. 37): a RST resets the connection only if its
 * seqno is exactly RCV.NXT; one elsewhere in the window we advertise gets a challenge ACK (a
 * blind attacker must then guess the exact number); one outside the window is dropped. */
static enum rst_check check_rst(const struct tcp_connection *c, const struct tcp_segment *seg) {
    struct wrap32 ackno;
    if (!tcp_receiver_ackno(&c->receiver, &ackno)) {
        return RST_OUTSIDE_WINDOW;
    }
    int64_t offset = seq_diff(seg->header.seqno, ackno);
    if (offset == 0) {
        return RST_EXACT;
    }
    return in_window(offset, advertised_window(c)) ? RST_IN_WINDOW : RST_OUTSIDE_WINDOW;
}

/* RFC 9293 3.10.7.4, "first, check sequence number": a segment is acceptable if it is empty
 * and starts in the window we advertise (exactly at RCV.NXT when that is zero), or if its
 * first or last seqno lies in it (then the window must be open). Before the peer's SYN there
 * is no window: the segments that get this far (its SYN) are acceptable. */
static bool acceptable(const struct tcp_connection *c, const struct tcp_segment *seg) {
    struct wrap32 ackno;
    if (!tcp_receiver_ackno(&c->receiver, &ackno)) {
        return true;
    }
    int64_t first = seq_diff(seg->header.seqno, ackno);
    uint64_t len = tcp_segment_length_in_sequence_space(seg);
    uint64_t window = advertised_window(c);
    if (len == 0) {
        return window ? in_window(first, window) : first == 0;
    }
    return in_window(first, window) || in_window(first + (int64_t)len - 1, window);
}

/* The idle clock (idle_ms) times keep-alives and the linger after an active close. CS144 (lab
 * mode) restarts it for any segment received. With cfg.strict_idle_clock (modern mode) only an
 * accepted segment does, for it shows the peer alive (RFC 1122 4.2.3.6), and in TIME-WAIT only
 * a retransmission of the peer's FIN, the one segment that state expects (RFC 9293 3.10.7.4):
 * segments the connection ignores (a RST outside the window or in TIME-WAIT, a SYN answered
 * with a challenge ACK, a PAWS reject, an ACK of unsent data, an old duplicate) then cannot
 * keep a dead peer's connection, or a closed one's TIME-WAIT, alive. */
static void restart_idle_clock(struct tcp_connection *c) {
    c->idle_ms = 0;
    c->keepalives_sent = 0;
}

/* Both SYNs have been exchanged and ours is acknowledged: a synchronized state (RFC 793). */
static bool synchronized(const struct tcp_connection *c) {
    return !receiver_in(c, TCP_RECEIVER_LISTEN) && !sender_in(c, TCP_SENDER_CLOSED) &&
           !sender_in(c, TCP_SENDER_SYN_SENT);
}

/* A challenge ACK (the caller flushes it with the next segments_out), at most
 * cfg.challenge_ack_limit of them in each second of our clock (RFC 5961 section 7: so that
 * an attacker cannot turn us into an ACK generator); those over the limit are counted. */
static void challenge_ack(struct tcp_connection *c) {
    if (c->cfg.challenge_ack_limit) {
        if (c->clock_ms - c->challenge_window_start >= CHALLENGE_ACK_PERIOD_MS) {
            c->challenge_window_start = c->clock_ms;
            c->challenge_acks_in_window = 0;
        }
        if (c->challenge_acks_in_window >= c->cfg.challenge_ack_limit) {
            c->counters.challenge_acks_suppressed++;
            return;
        }
        c->challenge_acks_in_window++;
    }
    c->counters.challenge_acks++;
    ensure_reply(c);
}

/* The SYN-SENT rules of RFC 793 p. 66-68. Returns true if the segment should be processed. */
static bool accept_in_syn_sent(struct tcp_connection *c, const struct tcp_segment *seg) {
    const struct tcp_header *hdr = &seg->header;
    /* Only our SYN is outstanding, so the one acceptable ackno is the next seqno. */
    bool ack_ok = hdr->ack && seq_eq(hdr->ackno, tcp_sender_next_seqno(&c->sender));
    if (hdr->rst) {
        /* A RST counts only if it acknowledges our SYN. */
        if (ack_ok) {
            unclean_shutdown(c, false);
        }
        return false;
    }
    /* Neither SYN nor RST: drop. An ACK for something else: drop (we do not answer it with a RST). */
    return hdr->syn && (!hdr->ack || ack_ok);
}

/* Acknowledges a segment, at once or (delayed ACKs, RFC 1122 4.2.3.2 and RFC 5681 4.2) with
 * the next segment: every second in-order data segment is ACKed, the first waits at most
 * delayed_ack_ms; out-of-order data, data filling a hole, SYN and FIN are ACKed at once. */
static void acknowledge(struct tcp_connection *c, const struct tcp_segment *seg, bool in_order) {
    bool delayable = c->cfg.delayed_ack && in_order && !seg->header.syn && !seg->header.fin &&
                     tcp_receiver_unassembled_bytes(&c->receiver) == 0;
    if (tcp_sender_has_segments(&c->sender)) {
        return; /* a queued segment carries the ACK */
    }
    if (delayable && c->delack_segments == 0) {
        c->delack_segments = 1;
        c->delack_elapsed = 0;
        return;
    }
    tcp_sender_send_empty_segment(&c->sender, false);
}

/* RFC 1122 4.2.3.6: after keepalive_ms of silence on an idle connection, probe once per
 * keepalive_ms; give up after keepalive_probes unanswered probes. */
static void keep_alive_tick(struct tcp_connection *c) {
    if (!c->cfg.keepalive_ms || !sender_in(c, TCP_SENDER_SYN_ACKED) || !receiver_in(c, TCP_RECEIVER_SYN_RECV) ||
        tcp_sender_bytes_in_flight(&c->sender) > 0) {
        return;
    }
    if (c->idle_ms < (uint64_t)c->cfg.keepalive_ms * (c->keepalives_sent + 1)) {
        return;
    }
    if (c->keepalives_sent >= c->cfg.keepalive_probes) {
        unclean_shutdown(c, true);
        return;
    }
    c->keepalives_sent++;
    tcp_sender_send_keepalive(&c->sender);
}

static void segment_received(struct tcp_connection *c, const struct tcp_segment *seg) {
    assert(!c->destroyed);
    if (!c->active) {
        return;
    }
    const struct tcp_header *hdr = &seg->header;
    c->time_since_last_segment_received = 0;
    if (!c->cfg.strict_idle_clock) {
        restart_idle_clock(c);
    }
    bool past_syn_sent = false; /* neither LISTEN nor SYN_SENT: options are checked, not negotiated */
    if (in_listen(c)) {
        /* LISTEN (RFC 793 p. 65): only a SYN opens the connection; RSTs and ACK-bearing
         * segments are ignored. */
        if (!hdr->syn || hdr->ack || hdr->rst) {
            return;
        }
    } else if (receiver_in(c, TCP_RECEIVER_LISTEN)) {
        if (!accept_in_syn_sent(c, seg)) {
            return;
        }
    } else if (hdr->rst) {
        if (tcp_connection_state(c) == TCP_STATE_TIME_WAIT) {
            /* RFC 1337 (TIME-WAIT assassination, fix TW1): a RST in TIME-WAIT is ignored. Both
             * streams are complete; a peer that has already closed answers a late ACK of ours
             * with a RST, which must not turn a clean close into a reset. */
            return;
        }
        enum rst_check rst = check_rst(c, seg);
        if (rst == RST_EXACT) {
            unclean_shutdown(c, false);
        } else if (rst == RST_IN_WINDOW) {
            challenge_ack(c);
        }
        return;
    } else if (hdr->syn && synchronized(c)) {
        /* RFC 5961 section 4.2: a SYN in a synchronized state, whatever its seqno, is answered
         * with a challenge ACK and otherwise ignored (never a reset). A peer that really
         * restarted answers that ACK with a RST carrying the exact seqno. */
        challenge_ack(c);
        return;
    } else {
        past_syn_sent = true;
    }
    if (!negotiate(c, seg, past_syn_sent)) {
        /* RFC 7323 5.3 R1: an old duplicate is answered with an ACK; a segment without
         * timestamps is dropped silently (3.2). */
        if (hdr->opts.has_timestamps) {
            ensure_reply(c);
        }
        return;
    }
    bool time_wait = tcp_connection_state(c) == TCP_STATE_TIME_WAIT;
    if (hdr->fin && c->cfg.time_wait_backoff && time_wait) {
        /* RFC 9293 3.10.7.4: in TIME-WAIT only a retransmission of the peer's FIN can arrive;
         * it is acknowledged again (below) and the wait restarts, here also doubled (linger_ms). */
        c->time_wait_repeats++;
    }

    /* The ACK as the sender sees it: one struct with all the segment tells it. */
    struct tcp_sender_ack ack = {.ackno = hdr->ackno,
                                 .window = tcp_negotiation_peer_window(&c->neg, hdr),
                                 .pure = tcp_segment_length_in_sequence_space(seg) == 0,
                                 .has_seqno = true,
                                 .seqno = hdr->seqno,
                                 .sack = hdr->opts.sack,
                                 .sack_count = c->neg.sack_ok ? hdr->opts.sack_count : 0};
    if (hdr->ack && c->neg.timestamps && hdr->opts.has_timestamps && hdr->opts.ts_ecr) {
        /* RFC 7323 4 (RTTM): the echoed TSval tells when the acknowledged segment left. */
        uint32_t rtt = (uint32_t)c->clock_ms - (hdr->opts.ts_ecr - c->neg.ts_offset);
        ack.has_echo_rtt = rtt < UINT32_MAX / 2;
        ack.echo_rtt = rtt;
    }
    if (byte_view2_len(&seg->payload)) {
        c->last_data_seqno = hdr->seqno;
    }
    if (hdr->ack && !tcp_sender_ack_arrived(&c->sender, &ack)) {
        /* RFC 793 p. 72: an ACK for data not yet sent is answered with an ACK and dropped. */
        ensure_reply(c);
        return;
    }
    if (c->cfg.strict_idle_clock && (time_wait ? hdr->fin : acceptable(c, seg))) {
        restart_idle_clock(c);
    }
    struct wrap32 expected;
    /* In order, and not filling a hole (RFC 5681 4.2 wants an immediate ACK for that). */
    bool in_order = c->cfg.delayed_ack && tcp_receiver_ackno(&c->receiver, &expected) && seq_eq(hdr->seqno, expected) &&
                    tcp_receiver_unassembled_bytes(&c->receiver) == 0;
    tcp_receiver_segment_received(&c->receiver, seg);
    /* Answers the peer's SYN with ours (passive open), or sends what the new window allows. */
    tcp_sender_fill_window(&c->sender);

    /* The peer finished first: this is a passive close, and there is no need to linger
     * (CS144; RFC 793's LAST-ACK has no TIME-WAIT). */
    if (byte_stream_input_ended(tcp_receiver_stream_out(&c->receiver)) && !fin_sent(c)) {
        c->linger_after_streams_finish = false;
    }

    /* Every segment that occupies sequence space is acknowledged. So is a keep-alive: an empty
     * segment one before the ackno (RFC 1122 4.2.3.6). */
    struct wrap32 ackno;
    bool keep_alive = tcp_segment_length_in_sequence_space(seg) == 0 && tcp_receiver_ackno(&c->receiver, &ackno) &&
                      seq_eq(hdr->seqno, wrap32_add(ackno, UINT32_MAX));
    if (tcp_segment_length_in_sequence_space(seg) > 0 || keep_alive) {
        acknowledge(c, seg, in_order && !keep_alive);
    }
    check_clean_shutdown(c);
}

void tcp_connection_tick(struct tcp_connection *c, uint64_t ms) {
    assert(!c->destroyed);
    if (!c->active) {
        return;
    }
    c->time_since_last_segment_received += ms;
    c->idle_ms += ms;
    c->clock_ms += ms;
    tcp_sender_tick(&c->sender, ms);
    if (tcp_sender_consecutive_retransmissions(&c->sender) > c->cfg.max_retx_attempts) {
        /* The peer has stopped answering: give up and tell it so. */
        unclean_shutdown(c, true);
        return;
    }
    if (c->delack_segments) {
        c->delack_elapsed += ms;
        if (c->delack_elapsed >= c->cfg.delayed_ack_ms) {
            ensure_reply(c);
        }
    }
    keep_alive_tick(c);
    if (!c->active) {
        return;
    }
    check_clean_shutdown(c);
}

/* RFC 2018 section 4: report the out-of-order data, the block holding the most recently
 * received segment first (serialize drops the last blocks if the options run out of room). */
static void add_sack_blocks(const struct tcp_connection *c, struct tcp_segment *seg) {
    struct tcp_options *opts = &seg->header.opts;
    size_t n = tcp_receiver_sack_blocks(&c->receiver, opts->sack, TCP_MAX_SACK_BLOCKS);
    for (size_t i = 1; i < n; i++) {
        if (seq_leq(opts->sack[i].left, c->last_data_seqno) && seq_lt(c->last_data_seqno, opts->sack[i].right)) {
            struct tcp_sack_block recent = opts->sack[i];
            memmove(&opts->sack[1], &opts->sack[0], i * sizeof opts->sack[0]);
            opts->sack[0] = recent;
            break;
        }
    }
    /* A full data segment has no room left for blocks: the pure ACKs carry them. */
    size_t room = tcp_negotiation_sack_room(&c->neg, byte_view2_len(&seg->payload));
    opts->sack_count = (uint8_t)(n < room ? n : room);
}

bool tcp_connection_segments_out(struct tcp_connection *c, struct tcp_segment *seg) {
    if (c->destroyed) {
        if (!c->final_rst_pending) {
            return false;
        }
        *seg = c->final_rst;
        c->final_rst_pending = false;
        return true;
    }
    if (!tcp_sender_segments_out(&c->sender, seg)) {
        return false;
    }
    /* The ackno and window are stamped now, so they are as fresh as possible. */
    struct wrap32 ackno;
    if (tcp_receiver_ackno(&c->receiver, &ackno)) {
        seg->header.ack = true;
        seg->header.ackno = ackno;
        c->delack_segments = 0; /* this segment acknowledges everything so far */
        uint64_t window = tcp_receiver_window_size(&c->receiver);
        seg->header.win = tcp_negotiation_window_field(&c->neg, window, seg->header.syn);
        c->advertised = true;
        c->adv_edge =
            wrap32_add(ackno, (uint32_t)(seg->header.syn ? seg->header.win
                                                         : tcp_negotiation_window_bytes(&c->neg, window, false)));
    } else if (c->cfg.modern) {
        /* Modern mode offers a window on the initial SYN too (the labs leave it 0). */
        seg->header.win = tcp_negotiation_window_field(&c->neg, tcp_receiver_window_size(&c->receiver), true);
    }
    if (c->cfg.opt_mss || c->cfg.opt_window_scale || c->cfg.opt_timestamps || c->cfg.opt_sack_permitted) {
        tcp_negotiation_stamp(&c->neg, &seg->header, c->clock_ms);
        if (seg->header.ack && c->neg.sack_ok) {
            add_sack_blocks(c, seg);
        }
    }
    return true;
}

bool tcp_connection_active(const struct tcp_connection *c) {
    return c->active;
}

void tcp_connection_abort(struct tcp_connection *c) {
    assert(!c->destroyed);
    if (c->active) {
        unclean_shutdown(c, !in_listen(c));
    }
}

/* Counts what segment_received ignored, judged from the state before and after it, so that
 * the rules themselves stay in one place. */
void tcp_connection_segment_received(struct tcp_connection *c, const struct tcp_segment *seg) {
    assert(!c->destroyed);
    struct tcp_connection_counters *k = &c->counters;
    const struct tcp_header *hdr = &seg->header;
    k->segments_received++;
    bool was_active = c->active, listen = c->active && in_listen(c);
    bool syn_sent = c->active && !listen && receiver_in(c, TCP_RECEIVER_LISTEN);
    bool ack_unsent = hdr->ack && seq_gt(hdr->ackno, tcp_sender_next_seqno(&c->sender));
    segment_received(c, seg);
    if (!was_active) {
        k->drop_not_active++;
    } else if (listen && in_listen(c)) {
        k->drop_in_listen++;
    } else if (hdr->rst) {
        if (c->reset) {
            k->rst_accepted++;
        } else {
            k->rst_ignored++;
        }
    } else if (syn_sent && receiver_in(c, TCP_RECEIVER_LISTEN)) {
        k->drop_in_syn_sent++;
    } else if (ack_unsent && !listen && !syn_sent) {
        k->drop_ack_unsent++;
    }
}

const struct tcp_connection_counters *tcp_connection_counters(const struct tcp_connection *c) {
    return &c->counters;
}
