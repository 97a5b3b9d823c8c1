#ifndef SPONGE_TCP_BYTE_STREAM_H
#define SPONGE_TCP_BYTE_STREAM_H

/* ByteStream (lab 0): a bounded, in-order byte pipe with a writer side and a reader side.
 *
 * Storage is one ring buffer of exactly `capacity` bytes, allocated in init and never
 * resized. Writes copy in (at most two memcpy calls), reads copy out or are zero-copy via
 * byte_stream_peek_view. Every operation is O(1) or O(bytes moved).
 *
 * Beyond the CS144 interface, given code (not lab 0's: byte_stream.c before the LAB0 part)
 * lets other units avoid copies, reading and writing the ring in place:
 *  - the StreamReassembler places out-of-order bytes straight into the free space past the
 *    write position (byte_stream_write_at) and later makes them readable (byte_stream_commit);
 *  - the TCPSender keeps sent-but-unacknowledged bytes in the stream and reads them in place
 *    at an offset (byte_stream_peek_at), popping them only when they are acknowledged. */

#include "util/byte_view.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct byte_stream {
    /* private. The layout is given, not lab 0's to choose: the given zero-copy functions read
     * it. Lab 0's functions keep it: the readable bytes are buf[head .. head + size), taken
     * modulo capacity, and popping only advances head: the free space after them may hold
     * bytes the reassembler placed there (byte_stream_write_at), which must stay put. */
    uint8_t *buf; /* ring of `capacity` bytes */
    size_t capacity;
    size_t head;      /* ring index of the first readable byte */
    size_t size;      /* readable bytes */
    uint64_t written; /* total bytes ever written (committed) */
    uint64_t read;    /* total bytes ever popped */
    bool input_ended;
    bool error;
};

/** Allocates a stream holding at most `capacity` bytes (capacity > 0).
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY (the stream is then unusable). */
enum sponge_err byte_stream_init(struct byte_stream *bs, size_t capacity);

/** Frees the stream's buffer. Safe to call twice. */
void byte_stream_destroy(struct byte_stream *bs);

/* ---- writer side ---- */

/** Copies as much of `data[0..len)` as fits; returns the number of bytes accepted.
 *  Writing after end_input accepts nothing. */
size_t byte_stream_write(struct byte_stream *bs, const void *data, size_t len);

/** How many more bytes the stream can hold now. */
size_t byte_stream_remaining_capacity(const struct byte_stream *bs);

/** Signals that the writer has no more bytes. */
void byte_stream_end_input(struct byte_stream *bs);

/** Marks the stream as failed (e.g. the connection was reset). */
void byte_stream_set_error(struct byte_stream *bs);

/* ---- reader side ---- */

/** Copies up to `len` readable bytes into `out` without consuming them; returns the count. */
size_t byte_stream_peek_output(const struct byte_stream *bs, void *out, size_t len);

/** Zero-copy peek: the readable bytes that are contiguous in memory from the read position
 *  (possibly fewer than buffer_size when the ring wraps). Valid until the next write or pop. */
struct byte_view byte_stream_peek_view(const struct byte_stream *bs);

/** Zero-copy peek of up to `len` bytes starting `offset` bytes past the read position, in at
 *  most two pieces. Requires offset <= buffer_size; offset + returned length <= buffer_size.
 *  Valid until the next write or pop. */
struct byte_view2 byte_stream_peek_at(const struct byte_stream *bs, size_t offset, size_t len);

/** Discards up to `len` readable bytes; returns how many were discarded. */
size_t byte_stream_pop_output(struct byte_stream *bs, size_t len);

/** Copies up to `len` bytes into `out` and consumes them; returns the count. */
size_t byte_stream_read(struct byte_stream *bs, void *out, size_t len);

bool byte_stream_input_ended(const struct byte_stream *bs);
bool byte_stream_error(const struct byte_stream *bs);
/** Bytes written but not yet popped. */
size_t byte_stream_buffer_size(const struct byte_stream *bs);
bool byte_stream_buffer_empty(const struct byte_stream *bs);
/** True once the input has ended and every byte has been popped. */
bool byte_stream_eof(const struct byte_stream *bs);
/** Total bytes accepted by write (or committed) since init. */
uint64_t byte_stream_bytes_written(const struct byte_stream *bs);
/** Total bytes popped since init. */
uint64_t byte_stream_bytes_read(const struct byte_stream *bs);

/* ---- for the StreamReassembler: placing bytes ahead of the write position ---- */

/** Copies `data[0..len)` into the free space `offset` bytes past the write position without
 *  making it readable. Requires offset + len <= remaining_capacity. */
void byte_stream_write_at(struct byte_stream *bs, size_t offset, const void *data, size_t len);

/** Makes the next `len` bytes past the write position (placed by write_at) readable.
 *  Requires len <= remaining_capacity. */
void byte_stream_commit(struct byte_stream *bs, size_t len);

#endif
