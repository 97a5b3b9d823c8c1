/* Capacity: assembled-but-unread and stored bytes together never exceed the capacity. */

#include "reassembler_steps.h"

static int full_output_blocks(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a full output accepts nothing until read [L1.R6]");
    REASM_START(&h, &r, 2);
    PUSH(&h, &r, "ab", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(2), .buffer_size = OPT_U64(2));
    PUSH(&h, &r, "cd", 2, false);
    PUSH(&h, &r, "d", 3, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(2), .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "ab");
    PUSH(&h, &r, "cd", 2, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4));
    EXPECT_ASSEMBLED(&h, &r, "cd");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int stored_within_capacity(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: unread plus stored bytes stay within capacity [L1.R5]");
    REASM_START(&h, &r, 6);
    PUSH(&h, &r, "abc", 0, false);
    PUSH(&h, &r, "efghij", 4, false);
    EXPECT_REASM(&h, &r, .buffer_size = OPT_U64(3), .unassembled = OPT_U64(2));
    PUSH(&h, &r, "d", 3, false);
    EXPECT_REASM(&h, &r, .buffer_size = OPT_U64(6), .unassembled = OPT_U64(0), .bytes_written = OPT_U64(6));
    PUSH(&h, &r, "ghij", 6, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(6), .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abcdef");
    PUSH(&h, &r, "ghij", 6, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(10), .input_ended = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "ghij");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int stream_longer_than_capacity(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a long stream through a small window, reversed pairs [L1.R2 L1.R5 L1.R6]");
    REASM_START(&h, &r, 4);
    const char *text = "0123456789abcdefghij";
    for (size_t i = 0; i < 20; i += 4) {
        PUSH_N(&h, &r, text + i + 2, 2, i + 2, i + 4 == 20);
        EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2));
        PUSH_N(&h, &r, text + i, 2, i, false);
        char expect[5] = {0};
        memcpy(expect, text + i, 4);
        EXPECT_ASSEMBLED(&h, &r, expect);
    }
    EXPECT_REASM(&h, &r, .eof = TRI_YES, .bytes_read = OPT_U64(20));
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    full_output_blocks();
    stored_within_capacity();
    stream_longer_than_capacity();
    return 0;
}
