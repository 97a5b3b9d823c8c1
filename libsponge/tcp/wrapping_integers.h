#ifndef SPONGE_TCP_WRAPPING_INTEGERS_H
#define SPONGE_TCP_WRAPPING_INTEGERS_H

/* Wrapping integers (lab 2): between 64-bit absolute sequence numbers, which never wrap, and
 * the 32-bit ones TCP carries (struct wrap32 and its wrap-safe comparisons: util/seq32.h). */

#include "util/seq32.h"

#include <stdint.h>

/** The 32-bit sequence number of absolute sequence number `n` given the initial one `isn`. */
struct wrap32 wrap(uint64_t n, struct wrap32 isn);

/** The absolute sequence number that wraps to `n` and is closest to `checkpoint`
 *  (ties go to the smaller one; never below 0). */
uint64_t unwrap(struct wrap32 n, struct wrap32 isn, uint64_t checkpoint);

#endif
