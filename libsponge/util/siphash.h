#ifndef SPONGE_UTIL_SIPHASH_H
#define SPONGE_UTIL_SIPHASH_H
/* SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF", 2012): a keyed hash
 * whose output cannot be predicted without the 128-bit key, used for TCP initial sequence
 * numbers (RFC 6528). Pure: no state beyond the arguments. */
#include <stddef.h>
#include <stdint.h>

#define SIPHASH_KEY_LEN 16

/** SipHash-2-4 of data[0..len) under `key`. The key's bytes 0..7 and 8..15 are read as two
 *  little-endian 64-bit words, as in the paper; the result is the 64-bit value whose
 *  little-endian bytes are the paper's output bytes. */
uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len);

#endif
