#ifndef SPONGE_ADAPTERS_ISN_H
#define SPONGE_ADAPTERS_ISN_H
/* Initial sequence numbers as RFC 6528 section 3 asks:
 *     ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 * where M is a timer ticking every 4 microseconds and F is SipHash-2-4 of the 4-tuple under
 * a random 128-bit key. A new connection on the same 4-tuple thus starts at a higher ISN
 * than the last one (the timer moved on), while ISNs of other tuples, and the key, cannot be
 * learnt from the ISNs one sees. The clock is read here, in the adapters layer; the TCP units
 * receive the result through tcp_config's fixed_isn. */
#include "util/error.h"
#include "util/siphash.h"

#include <stdint.h>

/** The secret key, drawn once per process (or per adapter setup). */
struct isn_secret {
    uint8_t key[SIPHASH_KEY_LEN];
};

/** Draws a fresh key with getrandom(2). Returns SPONGE_OK or SPONGE_ERR_SYSTEM. */
enum sponge_err isn_secret_init(struct isn_secret *s);

/** The ISN for the 4-tuple (addresses and ports in host order) at time `now_us`
 *  (microseconds on any steady clock): (now_us / 4) mod 2^32 plus the tuple's keyed hash.
 *  Pure, for tests; isn_generate supplies the clock. */
uint32_t isn_compute(const struct isn_secret *s, uint32_t local_addr, uint16_t local_port, uint32_t remote_addr,
                     uint16_t remote_port, uint64_t now_us);

/** isn_compute at the current CLOCK_MONOTONIC time. */
uint32_t isn_generate(const struct isn_secret *s, uint32_t local_addr, uint16_t local_port, uint32_t remote_addr,
                      uint16_t remote_port);

#endif
