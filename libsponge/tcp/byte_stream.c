#include "tcp/byte_stream.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Given code: the ring layout (byte_stream.h) and the zero-copy functions other units use.
 * The retained bytes are ring[head-retained .. head), the readable bytes ring[head .. head+size)
 * and the free space follows them, all taken modulo ring_size (capacity plus the reserve for
 * retained bytes). The ring size need not be a power of two, so positions are wrapped with one
 * compare-and-subtract instead of a division. */

/* Wraps a position known to be below 2 * ring_size. */
static inline size_t ring_wrap(const struct byte_stream *bs, size_t pos) {
    return pos >= bs->ring_size ? pos - bs->ring_size : pos;
}

/* Copies `len` bytes into the ring starting at ring position `pos` (pos < ring_size,
 * len <= ring_size): one memcpy, or two when the copy crosses the end of the ring. */
static inline void ring_copy_in(struct byte_stream *bs, size_t pos, const uint8_t *src, size_t len) {
    size_t first = bs->ring_size - pos;
    if (len <= first) {
        memcpy(bs->buf + pos, src, len);
    } else {
        memcpy(bs->buf + pos, src, first);
        memcpy(bs->buf, src + first, len - first);
    }
}

/* Copies `len` readable bytes starting at ring position `pos` out of the ring. */
static inline void ring_copy_out(const struct byte_stream *bs, size_t pos, uint8_t *dst, size_t len) {
    size_t first = bs->ring_size - pos;
    if (len <= first) {
        memcpy(dst, bs->buf + pos, len);
    } else {
        memcpy(dst, bs->buf + pos, first);
        memcpy(dst + first, bs->buf, len - first);
    }
}

enum sponge_err byte_stream_init_reserve(struct byte_stream *bs, size_t capacity, size_t reserve) {
    assert(capacity > 0 && reserve <= SIZE_MAX - capacity);
    memset(bs, 0, sizeof *bs);
    bs->buf = malloc(capacity + reserve);
    if (!bs->buf) {
        return SPONGE_ERR_NO_MEMORY;
    }
    bs->capacity = capacity;
    bs->ring_size = capacity + reserve;
    return SPONGE_OK;
}

struct byte_view byte_stream_peek_view(const struct byte_stream *bs) {
    size_t to_end = bs->ring_size - bs->head;
    struct byte_view v = {bs->buf + bs->head, bs->size < to_end ? bs->size : to_end};
    return v;
}

/* Up to `len` of the `avail` bytes stored from ring position `pos` on, in one or two pieces. */
static struct byte_view2 ring_view(const struct byte_stream *bs, size_t pos, size_t avail, size_t len) {
    size_t n = len < avail ? len : avail;
    size_t first = bs->ring_size - pos;
    struct byte_view2 v = {{{bs->buf + pos, n}, {NULL, 0}}};
    if (n > first) {
        v.part[0].len = first;
        v.part[1].data = bs->buf;
        v.part[1].len = n - first;
    }
    return v;
}

struct byte_view2 byte_stream_peek_at(const struct byte_stream *bs, size_t offset, size_t len) {
    assert(offset <= bs->size);
    return ring_view(bs, ring_wrap(bs, bs->head + offset), bs->size - offset, len);
}

size_t byte_stream_retain_output(struct byte_stream *bs, size_t len) {
    size_t n = len < bs->size ? len : bs->size;
    bs->head = ring_wrap(bs, bs->head + n);
    bs->size -= n;
    bs->read += n;
    bs->retained += n;
    return n;
}

void byte_stream_release(struct byte_stream *bs, size_t len) {
    assert(len <= bs->retained);
    bs->retained -= len;
}

size_t byte_stream_retained(const struct byte_stream *bs) {
    return bs->retained;
}

struct byte_view2 byte_stream_peek_retained(const struct byte_stream *bs, size_t offset, size_t len) {
    size_t stored = bs->retained + bs->size;
    assert(offset <= stored);
    /* The oldest retained byte sits `retained` positions before head, modulo the ring. */
    size_t oldest = ring_wrap(bs, bs->head + (bs->ring_size - bs->retained));
    return ring_view(bs, ring_wrap(bs, oldest + offset), stored - offset, len);
}

void byte_stream_write_at(struct byte_stream *bs, size_t offset, const void *data, size_t len) {
    assert(offset <= byte_stream_remaining_capacity(bs) && len <= byte_stream_remaining_capacity(bs) - offset);
    if (len) {
        /* The write position is below ring_size and offset <= ring_size, so one wrap suffices. */
        ring_copy_in(bs, ring_wrap(bs, ring_wrap(bs, bs->head + bs->size) + offset), data, len);
    }
}

void byte_stream_commit(struct byte_stream *bs, size_t len) {
    assert(len <= byte_stream_remaining_capacity(bs));
    bs->size += len;
    bs->written += len;
}

/* LAB0 BEGIN: ByteStream, a bounded in-order byte buffer */

enum sponge_err byte_stream_init(struct byte_stream *bs, size_t capacity) {
    return byte_stream_init_reserve(bs, capacity, 0);
}

void byte_stream_destroy(struct byte_stream *bs) {
    free(bs->buf);
    bs->buf = NULL;
    bs->capacity = 0;
    bs->ring_size = 0;
    bs->head = 0;
    bs->size = 0;
    bs->retained = 0;
}

size_t byte_stream_write(struct byte_stream *bs, const void *data, size_t len) {
    size_t room = byte_stream_remaining_capacity(bs);
    size_t n = len < room ? len : room;
    if (bs->input_ended || n == 0) {
        return 0;
    }
    ring_copy_in(bs, ring_wrap(bs, bs->head + bs->size), data, n);
    bs->size += n;
    bs->written += n;
    return n;
}

size_t byte_stream_remaining_capacity(const struct byte_stream *bs) {
    size_t room = bs->capacity - bs->size;
    size_t ring_free = bs->ring_size - bs->size - bs->retained;
    return room < ring_free ? room : ring_free;
}

void byte_stream_end_input(struct byte_stream *bs) {
    bs->input_ended = true;
}

void byte_stream_set_error(struct byte_stream *bs) {
    bs->error = true;
}

size_t byte_stream_peek_output(const struct byte_stream *bs, void *out, size_t len) {
    size_t n = len < bs->size ? len : bs->size;
    if (n) {
        ring_copy_out(bs, bs->head, out, n);
    }
    return n;
}

size_t byte_stream_pop_output(struct byte_stream *bs, size_t len) {
    assert(bs->retained == 0);
    size_t n = len < bs->size ? len : bs->size;
    bs->head = ring_wrap(bs, bs->head + n);
    bs->size -= n;
    bs->read += n;
    return n;
}

size_t byte_stream_read(struct byte_stream *bs, void *out, size_t len) {
    assert(bs->retained == 0);
    size_t n = len < bs->size ? len : bs->size;
    if (n) {
        ring_copy_out(bs, bs->head, out, n);
        bs->head = ring_wrap(bs, bs->head + n);
        bs->size -= n;
        bs->read += n;
    }
    return n;
}

bool byte_stream_input_ended(const struct byte_stream *bs) {
    return bs->input_ended;
}

bool byte_stream_error(const struct byte_stream *bs) {
    return bs->error;
}

size_t byte_stream_buffer_size(const struct byte_stream *bs) {
    return bs->size;
}

bool byte_stream_buffer_empty(const struct byte_stream *bs) {
    return bs->size == 0;
}

bool byte_stream_eof(const struct byte_stream *bs) {
    return bs->input_ended && bs->size == 0;
}

uint64_t byte_stream_bytes_written(const struct byte_stream *bs) {
    return bs->written;
}

uint64_t byte_stream_bytes_read(const struct byte_stream *bs) {
    return bs->read;
}
