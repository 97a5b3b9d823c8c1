/* The zero-copy and placement hooks where the ring wraps: peek_view stops at the end of the
 * ring, peek_at returns two pieces, write_at and commit place bytes across the end. */

#include "byte_stream_steps.h"

static void expect_view(struct harness *h, int line, struct byte_view v, const char *expected) {
    harness_expect_bytes(h, __FILE__, line, "peek_view", expected, strlen(expected), v.data, v.len);
}

static void expect_view2(struct harness *h, int line, struct byte_view2 v, const char *first, const char *second) {
    harness_expect_bytes(h, __FILE__, line, "peek_at part 0", first, strlen(first), v.part[0].data, v.part[0].len);
    harness_expect_bytes(h, __FILE__, line, "peek_at part 1", second, strlen(second), v.part[1].data, v.part[1].len);
}

static int views_at_wrap(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: peek_view and peek_at across the end of the ring [L0.R9]");
    STREAM_START(&h, &bs, 8);
    WRITE(&h, &bs, "012345", 6);
    POP(&h, &bs, 5, 5);
    STEP(&h, "the readable byte '5' sits at ring position 5");
    WRITE(&h, &bs, "ABCDEF", 6);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(7), .remaining_capacity = OPT_U64(1));
    STEP(&h, "peek_view");
    expect_view(&h, __LINE__, byte_stream_peek_view(&bs), "5AB");
    STEP(&h, "peek_at offset 0 len 7");
    expect_view2(&h, __LINE__, byte_stream_peek_at(&bs, 0, 7), "5AB", "CDEF");
    STEP(&h, "peek_at offset 2 len 100");
    expect_view2(&h, __LINE__, byte_stream_peek_at(&bs, 2, 100), "B", "CDEF");
    STEP(&h, "peek_at offset 3 len 2 (starts past the wrap)");
    expect_view2(&h, __LINE__, byte_stream_peek_at(&bs, 3, 2), "CD", "");
    STEP(&h, "peek_at offset 1 len 2 (ends at the wrap)");
    expect_view2(&h, __LINE__, byte_stream_peek_at(&bs, 1, 2), "AB", "");
    STEP(&h, "peek_at offset 7 (nothing left)");
    expect_view2(&h, __LINE__, byte_stream_peek_at(&bs, 7, 4), "", "");
    PEEK(&h, &bs, 8, "5ABCDEF");
    READ(&h, &bs, 4, "5ABC");
    STEP(&h, "peek_view after the read position wrapped");
    expect_view(&h, __LINE__, byte_stream_peek_view(&bs), "DEF");
    READ(&h, &bs, 8, "DEF");
    STEP(&h, "peek_view of an empty stream");
    struct byte_view empty = byte_stream_peek_view(&bs);
    EXPECT_EQ(&h, "peek_view length", 0, empty.len);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int write_at_wrap(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: write_at and commit across the end of the ring [L0.R9]");
    STREAM_START(&h, &bs, 8);
    WRITE(&h, &bs, "012345", 6);
    READ(&h, &bs, 6, "012345");
    STEP(&h, "write_at offset 1 \"wxyz\" (ring positions 7, 0, 1, 2)");
    byte_stream_write_at(&bs, 1, "wxyz", 4);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(0), .bytes_written = OPT_U64(6), .remaining_capacity = OPT_U64(8));
    PEEK(&h, &bs, 8, "");
    STEP(&h, "write_at offset 0 \"v\"");
    byte_stream_write_at(&bs, 0, "v", 1);
    STEP(&h, "commit 0");
    byte_stream_commit(&bs, 0);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(0));
    STEP(&h, "commit 5");
    byte_stream_commit(&bs, 5);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(5), .bytes_written = OPT_U64(11), .remaining_capacity = OPT_U64(3));
    STEP(&h, "peek_view");
    expect_view(&h, __LINE__, byte_stream_peek_view(&bs), "vw");
    STEP(&h, "peek_at offset 0 len 5");
    expect_view2(&h, __LINE__, byte_stream_peek_at(&bs, 0, 5), "vw", "xyz");
    STEP(&h, "write_at offset 2 \"!\" then write \"ab\" over the gap");
    byte_stream_write_at(&bs, 2, "!", 1);
    WRITE(&h, &bs, "ab", 2);
    STEP(&h, "commit 1 (the byte placed after the write)");
    byte_stream_commit(&bs, 1);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(8), .remaining_capacity = OPT_U64(0));
    READ(&h, &bs, 8, "vwxyzab!");
    STEP(&h, "write_at offset 8 len 0 at the very end of the room");
    byte_stream_write_at(&bs, 8, "", 0);
    EXPECT_STREAM(&h, &bs, .bytes_written = OPT_U64(14), .bytes_read = OPT_U64(14), .buffer_empty = TRI_YES);
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int write_to_ring_end(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: a write ending exactly at the end of the ring [L0.R9]");
    STREAM_START(&h, &bs, 5);
    WRITE(&h, &bs, "ab", 2);
    READ(&h, &bs, 2, "ab");
    WRITE(&h, &bs, "cde", 3);
    STEP(&h, "peek_view (positions 2..4, the whole content)");
    expect_view(&h, __LINE__, byte_stream_peek_view(&bs), "cde");
    WRITE(&h, &bs, "fghij", 2);
    STEP(&h, "peek_view stops at the end of the ring");
    expect_view(&h, __LINE__, byte_stream_peek_view(&bs), "cde");
    STEP(&h, "peek_at offset 3 starts at ring position 0");
    expect_view2(&h, __LINE__, byte_stream_peek_at(&bs, 3, 5), "fg", "");
    READ(&h, &bs, 5, "cdefg");
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    views_at_wrap();
    write_at_wrap();
    write_to_ring_end();
    return 0;
}
