#include "tcp/stream_reassembler.h"

#include <string.h>

enum sponge_err stream_reassembler_init(struct stream_reassembler *r, size_t capacity) {
    memset(r, 0, sizeof *r);
    enum sponge_err err = byte_stream_init(&r->out, capacity);
    if (err != SPONGE_OK) {
        return err;
    }
    err = presence_bitmap_init(&r->present, capacity);
    if (err != SPONGE_OK) {
        byte_stream_destroy(&r->out);
    }
    return err;
}

void stream_reassembler_destroy(struct stream_reassembler *r) {
    presence_bitmap_destroy(&r->present);
    byte_stream_destroy(&r->out);
}

/* Makes `n` more bytes readable at the write position and moves the bitmap's base with it. */
static void commit(struct stream_reassembler *r, size_t n) {
    byte_stream_commit(&r->out, n);
    r->base = presence_bitmap_wrap(&r->present, r->base, n);
}

/* Places bytes [start, start + n), all inside the window, with start = bytes_written + offset. */
static void place(struct stream_reassembler *r, const uint8_t *data, size_t n, size_t offset) {
    if (offset > 0) {
        /* Out of order: store it and mark it present. Bytes already present are identical
         * (same stream), so a push that adds nothing new is not copied at all. */
        size_t added = presence_bitmap_set(&r->present, presence_bitmap_wrap(&r->present, r->base, offset), n);
        if (added) {
            byte_stream_write_at(&r->out, offset, data, n);
            r->unassembled += added;
        }
        return;
    }
    byte_stream_write_at(&r->out, 0, data, n);
    if (r->unassembled == 0) {
        commit(r, n);
        return;
    }
    /* The hole at the write position is filled: forget any of these bytes that were stored
     * before, then take the stored bytes that directly follow them. */
    size_t room = byte_stream_remaining_capacity(&r->out);
    r->unassembled -= presence_bitmap_clear(&r->present, r->base, n);
    size_t after = presence_bitmap_wrap(&r->present, r->base, n);
    size_t run = n < room ? presence_bitmap_run(&r->present, after, room - n) : 0;
    if (run) {
        presence_bitmap_clear(&r->present, after, run);
        r->unassembled -= run;
    }
    commit(r, n + run);
}

/* Records that the stream ends at `end` (first <= end <= limit) and forgets any stored bytes
 * at or past it: they cannot be part of the stream, and would otherwise stay counted. */
static void learn_end(struct stream_reassembler *r, uint64_t end, uint64_t first, uint64_t limit) {
    r->eof_known = true;
    r->eof_index = end;
    if (end < limit && r->unassembled > 0) {
        size_t from = presence_bitmap_wrap(&r->present, r->base, (size_t)(end - first));
        r->unassembled -= presence_bitmap_clear(&r->present, from, (size_t)(limit - end));
    }
}

void stream_reassembler_push_substring(struct stream_reassembler *r, const void *data, size_t len, uint64_t index,
                                       bool eof) {
    uint64_t first = byte_stream_bytes_written(&r->out);
    /* Only the part of a substring inside the window is kept (RFC 9293 section 3.10.7.4: a
     * segment is trimmed to the receive window, bytes already received are dropped, and bytes
     * past RCV.NXT may be held for later). The window ends at the first unread byte +
     * capacity, which is exactly where the output's free space ends; once the end of the
     * stream is known it also ends there. */
    uint64_t limit = first + byte_stream_remaining_capacity(&r->out);
    if (r->eof_known && r->eof_index < limit) {
        limit = r->eof_index;
    }
    /* One past the substring's last byte, saturated: an end beyond UINT64_MAX lies past any
     * window (limit stays far below UINT64_MAX: no stream carries 2^64 bytes), so saturating
     * only makes the substring look longer than the window, never shorter. */
    uint64_t end = len > UINT64_MAX - index ? UINT64_MAX : index + (uint64_t)len;
    /* The end of the stream is learnt only from an eof substring that fits in the window
     * whole (one cut short by the window says nothing about where the stream ends) and that
     * does not end before bytes already assembled (a stale or inconsistent segment). */
    if (eof && !r->eof_known && end >= first && end <= limit) {
        learn_end(r, end, first, limit);
        limit = end;
    }
    uint64_t start = index > first ? index : first;
    uint64_t stop = end < limit ? end : limit;
    if (start < stop) {
        place(r, (const uint8_t *)data + (start - index), (size_t)(stop - start), (size_t)(start - first));
    }
    if (r->eof_known && byte_stream_bytes_written(&r->out) == r->eof_index) {
        byte_stream_end_input(&r->out);
    }
}

struct byte_stream *stream_reassembler_stream_out(struct stream_reassembler *r) {
    return &r->out;
}

size_t stream_reassembler_unassembled_bytes(const struct stream_reassembler *r) {
    return r->unassembled;
}

bool stream_reassembler_empty(const struct stream_reassembler *r) {
    return r->unassembled == 0;
}

uint64_t stream_reassembler_first_unassembled(const struct stream_reassembler *r) {
    return byte_stream_bytes_written(&r->out);
}

size_t stream_reassembler_present_ranges(const struct stream_reassembler *r, size_t max, uint64_t *left,
                                         uint64_t *right) {
    size_t room = byte_stream_remaining_capacity(&r->out);
    uint64_t first = byte_stream_bytes_written(&r->out);
    size_t count = 0, found = 0, off = 0;
    /* Stored bytes lie within the window; stop once all of them have been seen. */
    while (count < max && found < r->unassembled && off < room) {
        off += presence_bitmap_gap(&r->present, presence_bitmap_wrap(&r->present, r->base, off), room - off);
        if (off >= room) {
            break;
        }
        size_t run = presence_bitmap_run(&r->present, presence_bitmap_wrap(&r->present, r->base, off), room - off);
        left[count] = first + off;
        right[count] = first + off + run;
        count++;
        found += run;
        off += run;
    }
    return count;
}
