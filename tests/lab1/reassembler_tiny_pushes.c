/* A million tiny overlapping pushes (what a hostile peer can send): the reassembler's heap
 * use must not grow at all after init, and its counts must match the per-byte model. */

#include "reassembler_model.h"
#include "util/rng.h"

#include <malloc.h>

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_IN_USE_KNOWN 1
size_t __sanitizer_get_current_allocated_bytes(void);
static size_t heap_in_use(void) {
    return __sanitizer_get_current_allocated_bytes();
}
#elif defined(__GLIBC__)
#define HEAP_IN_USE_KNOWN 1
static size_t heap_in_use(void) {
    return mallinfo2().uordblks;
}
#else
#define HEAP_IN_USE_KNOWN 0
static size_t heap_in_use(void) {
    return 0;
}
#endif

enum { CAPACITY = 4096, PUSHES = 1000000, TOTAL = 8 * 1024 * 1024 };

static int tiny_pushes(void) {
    struct harness h;
    struct sponge_rng rng;
    harness_begin(&h, "reassembler: a million tiny overlapping pushes in bounded memory [L1.R15]");
    sponge_rng_seed(&rng, harness_seed(&h));
    uint8_t *truth = malloc(TOTAL);
    struct reasm_model m;
    if (!truth || !reasm_model_init(&m, truth, TOTAL, CAPACITY)) {
        FAIL(&h, "out of memory");
    }
    for (size_t i = 0; i < TOTAL; i++) {
        truth[i] = (uint8_t)sponge_rng_next(&rng);
    }
    struct stream_reassembler r;
    REASM_START(&h, &r, CAPACITY);
    size_t heap_after_init = heap_in_use();
    STEP(&h, "heap in use after init: %zu bytes (%s)", heap_after_init,
         HEAP_IN_USE_KNOWN ? "measured" : "not measurable here");

    for (unsigned i = 0; i < PUSHES; i++) {
        uint64_t index;
        uint64_t len = 1 + sponge_rng_below(&rng, 3);
        if (i % 100000 < 2048) {
            /* Every other byte: the most separate pieces the window can hold. */
            index = m.written + 1 + 2 * (i % 100000);
            len = 1;
        } else if (i % 20000 == 0) {
            /* Now and then fill the hole at the write position and read, to move on. */
            index = m.written;
            len = 1;
        } else {
            index = m.written + 1 + sponge_rng_below(&rng, CAPACITY + 8);
        }
        if (index + len > TOTAL) {
            FAIL(&h, "test stream too short");
        }
        stream_reassembler_push_substring(&r, truth + index, (size_t)len, index, false);
        reasm_model_push(&m, index, len, false);
        if (stream_reassembler_unassembled_bytes(&r) != m.unassembled ||
            stream_reassembler_first_unassembled(&r) != m.written) {
            STEP(&h, "push %" PRIu64 " bytes at %" PRIu64 " (push %u)", len, index, i);
            reasm_model_check(&h, __LINE__, &r, &m);
        }
        if (i % 20000 == 0) {
            STEP(&h, "push %u: %" PRIu64 " assembled, %" PRIu64 " stored", i, m.written, m.unassembled);
            reasm_model_read(&h, __LINE__, &r, &m, CAPACITY);
            EXPECT_EQ(&h, "heap in use (no growth since init)", heap_after_init, heap_in_use());
        }
    }
    EXPECT_EQ(&h, "heap in use (no growth since init)", heap_after_init, heap_in_use());
    reasm_model_check(&h, __LINE__, &r, &m);
    STEP(&h, "fill every hole in the window and read it all");
    uint64_t limit = m.read + CAPACITY;
    PUSH_N(&h, &r, truth + m.written, (size_t)(limit - m.written), m.written, false);
    reasm_model_push(&m, m.written, limit - m.written, false);
    reasm_model_check(&h, __LINE__, &r, &m);
    EXPECT_EQ(&h, "unassembled", 0, stream_reassembler_unassembled_bytes(&r));
    reasm_model_read(&h, __LINE__, &r, &m, CAPACITY);
    EXPECT_EQ(&h, "bytes read", limit, m.read);

    stream_reassembler_destroy(&r);
    reasm_model_free(&m);
    free(truth);
    return harness_end(&h);
}

int main(void) {
    tiny_pushes();
    return 0;
}
