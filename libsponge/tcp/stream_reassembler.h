#ifndef SPONGE_TCP_STREAM_REASSEMBLER_H
#define SPONGE_TCP_STREAM_REASSEMBLER_H

/* StreamReassembler (lab 1): accepts substrings of a byte stream at any index, in any order,
 * overlapping or duplicated, and writes them in order into its output ByteStream.
 *
 * Window: bytes at index >= (first unread index + capacity) are discarded, where the first
 * unread index is the output stream's bytes_read. That window is exactly the output stream's
 * free space, so out-of-order bytes are copied once, straight to their final place in the
 * stream's ring (byte_stream_write_at), and become readable with byte_stream_commit when the
 * hole before them fills.
 *
 * (The rest of this comment is the reference's design; a lab solution may store the bytes
 * anywhere.) Which bytes of the window are present is kept as a ring of `capacity` bits, one per byte,
 * whose bit `base` stands for the write position (capacity / 8 bytes, allocated in init).
 * A bitmap rather than a sorted interval list: its size is fixed whatever the peer sends,
 * and every operation costs O(bytes / 64 + 1), whereas an interval list can hold
 * capacity / 2 intervals after many tiny disjoint pushes and then pays a large memmove per
 * insertion. */

#include "tcp/byte_stream.h"
#include "tcp/presence_bitmap.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct stream_reassembler {
    /* private */
    struct byte_stream out; /* given: the output (other units read it) */
    /* LAB1 BEGIN: the reassembler's state (yours to choose) */
    struct presence_bitmap present; /* `capacity` bits: set = byte stored, not yet committed */
    size_t base;                    /* bit of the output's write position (index bytes_written) */
    size_t unassembled;             /* set bits in `present` */
    bool eof_known;
    uint64_t eof_index; /* index one past the last byte, once known */
    /* LAB1 END */
};

/** Creates a reassembler whose output stream holds `capacity` bytes.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err stream_reassembler_init(struct stream_reassembler *r, size_t capacity);
void stream_reassembler_destroy(struct stream_reassembler *r);

/** Accepts `data[0..len)` whose first byte has absolute index `index`; `eof` says its last
 *  byte is the last of the stream. Bytes outside the window are dropped; everything else
 *  is kept until it can be written in order.
 *
 *  The end of the stream (index + len of an eof substring) is learnt once, from the first eof
 *  substring that fits in the window whole and does not end before the bytes already
 *  assembled; an eof substring cut short by the window, or ending before them, says nothing.
 *  Once learnt the end never moves: a later eof substring that disagrees (ends sooner or
 *  later) is taken as data like any other, and bytes at or past the end, stored or arriving,
 *  are dropped. The output stream's input ends when every byte before the end is written. */
void stream_reassembler_push_substring(struct stream_reassembler *r, const void *data, size_t len, uint64_t index,
                                       bool eof);

/** The output stream (owned by the reassembler; the caller reads from it). */
struct byte_stream *stream_reassembler_stream_out(struct stream_reassembler *r);

/** Bytes stored but not yet written to the output (each byte counted once). */
size_t stream_reassembler_unassembled_bytes(const struct stream_reassembler *r);

/** True when nothing is waiting to be assembled. */
bool stream_reassembler_empty(const struct stream_reassembler *r);

/** Absolute index of the next byte the reassembler needs (the output's bytes_written). */
uint64_t stream_reassembler_first_unassembled(const struct stream_reassembler *r);

/** Lists up to `max` ranges of stored bytes past the first unassembled one, in index order:
 *  range i is [left[i], right[i]) (absolute indexes). Returns how many were written. For SACK
 *  (RFC 2018). Costs O(window / 64) when bytes are waiting, O(1) when none are. */
size_t stream_reassembler_present_ranges(const struct stream_reassembler *r, size_t max, uint64_t *left,
                                         uint64_t *right);

#endif
