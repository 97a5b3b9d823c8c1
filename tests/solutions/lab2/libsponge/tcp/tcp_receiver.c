/* Lab 2, minimal solution: the TCPReceiver. */

/* LAB2 BEGIN: TCPReceiver, segments into the reassembler, ackno and window */

enum sponge_err tcp_receiver_init(struct tcp_receiver *r, size_t capacity) {
    *r = (struct tcp_receiver){.capacity = capacity};
    return stream_reassembler_init(&r->reassembler, capacity);
}

void tcp_receiver_destroy(struct tcp_receiver *r) {
    stream_reassembler_destroy(&r->reassembler);
}

/* The absolute seqno the ackno stands for: the SYN, the bytes assembled, and the FIN once
 * the stream has ended. */
static uint64_t ack_absolute(struct tcp_receiver *r) {
    struct byte_stream *in = stream_reassembler_stream_out(&r->reassembler);
    uint64_t a = 1 + byte_stream_bytes_written(in);
    if (byte_stream_input_ended(in)) {
        a++;
    }
    return a;
}

enum tcp_receiver_disposition tcp_receiver_segment_arrived(struct tcp_receiver *r, const struct tcp_segment *seg) {
    const struct tcp_header *h = &seg->header;
    size_t payload_len = seg->payload.part[0].len + seg->payload.part[1].len;
    uint64_t ack = 0; /* the first SYN's own place */
    if (!r->syn_received) {
        if (!h->syn) {
            return TCP_RECEIVER_DROP_BEFORE_SYN;
        }
        r->syn_received = true;
        r->isn = h->seqno;
    } else {
        ack = ack_absolute(r);
    }
    uint64_t seqno = unwrap(h->seqno, r->isn, ack);

    /* Counted (not dropped here: the reassembler drops what is outside) when nothing of the
     * segment's sequence space falls inside the window. */
    uint64_t length = payload_len + (h->syn ? 1 : 0) + (h->fin ? 1 : 0);
    struct byte_stream *in = stream_reassembler_stream_out(&r->reassembler);
    uint64_t window_end = 1 + byte_stream_bytes_read(in) + r->capacity;
    enum tcp_receiver_disposition result = TCP_RECEIVER_TAKEN;
    if (length > 0 && (seqno + length <= ack || seqno >= window_end)) {
        result = TCP_RECEIVER_OUT_OF_WINDOW;
    }

    if (h->syn && seqno != 0) {
        return result; /* a SYN somewhere else than the first one's seqno */
    }
    if (!h->syn && seqno == 0) {
        return result; /* claims the SYN's place */
    }
    uint64_t index = h->syn ? 0 : seqno - 1;
    const struct byte_view *p = seg->payload.part;
    /* the FIN's seqno (right after the payload) must be inside the window too */
    bool fin = h->fin && index + 1 + payload_len < window_end;
    stream_reassembler_push_substring(&r->reassembler, p[0].data, p[0].len, index, fin && p[1].len == 0);
    if (p[1].len > 0) {
        stream_reassembler_push_substring(&r->reassembler, p[1].data, p[1].len, index + p[0].len, fin);
    }
    return result;
}

bool tcp_receiver_ackno(const struct tcp_receiver *r, struct wrap32 *ackno) {
    if (!r->syn_received) {
        return false;
    }
    *ackno = wrap(ack_absolute((struct tcp_receiver *)r), r->isn);
    return true;
}

size_t tcp_receiver_window_size(const struct tcp_receiver *r) {
    return r->capacity -
           byte_stream_buffer_size(stream_reassembler_stream_out((struct stream_reassembler *)&r->reassembler));
}

size_t tcp_receiver_unassembled_bytes(const struct tcp_receiver *r) {
    return stream_reassembler_unassembled_bytes(&r->reassembler);
}

struct byte_stream *tcp_receiver_stream_out(struct tcp_receiver *r) {
    return stream_reassembler_stream_out(&r->reassembler);
}
