/* wrap(n, isn): absolute sequence number to the 32-bit one on the wire. */
#include "harness.h"
#include "tcp/wrapping_integers.h"

static void check_wrap(struct harness *h, uint64_t n, uint32_t isn, uint32_t expected) {
    STEP(h, "wrap(%llu, isn %u)", (unsigned long long)n, isn);
    EXPECT_EQ(h, "seqno", expected, wrap(n, wrap32_of(isn)).raw);
}

int main(void) {
    struct harness h;
    const uint64_t two32 = UINT64_C(1) << 32;

    harness_begin(&h, "wrap: isn 0 [L2.R1]");
    check_wrap(&h, 0, 0, 0);
    check_wrap(&h, 1, 0, 1);
    check_wrap(&h, two32 - 1, 0, UINT32_MAX);
    check_wrap(&h, two32, 0, 0);
    check_wrap(&h, 3 * two32 + 17, 0, 17);
    harness_end(&h);

    harness_begin(&h, "wrap: non-zero isn wraps around [L2.R1]");
    check_wrap(&h, 0, 0x12345678u, 0x12345678u);
    check_wrap(&h, 3, UINT32_MAX, 2);
    check_wrap(&h, two32 - 1, 1, 0);
    check_wrap(&h, two32 + 2, 0xfffffffeu, 0);
    check_wrap(&h, 17, 15, 32);
    harness_end(&h);

    harness_begin(&h, "wrap: very large absolute seqnos [L2.R1]");
    check_wrap(&h, UINT64_C(1) << 63, 0, 0);
    check_wrap(&h, (UINT64_C(1) << 63) + 5, 10, 15);
    check_wrap(&h, UINT64_MAX, 0, UINT32_MAX);
    check_wrap(&h, UINT64_MAX, 1, 0);
    check_wrap(&h, UINT64_MAX - 1, 0x80000000u, 0x7ffffffeu);
    return harness_end(&h);
}
