/* Instructor-only (never exported; etc/grade.sh adds it): a full stream keeps refusing bytes
 * until some are popped, and the freed room is reused in order across the buffer's end. */

#include "byte_stream_steps.h"

int main(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream (instructor): refill after partial pops");
    STREAM_START(&h, &bs, 3);
    WRITE(&h, &bs, "abcdef", 3);
    WRITE(&h, &bs, "g", 0);
    EXPECT_STREAM(&h, &bs, .remaining_capacity = OPT_U64(0), .bytes_written = OPT_U64(3));
    POP(&h, &bs, 2, 2);
    WRITE(&h, &bs, "xyz", 2);
    PEEK(&h, &bs, 3, "cxy");
    WRITE(&h, &bs, "", 0);
    READ(&h, &bs, 1, "c");
    WRITE(&h, &bs, "z", 1);
    STEP(&h, "end_input");
    byte_stream_end_input(&bs);
    EXPECT_STREAM(&h, &bs, .eof = TRI_NO, .input_ended = TRI_YES, .buffer_size = OPT_U64(3));
    READ(&h, &bs, 10, "xyz");
    EXPECT_STREAM(&h, &bs, .eof = TRI_YES, .bytes_written = OPT_U64(6), .bytes_read = OPT_U64(6));
    byte_stream_destroy(&bs);
    return harness_end(&h);
}
