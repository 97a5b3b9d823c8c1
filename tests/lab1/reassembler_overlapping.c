/* Substrings that overlap stored bytes on the left, the right, both sides, or not at all. */

#include "reassembler_steps.h"

static int covers_stored(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a push covering stored bytes on both sides [L1.R3]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "bcd", 1, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3));
    PUSH(&h, &r, "abcdef", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(6));
    EXPECT_ASSEMBLED(&h, &r, "abcdef");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int bridges_two(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a push bridging two stored pieces [L1.R3]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "c", 2, false);
    PUSH(&h, &r, "g", 6, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2));
    PUSH(&h, &r, "bcdefgh", 1, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(7), .bytes_written = OPT_U64(0));
    PUSH(&h, &r, "a", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(8));
    EXPECT_ASSEMBLED(&h, &r, "abcdefgh");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int inside_and_edges(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: pushes inside, left of and right of a stored piece [L1.R3 L1.R13]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "defg", 3, false);
    PUSH(&h, &r, "ef", 4, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(4));
    PUSH(&h, &r, "bcd", 1, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(6));
    PUSH(&h, &r, "ghi", 6, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(8));
    PUSH(&h, &r, "j", 9, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(9));
    PUSH(&h, &r, "ab", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(10));
    EXPECT_ASSEMBLED(&h, &r, "abcdefghij");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int straddles_write_position(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a push starting before the write position [L1.R4]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "abc", 0, false);
    PUSH(&h, &r, "ghi", 6, false);
    PUSH(&h, &r, "bcdef", 1, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(9));
    EXPECT_ASSEMBLED(&h, &r, "abcdefghi");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    covers_stored();
    bridges_two();
    inside_and_edges();
    straddles_write_position();
    return 0;
}
