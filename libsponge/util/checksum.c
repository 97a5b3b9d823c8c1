#include "util/checksum.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The one's complement sum does not depend on byte order (RFC 1071 section 2(B)): sum the
 * data as native 64-bit words, carries folded back in, and swap the folded 16-bit result to
 * big-endian order at the end. Loads go through memcpy, so any alignment is fine. */
static inline uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Adds b to a with the end-around carry (the carry out of bit 63 is worth 1, as 2^64 = 1
 * modulo 2^16 - 1). */
static inline uint64_t add_carry(uint64_t a, uint64_t b) {
    uint64_t s = a + b;
    return s + (s < b);
}

#if defined(__SSE2__)
/* Sums the 64-byte blocks at the front of *p (at most 2^30 bytes, advancing *p and *len): each
 * block's sixteen 32-bit words are zero-extended into 64-bit lanes, which cannot overflow before
 * 2^32 words each, so no carry needs handling until the lanes are added up. Twice the speed of
 * the scalar loop below on 1460-byte payloads (33 against 17 GB/s here). */
static uint64_t sum_blocks(const uint8_t **p, size_t *len) {
    const __m128i zero = _mm_setzero_si128();
    __m128i a0 = zero, a1 = zero, a2 = zero, a3 = zero;
    size_t n = *len < ((size_t)1 << 30) ? *len / 64 : ((size_t)1 << 30) / 64;
    const uint8_t *q = *p;
    for (size_t i = 0; i < n; i++, q += 64) {
        __m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)q);
        __m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(q + 16));
        __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(q + 32));
        __m128i v3 = _mm_loadu_si128((const __m128i *)(const void *)(q + 48));
        a0 = _mm_add_epi64(a0, _mm_unpacklo_epi32(v0, zero));
        a1 = _mm_add_epi64(a1, _mm_unpackhi_epi32(v0, zero));
        a2 = _mm_add_epi64(a2, _mm_unpacklo_epi32(v1, zero));
        a3 = _mm_add_epi64(a3, _mm_unpackhi_epi32(v1, zero));
        a0 = _mm_add_epi64(a0, _mm_unpacklo_epi32(v2, zero));
        a1 = _mm_add_epi64(a1, _mm_unpackhi_epi32(v2, zero));
        a2 = _mm_add_epi64(a2, _mm_unpacklo_epi32(v3, zero));
        a3 = _mm_add_epi64(a3, _mm_unpackhi_epi32(v3, zero));
    }
    *p = q;
    *len -= n * 64;
    uint64_t lanes[8];
    memcpy(lanes, &a0, 16);
    memcpy(lanes + 2, &a1, 16);
    memcpy(lanes + 4, &a2, 16);
    memcpy(lanes + 6, &a3, 16);
    uint64_t sum = 0;
    for (int i = 0; i < 8; i++) {
        sum = add_carry(sum, lanes[i]);
    }
    return sum;
}
#endif

uint32_t checksum_add(uint32_t partial, const void *data, size_t len) {
    const uint8_t *p = data;
    uint64_t s0 = 0, s1 = 0;
#if defined(__SSE2__)
    while (len >= 64) {
        s0 = add_carry(s0, sum_blocks(&p, &len));
    }
#endif
    /* Two independent chains so the carries of one do not wait for the other. */
    while (len >= 32) {
        s0 = add_carry(s0, load64(p));
        s1 = add_carry(s1, load64(p + 8));
        s0 = add_carry(s0, load64(p + 16));
        s1 = add_carry(s1, load64(p + 24));
        p += 32;
        len -= 32;
    }
    uint64_t sum = add_carry(s0, s1);
    while (len >= 8) {
        sum = add_carry(sum, load64(p));
        p += 8;
        len -= 8;
    }
    /* The tail, up to 7 bytes, as 4-, 2- and 1-byte loads added at the bottom of the sum:
     * shifting by a multiple of 16 bits does not change a one's complement sum (2^16 = 1
     * modulo 2^16 - 1). An odd last byte stays the first byte of a 16-bit word in memory
     * order, the high half of a big-endian word (RFC 1071). (Copying the tail into a zeroed
     * 8-byte word and loading that stalled on store forwarding: a third of the time spent
     * on a 20-byte IPv4 header.) */
    if (len & 4) {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        sum = add_carry(sum, v);
        p += 4;
    }
    if (len & 2) {
        uint16_t v;
        memcpy(&v, p, sizeof v);
        sum = add_carry(sum, v);
        p += 2;
    }
    if (len & 1) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        sum = add_carry(sum, p[0]);
#else
        sum = add_carry(sum, (uint64_t)p[0] << 8);
#endif
    }
    sum = (sum & 0xffffffffu) + (sum >> 32); /* at most 33 bits */
    sum = (sum & 0xffffu) + (sum >> 16);     /* at most 18 bits */
    sum = (sum & 0xffffu) + (sum >> 16);
    sum = (sum & 0xffffu) + (sum >> 16); /* 16 bits */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    sum = ((sum & 0xffu) << 8) | (sum >> 8);
#endif
    /* partial + 16 bits: reduce to at most 17 bits so callers can keep adding. */
    sum += partial;                      /* at most 33 bits */
    sum = (sum & 0xffffu) + (sum >> 16); /* at most 18 bits */
    return (uint32_t)((sum & 0xffffu) + (sum >> 16));
}

uint32_t checksum_add_view2(uint32_t partial, const struct byte_view2 *v) {
    uint32_t sum = checksum_add(partial, v->part[0].data, v->part[0].len);
    if (v->part[1].len == 0) {
        return sum;
    }
    uint32_t second = checksum_add(0, v->part[1].data, v->part[1].len);
    if (v->part[0].len & 1) {
        /* The second piece starts in the low byte of a 16-bit word: fold, then swap bytes. */
        second = (second & 0xffffu) + (second >> 16);
        second = (second & 0xffffu) + (second >> 16);
        second = ((second & 0xffu) << 8) | (second >> 8);
    }
    return sum + second;
}

uint32_t checksum_pseudo_header(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t length) {
    uint32_t sum = 0;
    sum += src >> 16;
    sum += src & 0xffffu;
    sum += dst >> 16;
    sum += dst & 0xffffu;
    sum += protocol;
    sum += length;
    return sum;
}

uint16_t checksum_finish(uint32_t partial) {
    while (partial >> 16) {
        partial = (partial & 0xffffu) + (partial >> 16);
    }
    return (uint16_t)~partial;
}

uint16_t checksum_update16(uint16_t old_checksum, uint16_t old_word, uint16_t new_word) {
    /* HC' = ~(~HC + ~m + m') */
    uint32_t sum = (uint16_t)~old_checksum;
    sum += (uint16_t)~old_word;
    sum += new_word;
    while (sum >> 16) {
        sum = (sum & 0xffffu) + (sum >> 16);
    }
    return (uint16_t)~sum;
}
