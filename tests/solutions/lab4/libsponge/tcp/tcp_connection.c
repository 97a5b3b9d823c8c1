/* Lab 4, minimal solution: the TCPConnection. */

/* LAB4 BEGIN: TCPConnection, sender and receiver together with RFC 793's states */

void tcp_connection_init_state(struct tcp_connection *c) {
    c->live = true;
    c->linger = true;
}

static enum tcp_sender_state snd(const struct tcp_connection *c) {
    return tcp_sender_state_of(&c->sender);
}

static enum tcp_receiver_state rcv(const struct tcp_connection *c) {
    return tcp_receiver_state_of(&c->receiver);
}

static bool listening(const struct tcp_connection *c) {
    return snd(c) == TCP_SENDER_CLOSED && rcv(c) == TCP_RECEIVER_LISTEN;
}

/* Queues an empty ACK unless a queued segment will carry the ackno anyway. */
static void reply(struct tcp_connection *c) {
    if (!tcp_sender_has_segments(&c->sender)) {
        tcp_sender_send_empty_segment(&c->sender, false);
    }
}

static void reset_now(struct tcp_connection *c, bool tell_peer) {
    if (tell_peer) {
        struct tcp_segment dropped;
        while (tcp_sender_segments_out(&c->sender, &dropped)) {
        }
        tcp_sender_send_empty_segment(&c->sender, true);
    }
    byte_stream_set_error(tcp_sender_stream_in(&c->sender));
    byte_stream_set_error(tcp_receiver_stream_out(&c->receiver));
    c->was_reset = true;
    c->live = false;
}

static void maybe_finish(struct tcp_connection *c) {
    if (rcv(c) == TCP_RECEIVER_FIN_RECV && snd(c) == TCP_SENDER_FIN_ACKED &&
        (!c->linger || c->idle >= 10 * (uint64_t)c->cfg.rt_timeout)) {
        c->live = false;
    }
}

void tcp_connection_connect(struct tcp_connection *c) {
    if (c->live && listening(c)) {
        tcp_sender_fill_window(&c->sender);
    }
}

size_t tcp_connection_write(struct tcp_connection *c, const void *data, size_t len) {
    if (!c->live) {
        return 0;
    }
    size_t n = byte_stream_write(tcp_sender_stream_in(&c->sender), data, len);
    if (!listening(c)) {
        tcp_sender_fill_window(&c->sender);
    }
    return n;
}

size_t tcp_connection_remaining_outbound_capacity(const struct tcp_connection *c) {
    return byte_stream_remaining_capacity(&c->sender.stream);
}

void tcp_connection_end_input_stream(struct tcp_connection *c) {
    byte_stream_end_input(tcp_sender_stream_in(&c->sender));
    if (c->live && !listening(c)) {
        tcp_sender_fill_window(&c->sender);
    }
}

uint64_t tcp_connection_bytes_in_flight(const struct tcp_connection *c) {
    return tcp_sender_bytes_in_flight(&c->sender);
}

size_t tcp_connection_unassembled_bytes(const struct tcp_connection *c) {
    return tcp_receiver_unassembled_bytes(&c->receiver);
}

uint64_t tcp_connection_time_since_last_segment_received(const struct tcp_connection *c) {
    return c->idle;
}

enum tcp_state tcp_connection_state(const struct tcp_connection *c) {
    if (c->was_reset) {
        return TCP_STATE_RESET;
    }
    if (!c->live) {
        return TCP_STATE_CLOSED;
    }
    bool fin_in = rcv(c) == TCP_RECEIVER_FIN_RECV;
    switch (snd(c)) {
        case TCP_SENDER_CLOSED:
            return TCP_STATE_LISTEN;
        case TCP_SENDER_SYN_SENT:
            if (rcv(c) == TCP_RECEIVER_LISTEN) {
                return TCP_STATE_SYN_SENT;
            }
            return fin_in ? TCP_STATE_CLOSE_WAIT : TCP_STATE_SYN_RCVD;
        case TCP_SENDER_SYN_ACKED:
            return fin_in ? TCP_STATE_CLOSE_WAIT : TCP_STATE_ESTABLISHED;
        case TCP_SENDER_FIN_SENT:
            if (!fin_in) {
                return TCP_STATE_FIN_WAIT_1;
            }
            return c->linger ? TCP_STATE_CLOSING : TCP_STATE_LAST_ACK;
        default:
            return fin_in ? TCP_STATE_TIME_WAIT : TCP_STATE_FIN_WAIT_2;
    }
}

/* A RST once synchronized resets if its seqno is in our window (or is the ackno); none counts
 * in TIME-WAIT. */
static enum tcp_disposition got_rst(struct tcp_connection *c, const struct tcp_header *h) {
    struct wrap32 expect;
    if (tcp_connection_state(c) == TCP_STATE_TIME_WAIT || !tcp_receiver_ackno(&c->receiver, &expect)) {
        return TCP_RST_IGNORED;
    }
    int64_t off = seq_diff(h->seqno, expect);
    size_t win = tcp_receiver_window_size(&c->receiver);
    if (off != 0 && (off < 0 || (uint64_t)off >= (win < 65535 ? win : 65535))) {
        return TCP_RST_IGNORED;
    }
    reset_now(c, false);
    return TCP_RST_ACCEPTED;
}

enum tcp_disposition tcp_connection_segment_arrived(struct tcp_connection *c, const struct tcp_segment *seg) {
    const struct tcp_header *h = &seg->header;
    if (!c->live) {
        return TCP_DROP_NOT_ACTIVE;
    }
    c->idle = 0;
    if (listening(c)) {
        if (!h->syn || h->ack || h->rst) {
            return TCP_DROP_IN_LISTEN;
        }
    } else if (rcv(c) == TCP_RECEIVER_LISTEN) {
        bool acks_syn = h->ack && seq_eq(h->ackno, tcp_sender_next_seqno(&c->sender));
        if (h->rst) {
            if (!acks_syn) {
                return TCP_RST_IGNORED;
            }
            reset_now(c, false);
            return TCP_RST_ACCEPTED;
        }
        if (!h->syn || (h->ack && !acks_syn)) {
            return TCP_DROP_IN_SYN_SENT;
        }
    } else if (h->rst) {
        return got_rst(c, h);
    }
    uint64_t len = tcp_segment_length_in_sequence_space(seg);
    if (h->ack) {
        struct tcp_sender_ack a = {.ackno = h->ackno, .window = h->win, .pure = len == 0};
        if (!tcp_sender_ack_arrived(&c->sender, &a)) {
            reply(c);
            return TCP_DROP_ACK_UNSENT;
        }
    }
    tcp_receiver_segment_received(&c->receiver, seg);
    tcp_sender_fill_window(&c->sender);
    if (rcv(c) == TCP_RECEIVER_FIN_RECV && snd(c) != TCP_SENDER_FIN_SENT && snd(c) != TCP_SENDER_FIN_ACKED) {
        c->linger = false;
    }
    struct wrap32 expect;
    bool keep_alive = len == 0 && tcp_receiver_ackno(&c->receiver, &expect) && seq_eq(wrap32_add(h->seqno, 1), expect);
    if (len > 0 || keep_alive) {
        reply(c);
    }
    maybe_finish(c);
    return TCP_ACCEPTED;
}

void tcp_connection_tick(struct tcp_connection *c, uint64_t ms) {
    if (!c->live) {
        return;
    }
    c->idle += ms;
    tcp_sender_tick(&c->sender, ms);
    if (tcp_sender_consecutive_retransmissions(&c->sender) > c->cfg.max_retx_attempts) {
        reset_now(c, true);
        return;
    }
    maybe_finish(c);
}

bool tcp_connection_active(const struct tcp_connection *c) {
    return c->live;
}

void tcp_connection_abort(struct tcp_connection *c) {
    if (c->live) {
        reset_now(c, !listening(c));
    }
}

/* LAB4 END */
