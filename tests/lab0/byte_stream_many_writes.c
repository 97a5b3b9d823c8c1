/* Many writes of random lengths, with reads of random lengths, checked byte for byte against
 * a simple model: an array of every byte accepted so far and two counters. */

#include "byte_stream_steps.h"
#include "util/rng.h"

#include <stdlib.h>

enum { ROUNDS = 20000, MAX_WRITE = 200 };

static int many_writes(size_t capacity) {
    struct harness h;
    struct byte_stream bs;
    struct sponge_rng rng;
    harness_begin(&h, "byte stream: many random writes and reads against a model [L0.R4 L0.R5 L0.R10]");
    sponge_rng_seed(&rng, harness_seed(&h) ^ capacity);
    STREAM_START(&h, &bs, capacity);
    uint8_t *model = malloc((size_t)ROUNDS * MAX_WRITE); /* every byte ever accepted */
    uint8_t chunk[MAX_WRITE];
    uint8_t got[MAX_WRITE];
    if (!model) {
        FAIL(&h, "out of memory");
    }
    size_t model_written = 0;
    size_t model_read = 0;
    for (unsigned round = 0; round < ROUNDS; round++) {
        size_t n = (size_t)sponge_rng_below(&rng, MAX_WRITE + 1);
        for (size_t i = 0; i < n; i++) {
            chunk[i] = (uint8_t)sponge_rng_next(&rng);
        }
        size_t room = capacity - (model_written - model_read);
        size_t fits = n < room ? n : room;
        STEP(&h, "round %u: write %zu random bytes", round, n);
        EXPECT_EQ(&h, "bytes accepted", fits, byte_stream_write(&bs, chunk, n));
        memcpy(model + model_written, chunk, fits);
        model_written += fits;
        EXPECT_STREAM(&h, &bs, .bytes_written = OPT_U64(model_written),
                      .buffer_size = OPT_U64(model_written - model_read),
                      .remaining_capacity = OPT_U64(capacity - (model_written - model_read)));

        size_t want = (size_t)sponge_rng_below(&rng, MAX_WRITE + 1);
        size_t ready = model_written - model_read;
        size_t expect = want < ready ? want : ready;
        STEP(&h, "round %u: read %zu", round, want);
        size_t n_read = byte_stream_read(&bs, got, want);
        EXPECT_BYTES(&h, "bytes read", model + model_read, expect, got, n_read);
        model_read += expect;
        EXPECT_STREAM(&h, &bs, .bytes_read = OPT_U64(model_read), .eof = TRI_NO);
    }
    STEP(&h, "end_input and drain");
    byte_stream_end_input(&bs);
    while (model_read < model_written) {
        size_t n_read = byte_stream_read(&bs, got, sizeof got);
        size_t expect = model_written - model_read < sizeof got ? model_written - model_read : sizeof got;
        EXPECT_BYTES(&h, "drained bytes", model + model_read, expect, got, n_read);
        model_read += expect;
    }
    EXPECT_STREAM(&h, &bs, .eof = TRI_YES, .bytes_read = OPT_U64(model_written));
    free(model);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    many_writes(1);
    many_writes(97);
    many_writes(1000);
    many_writes(4096);
    return 0;
}
