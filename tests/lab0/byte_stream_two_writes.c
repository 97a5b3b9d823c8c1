/* Two writes, read back together and across the boundary between them. */

#include "byte_stream_steps.h"

static int two_then_read(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: two writes read as one [L0.R4 L0.R5]");
    STREAM_START(&h, &bs, 15);
    WRITE(&h, &bs, "cat", 3);
    WRITE(&h, &bs, "tle", 3);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(6), .remaining_capacity = OPT_U64(9), .bytes_written = OPT_U64(6));
    PEEK(&h, &bs, 6, "cattle");
    READ(&h, &bs, 4, "catt");
    READ(&h, &bs, 4, "le");
    STEP(&h, "end_input");
    byte_stream_end_input(&bs);
    EXPECT_STREAM(&h, &bs, .eof = TRI_YES, .bytes_read = OPT_U64(6), .buffer_empty = TRI_YES);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int interleaved(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: writes and pops interleaved [L0.R3 L0.R4 L0.R5]");
    STREAM_START(&h, &bs, 15);
    WRITE(&h, &bs, "cat", 3);
    POP(&h, &bs, 2, 2);
    WRITE(&h, &bs, "tle", 3);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(4), .bytes_written = OPT_U64(6), .bytes_read = OPT_U64(2),
                  .remaining_capacity = OPT_U64(11));
    PEEK(&h, &bs, 15, "ttle");
    POP(&h, &bs, 10, 4);
    EXPECT_STREAM(&h, &bs, .buffer_empty = TRI_YES, .bytes_read = OPT_U64(6), .eof = TRI_NO);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    two_then_read();
    interleaved();
    return 0;
}
