/* One substring at a time: a single push, a single byte, a whole stream with eof. */

#include "reassembler_steps.h"

static int single_push(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: one push at index 0 is assembled at once [L1.R1]");
    REASM_START(&h, &r, 65000);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(0), .unassembled = OPT_U64(0), .empty = TRI_YES, .eof = TRI_NO);
    PUSH(&h, &r, "abcd", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .unassembled = OPT_U64(0), .empty = TRI_YES,
                 .buffer_size = OPT_U64(4), .eof = TRI_NO);
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    EXPECT_REASM(&h, &r, .bytes_read = OPT_U64(4), .input_ended = TRI_NO);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int single_byte(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: one byte [L1.R1]");
    REASM_START(&h, &r, 1);
    PUSH(&h, &r, "a", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(1), .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "a");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int whole_stream(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: the whole stream in one push with eof [L1.R1 L1.R9]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "abcd", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .input_ended = TRI_YES, .eof = TRI_NO, .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    EXPECT_REASM(&h, &r, .eof = TRI_YES, .bytes_read = OPT_U64(4));
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int empty_stream(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: an empty stream ends with an empty eof push [L1.R9]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(0), .input_ended = TRI_NO, .empty = TRI_YES);
    PUSH(&h, &r, "", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(0), .input_ended = TRI_YES, .eof = TRI_YES, .empty = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    single_push();
    single_byte();
    whole_stream();
    empty_stream();
    return 0;
}
