/* Wrap-safe comparisons of 32-bit sequence numbers (RFC 793 section 3.3): a is "before" b
 * when b - a, taken modulo 2^32, is less than 2^31. */
#include "harness.h"
#include "util/seq32.h"

static void check_order(struct harness *h, uint32_t a_raw, uint32_t b_raw) {
    /* Expects a_raw to come strictly before b_raw in sequence space. */
    struct wrap32 a = wrap32_of(a_raw), b = wrap32_of(b_raw);
    STEP(h, "compare a=%u before b=%u", a_raw, b_raw);
    EXPECT_TRUE(h, "seq_lt(a, b)", seq_lt(a, b));
    EXPECT_TRUE(h, "seq_leq(a, b)", seq_leq(a, b));
    EXPECT_BOOL(h, "seq_gt(a, b)", false, seq_gt(a, b));
    EXPECT_BOOL(h, "seq_geq(a, b)", false, seq_geq(a, b));
    EXPECT_BOOL(h, "seq_lt(b, a)", false, seq_lt(b, a));
    EXPECT_TRUE(h, "seq_gt(b, a)", seq_gt(b, a));
    EXPECT_TRUE(h, "seq_geq(b, a)", seq_geq(b, a));
    EXPECT_BOOL(h, "seq_eq(a, b)", false, seq_eq(a, b));
    EXPECT_TRUE(h, "seq_diff(b, a) > 0", seq_diff(b, a) > 0);
    EXPECT_TRUE(h, "seq_diff(a, b) < 0", seq_diff(a, b) < 0);
}

int main(void) {
    struct harness h;

    harness_begin(&h, "wrapping compare: plain order [L2.R3]");
    check_order(&h, 0, 1);
    check_order(&h, 5, 1000);
    check_order(&h, 0x7ffffffe, 0x7fffffff);
    harness_end(&h);

    harness_begin(&h, "wrapping compare: across the wrap at 2^32 [L2.R3]");
    check_order(&h, UINT32_MAX, 0);
    check_order(&h, UINT32_MAX - 10, 10);
    check_order(&h, 0xf0000000u, 0x0fffffffu);
    harness_end(&h);

    harness_begin(&h, "wrapping compare: just under half the space apart [L2.R3]");
    check_order(&h, 0, 0x7fffffffu);
    check_order(&h, 0x80000001u, 0);
    check_order(&h, 0xc0000000u, 0x3fffffffu);
    harness_end(&h);

    harness_begin(&h, "wrapping compare: equality [L2.R3]");
    for (uint32_t v = 0; v < 3; v++) {
        uint32_t raw = v == 0 ? 0 : v == 1 ? 0x80000000u : UINT32_MAX;
        struct wrap32 a = wrap32_of(raw), b = wrap32_of(raw);
        STEP(&h, "compare %u with itself", raw);
        EXPECT_TRUE(&h, "seq_eq", seq_eq(a, b));
        EXPECT_TRUE(&h, "seq_leq", seq_leq(a, b));
        EXPECT_TRUE(&h, "seq_geq", seq_geq(a, b));
        EXPECT_BOOL(&h, "seq_lt", false, seq_lt(a, b));
        EXPECT_BOOL(&h, "seq_gt", false, seq_gt(a, b));
        EXPECT_EQ(&h, "seq_diff", 0, seq_diff(a, b));
    }
    harness_end(&h);

    harness_begin(&h, "wrapping compare: distance and add [L2.R3]");
    STEP(&h, "10 + 5 wraps past nothing");
    EXPECT_EQ(&h, "raw", 15, wrap32_add(wrap32_of(10), 5).raw);
    STEP(&h, "2^32 - 3 + 5 wraps to 2");
    EXPECT_EQ(&h, "raw", 2, wrap32_add(wrap32_of(UINT32_MAX - 2), 5).raw);
    EXPECT_EQ(&h, "seq_diff(2, 2^32 - 3)", 5, seq_diff(wrap32_of(2), wrap32_of(UINT32_MAX - 2)));
    EXPECT_EQ(&h, "seq_diff(2^32 - 3, 2)", (uint64_t)(int64_t)-5,
              (int64_t)seq_diff(wrap32_of(UINT32_MAX - 2), wrap32_of(2)));
    STEP(&h, "exactly half the space apart: the distance is -2^31 both ways");
    EXPECT_EQ(&h, "seq_diff(2^31, 0)", (uint64_t)(int64_t)INT32_MIN,
              (int64_t)seq_diff(wrap32_of(0x80000000u), wrap32_of(0)));
    EXPECT_EQ(&h, "seq_diff(0, 2^31)", (uint64_t)(int64_t)INT32_MIN,
              (int64_t)seq_diff(wrap32_of(0), wrap32_of(0x80000000u)));
    EXPECT_EQ(&h, "seq_diff(0, 2^31 + 1)", (uint64_t)(int64_t)INT32_MAX,
              (int64_t)seq_diff(wrap32_of(0), wrap32_of(0x80000001u)));
    return harness_end(&h);
}
