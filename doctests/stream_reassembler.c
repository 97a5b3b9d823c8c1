/* StreamReassembler in a few lines: pieces out of order, a duplicate, the window, eof.
 * Exits non-zero if any result differs from what the comments say. */

#include "tcp/stream_reassembler.h"

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "doctest stream_reassembler: line %d: %s\n", __LINE__, #cond);                             \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

int main(void) {
    struct stream_reassembler r;
    CHECK(stream_reassembler_init(&r, 6) == SPONGE_OK); /* window of 6 bytes */
    struct byte_stream *out = stream_reassembler_stream_out(&r);

    stream_reassembler_push_substring(&r, "cd", 2, 2, false);  /* out of order: stored */
    stream_reassembler_push_substring(&r, "cde", 3, 2, false); /* overlaps: only 'e' is new */
    CHECK(stream_reassembler_unassembled_bytes(&r) == 3 && byte_stream_buffer_size(out) == 0);

    stream_reassembler_push_substring(&r, "abcdefgh", 8, 0, true); /* fills the hole; g, h past the window */
    CHECK(stream_reassembler_first_unassembled(&r) == 6 && stream_reassembler_empty(&r));
    CHECK(!byte_stream_input_ended(out)); /* the eof piece was cut by the window */

    char buf[8];
    CHECK(byte_stream_read(out, buf, sizeof buf) == 6 && memcmp(buf, "abcdef", 6) == 0);
    stream_reassembler_push_substring(&r, "gh", 2, 6, true); /* resent, now it fits */
    CHECK(byte_stream_read(out, buf, sizeof buf) == 2 && memcmp(buf, "gh", 2) == 0);
    CHECK(byte_stream_eof(out));

    stream_reassembler_destroy(&r);
    puts("doctest stream_reassembler: ok");
    return 0;
}
