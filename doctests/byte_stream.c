/* ByteStream in a few lines: write, peek without copying, read, end. Exits non-zero if any
 * result differs from what the comments say. */

#include "tcp/byte_stream.h"

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "doctest byte_stream: line %d: %s\n", __LINE__, #cond);                                    \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

int main(void) {
    struct byte_stream bs;
    CHECK(byte_stream_init(&bs, 8) == SPONGE_OK); /* holds at most 8 bytes */

    CHECK(byte_stream_write(&bs, "hello, world", 12) == 8); /* only what fits is accepted */
    CHECK(byte_stream_remaining_capacity(&bs) == 0);

    struct byte_view v = byte_stream_peek_view(&bs); /* zero-copy look at the front */
    CHECK(v.len == 8 && memcmp(v.data, "hello, w", 8) == 0);

    char out[8];
    CHECK(byte_stream_read(&bs, out, 5) == 5 && memcmp(out, "hello", 5) == 0);
    CHECK(byte_stream_write(&bs, "orld", 4) == 4); /* wraps around the ring */

    struct byte_view2 v2 = byte_stream_peek_at(&bs, 1, 100); /* from 1 byte past the front */
    uint8_t rest[8];
    byte_view2_copy(&v2, rest);
    CHECK(byte_view2_len(&v2) == 6 && memcmp(rest, " world", 6) == 0);

    byte_stream_end_input(&bs);
    CHECK(!byte_stream_eof(&bs)); /* bytes are still waiting */
    CHECK(byte_stream_pop_output(&bs, 100) == 7);
    CHECK(byte_stream_eof(&bs) && byte_stream_bytes_written(&bs) == 12 && byte_stream_bytes_read(&bs) == 12);

    byte_stream_destroy(&bs);
    puts("doctest byte_stream: ok");
    return 0;
}
