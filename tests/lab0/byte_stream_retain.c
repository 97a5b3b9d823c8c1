/* The TCPSender's hook: bytes read with retain_output count as read and leave the writer's
 * capacity but stay in the ring, readable with peek_retained, until released. A reserve lets
 * that many be retained without taking room from the writer; beyond it they do. */

#include "byte_stream_steps.h"

static void expect_retained(struct harness *h, int line, const struct byte_stream *bs, size_t offset, size_t len,
                            const char *first, const char *second) {
    harness_step(h, __FILE__, line, "peek_retained offset %zu len %zu", offset, len);
    struct byte_view2 v = byte_stream_peek_retained(bs, offset, len);
    harness_expect_bytes(h, __FILE__, line, "part 0", first, strlen(first), v.part[0].data, v.part[0].len);
    harness_expect_bytes(h, __FILE__, line, "part 1", second, strlen(second), v.part[1].data, v.part[1].len);
}

static void retain(struct harness *h, int line, struct byte_stream *bs, size_t n, size_t expected) {
    harness_step(h, __FILE__, line, "retain_output %zu", n);
    harness_expect_u64(h, __FILE__, line, "bytes retained now", expected, byte_stream_retain_output(bs, n));
}

static void release(struct harness *h, int line, struct byte_stream *bs, size_t n) {
    harness_step(h, __FILE__, line, "release %zu", n);
    byte_stream_release(bs, n);
}

static int with_reserve(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: retained bytes within the reserve take no capacity [L0.R8 L0.R9]");
    STEP(&h, "new byte stream, capacity 4, reserve 3 (a ring of 7)");
    if (byte_stream_init_reserve(&bs, 4, 3) != SPONGE_OK) {
        FAIL(&h, "byte_stream_init_reserve failed");
    }
    WRITE(&h, &bs, "abcdef", 4);
    retain(&h, __LINE__, &bs, 3, 3);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(1), .bytes_read = OPT_U64(3), .remaining_capacity = OPT_U64(3));
    EXPECT_EQ(&h, "retained", 3, byte_stream_retained(&bs));
    expect_retained(&h, __LINE__, &bs, 0, 10, "abcd", "");
    WRITE(&h, &bs, "efgh", 3);
    STEP(&h, "the ring is full: retained abc, readable defg");
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(4), .remaining_capacity = OPT_U64(0));
    retain(&h, __LINE__, &bs, 2, 2);
    STEP(&h, "5 retained, 2 beyond the reserve: they take capacity from the writer");
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(2), .remaining_capacity = OPT_U64(0));
    release(&h, __LINE__, &bs, 2);
    EXPECT_STREAM(&h, &bs, .remaining_capacity = OPT_U64(2));
    WRITE(&h, &bs, "hij", 2);
    STEP(&h, "retained cde, readable fghi, across the end of the ring");
    expect_retained(&h, __LINE__, &bs, 0, 7, "cdefg", "hi");
    expect_retained(&h, __LINE__, &bs, 2, 3, "efg", "");
    expect_retained(&h, __LINE__, &bs, 5, 2, "hi", "");
    expect_retained(&h, __LINE__, &bs, 7, 2, "", "");
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(4), .bytes_read = OPT_U64(5), .bytes_written = OPT_U64(9));
    PEEK(&h, &bs, 10, "fghi");
    retain(&h, __LINE__, &bs, 10, 4);
    EXPECT_STREAM(&h, &bs, .buffer_empty = TRI_YES, .remaining_capacity = OPT_U64(0));
    release(&h, __LINE__, &bs, byte_stream_retained(&bs));
    EXPECT_EQ(&h, "retained", 0, byte_stream_retained(&bs));
    EXPECT_STREAM(&h, &bs, .remaining_capacity = OPT_U64(4));
    STEP(&h, "with nothing retained, the stream reads as usual again");
    WRITE(&h, &bs, "xyz", 3);
    READ(&h, &bs, 2, "xy");
    byte_stream_end_input(&bs);
    retain(&h, __LINE__, &bs, 1, 1);
    EXPECT_STREAM(&h, &bs, .eof = TRI_YES, .bytes_read = OPT_U64(12));
    expect_retained(&h, __LINE__, &bs, 0, 5, "z", "");
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

static int without_reserve(void) {
    struct harness h;
    struct byte_stream bs;
    harness_begin(&h, "byte stream: without a reserve, retained bytes hold capacity until released [L0.R8]");
    STREAM_START(&h, &bs, 5);
    WRITE(&h, &bs, "abcde", 5);
    retain(&h, __LINE__, &bs, 3, 3);
    EXPECT_STREAM(&h, &bs, .buffer_size = OPT_U64(2), .remaining_capacity = OPT_U64(0));
    release(&h, __LINE__, &bs, 1);
    EXPECT_STREAM(&h, &bs, .remaining_capacity = OPT_U64(1));
    WRITE(&h, &bs, "fg", 1);
    expect_retained(&h, __LINE__, &bs, 0, 5, "bcde", "f");
    byte_stream_destroy(&bs);
    return harness_end(&h);
}

int main(void) {
    return with_reserve() | without_reserve();
}
