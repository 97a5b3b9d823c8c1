#ifndef SPONGE_TCP_BYTE_STREAM_H
#define SPONGE_TCP_BYTE_STREAM_H

/* ByteStream (lab 0): a bounded, in-order byte pipe with a writer side and a reader side.
 *
 * Storage is one ring buffer of `capacity` bytes (plus an optional reserve, below), allocated
 * in init and never resized. Writes copy in (at most two memcpy calls), reads copy out or are
 * zero-copy via byte_stream_peek_view. Every operation is O(1) or O(bytes moved).
 *
 * Beyond the CS144 interface, given code (not lab 0's: byte_stream.c before the LAB0 part)
 * lets other units avoid copies, reading and writing the ring in place:
 *  - the StreamReassembler places out-of-order bytes straight into the free space past the
 *    write position (byte_stream_write_at) and later makes them readable (byte_stream_commit);
 *  - the TCPSender reads the bytes it sends with byte_stream_retain_output: they count as read
 *    and leave the writer's capacity (CS144's rule for the outbound stream), but stay in the
 *    ring, readable in place (byte_stream_peek_retained), until it releases them once they are
 *    acknowledged (byte_stream_release). The ring is `capacity + reserve` bytes, so that
 *    `reserve` bytes can be retained without taking capacity from the writer; retained bytes
 *    beyond the reserve do (the writer's room is whatever is left of the ring). */

#include "util/byte_view.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct byte_stream {
    /* private. The layout is given, not lab 0's to choose: the given zero-copy functions read
     * it. Lab 0's functions keep it: the readable bytes are buf[head .. head + size), taken
     * modulo ring_size (= capacity unless made by byte_stream_init_reserve); popping only
     * advances head, since the free space after the readable bytes may hold bytes the
     * reassembler placed there (byte_stream_write_at), and `retained` bytes just before head
     * belong to the sender: the writer's room is min(capacity - size, ring_size - retained - size). */
    uint8_t *buf;     /* ring of `ring_size` bytes */
    size_t capacity;  /* the most readable bytes the writer may leave in the stream */
    size_t ring_size; /* capacity + reserve */
    size_t head;      /* ring index of the first readable byte */
    size_t size;      /* readable bytes */
    size_t retained;  /* read bytes kept in the ring just before head (byte_stream_retain_output) */
    uint64_t written; /* total bytes ever written (committed) */
    uint64_t read;    /* total bytes ever popped */
    bool input_ended;
    bool error;
};

/** Allocates a stream holding at most `capacity` bytes (capacity > 0).
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY (the stream is then unusable). */
enum sponge_err byte_stream_init(struct byte_stream *bs, size_t capacity);

/** As byte_stream_init, with a ring of `capacity + reserve` bytes: up to `reserve` retained
 *  bytes (byte_stream_retain_output) then take no room from the writer. */
enum sponge_err byte_stream_init_reserve(struct byte_stream *bs, size_t capacity, size_t reserve);

/** Frees the stream's buffer. Safe to call twice. */
void byte_stream_destroy(struct byte_stream *bs);

/* ---- writer side ---- */

/** Copies as much of `data[0..len)` as fits; returns the number of bytes accepted.
 *  Writing after end_input accepts nothing. */
size_t byte_stream_write(struct byte_stream *bs, const void *data, size_t len);

/** How many more bytes the stream can hold now: capacity minus the readable bytes, or less
 *  when retained bytes beyond the reserve fill the ring. */
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

/** Discards up to `len` readable bytes; returns how many were discarded. Not while bytes are
 *  retained (a caller bug: read with byte_stream_retain_output then). */
size_t byte_stream_pop_output(struct byte_stream *bs, size_t len);

/** Copies up to `len` bytes into `out` and consumes them; returns the count. Not while bytes
 *  are retained. */
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

/* ---- for the TCPSender: bytes read but kept until released ---- */

/** Consumes up to `len` readable bytes as pop_output does (they count in bytes_read and leave
 *  the writer's capacity) but keeps them in the ring, after any retained before, until
 *  byte_stream_release. Returns how many were consumed. */
size_t byte_stream_retain_output(struct byte_stream *bs, size_t len);

/** Forgets the `len` oldest retained bytes (len <= byte_stream_retained), giving their ring
 *  space back to the writer. */
void byte_stream_release(struct byte_stream *bs, size_t len);

/** Bytes retained: read with retain_output and not yet released. */
size_t byte_stream_retained(const struct byte_stream *bs);

/** Zero-copy peek of up to `len` bytes starting `offset` bytes past the oldest retained byte
 *  (the retained bytes, then the readable ones), in at most two pieces. Requires
 *  offset <= retained + buffer_size. Valid until the next write, pop, retain or release. */
struct byte_view2 byte_stream_peek_retained(const struct byte_stream *bs, size_t offset, size_t len);

/* ---- for the StreamReassembler: placing bytes ahead of the write position ---- */

/** Copies `data[0..len)` into the free space `offset` bytes past the write position without
 *  making it readable. Requires offset + len <= remaining_capacity. */
void byte_stream_write_at(struct byte_stream *bs, size_t offset, const void *data, size_t len);

/** Makes the next `len` bytes past the write position (placed by write_at) readable.
 *  Requires len <= remaining_capacity. */
void byte_stream_commit(struct byte_stream *bs, size_t len);

#endif
