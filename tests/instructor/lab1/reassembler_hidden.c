/* Instructor-only (never exported; etc/grade.sh adds it): one push that covers several stored
 * pieces and the gaps between them, with eof, assembles everything once and ends the stream. */

#include "reassembler_steps.h"

int main(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler (instructor): a push covering stored pieces and gaps");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "bc", 1, false);
    PUSH(&h, &r, "ef", 4, false);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(4), .bytes_written = OPT_U64(0));
    PUSH(&h, &r, "abcdefg", 0, true);
    EXPECT_REASM(&h, &r, .unassembled = OPT_U64(0), .bytes_written = OPT_U64(7), .input_ended = TRI_YES);
    EXPECT_ASSEMBLED(&h, &r, "abcdefg");
    EXPECT_REASM(&h, &r, .eof = TRI_YES, .empty = TRI_YES);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}
