/* StreamReassembler throughput: 10000 x 1500 bytes of random data. For every i stepping by
 * 1500, 3000-byte chunks (cut at the end of the data) are pushed at i + 2, i and i + 1 into
 * a reassembler of capacity 1500, so pushes overlap, arrive out of order and run past the
 * window. After every push the application reads what is ready into its buffer. Only that
 * loop is timed (CLOCK_MONOTONIC); the output is compared with the input afterwards and
 * any difference, or a missing eof, fails the run. */

#include "tcp/stream_reassembler.h"
#include "util/rng.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SEGMENTS = 10000, SEGMENT = 1500, TOTAL = SEGMENTS * SEGMENT, CHUNK = 3000, CAPACITY = 1500 };

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) * 1e-9;
}

int main(void) {
    uint8_t *in = malloc(TOTAL);
    uint8_t *out = malloc(TOTAL);
    struct stream_reassembler r;
    if (!in || !out || stream_reassembler_init(&r, CAPACITY) != SPONGE_OK) {
        fprintf(stderr, "reassembler bench: out of memory\n");
        return 1;
    }
    struct sponge_rng rng;
    sponge_rng_seed(&rng, 1441);
    for (size_t i = 0; i < TOTAL; i += 8) {
        uint64_t x = sponge_rng_next(&rng);
        memcpy(in + i, &x, TOTAL - i < 8 ? TOTAL - i : 8);
    }
    memset(out, 0, TOTAL);
    struct byte_stream *stream = stream_reassembler_stream_out(&r);
    static const size_t shifts[3] = {2, 0, 1};

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    size_t got = 0;
    for (size_t i = 0; i < TOTAL; i += SEGMENT) {
        for (size_t k = 0; k < 3; k++) {
            size_t at = i + shifts[k];
            size_t n = TOTAL - at < CHUNK ? TOTAL - at : CHUNK;
            stream_reassembler_push_substring(&r, in + at, n, at, at + n == TOTAL);
            got += byte_stream_read(stream, out + got, TOTAL - got);
        }
    }
    double secs = seconds_since(&t0);

    int bad = got != TOTAL || memcmp(in, out, TOTAL) != 0 || !byte_stream_eof(stream);
    stream_reassembler_destroy(&r);
    free(in);
    free(out);
    if (bad) {
        fprintf(stderr, "reassembler bench: output differs from input (got %zu of %d bytes)\n", got, TOTAL);
        return 1;
    }
    printf("reassembler: %.2f Gbit/s\n", (double)TOTAL * 8 / secs / 1e9);
    return 0;
}
