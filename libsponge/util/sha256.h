#ifndef SPONGE_UTIL_SHA256_H
#define SPONGE_UTIL_SHA256_H

/* SHA-256 (FIPS 180-4), incremental. Used by the benchmark apps to check that a transfer
 * delivered exactly the bytes that were sent; not constant-time, not for secrets. */

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256 {
    /* private */
    uint32_t h[8];
    uint64_t total;    /* bytes hashed so far */
    uint8_t block[64]; /* a partial block waiting for more bytes */
    size_t fill;
};

/** Starts a new hash. */
void sha256_init(struct sha256 *s);

/** Hashes `len` more bytes of `data`. */
void sha256_update(struct sha256 *s, const void *data, size_t len);

/** Finishes: writes the 32-byte digest to `out`. `s` must be re-initialised before reuse. */
void sha256_final(struct sha256 *s, uint8_t out[SHA256_DIGEST_LEN]);

/** Finishes and writes the digest as 64 lowercase hex digits plus NUL into `hex`. */
void sha256_final_hex(struct sha256 *s, char hex[2 * SHA256_DIGEST_LEN + 1]);

#endif
