/* The window: bytes at index >= bytes_read + capacity are dropped, and the window moves as
 * the application reads. Stored bytes keep their place while the reader pops around them. */

#include "reassembler_steps.h"

static int cut_at_capacity(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: in-order bytes past the window are dropped [L1.R5]");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "abcdefghijkl", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(8), .unassembled = OPT_U64(0), .buffer_size = OPT_U64(8));
    PUSH(&h, &r, "ijkl", 8, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(8), .unassembled = OPT_U64(0));
    STEP(&h, "read 3 bytes: the window is now [8, 11)");
    char buf[3];
    EXPECT_EQ(&h, "bytes read", 3, byte_stream_read(stream_reassembler_stream_out(&r), buf, 3));
    PUSH(&h, &r, "m", 12, false);
    PUSH(&h, &r, "l", 11, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0));
    PUSH(&h, &r, "ijkl", 8, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(11), .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "defghijk");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int out_of_order_cut(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: stored bytes past the window are dropped [L1.R5]");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "defghijk", 3, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(5), .bytes_written = OPT_U64(0));
    PUSH(&h, &r, "abc", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(8));
    EXPECT_ASSEMBLED(&h, &r, "abcdefgh");
    PUSH(&h, &r, "ijk", 8, false);
    EXPECT_ASSEMBLED(&h, &r, "ijk");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int stored_survive_reads(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: stored bytes stay put while the reader pops [L1.R7]");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "ab", 0, false);
    PUSH(&h, &r, "h", 7, false);
    STEP(&h, "read 1 byte: the window is now [2, 9)");
    char buf[1];
    EXPECT_EQ(&h, "bytes read", 1, byte_stream_read(stream_reassembler_stream_out(&r), buf, 1));
    PUSH(&h, &r, "xyz", 8, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2));
    PUSH(&h, &r, "cdefg", 2, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(9), .buffer_size = OPT_U64(8));
    EXPECT_ASSEMBLED(&h, &r, "bcdefghx");
    PUSH(&h, &r, "xyz", 8, false);
    EXPECT_ASSEMBLED(&h, &r, "yz");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int window_wraps_ring(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: stored pieces across the end of the output ring [L1.R7]");
    REASM_START(&h, &r, 5);
    PUSH(&h, &r, "abc", 0, false);
    EXPECT_ASSEMBLED(&h, &r, "abc");
    STEP(&h, "the window is [3, 8): ring positions 3, 4, 0, 1, 2");
    PUSH(&h, &r, "gh", 6, false);
    PUSH(&h, &r, "e", 4, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3));
    PUSH(&h, &r, "d", 3, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2), .bytes_written = OPT_U64(5));
    PUSH(&h, &r, "f", 5, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(8));
    EXPECT_ASSEMBLED(&h, &r, "defgh");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    cut_at_capacity();
    out_of_order_cut();
    stored_survive_reads();
    window_wraps_ring();
    return 0;
}
