#include "tcp/wrapping_integers.h"

#define SPAN (UINT64_C(1) << 32)

/* LAB2 BEGIN: wrap and unwrap between 64-bit and 32-bit sequence numbers */

struct wrap32 wrap(uint64_t n, struct wrap32 isn) {
    /* Only the low 32 bits of n survive: sequence space is modulo 2^32 (RFC 793, 3.3). */
    return wrap32_add(isn, (uint32_t)n);
}

uint64_t unwrap(struct wrap32 n, struct wrap32 isn, uint64_t checkpoint) {
    /* Every absolute seqno that wraps to n is congruent to (n - isn) modulo 2^32. Of those,
     * the two nearest the checkpoint lie `ahead` above it and `SPAN - ahead` below it. */
    uint32_t offset = n.raw - isn.raw;
    uint64_t ahead = (uint32_t)(offset - (uint32_t)checkpoint);
    if (ahead == 0) {
        return checkpoint;
    }
    uint64_t behind = SPAN - ahead;
    bool can_go_up = checkpoint <= UINT64_MAX - ahead;
    bool can_go_down = checkpoint >= behind;
    /* Prefer the nearer one; on a tie (ahead == behind == 2^31) the smaller one. Near 0 or
     * near 2^64 only one of them exists. */
    if (can_go_down && (behind <= ahead || !can_go_up)) {
        return checkpoint - behind;
    }
    return checkpoint + ahead;
}
