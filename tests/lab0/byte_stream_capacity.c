/* A write accepts only what fits; space comes back as the reader pops. */

#include "byte_stream_steps.h"

static int overwrite(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: a write longer than the room is cut [L0.R2 L0.R3]");
    STREAM_START(&h, &bs, 2);
    WRITE(&h, &bs, "cat", 2);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(2), .remaining_capacity = OPT_U64(0), .bytes_written = OPT_U64(2));
    WRITE(&h, &bs, "t", 0);
    PEEK(&h, &bs, 3, "ca");
    POP(&h, &bs, 1, 1);
    EXPECT_STREAM(&h, &bs, .remaining_capacity = OPT_U64(1));
    WRITE(&h, &bs, "tle", 1);
    READ(&h, &bs, 2, "at");
    EXPECT_STREAM(&h, &bs, .bytes_written = OPT_U64(3), .bytes_read = OPT_U64(3), .buffer_empty = TRI_YES);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int fill_exactly(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: filled exactly, drained, filled again [L0.R3 L0.R4]");
    STREAM_START(&h, &bs, 3);
    WRITE(&h, &bs, "cat", 3);
    EXPECT_STREAM(&h, &bs, .remaining_capacity = OPT_U64(0));
    WRITE(&h, &bs, "x", 0);
    READ(&h, &bs, 3, "cat");
    WRITE(&h, &bs, "tac", 3);
    READ(&h, &bs, 1, "t");
    WRITE(&h, &bs, "ow", 1);
    READ(&h, &bs, 9, "aco");
    STEP(&h, "end_input");
    byte_stream_end_input(&bs);
    WRITE(&h, &bs, "more", 0);
    EXPECT_STREAM(&h, &bs, .eof = TRI_YES, .bytes_written = OPT_U64(7), .bytes_read = OPT_U64(7));
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int capacity_one(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: capacity 1 passes one byte at a time [L0.R2 L0.R3 L0.R4]");
    STREAM_START(&h, &bs, 1);
    const char *word = "sponge";
    for (size_t i = 0; word[i]; i++) {
        char one[2] = {word[i], 0};
        WRITE(&h, &bs, word + i, 1);
        EXPECT_STREAM(&h, &bs, .remaining_capacity = OPT_U64(0));
        READ(&h, &bs, 5, one);
    }
    EXPECT_STREAM(&h, &bs, .bytes_written = OPT_U64(6), .bytes_read = OPT_U64(6));
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    overwrite();
    fill_exactly();
    capacity_one();
    return 0;
}
