/* The connection's modern hooks (connection_modern.h). They use the connection through its
 * functions and its given fields (cfg, sender, receiver, counters, ext). */

#include "tcp/connection_modern.h"

#include "tcp/sender_pmtu.h"

#include <stdlib.h>
#include <string.h>

/* An active close waits this many initial RTOs after the last segment (CS144's linger). */
#define LINGER_RTOS 10
/* time_wait_backoff: at most 2^16 times that (a bound on the shift whatever max_retx_attempts). */
#define MAX_LINGER_DOUBLINGS 16
/* RFC 5961 section 7: challenge ACKs are counted per second of the connection's clock. */
#define CHALLENGE_ACK_PERIOD_MS 1000

/* Queues a bare ACK unless some other segment (which will carry the ACK) is already queued. */
static void ensure_reply(struct tcp_connection *c) {
    if (!tcp_sender_has_segments(&c->sender)) {
        tcp_sender_send_empty_segment(&c->sender, false);
    }
}

/* The idle clock (idle_ms) times keep-alives and the linger after an active close. CS144 (lab
 * mode) restarts it for any segment received. With cfg.strict_idle_clock (modern mode) only an
 * accepted segment does, for it shows the peer alive (RFC 1122 4.2.3.6), and in TIME-WAIT only
 * a retransmission of the peer's FIN, the one segment that state expects (RFC 9293 3.10.7.4):
 * segments the connection ignores (a RST outside the window or in TIME-WAIT, a SYN answered
 * with a challenge ACK, a PAWS reject, an ACK of unsent data, an old duplicate) then cannot
 * keep a dead peer's connection, or a closed one's TIME-WAIT, alive. */
static void restart_idle_clock(struct tcp_connection *c) {
    c->ext->idle_ms = 0;
    c->ext->keepalives_sent = 0;
}

void connection_modern_segment_seen(struct tcp_connection *c) {
    if (c->ext && tcp_connection_active(c) && !c->cfg.strict_idle_clock) {
        restart_idle_clock(c);
    }
}

static uint64_t window(const struct tcp_connection *c) {
    return tcp_negotiation_window_bytes(&c->ext->neg, tcp_receiver_window_size(&c->receiver), false);
}

/* A seqno `offset` past RCV.NXT lies in a window of `window` bytes. */
static bool in_window(int64_t offset, uint64_t size) {
    return offset >= 0 && (uint64_t)offset < size;
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
    uint64_t size = window(c);
    if (len == 0) {
        return size ? in_window(first, size) : first == 0;
    }
    return in_window(first, size) || in_window(first + (int64_t)len - 1, size);
}

static enum tcp_disposition arrived(struct tcp_connection *c, const struct tcp_segment *seg, bool handshake,
                                    struct tcp_sender_ack *ack) {
    struct connection_modern *m = c->ext;
    const struct tcp_header *hdr = &seg->header;
    if (handshake && hdr->syn) {
        /* The peer's SYN fixes the options. */
        tcp_negotiation_peer_syn(&m->neg, &hdr->opts);
        tcp_sender_set_max_payload(&c->sender, tcp_negotiation_max_payload(&m->neg));
    } else if (!handshake && m->neg.timestamps) {
        /* PAWS screens every later segment. RFC 7323 5.3 R1: an old duplicate is answered with
         * an ACK; a segment without timestamps is dropped silently (3.2). */
        struct wrap32 ackno;
        bool in_order = tcp_receiver_ackno(&c->receiver, &ackno) && seq_leq(hdr->seqno, ackno);
        if (!tcp_negotiation_check_arrival(&m->neg, hdr, in_order)) {
            if (hdr->opts.has_timestamps) {
                ensure_reply(c);
            }
            return TCP_DROP_OPTIONS;
        }
    }
    m->time_wait = tcp_connection_state(c) == TCP_STATE_TIME_WAIT;
    if (hdr->fin && c->cfg.time_wait_backoff && m->time_wait) {
        /* RFC 9293 3.10.7.4: in TIME-WAIT only a retransmission of the peer's FIN can arrive;
         * it is acknowledged again and the wait restarts, here also doubled (linger_done). */
        m->time_wait_repeats++;
    }
    ack->window = tcp_negotiation_peer_window(&m->neg, hdr);
    ack->sack = hdr->opts.sack;
    ack->sack_count = m->neg.sack_ok ? hdr->opts.sack_count : 0;
    if (hdr->ack && m->neg.timestamps && hdr->opts.has_timestamps && hdr->opts.ts_ecr) {
        /* RFC 7323 4 (RTTM): the echoed TSval tells when the acknowledged segment left. */
        uint32_t rtt = (uint32_t)m->clock_ms - (hdr->opts.ts_ecr - m->neg.ts_offset);
        ack->has_echo_rtt = rtt < UINT32_MAX / 2;
        ack->echo_rtt = rtt;
    }
    if (byte_view2_len(&seg->payload)) {
        m->last_data_seqno = hdr->seqno;
    }
    return TCP_ACCEPTED;
}

static void accepted(struct tcp_connection *c, const struct tcp_segment *seg) {
    struct connection_modern *m = c->ext;
    if (c->cfg.strict_idle_clock && (m->time_wait ? seg->header.fin : acceptable(c, seg))) {
        restart_idle_clock(c);
    }
    struct wrap32 expected;
    /* In order, and not filling a hole (RFC 5681 4.2 wants an immediate ACK for that). */
    m->in_order = c->cfg.delayed_ack && tcp_receiver_ackno(&c->receiver, &expected) &&
                  seq_eq(seg->header.seqno, expected) && tcp_receiver_unassembled_bytes(&c->receiver) == 0;
}

/* Delayed ACKs (RFC 1122 4.2.3.2 and RFC 5681 4.2): every second in-order data segment is
 * ACKed, the first waits at most delayed_ack_ms; out-of-order data, data filling a hole, SYN
 * and FIN are ACKed at once. */
static bool delay_ack(struct tcp_connection *c, const struct tcp_segment *seg) {
    struct connection_modern *m = c->ext;
    bool delayable = c->cfg.delayed_ack && m->in_order && !seg->header.syn && !seg->header.fin &&
                     tcp_receiver_unassembled_bytes(&c->receiver) == 0;
    if (delayable && m->delack_segments == 0) {
        m->delack_segments = 1;
        m->delack_elapsed = 0;
        return true;
    }
    return false;
}

/* A challenge ACK (RFC 5961 3.2, 4.2): our current ACK, which a real peer answers with what we
 * expect (a RST at exactly RCV.NXT, if it has really restarted), and a blind attacker never
 * sees. At most cfg.challenge_ack_limit of them in each second of our clock (section 7: so that
 * an attacker cannot turn us into an ACK generator). */
static enum tcp_disposition challenge_ack(struct tcp_connection *c) {
    struct connection_modern *m = c->ext;
    if (c->cfg.challenge_ack_limit) {
        if (m->clock_ms - m->challenge_window_start >= CHALLENGE_ACK_PERIOD_MS) {
            m->challenge_window_start = m->clock_ms;
            m->challenge_acks_in_window = 0;
        }
        if (m->challenge_acks_in_window >= c->cfg.challenge_ack_limit) {
            return TCP_CHALLENGE_SUPPRESSED;
        }
        m->challenge_acks_in_window++;
    }
    ensure_reply(c);
    return TCP_CHALLENGED;
}

/* RFC 5961 against blind in-window attacks, tightening the lab's rules (RFC 793 p. 37 and 71):
 * section 3.2, a RST resets only if its seqno is exactly RCV.NXT; one elsewhere in the window
 * we advertise gets a challenge ACK (an attacker must then guess the one exact number), one
 * outside it is dropped. Section 4.2, a SYN once synchronized (our SYN acknowledged) gets a
 * challenge ACK whatever its seqno, and nothing else is taken from it. A RST in TIME-WAIT is
 * left to the lab's rule, which ignores it (RFC 1337). */
static enum tcp_disposition synchronized_arrival(struct tcp_connection *c, const struct tcp_segment *seg) {
    const struct tcp_header *hdr = &seg->header;
    struct wrap32 ackno;
    if (!c->cfg.challenge_acks || !tcp_receiver_ackno(&c->receiver, &ackno)) {
        return TCP_ACCEPTED;
    }
    if (hdr->rst) {
        int64_t offset = seq_diff(hdr->seqno, ackno);
        if (offset == 0 || tcp_connection_state(c) == TCP_STATE_TIME_WAIT) {
            return TCP_ACCEPTED;
        }
        return in_window(offset, window(c)) ? challenge_ack(c) : TCP_RST_IGNORED;
    }
    enum tcp_sender_state sender = tcp_sender_state_of(&c->sender);
    if (hdr->syn && sender != TCP_SENDER_CLOSED && sender != TCP_SENDER_SYN_SENT) {
        return challenge_ack(c);
    }
    return TCP_ACCEPTED;
}

/* RFC 2018 section 4: report the out-of-order data, the block holding the most recently
 * received segment first (serialize drops the last blocks if the options run out of room). */
static void add_sack_blocks(const struct tcp_connection *c, struct tcp_segment *seg) {
    const struct connection_modern *m = c->ext;
    struct tcp_options *opts = &seg->header.opts;
    size_t n = tcp_receiver_sack_blocks(&c->receiver, opts->sack, TCP_MAX_SACK_BLOCKS);
    for (size_t i = 1; i < n; i++) {
        if (seq_leq(opts->sack[i].left, m->last_data_seqno) && seq_lt(m->last_data_seqno, opts->sack[i].right)) {
            struct tcp_sack_block recent = opts->sack[i];
            memmove(&opts->sack[1], &opts->sack[0], i * sizeof opts->sack[0]);
            opts->sack[0] = recent;
            break;
        }
    }
    /* A full data segment has no room left for blocks: the pure ACKs carry them. */
    size_t room = tcp_negotiation_sack_room(&m->neg, byte_view2_len(&seg->payload));
    opts->sack_count = (uint8_t)(n < room ? n : room);
}

static void outgoing(struct tcp_connection *c, struct tcp_segment *seg) {
    struct connection_modern *m = c->ext;
    uint64_t rwnd = tcp_receiver_window_size(&c->receiver);
    /* Longer than a segment may be (cfg.max_segment): the carrier cuts it at the sender's
     * current size, the negotiated one or what the path allows since (tcp_icmp.c). */
    size_t mss = tcp_sender_max_payload(&c->sender);
    if (byte_view2_len(&seg->payload) > mss) {
        seg->tso_mss = (uint16_t)mss;
    }
    if (seg->header.ack) {
        m->delack_segments = 0; /* this segment acknowledges everything so far */
        seg->header.win = tcp_negotiation_window_field(&m->neg, rwnd, seg->header.syn);
        c->adv_edge = wrap32_add(
            seg->header.ackno,
            (uint32_t)(seg->header.syn ? seg->header.win : tcp_negotiation_window_bytes(&m->neg, rwnd, false)));
    } else if (c->cfg.modern) {
        /* Modern mode offers a window on the initial SYN too (the labs leave it 0). */
        seg->header.win = tcp_negotiation_window_field(&m->neg, rwnd, true);
    }
    if (c->cfg.opt_mss || c->cfg.opt_window_scale || c->cfg.opt_timestamps || c->cfg.opt_sack_permitted) {
        tcp_negotiation_stamp(&m->neg, &seg->header, m->clock_ms);
        if (seg->header.ack && m->neg.sack_ok) {
            add_sack_blocks(c, seg);
        }
    }
}

/* RFC 1122 4.2.3.6: after keepalive_ms of silence on an idle connection, probe once per
 * keepalive_ms; give up after keepalive_probes unanswered probes. */
static void keep_alive_tick(struct tcp_connection *c) {
    struct connection_modern *m = c->ext;
    if (!c->cfg.keepalive_ms || tcp_sender_state_of(&c->sender) != TCP_SENDER_SYN_ACKED ||
        tcp_receiver_state_of(&c->receiver) != TCP_RECEIVER_SYN_RECV || tcp_sender_bytes_in_flight(&c->sender) > 0) {
        return;
    }
    if (m->idle_ms < (uint64_t)c->cfg.keepalive_ms * (m->keepalives_sent + 1)) {
        return;
    }
    if (m->keepalives_sent >= c->cfg.keepalive_probes) {
        tcp_connection_abort(c);
        return;
    }
    m->keepalives_sent++;
    tcp_sender_send_keepalive(&c->sender);
}

static void tick(struct tcp_connection *c, uint64_t ms) {
    struct connection_modern *m = c->ext;
    m->idle_ms += ms;
    m->clock_ms += ms;
    if (!tcp_connection_active(c)) {
        return;
    }
    if (m->delack_segments) {
        m->delack_elapsed += ms;
        if (m->delack_elapsed >= c->cfg.delayed_ack_ms) {
            ensure_reply(c);
        }
    }
    keep_alive_tick(c);
}

/* How long an active close lingers after the last segment received: CS144's 10 initial RTOs,
 * far below RFC 9293's 2 MSL. With time_wait_backoff, each FIN the peer repeated in TIME-WAIT
 * doubles it: a repeat means our ACK was lost, and the peer doubles its RTO before each next
 * try (RFC 6298 5.5), so with a fixed linger a few more lost ACKs or FINs let us leave before
 * its next try, and the peer retransmits its FIN to nobody until it gives up. */
static bool linger_done(const struct tcp_connection *c) {
    unsigned doublings = c->ext->time_wait_repeats;
    if (doublings > c->cfg.max_retx_attempts) {
        doublings = c->cfg.max_retx_attempts; /* the peer gives up after as many */
    }
    if (doublings > MAX_LINGER_DOUBLINGS) {
        doublings = MAX_LINGER_DOUBLINGS;
    }
    return c->ext->idle_ms >= ((uint64_t)LINGER_RTOS * c->cfg.rt_timeout) << doublings;
}

static const struct tcp_connection_ops modern_ops = {
    .synchronized_arrival = synchronized_arrival,
    .arrived = arrived,
    .accepted = accepted,
    .delay_ack = delay_ack,
    .window = window,
    .outgoing = outgoing,
    .tick = tick,
    .linger_done = linger_done,
};

bool connection_modern_wanted(const struct tcp_config *cfg) {
    return cfg->modern || cfg->opt_mss || cfg->opt_window_scale || cfg->opt_timestamps || cfg->opt_sack_permitted ||
           cfg->delayed_ack || cfg->keepalive_ms || cfg->challenge_acks || cfg->time_wait_backoff ||
           cfg->strict_idle_clock || cfg->max_segment > cfg->max_payload;
}

enum sponge_err connection_modern_attach(struct tcp_connection *c) {
    struct connection_modern *m = calloc(1, sizeof *m);
    if (!m) {
        return SPONGE_ERR_NO_MEMORY;
    }
    /* The ISN is random (or fixed for tests): a fine per-connection timestamp offset too. */
    tcp_negotiation_init(&m->neg, &c->cfg, tcp_sender_next_seqno(&c->sender).raw);
    c->ext = m;
    c->ops = &modern_ops;
    return SPONGE_OK;
}

void connection_modern_detach(struct tcp_connection *c) {
    free(c->ext);
    c->ext = NULL;
    c->ops = NULL;
}
