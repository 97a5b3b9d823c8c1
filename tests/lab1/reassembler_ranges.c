/* stream_reassembler_present_ranges: the runs of stored bytes past the first unassembled one,
 * as absolute [left, right) indexes in order, at most `max` of them (what a receiver reports
 * in SACK blocks, RFC 2018). The random tests check them after every push as well
 * (reassembler_model.h); these are the traces to read first. */

#include "reassembler_steps.h"

#include <stdio.h>

/* Calls present_ranges(max) and expects exactly the `n` ranges {left, right} in `want`, with
 * nothing written past them. */
static void expect_ranges(struct harness *h, int line, struct stream_reassembler *r, size_t max, size_t n,
                          const uint64_t (*want)[2]) {
    uint64_t left[8], right[8];
    for (size_t k = 0; k < 8; k++) {
        left[k] = right[k] = UINT64_MAX;
    }
    harness_step(h, __FILE__, line, "present_ranges(max %zu)", max);
    harness_expect_u64(h, __FILE__, line, "ranges listed", n, stream_reassembler_present_ranges(r, max, left, right));
    for (size_t k = 0; k < n; k++) {
        char what[64];
        snprintf(what, sizeof what, "range %zu left", k);
        harness_expect_u64(h, __FILE__, line, what, want[k][0], left[k]);
        snprintf(what, sizeof what, "range %zu right (one past its last byte)", k);
        harness_expect_u64(h, __FILE__, line, what, want[k][1], right[k]);
    }
    harness_expect_u64(h, __FILE__, line, "left[] past the ranges untouched", UINT64_MAX, left[n]);
    harness_expect_u64(h, __FILE__, line, "right[] past the ranges untouched", UINT64_MAX, right[n]);
}

#define EXPECT_RANGES(h, r, max, ...)                                                                                  \
    do {                                                                                                               \
        static const uint64_t want_[][2] = {__VA_ARGS__};                                                              \
        expect_ranges((h), __LINE__, (r), (max), sizeof want_ / sizeof want_[0], want_);                               \
    } while (0)
#define EXPECT_NO_RANGES(h, r, max) expect_ranges((h), __LINE__, (r), (max), 0, NULL)

static int holes_and_max(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler ranges: one per run of stored bytes, in order, at most max [L1.R14]");
    REASM_START(&h, &r, 100);
    EXPECT_NO_RANGES(&h, &r, 4);
    PUSH(&h, &r, "ef", 4, false);
    PUSH(&h, &r, "xy", 40, false);
    PUSH(&h, &r, "g", 6, false);
    PUSH(&h, &r, "b", 1, false);
    EXPECT_RANGES(&h, &r, 4, {1, 2}, {4, 7}, {40, 42});
    EXPECT_RANGES(&h, &r, 2, {1, 2}, {4, 7});
    EXPECT_NO_RANGES(&h, &r, 0);
    PUSH(&h, &r, "cd", 2, false);
    EXPECT_RANGES(&h, &r, 4, {1, 7}, {40, 42});
    PUSH(&h, &r, "a", 0, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(7));
    EXPECT_RANGES(&h, &r, 4, {40, 42});
    PUSH(&h, &r, "z", 99, false);
    PUSH(&h, &r, "past", 100, false);
    EXPECT_RANGES(&h, &r, 4, {40, 42}, {99, 100});
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int absolute_after_reads(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler ranges: absolute indexes once bytes were read (the window wraps) [L1.R14]");
    REASM_START(&h, &r, 8);
    PUSH(&h, &r, "abcdef", 0, false);
    EXPECT_ASSEMBLED(&h, &r, "abcdef");
    PUSH(&h, &r, "k", 10, false);
    PUSH(&h, &r, "mn", 12, false);
    EXPECT_REASM(&h, &r, .bytes_written = OPT_U64(6), .bytes_read = OPT_U64(6), .unassembled = OPT_U64(3));
    EXPECT_RANGES(&h, &r, 4, {10, 11}, {12, 14});
    PUSH(&h, &r, "ghij", 6, false);
    EXPECT_RANGES(&h, &r, 4, {12, 14});
    PUSH(&h, &r, "l", 11, false);
    EXPECT_NO_RANGES(&h, &r, 4);
    EXPECT_ASSEMBLED(&h, &r, "ghijklmn");
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

static int not_past_the_end(void) {
    struct harness h;
    struct stream_reassembler r;
    harness_begin(&h, "reassembler ranges: bytes past a known end are not listed [L1.R14 L1.R10]");
    REASM_START(&h, &r, 64);
    PUSH(&h, &r, "gh", 6, false);
    PUSH(&h, &r, "c", 2, false);
    EXPECT_RANGES(&h, &r, 4, {2, 3}, {6, 8});
    PUSH(&h, &r, "de", 3, true);
    EXPECT_RANGES(&h, &r, 4, {2, 5});
    PUSH(&h, &r, "ab", 0, false);
    EXPECT_REASM(&h, &r, .input_ended = TRI_YES, .unassembled = OPT_U64(0));
    EXPECT_NO_RANGES(&h, &r, 4);
    stream_reassembler_destroy(&r);
    return harness_end(&h);
}

int main(void) {
    holes_and_max();
    absolute_after_reads();
    not_past_the_end();
    return 0;
}
