/* Lab 1, minimal solution: one slot per byte of the window, scanned byte by byte. */

/* LAB1 BEGIN: StreamReassembler, substrings in any order into the byte stream */

#include <stdlib.h>

enum sponge_err stream_reassembler_init(struct stream_reassembler *r, size_t capacity) {
    r->bytes = malloc(capacity);
    r->stored = calloc(capacity, sizeof(bool));
    r->capacity = capacity;
    r->waiting = 0;
    r->have_end = false;
    r->end = 0;
    if (r->bytes == NULL || r->stored == NULL || byte_stream_init(&r->out, capacity) != SPONGE_OK) {
        free(r->bytes);
        free(r->stored);
        r->bytes = NULL;
        r->stored = NULL;
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void stream_reassembler_destroy(struct stream_reassembler *r) {
    free(r->bytes);
    free(r->stored);
    r->bytes = NULL;
    r->stored = NULL;
    byte_stream_destroy(&r->out);
}

void stream_reassembler_push_substring(struct stream_reassembler *r, const void *data, size_t len, uint64_t index,
                                       bool eof) {
    const uint8_t *d = data;
    uint64_t first = byte_stream_bytes_written(&r->out);
    /* The window: from the first byte not yet written up to the first unread + capacity, and
     * never past the end of the stream. */
    uint64_t stop = first + byte_stream_remaining_capacity(&r->out);
    if (r->have_end && r->end < stop) {
        stop = r->end;
    }
    uint64_t last = index + len;
    if (len > UINT64_MAX - index) {
        last = UINT64_MAX;
    }
    /* The end is known from an eof substring that fits in the window whole. */
    if (eof && !r->have_end && last >= first && last <= stop) {
        r->have_end = true;
        r->end = last;
        for (uint64_t i = last; i < stop; i++) {
            if (r->stored[i % r->capacity]) {
                r->stored[i % r->capacity] = false;
                r->waiting--;
            }
        }
        stop = last;
    }
    uint64_t from = index > first ? index : first;
    uint64_t to = last < stop ? last : stop;
    if (from == first && r->waiting == 0 && from < to) {
        /* In order with nothing waiting: straight into the stream. */
        byte_stream_write(&r->out, d + (from - index), (size_t)(to - from));
        from = to;
    }
    for (uint64_t i = from; i < to; i++) {
        size_t slot = i % r->capacity;
        if (!r->stored[slot]) {
            r->stored[slot] = true;
            r->bytes[slot] = d[i - index];
            r->waiting++;
        }
    }
    /* Write out whatever now follows the bytes already written. */
    uint64_t next = byte_stream_bytes_written(&r->out);
    while (next < stop && r->stored[next % r->capacity]) {
        size_t slot = next % r->capacity;
        size_t run = 0;
        while (slot + run < r->capacity && next + run < stop && r->stored[slot + run]) {
            r->stored[slot + run] = false;
            run++;
        }
        byte_stream_write(&r->out, &r->bytes[slot], run);
        r->waiting -= run;
        next += run;
    }
    if (r->have_end && byte_stream_bytes_written(&r->out) == r->end) {
        byte_stream_end_input(&r->out);
    }
}

struct byte_stream *stream_reassembler_stream_out(struct stream_reassembler *r) {
    return &r->out;
}

size_t stream_reassembler_unassembled_bytes(const struct stream_reassembler *r) {
    return r->waiting;
}

bool stream_reassembler_empty(const struct stream_reassembler *r) {
    return r->waiting == 0;
}

uint64_t stream_reassembler_first_unassembled(const struct stream_reassembler *r) {
    return byte_stream_bytes_written(&r->out);
}

size_t stream_reassembler_present_ranges(const struct stream_reassembler *r, size_t max, uint64_t *left,
                                         uint64_t *right) {
    uint64_t first = byte_stream_bytes_written(&r->out);
    uint64_t stop = first + byte_stream_remaining_capacity(&r->out);
    size_t count = 0;
    uint64_t i = first;
    while (i < stop && count < max) {
        if (!r->stored[i % r->capacity]) {
            i++;
            continue;
        }
        left[count] = i;
        while (i < stop && r->stored[i % r->capacity]) {
            i++;
        }
        right[count] = i;
        count++;
    }
    return count;
}
