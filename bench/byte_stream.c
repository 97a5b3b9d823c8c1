/* ByteStream throughput: 10 MB of random bytes through a 32768-byte stream, written in
 * 1500-byte pieces and read in 128-byte pieces into the application's buffer. Only the
 * copy loop is timed (CLOCK_MONOTONIC). The workload runs PASSES times (a pass takes a few
 * milliseconds, so one preemption on a shared machine would swamp a single pass) and the
 * median pass is reported. Every pass's output is compared with the input; any difference
 * fails the run. */

#include "tcp/byte_stream.h"
#include "bench_common.h"

#include <stdio.h>

enum { TOTAL = 10 * 1000 * 1000, CAPACITY = 32768, WRITE_SIZE = 1500, READ_SIZE = 128, PASSES = 11 };

/* One pass: returns the seconds taken, or a negative value if the output differs. */
static double one_pass(const uint8_t *in, uint8_t *out) {
    struct byte_stream bs;
    if (byte_stream_init(&bs, CAPACITY) != SPONGE_OK) {
        fprintf(stderr, "byte_stream bench: out of memory\n");
        exit(1);
    }
    memset(out, 0, TOTAL);
    double t0 = bench_now();
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
    double secs = bench_now() - t0;
    byte_stream_destroy(&bs);
    return memcmp(in, out, TOTAL) == 0 ? secs : -1;
}

int main(void) {
    uint8_t *in = malloc(TOTAL);
    uint8_t *out = malloc(TOTAL);
    if (!in || !out) {
        fprintf(stderr, "byte_stream bench: out of memory\n");
        return 1;
    }
    bench_fill_random(in, TOTAL, 144);
    double rates[PASSES];
    for (int p = 0; p < PASSES; p++) {
        double secs = one_pass(in, out);
        if (secs < 0) {
            fprintf(stderr, "byte_stream bench: output differs from input\n");
            return 1;
        }
        rates[p] = (double)TOTAL * 8 / secs / 1e9;
    }
    free(in);
    free(out);
    printf("byte_stream: %.2f Gbit/s\n", bench_median(rates, PASSES));
    return 0;
}
