#ifndef SPONGE_TESTS_REASSEMBLER_MODEL_H
#define SPONGE_TESTS_REASSEMBLER_MODEL_H

/* A deliberately simple reassembler model for the random tests: one flag per byte index,
 * moved forward one byte at a time. Slow, obviously right, and independent of the
 * implementation's bitmap and ring. The data itself comes from `truth` (the whole stream). */

#include "harness.h"
#include "reassembler_steps.h"

#include <stdlib.h>

struct reasm_model {
    const uint8_t *truth; /* the whole stream */
    uint64_t total;       /* its length */
    uint8_t *have;        /* have[i]: byte i stored, not yet assembled (total + capacity flags) */
    size_t capacity;
    uint64_t written;
    uint64_t read;
    uint64_t unassembled;
    bool eof_known;
    uint64_t eof_index;
    bool ended;
};

static inline bool reasm_model_init(struct reasm_model *m, const uint8_t *truth, uint64_t total, size_t capacity) {
    memset(m, 0, sizeof *m);
    m->truth = truth;
    m->total = total;
    m->capacity = capacity;
    m->have = calloc(total + capacity + 1, 1);
    return m->have != NULL;
}

static inline void reasm_model_free(struct reasm_model *m) {
    free(m->have);
}

/* The push of truth[index .. index + len), with eof when it ends the stream. */
static inline void reasm_model_push(struct reasm_model *m, uint64_t index, uint64_t len, bool eof) {
    uint64_t limit = m->read + m->capacity;
    if (m->eof_known && m->eof_index < limit) {
        limit = m->eof_index;
    }
    uint64_t end = index + len;
    if (eof && !m->eof_known && end >= m->written && end <= limit) {
        m->eof_known = true;
        m->eof_index = end;
        for (uint64_t i = end; i < limit; i++) {
            m->unassembled -= m->have[i];
            m->have[i] = 0;
        }
        limit = end;
    }
    for (uint64_t i = index > m->written ? index : m->written; i < end && i < limit; i++) {
        m->unassembled += !m->have[i];
        m->have[i] = 1;
    }
    while (m->have[m->written]) {
        m->have[m->written++] = 0;
        m->unassembled--;
    }
    if (m->eof_known && m->written == m->eof_index) {
        m->ended = true;
    }
}

/* Compares stream_reassembler_present_ranges (at most 3 asked for) with the runs of stored
 * bytes in the model, and checks that nothing is written past the 3rd. */
static inline void reasm_model_check_ranges(struct harness *h, int line, struct stream_reassembler *r,
                                            const struct reasm_model *m) {
    enum { MAX_RANGES = 3 };
    uint64_t left[MAX_RANGES + 1], right[MAX_RANGES + 1];
    for (size_t k = 0; k <= MAX_RANGES; k++) {
        left[k] = right[k] = UINT64_MAX;
    }
    size_t n = stream_reassembler_present_ranges(r, MAX_RANGES, left, right);
    if (n > MAX_RANGES || left[MAX_RANGES] != UINT64_MAX || right[MAX_RANGES] != UINT64_MAX) {
        harness_fail(h, __FILE__, line, "present_ranges(max %d) returned %zu or wrote past range %d", MAX_RANGES, n,
                     MAX_RANGES - 1);
    }
    /* No byte at or past the stream's end is ever stored (pushes come from truth). */
    uint64_t limit = m->read + m->capacity < m->total ? m->read + m->capacity : m->total;
    size_t want = 0;
    for (uint64_t i = m->written; i < limit && want < MAX_RANGES; i++) {
        if (!m->have[i]) {
            continue;
        }
        uint64_t end = i;
        while (end < limit && m->have[end]) {
            end++;
        }
        if (want >= n || left[want] != i || right[want] != end) {
            harness_fail(h, __FILE__, line,
                         "present range %zu of %zu: expected [%" PRIu64 ", %" PRIu64 "), got [%" PRIu64 ", %" PRIu64
                         ") (%s)",
                         want, n, i, end, left[want], right[want], want < n ? "wrong" : "missing");
        }
        want++;
        i = end;
    }
    if (n != want) {
        harness_fail(h, __FILE__, line, "present_ranges(max %d) returned %zu ranges, expected %zu", MAX_RANGES, n,
                     want);
    }
}

/* Compares the reassembler with the model, present ranges included. */
static inline void reasm_model_check(struct harness *h, int line, struct stream_reassembler *r,
                                     const struct reasm_model *m) {
    reasm_model_check_ranges(h, line, r, m);
    reasm_check(h, __FILE__, line, r,
                (struct reasm_expect){.unassembled = OPT_U64(m->unassembled),
                                      .bytes_written = OPT_U64(m->written),
                                      .bytes_read = OPT_U64(m->read),
                                      .input_ended = m->ended ? TRI_YES : TRI_NO,
                                      .eof = m->ended && m->read == m->written ? TRI_YES : TRI_NO});
}

/* Reads up to `n` bytes from the reassembler and checks them against the model's stream. */
static inline void reasm_model_read(struct harness *h, int line, struct stream_reassembler *r, struct reasm_model *m,
                                    size_t n) {
    uint8_t buf[4096];
    if (n > sizeof buf) {
        n = sizeof buf;
    }
    uint64_t ready = m->written - m->read;
    size_t expect = n < ready ? n : (size_t)ready;
    harness_step(h, __FILE__, line, "read %zu", n);
    size_t got = byte_stream_read(stream_reassembler_stream_out(r), buf, n);
    harness_expect_bytes(h, __FILE__, line, "bytes read", m->truth + m->read, expect, buf, got);
    m->read += expect;
}

#endif
