/* StreamReassembler throughput: 10000 x 1500 bytes of random data; for each step of 1500,
 * chunks of 3000 bytes are pushed at offsets i+2, i, i+1 into a reassembler of capacity 1500,
 * and the output is read into the application's buffer after every push. Only the push/read
 * loop is timed. The workload runs PASSES times and the median pass is reported (a pass takes
 * a few milliseconds). Every pass's output is verified; any difference fails the run. */

#include "bench_common.h"
#include "tcp/stream_reassembler.h"

#include <stdio.h>

enum { SEGMENTS = 10000, SEGMENT = 1500, TOTAL = SEGMENTS * SEGMENT, CHUNK = 3000, CAPACITY = 1500, PASSES = 11 };

/* One pass: returns the seconds taken, or a negative value if the output is wrong. */
static double one_pass(const uint8_t *in, uint8_t *out) {
    static const size_t shifts[3] = {2, 0, 1};
    struct stream_reassembler r;
    if (stream_reassembler_init(&r, CAPACITY) != SPONGE_OK) {
        fprintf(stderr, "reassembler bench: out of memory\n");
        exit(1);
    }
    struct byte_stream *stream = stream_reassembler_stream_out(&r);
    memset(out, 0, TOTAL);
    double t0 = bench_now();
    size_t got = 0;
    for (size_t i = 0; i < TOTAL; i += SEGMENT) {
        for (size_t k = 0; k < 3; k++) {
            size_t at = i + shifts[k];
            size_t n = TOTAL - at < CHUNK ? TOTAL - at : CHUNK;
            stream_reassembler_push_substring(&r, in + at, n, at, at + n == TOTAL);
            got += byte_stream_read(stream, out + got, TOTAL - got);
        }
    }
    double secs = bench_now() - t0;
    bool good = got == TOTAL && memcmp(in, out, TOTAL) == 0 && byte_stream_eof(stream);
    stream_reassembler_destroy(&r);
    return good ? secs : -1;
}

int main(void) {
    uint8_t *in = malloc(TOTAL);
    uint8_t *out = malloc(TOTAL);
    if (!in || !out) {
        fprintf(stderr, "reassembler bench: out of memory\n");
        return 1;
    }
    bench_fill_random(in, TOTAL, 1441);
    double rates[PASSES];
    for (int p = 0; p < PASSES; p++) {
        double secs = one_pass(in, out);
        if (secs < 0) {
            fprintf(stderr, "reassembler bench: output differs from input\n");
            return 1;
        }
        rates[p] = (double)TOTAL * 8 / secs / 1e9;
    }
    free(in);
    free(out);
    printf("reassembler: %.2f Gbit/s\n", bench_median(rates, PASSES));
    return 0;
}
