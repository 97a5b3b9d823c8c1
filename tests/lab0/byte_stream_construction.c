/* A new stream, ending input on an empty stream, and the error flag. */

#include "byte_stream_steps.h"

static int fresh_stream(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: a new stream is empty and open [L0.R1]");
    STREAM_START(&h, &bs, 15);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(0), .remaining_capacity = OPT_U64(15), .bytes_written = OPT_U64(0),
                  .bytes_read = OPT_U64(0), .buffer_empty = TRI_YES, .input_ended = TRI_NO, .eof = TRI_NO,
                  .error = TRI_NO);
    PEEK(&h, &bs, 5, "");
    READ(&h, &bs, 5, "");
    POP(&h, &bs, 5, 0);
    EXPECT_STREAM(&h, &bs, .bytes_read = OPT_U64(0), .eof = TRI_NO);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int end_empty(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: ending an empty stream is eof at once [L0.R6]");
    STREAM_START(&h, &bs, 15);
    STEP(&h, "end_input");
    byte_stream_end_input(&bs);
    EXPECT_STREAM(&h, &bs, .input_ended = TRI_YES, .eof = TRI_YES, .buffer_empty = TRI_YES, .bytes_written = OPT_U64(0),
                  .remaining_capacity = OPT_U64(15), .error = TRI_NO);
    WRITE(&h, &bs, "late", 0);
    EXPECT_STREAM(&h, &bs, .eof = TRI_YES, .bytes_written = OPT_U64(0));
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int error_flag(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: set_error raises the error flag and nothing else [L0.R7]");
    STREAM_START(&h, &bs, 15);
    WRITE(&h, &bs, "abc", 3);
    STEP(&h, "set_error");
    byte_stream_set_error(&bs);
    EXPECT_STREAM(&h, &bs, .error = TRI_YES, .eof = TRI_NO, .input_ended = TRI_NO, .buffer_size = OPT_U64(3));
    READ(&h, &bs, 3, "abc");
    STEP(&h, "destroy twice");
    byte_stream_destroy(&bs);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    fresh_stream();
    end_empty();
    error_flag();
    return 0;
}
