/* The same bytes arriving more than once: counted once, assembled once. */

#include "reassembler_steps.h"

static int duplicate_assembled(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: duplicates of assembled bytes are ignored [L1.R3 L1.R4]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "abcd", 0, false);
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    PUSH(&h, &r, "abcd", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .unassembled = OPT_U64(0), .buffer_size = OPT_U64(0));
    PUSH(&h, &r, "bc", 1, false);
    PUSH(&h, &r, "d", 3, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .unassembled = OPT_U64(0));
    PUSH(&h, &r, "cdef", 2, false);
    EXPECT_ASSEMBLED(&h, &r, "ef");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int duplicate_pending(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: duplicates of stored bytes are counted once [L1.R3 L1.R13]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "efgh", 4, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(4), .bytes_written = OPT_U64(0), .empty = TRI_NO);
    PUSH(&h, &r, "efgh", 4, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(4));
    PUSH(&h, &r, "fg", 5, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(4));
    PUSH(&h, &r, "ghij", 6, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(6));
    PUSH(&h, &r, "abcd", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(10), .empty = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "abcdefghij");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int duplicate_eof(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a repeated eof push changes nothing [L1.R11]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "xyz", 3, true);
    PUSH(&h, &r, "xyz", 3, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3), .input_ended = TRI_NO);
    PUSH(&h, &r, "abc", 0, false);
    EXPECT_REASM(&h, &r, .input_ended = TRI_YES, .unassembled = OPT_U64(0));
    PUSH(&h, &r, "abcxyz", 0, true);
    EXPECT_ASSEMBLED(&h, &r, "abcxyz");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    duplicate_assembled();
    duplicate_pending();
    duplicate_eof();
    return 0;
}
