/* In-order substrings, read as they arrive or all at the end. */

#include "reassembler_steps.h"

#include <stdio.h>

static int read_as_they_come(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: in order, read after every push [L1.R1]");
    REASM_START(&h, &r, 65000);
    PUSH(&h, &r, "abcd", 0, false);
    EXPECT_ASSEMBLED(&h, &r, "abcd");
    PUSH(&h, &r, "efgh", 4, false);
    EXPECT_ASSEMBLED(&h, &r, "efgh");
    PUSH(&h, &r, "ijkl", 8, true);
    EXPECT_REASM(&h, &r, .input_ended = TRI_YES, .eof = TRI_NO, .bytes_written = OPT_U64(12));
    EXPECT_ASSEMBLED(&h, &r, "ijkl");
    EXPECT_REASM(&h, &r, .eof = TRI_YES, .unassembled = OPT_U64(0));
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int read_at_end(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: in order, read once at the end [L1.R1]");
    REASM_START(&h, &r, 65000);
    char all[200] = "";
    for (unsigned i = 0; i < 20; i++) {
        char piece[16];
        snprintf(piece, sizeof piece, "[%02u]", i);
        PUSH(&h, &r, piece, 4 * i, false);
        strcat(all, piece);
        EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(4 * (i + 1)), .unassembled = OPT_U64(0));
    }
    EXPECT_ASSEMBLED(&h, &r, all);
    EXPECT_REASM(&h, &r, .eof = TRI_NO);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int many_small(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler: one byte at a time, eof on the last [L1.R1 L1.R9]");
    REASM_START(&h, &r, 8);
    const char *text = "a longer sentence, byte by byte";
    size_t n = strlen(text);
    for (size_t i = 0; i < n; i++) {
        PUSH_N(&h, &r, text + i, 1, i, i + 1 == n);
        char one[2] = {text[i], 0};
        EXPECT_ASSEMBLED(&h, &r, one);
    }
    EXPECT_REASM(&h, &r, .eof = TRI_YES, .bytes_read = OPT_U64(n));
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    read_as_they_come();
    read_at_end();
    many_small();
    return 0;
}
