#ifndef SPONGE_UTIL_SEQ32_H
#define SPONGE_UTIL_SEQ32_H

/* 32-bit TCP sequence numbers and their wrap-safe comparison (RFC 793 section 3.3, "modulo
 * 2**32" arithmetic). A struct, not a bare uint32_t, so that sequence numbers cannot be
 * compared as plain integers by accident: every comparison goes through the seq_* functions
 * below. Here, below wire/, because the TCP header carries them; converting to and from
 * 64-bit absolute sequence numbers (wrap, unwrap) is lab 2's, in tcp/wrapping_integers.h. */

#include <stdbool.h>
#include <stdint.h>

struct wrap32 {
    uint32_t raw;
};

static inline struct wrap32 wrap32_of(uint32_t raw) {
    return (struct wrap32){raw};
}

/** `a + n`, wrapping. */
static inline struct wrap32 wrap32_add(struct wrap32 a, uint32_t n) {
    return (struct wrap32){a.raw + n};
}

/** Signed distance a - b modulo 2^32, in [-2^31, 2^31). */
static inline int32_t seq_diff(struct wrap32 a, struct wrap32 b) {
    uint32_t d = a.raw - b.raw;
    /* Converting a uint32_t above INT32_MAX to int32_t is implementation-defined in C11, so
     * the negative half is computed explicitly (compilers fold this to a plain move). */
    return d <= INT32_MAX ? (int32_t)d : -(int32_t)(UINT32_MAX - d) - 1;
}
static inline bool seq_eq(struct wrap32 a, struct wrap32 b) {
    return a.raw == b.raw;
}
static inline bool seq_lt(struct wrap32 a, struct wrap32 b) {
    return seq_diff(a, b) < 0;
}
static inline bool seq_leq(struct wrap32 a, struct wrap32 b) {
    return seq_diff(a, b) <= 0;
}
static inline bool seq_gt(struct wrap32 a, struct wrap32 b) {
    return seq_diff(a, b) > 0;
}
static inline bool seq_geq(struct wrap32 a, struct wrap32 b) {
    return seq_diff(a, b) >= 0;
}

#endif
