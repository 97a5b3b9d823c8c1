/* One write, then peek, pop and read it, then end the input. */

#include "byte_stream_steps.h"

static int write_then_pop(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: one write, popped [L0.R4 L0.R5]");
    STREAM_START(&h, &bs, 15);
    WRITE(&h, &bs, "cat", 3);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(3), .remaining_capacity = OPT_U64(12), .bytes_written = OPT_U64(3),
                  .bytes_read = OPT_U64(0), .buffer_empty = TRI_NO, .eof = TRI_NO);
    PEEK(&h, &bs, 3, "cat");
    PEEK(&h, &bs, 10, "cat");
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(3), .bytes_read = OPT_U64(0));
    POP(&h, &bs, 3, 3);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(0), .remaining_capacity = OPT_U64(15), .bytes_written = OPT_U64(3),
                  .bytes_read = OPT_U64(3), .buffer_empty = TRI_YES, .eof = TRI_NO);
    STEP(&h, "end_input");
    byte_stream_end_input(&bs);
    EXPECT_STREAM(&h, &bs, .input_ended = TRI_YES, .eof = TRI_YES);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int write_end_then_read(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: eof waits until the last byte is read [L0.R6]");
    STREAM_START(&h, &bs, 15);
    WRITE(&h, &bs, "cat", 3);
    STEP(&h, "end_input");
    byte_stream_end_input(&bs);
    EXPECT_STREAM(&h, &bs, .input_ended = TRI_YES, .eof = TRI_NO, .buffer_size = OPT_U64(3));
    READ(&h, &bs, 2, "ca");
    EXPECT_STREAM(&h, &bs, .eof = TRI_NO, .bytes_read = OPT_U64(2));
    READ(&h, &bs, 2, "t");
    EXPECT_STREAM(&h, &bs, .eof = TRI_YES, .bytes_read = OPT_U64(3), .bytes_written = OPT_U64(3));
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int empty_write(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: an empty write changes nothing [L0.R2]");
    STREAM_START(&h, &bs, 4);
    WRITE(&h, &bs, "", 0);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(0), .bytes_written = OPT_U64(0), .eof = TRI_NO);
    WRITE(&h, &bs, "abcd", 4);
    WRITE(&h, &bs, "", 0);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(4), .remaining_capacity = OPT_U64(0));
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    write_then_pop();
    write_end_then_read();
    empty_write();
    return 0;
}
