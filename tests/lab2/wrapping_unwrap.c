/* unwrap(n, isn, checkpoint): the absolute seqno wrapping to n that is nearest the checkpoint
 * (ties to the smaller one), never below 0 and never past 2^64 - 1. */
#include "harness.h"
#include "tcp/wrapping_integers.h"

#define TWO32 (UINT64_C(1) << 32)
#define TWO31 (UINT64_C(1) << 31)
#define TWO63 (UINT64_C(1) << 63)

static void check_unwrap(struct harness *h, uint32_t n, uint32_t isn, uint64_t checkpoint, uint64_t expected) {
    STEP(h, "unwrap(%u, isn %u, checkpoint %llu)", n, isn, (unsigned long long)checkpoint);
    EXPECT_EQ(h, "absolute seqno", expected, unwrap(wrap32_of(n), wrap32_of(isn), checkpoint));
}

int main(void) {
    struct harness h;

    harness_begin(&h, "unwrap: near 0 [L2.R2]");
    check_unwrap(&h, 1, 0, 0, 1);
    check_unwrap(&h, 16, 16, 0, 0);
    check_unwrap(&h, 15, 16, 0, TWO32 - 1);
    check_unwrap(&h, UINT32_MAX, 0, 0, UINT32_MAX);
    check_unwrap(&h, 0, 0x7fffffffu, 0, TWO31 + 1);
    check_unwrap(&h, UINT32_MAX, 0x80000000u, 0, TWO31 - 1);
    check_unwrap(&h, 0x80000000u, 0, 0, TWO31);
    check_unwrap(&h, 5, 0, 100, 5);
    harness_end(&h);

    harness_begin(&h, "unwrap: near 2^32 [L2.R2]");
    check_unwrap(&h, 1, 0, UINT32_MAX, TWO32 + 1);
    check_unwrap(&h, UINT32_MAX, 0, TWO32, TWO32 - 1);
    check_unwrap(&h, 0, 0, TWO32 - 1, TWO32);
    check_unwrap(&h, 0, 0, TWO32 + 1, TWO32);
    check_unwrap(&h, 10, 10, TWO32 - 2, TWO32);
    check_unwrap(&h, 3, UINT32_MAX, TWO32, TWO32 + 4);
    harness_end(&h);

    harness_begin(&h, "unwrap: near multiples of 2^32 [L2.R2]");
    check_unwrap(&h, UINT32_MAX - 1, 0, 3 * TWO32, 3 * TWO32 - 2);
    check_unwrap(&h, UINT32_MAX - 10, 0, 3 * TWO32, 3 * TWO32 - 11);
    check_unwrap(&h, UINT32_MAX, 10, 3 * TWO32, 3 * TWO32 - 11);
    check_unwrap(&h, 7, 7, 1000 * TWO32, 1000 * TWO32);
    check_unwrap(&h, 6, 7, 1000 * TWO32, 1000 * TWO32 - 1);
    check_unwrap(&h, 8, 7, 1000 * TWO32, 1000 * TWO32 + 1);
    check_unwrap(&h, 8, 7, 1000 * TWO32 + TWO31 + 5, 1001 * TWO32 + 1);
    harness_end(&h);

    harness_begin(&h, "unwrap: exactly half the space away goes to the smaller [L2.R2]");
    check_unwrap(&h, 0x80000000u, 0, TWO32, TWO31);
    check_unwrap(&h, 0, 0, 5 * TWO32 + TWO31, 5 * TWO32);
    check_unwrap(&h, 0x80000001u, 0, TWO32, TWO31 + 1);
    check_unwrap(&h, 0x7fffffffu, 0, TWO32, TWO32 + TWO31 - 1);
    harness_end(&h);

    harness_begin(&h, "unwrap: near 2^63 [L2.R2]");
    check_unwrap(&h, 5, 0, TWO63, TWO63 + 5);
    check_unwrap(&h, (uint32_t)-5, 0, TWO63, TWO63 - 5);
    check_unwrap(&h, 17, 12, TWO63 - 3, TWO63 + 5);
    check_unwrap(&h, 0x80000000u, 0, TWO63, TWO63 - TWO31);
    check_unwrap(&h, 0x80000000u, 0x80000000u, TWO63 + TWO31, TWO63);
    harness_end(&h);

    harness_begin(&h, "unwrap: near 2^64 nothing overflows [L2.R2]");
    check_unwrap(&h, 0, 0, UINT64_MAX, UINT64_MAX - TWO32 + 1);
    check_unwrap(&h, UINT32_MAX - 3, 0, UINT64_MAX, UINT64_MAX - 3);
    check_unwrap(&h, UINT32_MAX, 0, UINT64_MAX, UINT64_MAX);
    check_unwrap(&h, 1, 0, UINT64_MAX - 2, UINT64_MAX - 2 - (TWO32 - 4));
    check_unwrap(&h, 0x80000000u, 1, UINT64_MAX, UINT64_MAX - TWO31);
    return harness_end(&h);
}
