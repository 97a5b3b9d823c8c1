#ifndef SPONGE_TESTS_BYTE_STREAM_STEPS_H
#define SPONGE_TESTS_BYTE_STREAM_STEPS_H

/* Steps for ByteStream tests: each macro is one line of the trace and reports the test's own
 * source line on failure. EXPECT_STREAM checks only the fields it names:
 *     EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(3), .eof = TRI_NO); */

#include "harness.h"
#include "tcp/byte_stream.h"

#include <string.h>

struct stream_expect {
    struct opt_u64 buffer_size;
    struct opt_u64 remaining_capacity;
    struct opt_u64 bytes_written;
    struct opt_u64 bytes_read;
    enum tri buffer_empty;
    enum tri input_ended;
    enum tri eof;
    enum tri error;
};

static inline void stream_check(struct harness *h, const char *file, int line, const struct byte_stream *bs,
                                struct stream_expect e) {
    harness_expect_opt(h, file, line, "buffer_size", e.buffer_size, byte_stream_buffer_size(bs));
    harness_expect_opt(h, file, line, "remaining_capacity", e.remaining_capacity, byte_stream_remaining_capacity(bs));
    harness_expect_opt(h, file, line, "bytes_written", e.bytes_written, byte_stream_bytes_written(bs));
    harness_expect_opt(h, file, line, "bytes_read", e.bytes_read, byte_stream_bytes_read(bs));
    harness_expect_tri(h, file, line, "buffer_empty", e.buffer_empty, byte_stream_buffer_empty(bs));
    harness_expect_tri(h, file, line, "input_ended", e.input_ended, byte_stream_input_ended(bs));
    harness_expect_tri(h, file, line, "eof", e.eof, byte_stream_eof(bs));
    harness_expect_tri(h, file, line, "error", e.error, byte_stream_error(bs));
}

static inline void stream_write(struct harness *h, const char *file, int line, struct byte_stream *bs, const char *text,
                                size_t accepted) {
    harness_step(h, file, line, "write \"%s\"", text);
    harness_expect_u64(h, file, line, "bytes accepted", accepted, byte_stream_write(bs, text, strlen(text)));
}

static inline void stream_peek(struct harness *h, const char *file, int line, const struct byte_stream *bs, size_t n,
                               const char *expected) {
    char buf[256];
    harness_step(h, file, line, "peek_output %zu", n);
    size_t got = byte_stream_peek_output(bs, buf, n < sizeof buf ? n : sizeof buf);
    harness_expect_bytes(h, file, line, "peeked", expected, strlen(expected), buf, got);
}

static inline void stream_read(struct harness *h, const char *file, int line, struct byte_stream *bs, size_t n,
                               const char *expected) {
    char buf[256];
    harness_step(h, file, line, "read %zu", n);
    size_t got = byte_stream_read(bs, buf, n < sizeof buf ? n : sizeof buf);
    harness_expect_bytes(h, file, line, "read", expected, strlen(expected), buf, got);
}

static inline void stream_pop(struct harness *h, const char *file, int line, struct byte_stream *bs, size_t n,
                              size_t popped) {
    harness_step(h, file, line, "pop_output %zu", n);
    harness_expect_u64(h, file, line, "bytes popped", popped, byte_stream_pop_output(bs, n));
}

/* Starts a stream of `capacity` bytes; an allocation failure fails the test. */
static inline void stream_start(struct harness *h, const char *file, int line, struct byte_stream *bs,
                                size_t capacity) {
    harness_step(h, file, line, "new byte stream, capacity %zu", capacity);
    if (byte_stream_init(bs, capacity) != SPONGE_OK) {
        harness_fail(h, file, line, "byte_stream_init failed");
    }
}

#define STREAM_START(h, bs, capacity) stream_start((h), __FILE__, __LINE__, (bs), (capacity))
#define EXPECT_STREAM(h, bs, ...) stream_check((h), __FILE__, __LINE__, (bs), (struct stream_expect){__VA_ARGS__})
#define WRITE(h, bs, text, accepted) stream_write((h), __FILE__, __LINE__, (bs), (text), (accepted))
#define PEEK(h, bs, n, expected) stream_peek((h), __FILE__, __LINE__, (bs), (n), (expected))
#define READ(h, bs, n, expected) stream_read((h), __FILE__, __LINE__, (bs), (n), (expected))
#define POP(h, bs, n, popped) stream_pop((h), __FILE__, __LINE__, (bs), (n), (popped))

#endif
