/* The StreamReassembler driven by random pushes of one fixed source stream, against a model
 * that keeps one flag per byte. The input is: capacity (1 byte), then ops of 4 bytes:
 *   index (16 bits), length (8 bits), flags (bit 0: eof; bit 1: then read up to len bytes).
 * Model rules (stream_reassembler.h): bytes at or past bytes_read + capacity are dropped, as
 * are bytes at or past the end once an eof push that fits in the window has told it. */
#include "fuzz_targets.h"
#include "tcp/stream_reassembler.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_LEN (65536 + 256 + 1)

struct model {
    bool have[MODEL_LEN];
    uint64_t written, read;
    bool eof_known;
    uint64_t eof_index;
    size_t capacity;
};

static void model_push(struct model *m, uint64_t index, size_t len, bool eof) {
    uint64_t limit = m->read + m->capacity;
    if (m->eof_known && m->eof_index < limit) {
        limit = m->eof_index;
    }
    uint64_t end = index + len;
    if (eof && !m->eof_known && end >= m->written && end <= limit) {
        m->eof_known = true;
        m->eof_index = end;
        limit = end;
        for (uint64_t j = end; j < m->read + m->capacity && j < MODEL_LEN; j++) {
            m->have[j] = false;
        }
    }
    for (uint64_t j = index > m->written ? index : m->written; j < end && j < limit; j++) {
        m->have[j] = true;
    }
    while (m->written < MODEL_LEN && m->have[m->written]) {
        m->written++;
    }
}

static size_t model_unassembled(const struct model *m) {
    size_t n = 0;
    /* Bytes are only ever marked below read + capacity, and read never decreases. */
    for (uint64_t j = m->written; j < m->read + m->capacity && j < MODEL_LEN; j++) {
        n += m->have[j];
    }
    return n;
}

int fuzz_reassembler(const uint8_t *data, size_t len) {
    struct fuzz_reader in = {data, len};
    static const size_t max_ops = 4096; /* keeps the model's per-op scans affordable */
    struct model *m = calloc(1, sizeof *m);
    FUZZ_CHECK(m != NULL);
    m->capacity = 1 + fuzz_u8(&in) % 64 * 16 + fuzz_u8(&in) % 16;
    struct stream_reassembler r;
    FUZZ_CHECK(stream_reassembler_init(&r, m->capacity) == SPONGE_OK);
    struct byte_stream *out = stream_reassembler_stream_out(&r);
    uint8_t src[256], got[256];
    for (size_t op = 0; op < max_ops && in.left > 0; op++) {
        uint64_t index = fuzz_u16(&in);
        size_t n = fuzz_u8(&in);
        uint8_t flags = fuzz_u8(&in);
        for (size_t i = 0; i < n; i++) {
            src[i] = fuzz_stream_byte(index + i);
        }
        stream_reassembler_push_substring(&r, src, n, index, flags & 1);
        model_push(m, index, n, flags & 1);
        FUZZ_CHECK(byte_stream_bytes_written(out) == m->written);
        FUZZ_CHECK(stream_reassembler_unassembled_bytes(&r) == model_unassembled(m));
        FUZZ_CHECK(stream_reassembler_empty(&r) == (model_unassembled(m) == 0));
        FUZZ_CHECK(byte_stream_input_ended(out) == (m->eof_known && m->written == m->eof_index));
        FUZZ_CHECK(byte_stream_buffer_size(out) + stream_reassembler_unassembled_bytes(&r) <= m->capacity);
        if (flags & 2) {
            size_t k = byte_stream_read(out, got, n);
            for (size_t i = 0; i < k; i++) {
                FUZZ_CHECK(got[i] == fuzz_stream_byte(m->read + i));
            }
            m->read += k;
            FUZZ_CHECK(byte_stream_bytes_read(out) == m->read);
        }
    }
    stream_reassembler_destroy(&r);
    free(m);
    return 0;
}
