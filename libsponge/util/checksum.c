#include "util/checksum.h"

uint32_t checksum_add(uint32_t partial, const void *data, size_t len) {
    const uint8_t *p = data;
    uint64_t sum = partial;
    /* Sum 32-bit big-endian words into a 64-bit accumulator; fold at the end. */
    while (len >= 4) {
        sum += ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        sum += ((uint32_t)p[0] << 8) | p[1];
        p += 2;
        len -= 2;
    }
    if (len) {
        sum += (uint32_t)p[0] << 8;
    }
    while (sum >> 32) {
        sum = (sum & 0xffffffffu) + (sum >> 32);
    }
    /* Reduce to at most 17 bits so callers can keep adding without overflow. */
    uint32_t s = (uint32_t)sum;
    s = (s & 0xffffu) + (s >> 16);
    return s;
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
