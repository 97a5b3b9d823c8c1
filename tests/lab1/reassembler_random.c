/* Random streams cut into overlapping pieces, pushed in random order, checked after every
 * push against a simple per-byte model (reassembler_model.h). Seeded by harness_seed. */

#include "reassembler_model.h"
#include "util/rng.h"

#include <stdio.h>

enum { MAX_TOTAL = 6000 };

static void random_bytes(struct sponge_rng *rng, uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        p[i] = (uint8_t)sponge_rng_next(rng);
    }
}

struct piece {
    uint64_t index;
    uint64_t len;
};

/* Cuts [0, total) into pieces that cover it: each one reaches past the previous ones but
 * often starts before their end (overlap), and now and then an earlier piece is repeated
 * (duplicate). Then shuffles them. At most 2 * total pieces; returns the count. */
static size_t cut(struct sponge_rng *rng, struct piece *pieces, uint64_t total, uint64_t max_len) {
    size_t n = 0;
    uint64_t covered = 0;
    while (covered < total) {
        uint64_t back = sponge_rng_below(rng, 8) < 3 ? sponge_rng_below(rng, 17) : 0;
        uint64_t start = covered - (back < covered ? back : covered);
        uint64_t len = covered - start + 1 + sponge_rng_below(rng, max_len);
        if (start + len > total) {
            len = total - start;
        }
        pieces[n++] = (struct piece){start, len};
        covered = start + len;
        if (sponge_rng_below(rng, 8) == 0) {
            pieces[n] = pieces[sponge_rng_below(rng, n)];
            n++;
        }
    }
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)sponge_rng_below(rng, i);
        struct piece t = pieces[i - 1];
        pieces[i - 1] = pieces[j];
        pieces[j] = t;
    }
    return n;
}

/* Whole streams fitting in the capacity, every piece pushed in random order, read at the end. */
static int permutations(void) {
    struct harness h;
    struct sponge_rng rng;
    static uint8_t truth[MAX_TOTAL];
    static struct piece pieces[2 * MAX_TOTAL];
    harness_begin(&h, "reassembler: random permutations of overlapping pieces [L1.R16]");
    sponge_rng_seed(&rng, harness_seed(&h));
    for (unsigned round = 0; round < 200; round++) {
        uint64_t total = 1 + sponge_rng_below(&rng, MAX_TOTAL);
        random_bytes(&rng, truth, (size_t)total);
        size_t n = cut(&rng, pieces, total, 1 + sponge_rng_below(&rng, 64));
        struct stream_reassembler r;
        struct reasm_model m;
        STEP(&h, "round %u: %" PRIu64 " bytes in %zu pieces", round, total, n);
        REASM_START(&h, &r, MAX_TOTAL);
        if (!reasm_model_init(&m, truth, total, MAX_TOTAL)) {
            FAIL(&h, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            bool eof = pieces[i].index + pieces[i].len == total;
            PUSH_N(&h, &r, truth + pieces[i].index, (size_t)pieces[i].len, pieces[i].index, eof);
            reasm_model_push(&m, pieces[i].index, pieces[i].len, eof);
            reasm_model_check(&h, __LINE__, &r, &m);
        }
        while (m.read < m.written) {
            reasm_model_read(&h, __LINE__, &r, &m, (size_t)total);
        }
        EXPECT_REASM(&h, &r, .eof = TRI_YES, .bytes_read = OPT_U64(total), .unassembled = OPT_U64(0));
        reasm_model_free(&m);
        stream_reassembler_destroy(&r);
    }
    return harness_end(&h);
}

/* A small window: pieces arrive around the window (some before it, some past it, resent
 * until taken) while the application reads random amounts at random times. */
static int small_window(void) {
    struct harness h;
    struct sponge_rng rng;
    static uint8_t truth[MAX_TOTAL];
    harness_begin(&h, "reassembler: random pushes around a small window, random reads [L1.R5 L1.R16]");
    sponge_rng_seed(&rng, harness_seed(&h) ^ 0x5eed);
    for (unsigned round = 0; round < 100; round++) {
        size_t capacity = 1 + (size_t)sponge_rng_below(&rng, 70);
        uint64_t total = 1 + sponge_rng_below(&rng, MAX_TOTAL);
        random_bytes(&rng, truth, (size_t)total);
        struct stream_reassembler r;
        struct reasm_model m;
        STEP(&h, "round %u: %" PRIu64 " bytes, capacity %zu", round, total, capacity);
        REASM_START(&h, &r, capacity);
        if (!reasm_model_init(&m, truth, total, capacity)) {
            FAIL(&h, "out of memory");
        }
        for (unsigned step = 0; step < 200000 && !(m.ended && m.read == m.written); step++) {
            if (sponge_rng_below(&rng, 4) == 0) {
                reasm_model_read(&h, __LINE__, &r, &m, (size_t)sponge_rng_below(&rng, capacity + 2));
                continue;
            }
            uint64_t low = m.read > 8 ? m.read - 8 : 0;
            uint64_t index = low + sponge_rng_below(&rng, m.read + capacity + 8 - low);
            if (index > total) {
                index = total;
            }
            uint64_t len = sponge_rng_below(&rng, 24);
            if (index + len > total) {
                len = total - index;
            }
            bool eof = index + len == total;
            PUSH_N(&h, &r, truth + index, (size_t)len, index, eof);
            reasm_model_push(&m, index, len, eof);
            reasm_model_check(&h, __LINE__, &r, &m);
        }
        EXPECT_REASM(&h, &r, .eof = TRI_YES, .bytes_read = OPT_U64(total));
        reasm_model_free(&m);
        stream_reassembler_destroy(&r);
    }
    return harness_end(&h);
}

int main(void) {
    permutations();
    small_window();
    return 0;
}
