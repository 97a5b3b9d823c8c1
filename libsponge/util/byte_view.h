#ifndef SPONGE_UTIL_BYTE_VIEW_H
#define SPONGE_UTIL_BYTE_VIEW_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** A read-only view of contiguous bytes that someone else owns. It stays valid only as long
 *  as the owner says (each function returning one documents it). */
struct byte_view {
    const uint8_t *data;
    size_t len;
};

/** Bytes that may sit in two pieces, as a ring buffer's contents do when they wrap:
 *  part[0] comes first, then part[1] (which is empty when nothing wraps). */
struct byte_view2 {
    struct byte_view part[2];
};

/** Total number of bytes in both parts. */
static inline size_t byte_view2_len(const struct byte_view2 *v) {
    return v->part[0].len + v->part[1].len;
}

/** A two-part view of one contiguous buffer (part[1] empty). */
static inline struct byte_view2 byte_view2_of(const void *data, size_t len) {
    struct byte_view2 v = {{{(const uint8_t *)data, len}, {NULL, 0}}};
    return v;
}

/** Copies all bytes of `v` into `dst`, which must hold byte_view2_len(v) bytes. */
static inline void byte_view2_copy(const struct byte_view2 *v, uint8_t *dst) {
    if (v->part[0].len) {
        memcpy(dst, v->part[0].data, v->part[0].len);
    }
    if (v->part[1].len) {
        memcpy(dst + v->part[0].len, v->part[1].data, v->part[1].len);
    }
}

#endif
