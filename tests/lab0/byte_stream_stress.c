/* Stress: a long random mix of every operation (write, read, peek_output, pop_output,
 * peek_view, peek_at, write_at + commit) on streams of awkward capacities, checked against a
 * model that keeps every byte by its absolute index. */

#include "byte_stream_steps.h"
#include "util/rng.h"

#include <stdlib.h>

enum { OPS = 100000, TOTAL_LIMIT = 1 << 22, MAX_OP = 300 };

struct model {
    uint8_t *bytes;  /* bytes[i] = the byte with absolute index i (readable or placed) */
    uint8_t *placed; /* placed[i] = 1 if write_at put index i (>= written) in place */
    size_t written;
    size_t read;
    size_t capacity;
};

static void check_view2(struct harness *h, const struct model *m, struct byte_view2 v, size_t offset,
                        size_t expect_len) {
    EXPECT_EQ(h, "peek_at length", expect_len, byte_view2_len(&v));
    uint8_t buf[MAX_OP];
    byte_view2_copy(&v, buf);
    EXPECT_BYTES(h, "peek_at bytes", m->bytes + m->read + offset, expect_len, buf, expect_len);
}

static void one_op(struct harness *h, struct byte_stream *bs, struct model *m, struct sponge_rng *rng) {
    size_t ready = m->written - m->read;
    size_t room = m->capacity - ready;
    size_t n = (size_t)sponge_rng_below(rng, MAX_OP + 1);
    uint8_t buf[MAX_OP];
    switch (sponge_rng_below(rng, 7)) {
        case 0: { /* write */
            size_t fits = n < room ? n : room;
            for (size_t i = 0; i < n; i++) {
                buf[i] = (uint8_t)sponge_rng_next(rng);
            }
            STEP(h, "write %zu bytes", n);
            EXPECT_EQ(h, "bytes accepted", fits, byte_stream_write(bs, buf, n));
            memcpy(m->bytes + m->written, buf, fits);
            memset(m->placed + m->written, 0, fits);
            m->written += fits;
            break;
        }
        case 1: { /* read */
            size_t expect = n < ready ? n : ready;
            STEP(h, "read %zu", n);
            size_t got = byte_stream_read(bs, buf, n);
            EXPECT_BYTES(h, "bytes read", m->bytes + m->read, expect, buf, got);
            m->read += expect;
            break;
        }
        case 2: { /* peek_output then pop_output */
            size_t expect = n < ready ? n : ready;
            STEP(h, "peek_output %zu", n);
            size_t got = byte_stream_peek_output(bs, buf, n);
            EXPECT_BYTES(h, "bytes peeked", m->bytes + m->read, expect, buf, got);
            size_t pop = (size_t)sponge_rng_below(rng, n + 1);
            size_t popped = pop < ready ? pop : ready;
            STEP(h, "pop_output %zu", pop);
            EXPECT_EQ(h, "bytes popped", popped, byte_stream_pop_output(bs, pop));
            m->read += popped;
            break;
        }
        case 3: { /* peek_view */
            STEP(h, "peek_view");
            struct byte_view v = byte_stream_peek_view(bs);
            if (v.len > ready || (ready > 0 && v.len == 0)) {
                FAIL(h, "peek_view length %zu with %zu bytes ready", v.len, ready);
            }
            EXPECT_BYTES(h, "viewed bytes", m->bytes + m->read, v.len, v.data, v.len);
            break;
        }
        case 4: { /* peek_at */
            size_t offset = (size_t)sponge_rng_below(rng, ready + 1);
            size_t expect = n < ready - offset ? n : ready - offset;
            STEP(h, "peek_at offset %zu len %zu", offset, n);
            check_view2(h, m, byte_stream_peek_at(bs, offset, n), offset, expect);
            break;
        }
        case 5: { /* write_at somewhere in the free space */
            if (room == 0) {
                break;
            }
            size_t offset = (size_t)sponge_rng_below(rng, room);
            size_t len = n < room - offset ? n : room - offset;
            for (size_t i = 0; i < len; i++) {
                buf[i] = (uint8_t)sponge_rng_next(rng);
            }
            STEP(h, "write_at offset %zu len %zu", offset, len);
            byte_stream_write_at(bs, offset, buf, len);
            memcpy(m->bytes + m->written + offset, buf, len);
            memset(m->placed + m->written + offset, 1, len);
            EXPECT_EQ(h, "bytes_written unchanged", m->written, byte_stream_bytes_written(bs));
            break;
        }
        default: { /* commit part of what write_at placed at the write position */
            size_t placed = 0;
            while (placed < room && m->placed[m->written + placed]) {
                placed++;
            }
            size_t len = (size_t)sponge_rng_below(rng, placed + 1);
            STEP(h, "commit %zu (of %zu placed)", len, placed);
            byte_stream_commit(bs, len);
            memset(m->placed + m->written, 0, len);
            m->written += len;
            break;
        }
    }
    EXPECT_STREAM(h, bs, .bytes_written = OPT_U64(m->written), .bytes_read = OPT_U64(m->read),
                  .buffer_size = OPT_U64(m->written - m->read),
                  .remaining_capacity = OPT_U64(m->capacity - (m->written - m->read)));
}

static int stress(size_t capacity) {
    struct harness h;
    struct byte_stream bs;
    struct sponge_rng rng;
    harness_begin(&h, "byte stream: random mix of every operation against a model [L0.R10]");
    sponge_rng_seed(&rng, harness_seed(&h) + capacity);
    STREAM_START(&h, &bs, capacity);
    struct model m = {malloc(TOTAL_LIMIT + 2 * capacity), calloc(TOTAL_LIMIT + 2 * capacity, 1), 0, 0, capacity};
    if (!m.bytes || !m.placed) {
        FAIL(&h, "out of memory");
    }
    for (unsigned op = 0; op < OPS && m.written < TOTAL_LIMIT; op++) {
        one_op(&h, &bs, &m, &rng);
    }
    free(m.bytes);
    free(m.placed);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    stress(1);
    stress(7);
    stress(255);
    stress(1000);
    stress(65536);
    return 0;
}
