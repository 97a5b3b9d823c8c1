#ifndef SPONGE_UTIL_CHECKSUM_H
#define SPONGE_UTIL_CHECKSUM_H

/* The Internet checksum (RFC 1071) and its incremental update (RFC 1624). Sums are kept as
 * 32-bit partial sums so that several pieces (pseudo-header, header, payload parts) can be
 * added before folding. Byte order: data is summed as big-endian 16-bit words, as on the wire. */

#include "util/byte_view.h"

#include <stddef.h>
#include <stdint.h>

/** Adds `len` bytes to a partial sum. `len` may be odd only for the last piece of a sum
 *  (the odd byte is padded with zero, RFC 1071). */
uint32_t checksum_add(uint32_t partial, const void *data, size_t len);

/** Adds both pieces of `v` as one run of bytes that starts at an even offset of the summed data.
 *  A first piece of odd length is handled: the second piece's sum is byte-swapped, since a
 *  one-byte shift swaps every byte's role (RFC 1071 section 2(B), byte order independence).
 *  Like checksum_add, the whole run may have odd length only if it is the last piece. */
uint32_t checksum_add_view2(uint32_t partial, const struct byte_view2 *v);

/** Adds a 16-bit value (host order) to a partial sum. */
static inline uint32_t checksum_add16(uint32_t partial, uint16_t v) {
    return partial + v;
}

/** Adds the IPv4 pseudo-header for TCP/UDP (RFC 793 / RFC 768): addresses in host order. */
uint32_t checksum_pseudo_header(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t length);

/** Folds a partial sum and complements it: the value to put in a checksum field (host order). */
uint16_t checksum_finish(uint32_t partial);

/** RFC 1624 eqn. 3: the new checksum field after one 16-bit word changes from old_word to
 *  new_word (all host order). */
uint16_t checksum_update16(uint16_t old_checksum, uint16_t old_word, uint16_t new_word);

#endif
