#ifndef SPONGE_TESTS_REASSEMBLER_STEPS_H
#define SPONGE_TESTS_REASSEMBLER_STEPS_H

/* Steps for StreamReassembler tests: each macro is one line of the trace and reports the
 * test's own source line on failure.
 *     PUSH(&h, &r, "abc", 0, false);
 *     EXPECT_ASSEMBLED(&h, &r, "abc");      reads everything ready and compares it
 *     EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .eof = TRI_NO);   only named fields */

#include "harness.h"
#include "tcp/stream_reassembler.h"

#include <inttypes.h>
#include <string.h>

struct reasm_expect {
    struct opt_u64 unassembled;
    struct opt_u64 bytes_written;
    struct opt_u64 bytes_read;
    struct opt_u64 buffer_size;
    enum tri empty;
    enum tri input_ended;
    enum tri eof;
};

static inline void reasm_check(struct harness *h, const char *file, int line, struct stream_reassembler *r,
                               struct reasm_expect e) {
    struct byte_stream *out = stream_reassembler_stream_out(r);
    harness_expect_opt(h, file, line, "unassembled_bytes", e.unassembled, stream_reassembler_unassembled_bytes(r));
    harness_expect_opt(h, file, line, "bytes_written", e.bytes_written, byte_stream_bytes_written(out));
    harness_expect_opt(h, file, line, "first_unassembled", e.bytes_written, stream_reassembler_first_unassembled(r));
    harness_expect_opt(h, file, line, "bytes_read", e.bytes_read, byte_stream_bytes_read(out));
    harness_expect_opt(h, file, line, "buffer_size", e.buffer_size, byte_stream_buffer_size(out));
    harness_expect_tri(h, file, line, "empty", e.empty, stream_reassembler_empty(r));
    harness_expect_tri(h, file, line, "input_ended", e.input_ended, byte_stream_input_ended(out));
    harness_expect_tri(h, file, line, "eof", e.eof, byte_stream_eof(out));
}

static inline void reasm_push(struct harness *h, const char *file, int line, struct stream_reassembler *r,
                              const void *data, size_t len, uint64_t index, bool eof) {
    bool printable = len <= 40;
    for (size_t i = 0; printable && i < len; i++) {
        uint8_t c = ((const uint8_t *)data)[i];
        printable = c >= 32 && c < 127;
    }
    if (printable) {
        harness_step(h, file, line, "push \"%.*s\" at %" PRIu64 "%s", (int)len, (const char *)data, index,
                     eof ? " with eof" : "");
    } else {
        harness_step(h, file, line, "push %zu bytes at %" PRIu64 "%s", len, index, eof ? " with eof" : "");
    }
    stream_reassembler_push_substring(r, data, len, index, eof);
}

/* Reads every ready byte of the output and compares it with `expected`. */
static inline void reasm_assembled(struct harness *h, const char *file, int line, struct stream_reassembler *r,
                                   const char *expected) {
    struct byte_stream *out = stream_reassembler_stream_out(r);
    char buf[512];
    harness_step(h, file, line, "read everything assembled");
    size_t got = byte_stream_read(out, buf, sizeof buf);
    harness_expect_bytes(h, file, line, "assembled", expected, strlen(expected), buf, got);
}

static inline void reasm_start(struct harness *h, const char *file, int line, struct stream_reassembler *r,
                               size_t capacity) {
    harness_step(h, file, line, "new reassembler, capacity %zu", capacity);
    if (stream_reassembler_init(r, capacity) != SPONGE_OK) {
        harness_fail(h, file, line, "stream_reassembler_init failed");
    }
}

#define REASM_START(h, r, capacity) reasm_start((h), __FILE__, __LINE__, (r), (capacity))
#define PUSH(h, r, text, index, eof) reasm_push((h), __FILE__, __LINE__, (r), (text), strlen(text), (index), (eof))
#define PUSH_N(h, r, data, len, index, eof) reasm_push((h), __FILE__, __LINE__, (r), (data), (len), (index), (eof))
#define EXPECT_ASSEMBLED(h, r, expected) reasm_assembled((h), __FILE__, __LINE__, (r), (expected))
#define EXPECT_REASM(h, r, ...) reasm_check((h), __FILE__, __LINE__, (r), (struct reasm_expect){__VA_ARGS__})

#endif
