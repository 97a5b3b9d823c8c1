/* TCPReceiver: out-of-order segments wait in the reassembler; the ackno moves only when the
 * hole at its front fills. */
#include "receiver_steps.h"
#include "util/rng.h"

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver reorder: one segment early [L2.R10]", 2358);
    ARRIVES(&h, &r, .syn = true, .seqno = 1000);
    ARRIVES(&h, &r, .seqno = 1005, .payload = "efgh");
    EXPECT_ACKNO(&h, &r, 1001);
    EXPECT_UNASSEMBLED(&h, &r, 4);
    EXPECT_ASSEMBLED(&h, &r, 0);
    EXPECT_READ(&h, &r, "");
    ARRIVES(&h, &r, .seqno = 1001, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 1009);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_ASSEMBLED(&h, &r, 8);
    EXPECT_READ(&h, &r, "abcdefgh");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver reorder: several holes filled one by one [L2.R10]", 2358);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 9, .payload = "ijkl");
    ARRIVES(&h, &r, .seqno = 5, .payload = "efgh");
    EXPECT_UNASSEMBLED(&h, &r, 8);
    EXPECT_ACKNO(&h, &r, 1);
    ARRIVES(&h, &r, .seqno = 2, .payload = "bcd");
    EXPECT_UNASSEMBLED(&h, &r, 11);
    EXPECT_ACKNO(&h, &r, 1);
    ARRIVES(&h, &r, .seqno = 1, .payload = "a");
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_ACKNO(&h, &r, 13);
    EXPECT_READ(&h, &r, "abcdefghijkl");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver reorder: overlapping early segments [L2.R10]", 2358);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 3, .payload = "cdef");
    ARRIVES(&h, &r, .seqno = 5, .payload = "efgh");
    EXPECT_UNASSEMBLED(&h, &r, 6);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abcde");
    EXPECT_ACKNO(&h, &r, 9);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_READ(&h, &r, "abcdefgh");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver reorder: early segment reaching past a small window [L2.R9 L2.R10]", 4);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 3, .payload = "cdef");
    EXPECT_UNASSEMBLED(&h, &r, 2);
    ARRIVES(&h, &r, .seqno = 1, .payload = "ab");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_READ(&h, &r, "abcd");
    receiver_end(&h, &r);

    /* A long stream cut into segments delivered in random order (each at least once, some
     * twice, all within the window), at a random ISN. */
    struct sponge_rng rng;
    enum { CAPACITY = 3000, TOTAL = 100000, MAXSEG = 300 };
    static uint8_t sent[TOTAL];
    static uint8_t got[TOTAL];
    receiver_begin(&h, &r, "receiver reorder: random order within the window [L2.R10]", CAPACITY);
    sponge_rng_seed(&rng, harness_seed(&h));
    for (size_t i = 0; i < TOTAL; i++) {
        sent[i] = (uint8_t)sponge_rng_next(&rng);
    }
    uint32_t isn = (uint32_t)sponge_rng_next(&rng);
    ARRIVES(&h, &r, .syn = true, .seqno = isn);
    size_t nread = 0;
    struct byte_stream *in = tcp_receiver_stream_out(&r);
    while (nread < TOTAL) {
        /* Cut the current window into segments and deliver them shuffled. */
        size_t start = (size_t)byte_stream_bytes_written(in);
        size_t end = start + tcp_receiver_window_size(&r);
        end = end > TOTAL ? TOTAL : end;
        size_t cuts[CAPACITY + 1][2];
        size_t ncuts = 0;
        for (size_t at = start; at < end;) {
            size_t len = 1 + sponge_rng_below(&rng, MAXSEG);
            len = len > end - at ? end - at : len;
            cuts[ncuts][0] = at;
            cuts[ncuts][1] = len;
            ncuts++;
            at += len;
        }
        for (size_t i = ncuts; i > 1; i--) {
            size_t j = sponge_rng_below(&rng, i);
            size_t t0 = cuts[i - 1][0], t1 = cuts[i - 1][1];
            cuts[i - 1][0] = cuts[j][0];
            cuts[i - 1][1] = cuts[j][1];
            cuts[j][0] = t0;
            cuts[j][1] = t1;
        }
        for (size_t i = 0; i < ncuts; i++) {
            int times = sponge_rng_below(&rng, 8) == 0 ? 2 : 1;
            while (times--) {
                ARRIVES(&h, &r, .seqno = isn + 1 + (uint32_t)cuts[i][0], .payload = (const char *)sent + cuts[i][0],
                        .payload_len = cuts[i][1]);
            }
        }
        EXPECT_ACKNO(&h, &r, isn + 1 + (uint32_t)end);
        EXPECT_UNASSEMBLED(&h, &r, 0);
        nread += byte_stream_read(in, got + nread, sponge_rng_below(&rng, byte_stream_buffer_size(in) + 1));
        if (nread < TOTAL && tcp_receiver_window_size(&r) == 0) {
            nread += byte_stream_read(in, got + nread, 1);
        }
    }
    EXPECT_BYTES(&h, "everything read", sent, TOTAL, got, nread);
    return receiver_end(&h, &r);
}
