/* TCPConnection (lab 4). Given code first (setup and teardown, stamping outgoing segments,
 * window updates after reads, counters from dispositions); then lab 4's part, CS144's
 * algorithm, which calls the modern hooks (connection_modern.h) where c->ops is set. */

#include "tcp/tcp_connection.h"

#include "tcp/connection_modern.h"

#include <assert.h>
#include <string.h>

/* An active close waits this many initial RTOs after the last segment before closing, so that
 * a lost final ACK can still be repeated (RFC 793's TIME-WAIT, with CS144's duration). */
#define LINGER_RTOS 10

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

enum sponge_err tcp_connection_init(struct tcp_connection *c, const struct tcp_config *cfg) {
    memset(c, 0, sizeof *c);
    c->cfg = *cfg;
    /* On failure everything is already freed, and a later destroy does nothing. */
    c->destroyed = true;
    enum sponge_err err = tcp_sender_init(&c->sender, cfg);
    if (err != SPONGE_OK) {
        return err;
    }
    err = tcp_receiver_init(&c->receiver, cfg->recv_capacity);
    if (err == SPONGE_OK && connection_modern_wanted(cfg)) {
        err = connection_modern_attach(c);
        if (err != SPONGE_OK) {
            tcp_receiver_destroy(&c->receiver);
        }
    }
    if (err != SPONGE_OK) {
        tcp_sender_destroy(&c->sender);
        return err;
    }
    c->destroyed = false;
    tcp_connection_init_state(c);
    return SPONGE_OK;
}

void tcp_connection_destroy(struct tcp_connection *c) {
    if (c->destroyed) {
        return;
    }
    c->final_rst_pending = false;
    if (tcp_connection_active(c)) {
        /* Leaving without a clean close: tell the peer (if there is one: abort queues no RST in
         * LISTEN), and keep that one RST poppable. */
        tcp_connection_abort(c);
        c->final_rst_pending = tcp_connection_segments_out(c, &c->final_rst);
        c->final_rst.payload = byte_view2_of(NULL, 0);
    }
    tcp_receiver_destroy(&c->receiver);
    tcp_sender_destroy(&c->sender);
    connection_modern_detach(c);
    c->destroyed = true;
}

struct byte_stream *tcp_connection_inbound_stream(struct tcp_connection *c) {
    return tcp_receiver_stream_out(&c->receiver);
}

/* The window we advertise: the receiver's, as the 16-bit field (scaled in modern mode) tells it. */
static uint64_t advertised_window(const struct tcp_connection *c) {
    if (c->ops) {
        return c->ops->window(c);
    }
    size_t window = tcp_receiver_window_size(&c->receiver);
    return window < UINT16_MAX ? window : UINT16_MAX;
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
        uint64_t window = advertised_window(c);
        seg->header.ack = true;
        seg->header.ackno = ackno;
        seg->header.win = (uint16_t)(window < UINT16_MAX ? window : UINT16_MAX);
        c->advertised = true;
        c->adv_edge = wrap32_add(ackno, (uint32_t)seg->header.win);
    }
    if (c->ops) {
        c->ops->outgoing(c, seg);
    }
    return true;
}

/* Counts what tcp_connection_segment_arrived did. */
void tcp_connection_segment_received(struct tcp_connection *c, const struct tcp_segment *seg) {
    assert(!c->destroyed);
    struct tcp_connection_counters *k = &c->counters;
    k->segments_received++;
    connection_modern_segment_seen(c);
    enum tcp_disposition d = tcp_connection_segment_arrived(c, seg);
    k->drop_not_active += d == TCP_DROP_NOT_ACTIVE;
    k->drop_in_listen += d == TCP_DROP_IN_LISTEN;
    k->drop_in_syn_sent += d == TCP_DROP_IN_SYN_SENT;
    k->drop_ack_unsent += d == TCP_DROP_ACK_UNSENT;
    k->rst_accepted += d == TCP_RST_ACCEPTED;
    k->rst_ignored += seg->header.rst && (d == TCP_RST_IGNORED || d == TCP_CHALLENGED || d == TCP_CHALLENGE_SUPPRESSED);
    k->challenge_acks += d == TCP_CHALLENGED;
    k->challenge_acks_suppressed += d == TCP_CHALLENGE_SUPPRESSED;
}

const struct tcp_connection_counters *tcp_connection_counters(const struct tcp_connection *c) {
    return &c->counters;
}

uint64_t tcp_connection_pacing_delay(const struct tcp_connection *c) {
    return tcp_sender_pacing_delay(&c->sender);
}

void tcp_connection_cc_trace(const struct tcp_connection *c, struct congestion_trace *out) {
    tcp_sender_cc_trace(&c->sender, out);
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
    uint64_t now = advertised_window(c);
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

void tcp_connection_init_state(struct tcp_connection *c) {
    c->active = true;
    c->linger_after_streams_finish = true;
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

/* Ends the connection when both directions are finished: the inbound stream has ended, our
 * FIN has been sent and acknowledged, and (active close only) the linger time has passed:
 * 10 initial RTOs after the last segment received (CS144's TIME-WAIT). */
static void check_clean_shutdown(struct tcp_connection *c) {
    if (!byte_stream_input_ended(tcp_receiver_stream_out(&c->receiver)) || !sender_in(c, TCP_SENDER_FIN_ACKED)) {
        return;
    }
    if (!c->linger_after_streams_finish ||
        (c->ops ? c->ops->linger_done(c)
                : c->time_since_last_segment_received >= (uint64_t)LINGER_RTOS * c->cfg.rt_timeout)) {
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
    switch (tcp_sender_state_of(&c->sender)) {
        case TCP_SENDER_CLOSED:
            return TCP_STATE_LISTEN;
        case TCP_SENDER_SYN_SENT:
            /* RFC 793 p. 75: a FIN in SYN-RECEIVED leads to CLOSE-WAIT. */
            return listen ? TCP_STATE_SYN_SENT : fin_recv ? TCP_STATE_CLOSE_WAIT : TCP_STATE_SYN_RCVD;
        case TCP_SENDER_SYN_ACKED:
            return fin_recv ? TCP_STATE_CLOSE_WAIT : TCP_STATE_ESTABLISHED;
        case TCP_SENDER_FIN_SENT:
            if (!fin_recv) {
                return TCP_STATE_FIN_WAIT_1;
            }
            return c->linger_after_streams_finish ? TCP_STATE_CLOSING : TCP_STATE_LAST_ACK;
        default: /* FIN_ACKED */
            return fin_recv ? TCP_STATE_TIME_WAIT : TCP_STATE_FIN_WAIT_2;
    }
}

/* RFC 793 p. 37: once synchronized, a RST counts only if its seqno is acceptable, that is in the
 * window we advertise (exactly the ackno when that window is zero); then it resets. A RST in
 * TIME-WAIT is ignored (RFC 1337, TIME-WAIT assassination, fix TW1): both streams are complete,
 * and a peer that has closed answers a late ACK of ours with a RST. */
static enum tcp_disposition rst_received(struct tcp_connection *c, const struct tcp_segment *seg) {
    struct wrap32 ackno;
    if (tcp_connection_state(c) == TCP_STATE_TIME_WAIT || !tcp_receiver_ackno(&c->receiver, &ackno)) {
        return TCP_RST_IGNORED;
    }
    int64_t offset = seq_diff(seg->header.seqno, ackno);
    if (offset != 0 && (offset < 0 || (uint64_t)offset >= advertised_window(c))) {
        return TCP_RST_IGNORED;
    }
    unclean_shutdown(c, false);
    return TCP_RST_ACCEPTED;
}

/* The SYN-SENT rules of RFC 793 p. 66-68: only a SYN, with no ACK or one of our SYN, goes on;
 * a RST counts only if it acknowledges our SYN. */
static enum tcp_disposition check_syn_sent(struct tcp_connection *c, const struct tcp_segment *seg) {
    const struct tcp_header *hdr = &seg->header;
    bool ack_ok = hdr->ack && seq_eq(hdr->ackno, tcp_sender_next_seqno(&c->sender));
    if (hdr->rst) {
        if (!ack_ok) {
            return TCP_RST_IGNORED;
        }
        unclean_shutdown(c, false);
        return TCP_RST_ACCEPTED;
    }
    return hdr->syn && (!hdr->ack || ack_ok) ? TCP_ACCEPTED : TCP_DROP_IN_SYN_SENT;
}

/* The state checks before a segment is processed: LISTEN, SYN-SENT, then (synchronized) a RST.
 * Any other segment, a SYN included, goes on to the sender and the receiver. */
static enum tcp_disposition check_state(struct tcp_connection *c, const struct tcp_segment *seg) {
    const struct tcp_header *hdr = &seg->header;
    if (in_listen(c)) {
        return hdr->syn && !hdr->ack && !hdr->rst ? TCP_ACCEPTED : TCP_DROP_IN_LISTEN;
    }
    if (receiver_in(c, TCP_RECEIVER_LISTEN)) {
        return check_syn_sent(c, seg);
    }
    if (c->ops) {
        /* Modern mode: RFC 5961's challenge ACKs for a RST not at RCV.NXT and for a SYN. */
        enum tcp_disposition d = c->ops->synchronized_arrival(c, seg);
        if (d != TCP_ACCEPTED) {
            return d;
        }
    }
    return hdr->rst ? rst_received(c, seg) : TCP_ACCEPTED;
}

enum tcp_disposition tcp_connection_segment_arrived(struct tcp_connection *c, const struct tcp_segment *seg) {
    assert(!c->destroyed);
    if (!c->active) {
        return TCP_DROP_NOT_ACTIVE;
    }
    const struct tcp_header *hdr = &seg->header;
    c->time_since_last_segment_received = 0;
    bool handshake = receiver_in(c, TCP_RECEIVER_LISTEN);
    enum tcp_disposition d = check_state(c, seg);
    struct tcp_sender_ack ack = {.ackno = hdr->ackno,
                                 .window = hdr->win,
                                 .pure = tcp_segment_length_in_sequence_space(seg) == 0,
                                 .has_seqno = true,
                                 .seqno = hdr->seqno};
    if (d == TCP_ACCEPTED && c->ops) {
        d = c->ops->arrived(c, seg, handshake, &ack);
    }
    if (d != TCP_ACCEPTED) {
        return d;
    }
    if (hdr->ack && !tcp_sender_ack_arrived(&c->sender, &ack)) {
        /* RFC 793 p. 72: an ACK for data not yet sent is answered with an ACK and dropped. */
        ensure_reply(c);
        return TCP_DROP_ACK_UNSENT;
    }
    if (c->ops) {
        c->ops->accepted(c, seg);
    }
    tcp_receiver_segment_received(&c->receiver, seg);
    /* Answers the peer's SYN with ours (passive open), or sends what the new window allows. */
    tcp_sender_fill_window(&c->sender);
    /* The peer finished first: this is a passive close, and there is no need to linger
     * (CS144; RFC 793's LAST-ACK has no TIME-WAIT). */
    if (byte_stream_input_ended(tcp_receiver_stream_out(&c->receiver)) && !sender_in(c, TCP_SENDER_FIN_SENT) &&
        !sender_in(c, TCP_SENDER_FIN_ACKED)) {
        c->linger_after_streams_finish = false;
    }
    /* Every segment that occupies sequence space is acknowledged. So is a keep-alive: an empty
     * segment one before the ackno (RFC 1122 4.2.3.6). */
    struct wrap32 ackno;
    bool keep_alive =
        ack.pure && tcp_receiver_ackno(&c->receiver, &ackno) && seq_eq(hdr->seqno, wrap32_add(ackno, UINT32_MAX));
    if ((!ack.pure || keep_alive) && !tcp_sender_has_segments(&c->sender) &&
        !(c->ops && !keep_alive && c->ops->delay_ack(c, seg))) {
        tcp_sender_send_empty_segment(&c->sender, false);
    }
    check_clean_shutdown(c);
    return TCP_ACCEPTED;
}

void tcp_connection_tick(struct tcp_connection *c, uint64_t ms) {
    assert(!c->destroyed);
    if (!c->active) {
        return;
    }
    c->time_since_last_segment_received += ms;
    tcp_sender_tick(&c->sender, ms);
    if (tcp_sender_consecutive_retransmissions(&c->sender) > c->cfg.max_retx_attempts) {
        /* The peer has stopped answering: give up and tell it so. */
        unclean_shutdown(c, true);
        return;
    }
    if (c->ops) {
        c->ops->tick(c, ms); /* delayed ACKs, keep-alives (which may give up) */
    }
    if (c->active) {
        check_clean_shutdown(c);
    }
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
