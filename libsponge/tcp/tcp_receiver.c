#include "tcp/tcp_receiver.h"

/* Given code (not lab 2's): derived from the lab's functions. */

const struct tcp_receiver_counters *tcp_receiver_counters(const struct tcp_receiver *r) {
    return &r->counters;
}

enum tcp_receiver_state tcp_receiver_state_of(const struct tcp_receiver *r) {
    /* stream_out is not const (it hands the stream to its reader); nothing is changed here. */
    const struct byte_stream *in = tcp_receiver_stream_out((struct tcp_receiver *)r);
    struct wrap32 ackno;
    if (byte_stream_error(in)) {
        return TCP_RECEIVER_ERROR;
    }
    if (!tcp_receiver_ackno(r, &ackno)) {
        return TCP_RECEIVER_LISTEN;
    }
    return byte_stream_input_ended(in) ? TCP_RECEIVER_FIN_RECV : TCP_RECEIVER_SYN_RECV;
}

const char *tcp_receiver_state(const struct tcp_receiver *r) {
    static const char *const names[] = {
        [TCP_RECEIVER_LISTEN] = "LISTEN",
        [TCP_RECEIVER_SYN_RECV] = "SYN_RECV",
        [TCP_RECEIVER_FIN_RECV] = "FIN_RECV",
        [TCP_RECEIVER_ERROR] = "ERROR",
    };
    return names[tcp_receiver_state_of(r)];
}

size_t tcp_receiver_sack_blocks(const struct tcp_receiver *r, struct tcp_sack_block *blocks, size_t max) {
    uint64_t left[TCP_MAX_SACK_BLOCKS], right[TCP_MAX_SACK_BLOCKS];
    struct wrap32 ackno;
    if (!tcp_receiver_ackno(r, &ackno)) {
        return 0;
    }
    /* Stored ranges lie past the first unassembled byte, whose seqno is the ackno (no FIN is
     * counted in it while bytes are missing before the end). */
    uint64_t first = stream_reassembler_first_unassembled(&r->reassembler);
    size_t n = stream_reassembler_present_ranges(&r->reassembler, max < TCP_MAX_SACK_BLOCKS ? max : TCP_MAX_SACK_BLOCKS,
                                                 left, right);
    for (size_t i = 0; i < n; i++) {
        blocks[i].left = wrap32_add(ackno, (uint32_t)(left[i] - first));
        blocks[i].right = wrap32_add(ackno, (uint32_t)(right[i] - first));
    }
    return n;
}

void tcp_receiver_segment_received(struct tcp_receiver *r, const struct tcp_segment *seg) {
    enum tcp_receiver_disposition d = tcp_receiver_segment_arrived(r, seg);
    r->counters.segments_received++;
    r->counters.drop_before_syn += d == TCP_RECEIVER_DROP_BEFORE_SYN;
    r->counters.drop_out_of_window += d == TCP_RECEIVER_OUT_OF_WINDOW;
}

/* LAB2 BEGIN: TCPReceiver, segments into the reassembler, ackno and window */

enum sponge_err tcp_receiver_init(struct tcp_receiver *r, size_t capacity) {
    *r = (struct tcp_receiver){.capacity = capacity};
    return stream_reassembler_init(&r->reassembler, capacity);
}

void tcp_receiver_destroy(struct tcp_receiver *r) {
    stream_reassembler_destroy(&r->reassembler);
}

/* Absolute seqno of the next byte wanted: SYN, then every assembled byte, then FIN. */
static uint64_t next_absolute(const struct tcp_receiver *r) {
    const struct byte_stream *in = &r->reassembler.out;
    return 1 + byte_stream_bytes_written(in) + (byte_stream_input_ended(in) ? 1 : 0);
}

/* Absolute seqno of the first byte beyond the window: ackno + window. */
static uint64_t window_end(const struct tcp_receiver *r) {
    return 1 + byte_stream_bytes_read(&r->reassembler.out) + r->capacity;
}

static void receive(struct tcp_receiver *r, const struct tcp_segment *seg) {
    const struct tcp_header *hdr = &seg->header;
    if (!r->syn_received) {
        /* LISTEN: only a SYN starts the inbound stream; its seqno is the peer's ISN. */
        if (!hdr->syn) {
            return;
        }
        r->syn_received = true;
        r->isn = hdr->seqno;
    }
    /* The checkpoint is the first unassembled byte: an in-window segment is within 2^31 of it. */
    uint64_t checkpoint = next_absolute(r);
    uint64_t abs_seqno = unwrap(hdr->seqno, r->isn, checkpoint);
    if (hdr->syn && abs_seqno != 0) {
        /* A second SYN at another seqno is not a retransmission of ours. RFC 793 (p. 71) calls a
         * SYN in the window an error; the receiver cannot reset, so it takes nothing from it. */
        return;
    }
    /* The payload starts after the SYN, if any. Absolute seqno 0 belongs to the SYN alone, so
     * a segment without SYN claiming it carries nothing usable. */
    uint64_t first_payload = abs_seqno + (hdr->syn ? 1 : 0);
    if (first_payload == 0) {
        return;
    }
    uint64_t index = first_payload - 1; /* stream index = absolute seqno - 1 (the SYN) */
    const struct byte_view2 *p = &seg->payload;
    /* The FIN's sequence number follows the payload; like any other, it counts only inside the
     * window (at ackno + window it is just beyond, even if every byte before it fits). */
    bool fin = hdr->fin && first_payload + p->part[0].len + p->part[1].len < window_end(r);
    if (p->part[1].len == 0) {
        stream_reassembler_push_substring(&r->reassembler, p->part[0].data, p->part[0].len, index, fin);
    } else {
        stream_reassembler_push_substring(&r->reassembler, p->part[0].data, p->part[0].len, index, false);
        stream_reassembler_push_substring(&r->reassembler, p->part[1].data, p->part[1].len, index + p->part[0].len,
                                          fin);
    }
}

bool tcp_receiver_ackno(const struct tcp_receiver *r, struct wrap32 *ackno) {
    if (!r->syn_received) {
        return false;
    }
    *ackno = wrap(next_absolute(r), r->isn);
    return true;
}

size_t tcp_receiver_window_size(const struct tcp_receiver *r) {
    return r->capacity - byte_stream_buffer_size(&r->reassembler.out);
}

size_t tcp_receiver_unassembled_bytes(const struct tcp_receiver *r) {
    return stream_reassembler_unassembled_bytes(&r->reassembler);
}

struct byte_stream *tcp_receiver_stream_out(struct tcp_receiver *r) {
    return stream_reassembler_stream_out(&r->reassembler);
}

/* True if the segment occupies sequence space and none of it lies in the window
 * [ackno, ackno + window) (RFC 9293 section 3.10.7.4's acceptability test, zero window
 * included). Needs the ISN: the receiver's, or this segment's if it is the first SYN. */
static bool outside_window(const struct tcp_receiver *r, const struct tcp_segment *seg) {
    uint64_t len = tcp_segment_length_in_sequence_space(seg);
    if (len == 0) {
        return false;
    }
    struct wrap32 isn = r->syn_received ? r->isn : seg->header.seqno;
    uint64_t start = r->syn_received ? next_absolute(r) : 0;
    uint64_t first = unwrap(seg->header.seqno, isn, start);
    return first + len <= start || first >= window_end(r);
}

enum tcp_receiver_disposition tcp_receiver_segment_arrived(struct tcp_receiver *r, const struct tcp_segment *seg) {
    if (!r->syn_received && !seg->header.syn) {
        return TCP_RECEIVER_DROP_BEFORE_SYN;
    }
    bool outside = outside_window(r, seg);
    receive(r, seg);
    return outside ? TCP_RECEIVER_OUT_OF_WINDOW : TCP_RECEIVER_TAKEN;
}
