/* Gaps before stored bytes: nothing is readable until the gap before it fills. */

#include "reassembler_steps.h"

static int one_hole(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a hole at the start, then filled [L1.R2]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "b", 1, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(0), .unassembled = OPT_U64(1), .buffer_size = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "");
    PUSH(&h, &r, "a", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(2), .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "ab");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int several_holes(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: several holes filled out of order [L1.R2]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "b", 1, false);
    PUSH(&h, &r, "d", 3, false);
    PUSH(&h, &r, "f", 5, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3), .bytes_written = OPT_U64(0), .input_ended = TRI_NO);
    PUSH(&h, &r, "c", 2, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(4), .bytes_written = OPT_U64(0));
    PUSH(&h, &r, "a", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(1), .bytes_written = OPT_U64(4));
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    PUSH(&h, &r, "e", 4, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(6), .input_ended = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "ef");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int fill_reaches_into_stored(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: the filling push overlaps the stored bytes after the hole [L1.R2 L1.R3]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "cdef", 2, false);
    PUSH(&h, &r, "ijk", 8, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(7));
    PUSH(&h, &r, "abcde", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3), .bytes_written = OPT_U64(6));
    EXPECT_ASSEMBLED(&h, &r, "abcdef");
    PUSH(&h, &r, "fgh", 5, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(11));
    EXPECT_ASSEMBLED(&h, &r, "ghijk");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    one_hole();
    several_holes();
    fill_reaches_into_stored();
    return 0;
}
