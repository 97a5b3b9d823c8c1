/* End of stream: honoured once the last index is known and every byte before it arrived.
 * An eof substring cut short by the window does not tell where the stream ends. The first
 * eof substring that does tell fixes the end: later ones that disagree do not move it. */

#include "reassembler_steps.h"

static int empty_eof_later(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: an empty eof push ahead of the data [L1.R9]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "", 5, true);
    EXPECT_REASM(&h, &r, .input_ended = TRI_NO, .unassembled = OPT_U64(0), .empty = TRI_YES);
    PUSH(&h, &r, "abc", 0, false);
    EXPECT_REASM(&h, &r, .input_ended = TRI_NO, .bytes_written = OPT_U64(3));
    PUSH(&h, &r, "de", 3, false);
    EXPECT_REASM(&h, &r, .input_ended = TRI_YES, .bytes_written = OPT_U64(5));
    EXPECT_ASSEMBLED(&h, &r, "abcde");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int empty_eof_after_data(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: an empty eof push after all the data [L1.R9]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "abc", 0, false);
    EXPECT_ASSEMBLED(&h, &r, "abc");
    EXPECT_REASM(&h, &r, .eof = TRI_NO);
    PUSH(&h, &r, "", 3, true);
    EXPECT_REASM(&h, &r, .eof = TRI_YES, .bytes_written = OPT_U64(3));
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int eof_before_hole(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: eof arrives before the hole is filled [L1.R9]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "cd", 2, true);
    EXPECT_REASM(&h, &r, .input_ended = TRI_NO, .unassembled = OPT_U64(2));
    PUSH(&h, &r, "a", 0, false);
    EXPECT_REASM(&h, &r, .input_ended = TRI_NO, .bytes_written = OPT_U64(1));
    PUSH(&h, &r, "b", 1, false);
    EXPECT_REASM(&h, &r, .input_ended = TRI_YES, .bytes_written = OPT_U64(4), .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int eof_cut_by_window(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: an eof push cut by the window does not end the stream [L1.R8]");
    REASM_START(&h, &r, 4);
    PUSH(&h, &r, "abcdef", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .input_ended = TRI_NO);
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    PUSH(&h, &r, "e", 4, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(5), .input_ended = TRI_NO);
    PUSH(&h, &r, "ef", 4, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(6), .input_ended = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "ef");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int stored_eof_cut_by_window(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: a stored eof push cut by the window [L1.R8]");
    REASM_START(&h, &r, 4);
    PUSH(&h, &r, "cdef", 2, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2), .input_ended = TRI_NO);
    PUSH(&h, &r, "ab", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .input_ended = TRI_NO);
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    PUSH(&h, &r, "ef", 4, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(6), .input_ended = TRI_NO);
    PUSH(&h, &r, "", 6, true);
    EXPECT_REASM(&h, &r, .input_ended = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "ef");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int eof_at_window_edge(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: an eof push ending exactly at the window edge [L1.R8 L1.R9]");
    REASM_START(&h, &r, 4);
    PUSH(&h, &r, "cd", 2, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2), .input_ended = TRI_NO);
    PUSH(&h, &r, "ab", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .input_ended = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int bytes_past_eof(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: bytes past a known end are dropped [L1.R10]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "de", 3, true);
    PUSH(&h, &r, "fgh", 5, false);
    PUSH(&h, &r, "efg", 4, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2));
    PUSH(&h, &r, "abcdefgh", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(5), .input_ended = TRI_YES, .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abcde");
    PUSH(&h, &r, "fgh", 5, false);
    EXPECT_REASM(&h, &r, .eof = TRI_YES, .bytes_written = OPT_U64(5), .unassembled = OPT_U64(0));
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int stored_past_eof_forgotten(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: stored bytes past an end learnt later are forgotten [L1.R10 L1.R13]");
    REASM_START(&h, &r, 16);
    PUSH(&h, &r, "fgh", 5, false);
    PUSH(&h, &r, "c", 2, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(4));
    PUSH(&h, &r, "de", 3, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3), .empty = TRI_NO);
    PUSH(&h, &r, "ab", 0, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(5), .input_ended = TRI_YES,
                 .empty = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "abcde");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int later_eof_ends_later(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: two eof pushes disagree, the later one longer: the first end stands [L1.R11]");
    REASM_START(&h, &r, 64);
    PUSH(&h, &r, "cd", 2, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2), .input_ended = TRI_NO);
    PUSH(&h, &r, "cdef", 2, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(2), .input_ended = TRI_NO);
    PUSH(&h, &r, "ab", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .input_ended = TRI_YES, .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int later_eof_ends_sooner(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: two eof pushes disagree, the later one shorter: the first end stands [L1.R11]");
    REASM_START(&h, &r, 64);
    PUSH(&h, &r, "cd", 2, true);
    PUSH(&h, &r, "b", 1, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(3), .input_ended = TRI_NO, .bytes_written = OPT_U64(0));
    PUSH(&h, &r, "a", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .input_ended = TRI_YES, .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int eof_after_the_end(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: an ended stream stays ended at the same byte [L1.R11]");
    REASM_START(&h, &r, 64);
    PUSH(&h, &r, "abc", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(3), .input_ended = TRI_YES);
    PUSH(&h, &r, "abcdef", 0, true);
    PUSH(&h, &r, "xyz", 3, true);
    PUSH(&h, &r, "a", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(3), .input_ended = TRI_YES, .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abc");
    EXPECT_REASM(&h, &r, .eof = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int stale_eof_ignored(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: an eof push ending before the assembled bytes says nothing [L1.R11]");
    REASM_START(&h, &r, 64);
    PUSH(&h, &r, "abcd", 0, false);
    PUSH(&h, &r, "ab", 0, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4), .input_ended = TRI_NO);
    PUSH(&h, &r, "f", 5, false);
    PUSH(&h, &r, "e", 4, true);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(5), .input_ended = TRI_YES, .unassembled = OPT_U64(0));
    EXPECT_ASSEMBLED(&h, &r, "abcde");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    empty_eof_later();
    empty_eof_after_data();
    eof_before_hole();
    eof_cut_by_window();
    stored_eof_cut_by_window();
    eof_at_window_edge();
    bytes_past_eof();
    stored_past_eof_forgotten();
    later_eof_ends_later();
    later_eof_ends_sooner();
    eof_after_the_end();
    stale_eof_ignored();
    return 0;
}
