#ifndef SPONGE_FUZZ_TARGETS_H
#define SPONGE_FUZZ_TARGETS_H
/* The fuzz targets, shared by the libFuzzer entry points (tests/fuzz/entry.c, built only with
 * -DSPONGE_FUZZ=ON) and by the plain-C replay test tests/framework/fuzz_replay.c, which runs every
 * saved input (corpus and regressions) through the same functions.
 *
 * Each target takes any bytes, drives one part of the library with them and checks its
 * invariants. A broken invariant calls fuzz_fail, which prints what broke and aborts: the
 * fuzzer records the input as a crash, the replay test fails. Returns 0 (libFuzzer's rule). */
#include <stddef.h>
#include <stdint.h>

int fuzz_parsers(const uint8_t *data, size_t len);
int fuzz_tcp_parse(const uint8_t *data, size_t len);
int fuzz_reassembler(const uint8_t *data, size_t len);
int fuzz_tcp_connection(const uint8_t *data, size_t len);
int fuzz_tcp_pair(const uint8_t *data, size_t len);
int fuzz_network_interface(const uint8_t *data, size_t len);
int fuzz_router(const uint8_t *data, size_t len);
int fuzz_ipv4_reassembler(const uint8_t *data, size_t len);
int fuzz_icmp(const uint8_t *data, size_t len);

/** Name and function of every target, in a table ended by a NULL name. */
struct fuzz_target {
    const char *name;
    int (*run)(const uint8_t *data, size_t len);
};
extern const struct fuzz_target fuzz_targets[];

/** Prints "fuzz invariant broken: what (file:line)" to stderr and aborts. */
_Noreturn void fuzz_fail(const char *what, const char *file, int line);
#define FUZZ_CHECK(cond)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fuzz_fail(#cond, __FILE__, __LINE__);                                                                      \
        }                                                                                                              \
    } while (0)

/** Reads the fuzzer's bytes as a sequence of small fields; past the end every field is 0. */
struct fuzz_reader {
    const uint8_t *p;
    size_t left;
};
static inline uint8_t fuzz_u8(struct fuzz_reader *r) {
    if (r->left == 0) {
        return 0;
    }
    r->left--;
    return *r->p++;
}
static inline uint16_t fuzz_u16(struct fuzz_reader *r) {
    uint16_t hi = fuzz_u8(r);
    return (uint16_t)((hi << 8) | fuzz_u8(r));
}
static inline uint32_t fuzz_u32(struct fuzz_reader *r) {
    uint32_t hi = fuzz_u16(r);
    return (hi << 16) | fuzz_u16(r);
}
/** Takes up to `want` bytes as they are; returns how many (fewer near the end). */
static inline size_t fuzz_bytes(struct fuzz_reader *r, size_t want, const uint8_t **out) {
    size_t n = want < r->left ? want : r->left;
    *out = r->p;
    r->p += n;
    r->left -= n;
    return n;
}

/** Byte `index` of a fixed pseudo-random stream: "what the peer sent" in the stateful targets. */
static inline uint8_t fuzz_stream_byte(uint64_t index) {
    uint64_t z = (index + 1) * 0x9E3779B97F4A7C15ULL;
    z ^= z >> 29;
    return (uint8_t)(z ^ (z >> 17));
}

/* ---- for the network targets (net_input.c) ---- */
#include "util/byte_view.h"
#include "wire/ethernet.h"

#define FUZZ_FRAME_MAX 2048

/** An IPv4 address from a small set (10.0.0.0/29 and 10.0.N.1), so that ARP entries, routes
 *  and destinations collide often. Host order. */
uint32_t fuzz_ip(struct fuzz_reader *in);
/** Ethernet address N of a small set (N = 0 is broadcast). */
struct eth_addr fuzz_eth(uint8_t n);
/** Builds one frame into out (FUZZ_FRAME_MAX bytes) from the input: raw bytes, a well-formed
 *  ARP request/reply, or a well-formed IPv4 datagram (valid checksum, maybe with options, the
 *  reserved or MF flag) carrying UDP or an ICMP echo request, addressed to `ours`, broadcast or
 *  someone else. Returns its length. */
size_t fuzz_make_frame(struct fuzz_reader *in, struct eth_addr ours, uint8_t *out);
/** Checks a frame an interface emitted: from `ours`, a parsable ARP message or IPv4 datagram
 *  (header checksum valid) no longer than mtu. */
void fuzz_check_frame(struct byte_view frame, struct eth_addr ours, size_t mtu);

#endif
