/* TCPReceiver: sequence numbers wrap at 2^32 (RFC 793 section 3.3). The receiver must unwrap
 * each seqno near the bytes it already has, so a stream longer than 2^32 bytes, whose seqnos
 * pass every value more than once, still assembles correctly. */
#include "receiver_steps.h"
#include "util/rng.h"

#define TWO32 (UINT64_C(1) << 32)

/* Stream byte i is PATTERN[i % PERIOD]; a payload starting at stream index i is a view at
 * pattern + i % PERIOD, so no 4 GiB buffer is needed. */
#define PERIOD 251
#define SEGMENT_MAX 60000

static uint8_t pattern_byte(uint64_t i) {
    return (uint8_t)(i % PERIOD * 97 + 13);
}

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver wrap: ISN just below 2^32 [L2.R12]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = UINT32_MAX - 1);
    EXPECT_ACKNO(&h, &r, UINT32_MAX);
    ARRIVES(&h, &r, .seqno = UINT32_MAX, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 3);
    ARRIVES(&h, &r, .seqno = 3, .payload = "efgh");
    EXPECT_ACKNO(&h, &r, 7);
    ARRIVES(&h, &r, .seqno = 11, .payload = "mnop");
    EXPECT_UNASSEMBLED(&h, &r, 4);
    ARRIVES(&h, &r, .seqno = 7, .payload = "ijkl");
    EXPECT_ACKNO(&h, &r, 15);
    ARRIVES(&h, &r, .fin = true, .seqno = 15);
    EXPECT_ACKNO(&h, &r, 16);
    EXPECT_READ(&h, &r, "abcdefghijklmnop");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver wrap: out-of-order segment across the wrap [L2.R10 L2.R12]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = UINT32_MAX - 5);
    ARRIVES(&h, &r, .seqno = UINT32_MAX, .payload = "efgh");
    EXPECT_UNASSEMBLED(&h, &r, 4);
    EXPECT_ACKNO(&h, &r, UINT32_MAX - 4);
    ARRIVES(&h, &r, .seqno = UINT32_MAX - 4, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 3);
    EXPECT_READ(&h, &r, "abcdefgh");
    receiver_end(&h, &r);

    /* More than 2^32 bytes in order, with an occasional pair swapped and an occasional stale
     * retransmission, then a FIN. */
    static uint8_t pattern[SEGMENT_MAX + PERIOD];
    for (size_t i = 0; i < sizeof pattern; i++) {
        pattern[i] = pattern_byte(i);
    }
    struct sponge_rng rng;
    receiver_begin(&h, &r, "receiver wrap: a stream longer than 2^32 bytes [L2.R12]", SEGMENT_MAX * 2);
    sponge_rng_seed(&rng, harness_seed(&h));
    uint32_t isn = (uint32_t)sponge_rng_next(&rng);
    const uint64_t total = TWO32 + TWO32 / 4 + sponge_rng_below(&rng, 100000);
    STEP(&h, "ISN %u, stream of %llu bytes", isn, (unsigned long long)total);
    ARRIVES(&h, &r, .syn = true, .seqno = isn);
    struct byte_stream *in = tcp_receiver_stream_out(&r);
    uint64_t next = 0;
    while (next < total) {
        uint64_t len = SEGMENT_MAX / 2 + sponge_rng_below(&rng, SEGMENT_MAX / 2);
        len = len > total - next ? total - next : len;
        uint64_t len2 = 0;
        if (sponge_rng_below(&rng, 50) == 0 && next + len < total) {
            /* The following segment overtakes this one. */
            len2 = total - next - len < SEGMENT_MAX / 2 ? total - next - len : SEGMENT_MAX / 2;
            ARRIVES(&h, &r, .seqno = (uint32_t)(isn + 1 + next + len),
                    .payload = (const char *)pattern + (next + len) % PERIOD, .payload_len = len2);
            EXPECT_UNASSEMBLED(&h, &r, len2);
        }
        ARRIVES(&h, &r, .seqno = (uint32_t)(isn + 1 + next), .payload = (const char *)pattern + next % PERIOD,
                .payload_len = len);
        if (sponge_rng_below(&rng, 50) == 0 && next > SEGMENT_MAX) {
            /* A stale retransmission of bytes already read. */
            uint64_t old = next - SEGMENT_MAX;
            ARRIVES(&h, &r, .seqno = (uint32_t)(isn + 1 + old), .payload = (const char *)pattern + old % PERIOD,
                    .payload_len = SEGMENT_MAX / 2);
        }
        next += len + len2;
        EXPECT_EQ(&h, "total bytes assembled", next, byte_stream_bytes_written(in));
        EXPECT_ACKNO(&h, &r, (uint32_t)(isn + 1 + next));
        /* Spot-check the bytes at both ends of what arrived, then consume everything. */
        struct byte_view v = byte_stream_peek_view(in);
        uint64_t first = byte_stream_bytes_read(in);
        if (v.len == 0 || v.data[0] != pattern_byte(first) || v.data[v.len - 1] != pattern_byte(first + v.len - 1)) {
            FAIL(&h, "wrong bytes in the inbound stream at index %llu", (unsigned long long)first);
        }
        byte_stream_pop_output(in, byte_stream_buffer_size(in));
    }
    ARRIVES(&h, &r, .fin = true, .seqno = (uint32_t)(isn + 1 + total));
    EXPECT_ACKNO(&h, &r, (uint32_t)(isn + 2 + total));
    EXPECT_EQ(&h, "total bytes assembled", total, byte_stream_bytes_written(in));
    EXPECT_EOF(&h, &r, true);
    return receiver_end(&h, &r);
}
