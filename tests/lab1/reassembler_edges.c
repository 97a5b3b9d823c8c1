/* Indexes and lengths at the extremes: far past the window, near UINT64_MAX, lengths near
 * SIZE_MAX. The reassembler reads only the bytes of `data` that fall inside its window, so
 * a huge `len` with a small buffer is safe as long as the window is smaller than the buffer. */

#include "reassembler_steps.h"

#include <stdint.h>

static int far_indexes(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: indexes far past the window are dropped [L1.R5 L1.R12]");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "far", 1000000, false);
    PUSH(&h, &r, "far", 8, false);
    PUSH(&h, &r, "x", (uint64_t)1 << 40, true);
    PUSH(&h, &r, "", (uint64_t)1 << 40, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(0), .input_ended = TRI_NO);
    PUSH(&h, &r, "h", 7, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(1));
    PUSH(&h, &r, "abcdefg", 0, false);
    EXPECT_ASSEMBLED(&h, &r, "abcdefgh");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int near_uint64_max(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: indexes whose end would pass UINT64_MAX [L1.R12]");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "abcde", UINT64_MAX - 1, true);
    PUSH(&h, &r, "z", UINT64_MAX, true);
    PUSH(&h, &r, "", UINT64_MAX, true);
    PUSH_N(&h, &r, "abcd", SIZE_MAX, UINT64_MAX - 2, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(0), .input_ended = TRI_NO);
    PUSH(&h, &r, "ab", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(2), .input_ended = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "ab");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int huge_lengths(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: lengths near SIZE_MAX take only the window [L1.R12]");
    REASM_START(&h, &r, 4);
    static const char data[] = "abcdefgh";
    PUSH_N(&h, &r, data + 1, SIZE_MAX, 1, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3), .input_ended = TRI_NO);
    PUSH_N(&h, &r, data, SIZE_MAX - 1, 0, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(4), .input_ended = TRI_NO);
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    PUSH_N(&h, &r, data, SIZE_MAX, 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(8), .input_ended = TRI_NO);
    EXPECT_ASSEMBLED(&h, &r, "efgh");
    PUSH(&h, &r, "", 8, true);
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int late_and_stale(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: pushes entirely before the write position are ignored [L1.R4]");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "abcdef", 0, false);
    EXPECT_ASSEMBLED(&h, &r, "abcdef");
    PUSH(&h, &r, "abc", 0, true);
    PUSH(&h, &r, "", 2, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(6), .unassembled = OPT_U64(0), .buffer_size = OPT_U64(0),
                 .input_ended = TRI_NO);
    STEP(&h, "the stale eof (end 3 < 6 assembled) was not taken as the end");
    PUSH(&h, &r, "gh", 6, true);
    EXPECT_REASM(&h, &r, .input_ended = TRI_YES, .bytes_written = OPT_U64(8));
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    far_indexes();
    near_uint64_max();
    huge_lengths();
    late_and_stale();
    return 0;
}
