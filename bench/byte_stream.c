/* ByteStream throughput: 10 MB of random bytes through a 32768-byte stream, written in
 * 1500-byte pieces and read in 128-byte pieces into the application's buffer. Only the
 * copy loop is timed (CLOCK_MONOTONIC); the output is compared with the input afterwards
 * and any difference fails the run. */

#include "tcp/byte_stream.h"
#include "util/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TOTAL = 10 * 1000 * 1000, CAPACITY = 32768, WRITE_SIZE = 1500, READ_SIZE = 128 };

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

int main(void) {
    uint8_t *in = malloc(TOTAL);
    uint8_t *out = malloc(TOTAL);
    struct byte_stream bs;
    if (!in || !out || byte_stream_init(&bs, CAPACITY) != SPONGE_OK) {
        fprintf(stderr, "byte_stream bench: out of memory\n");
        return 1;
    }
    struct sponge_rng rng;
    sponge_rng_seed(&rng, 144);
    for (size_t i = 0; i < TOTAL; i += 8) {
        uint64_t x = sponge_rng_next(&rng);
        memcpy(in + i, &x, TOTAL - i < 8 ? TOTAL - i : 8);
    }
    memset(out, 0, TOTAL);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t written = 0;
    size_t got = 0;
    /* Keep the stream nearly full: write a whole 1500-byte piece whenever it fits, otherwise
     * read 128 bytes, so the ring wraps constantly and every write is a full piece. */
    while (got < TOTAL) {
        size_t piece = TOTAL - written < WRITE_SIZE ? TOTAL - written : WRITE_SIZE;
        if (piece && byte_stream_remaining_capacity(&bs) >= piece) {
            written += byte_stream_write(&bs, in + written, piece);
        } else {
            got += byte_stream_read(&bs, out + got, READ_SIZE);
        }
    }
    double secs = seconds_since(&t0);

    byte_stream_destroy(&bs);
    int bad = memcmp(in, out, TOTAL) != 0;
    free(in);
    free(out);
    if (bad) {
        fprintf(stderr, "byte_stream bench: output differs from input\n");
        return 1;
    }
    printf("byte_stream: %.2f Gbit/s\n", (double)TOTAL * 8 / secs / 1e9);
    return 0;
}
