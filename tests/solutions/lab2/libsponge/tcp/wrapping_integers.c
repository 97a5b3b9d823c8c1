/* Lab 2, minimal solution: wrap and unwrap. */

/* LAB2 BEGIN: wrap and unwrap between 64-bit and 32-bit sequence numbers */

struct wrap32 wrap(uint64_t n, struct wrap32 isn) {
    return wrap32_of(isn.raw + (uint32_t)(n & 0xffffffffu));
}

uint64_t unwrap(struct wrap32 n, struct wrap32 isn, uint64_t checkpoint) {
    const uint64_t span = 1ull << 32;
    const uint64_t half = 1ull << 31;
    uint64_t offset = (uint32_t)(n.raw - isn.raw);
    /* The candidate in the same 2^32 block as the checkpoint, then the block above or below
     * if that one is closer (on a tie, the smaller one). */
    uint64_t c = (checkpoint & ~(span - 1)) + offset;
    if (c > checkpoint) {
        if (c - checkpoint >= half && c >= span) {
            c -= span;
        }
    } else if (checkpoint - c > half && c <= UINT64_MAX - span) {
        c += span;
    }
    return c;
}
