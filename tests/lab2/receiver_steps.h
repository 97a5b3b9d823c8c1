#ifndef SPONGE_TESTS_LAB2_RECEIVER_STEPS_H
#define SPONGE_TESTS_LAB2_RECEIVER_STEPS_H

/* Expectation steps on a TCPReceiver, one line each, for the receiver tests. */

#include "harness.h"
#include "tcp/tcp_receiver.h"
#include "tcp_harness.h"

#include <stdlib.h>
#include <string.h>

/* Starts a test case with a fresh receiver of `capacity` bytes. */
static inline void receiver_begin(struct harness *h, struct tcp_receiver *r, const char *name, size_t capacity) {
    harness_begin(h, name);
    STEP(h, "receiver with capacity %zu", capacity);
    if (tcp_receiver_init(r, capacity) != SPONGE_OK) {
        FAIL(h, "tcp_receiver_init failed");
    }
}

/* Ends the test case and frees the receiver. */
static inline int receiver_end(struct harness *h, struct tcp_receiver *r) {
    tcp_receiver_destroy(r);
    return harness_end(h);
}

static inline void expect_ackno(struct harness *h, const char *file, int line, struct tcp_receiver *r,
                                bool expect_present, uint32_t expected) {
    struct wrap32 ackno = {0};
    bool present = tcp_receiver_ackno(r, &ackno);
    if (!expect_present) {
        harness_step(h, file, line, "expect no ackno");
        if (present) {
            harness_fail(h, file, line, "expected no ackno, got %u", (unsigned)ackno.raw);
        }
        return;
    }
    if (!present) {
        harness_step(h, file, line, "expect ackno %u", (unsigned)expected);
        harness_fail(h, file, line, "expected ackno %u, but there is no ackno", (unsigned)expected);
    }
    harness_expect_u64(h, file, line, "ackno", expected, ackno.raw);
}

/* Reads everything buffered in the inbound stream and compares it with `expected`. */
static inline void expect_read(struct harness *h, const char *file, int line, struct tcp_receiver *r,
                               const void *expected, size_t expected_len) {
    struct byte_stream *in = tcp_receiver_stream_out(r);
    size_t n = byte_stream_buffer_size(in);
    uint8_t *got = malloc(n ? n : 1);
    if (!got) {
        harness_fail(h, file, line, "out of memory");
    }
    size_t read = byte_stream_read(in, got, n);
    harness_expect_bytes(h, file, line, "bytes read from the inbound stream", expected, expected_len, got, read);
    free(got);
}

static inline void expect_state(struct harness *h, const char *file, int line, struct tcp_receiver *r,
                                const char *expected) {
    const char *state = tcp_receiver_state(r);
    harness_step(h, file, line, "expect state %s", expected);
    if (strcmp(state, expected) != 0) {
        harness_fail(h, file, line, "expected state %s, got %s", expected, state);
    }
}

#define EXPECT_ACKNO(h, r, v) expect_ackno((h), __FILE__, __LINE__, (r), true, (uint32_t)(v))
#define EXPECT_NO_ACKNO(h, r) expect_ackno((h), __FILE__, __LINE__, (r), false, 0)
#define EXPECT_WINDOW(h, r, v) EXPECT_EQ((h), "window", (v), tcp_receiver_window_size(r))
#define EXPECT_UNASSEMBLED(h, r, v) EXPECT_EQ((h), "unassembled bytes", (v), tcp_receiver_unassembled_bytes(r))
#define EXPECT_ASSEMBLED(h, r, v)                                                                                      \
    EXPECT_EQ((h), "total bytes assembled", (v), byte_stream_bytes_written(tcp_receiver_stream_out(r)))
#define EXPECT_READ(h, r, s) expect_read((h), __FILE__, __LINE__, (r), (s), strlen(s))
#define EXPECT_STATE(h, r, s) expect_state((h), __FILE__, __LINE__, (r), (s))
#define EXPECT_INPUT_ENDED(h, r, b)                                                                                    \
    EXPECT_BOOL((h), "inbound input ended", (b), byte_stream_input_ended(tcp_receiver_stream_out(r)))
#define EXPECT_EOF(h, r, b) EXPECT_BOOL((h), "inbound eof", (b), byte_stream_eof(tcp_receiver_stream_out(r)))

/* Delivers a segment described by designated initializers, recording the step. */
#define ARRIVES(h, r, ...)                                                                                             \
    do {                                                                                                               \
        struct tcp_segment arriving_ = SEGMENT_ARRIVES((h), __VA_ARGS__);                                              \
        tcp_receiver_segment_received((r), &arriving_);                                                                \
    } while (0)

#endif
