/* TCPReceiver: in-order data becomes the inbound stream; ackno advances by payload length. */
#include "receiver_steps.h"
#include "util/rng.h"

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver transmit: one segment after the SYN [L2.R5 L2.R6]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .ack = true, .seqno = 1, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_ASSEMBLED(&h, &r, 4);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_WINDOW(&h, &r, 3996);
    EXPECT_READ(&h, &r, "abcd");
    EXPECT_WINDOW(&h, &r, 4000);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver transmit: two segments at a large ISN [L2.R5 L2.R6]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 384678);
    ARRIVES(&h, &r, .seqno = 384679, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 384683);
    ARRIVES(&h, &r, .seqno = 384683, .payload = "efgh");
    EXPECT_ACKNO(&h, &r, 384687);
    EXPECT_ASSEMBLED(&h, &r, 8);
    EXPECT_WINDOW(&h, &r, 3992);
    EXPECT_READ(&h, &r, "abcdefgh");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver transmit: reading between segments [L2.R6 L2.R8]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 5);
    ARRIVES(&h, &r, .seqno = 6, .payload = "abcd");
    EXPECT_READ(&h, &r, "abcd");
    ARRIVES(&h, &r, .seqno = 10, .payload = "efgh");
    EXPECT_ACKNO(&h, &r, 14);
    EXPECT_READ(&h, &r, "efgh");
    EXPECT_ASSEMBLED(&h, &r, 8);
    EXPECT_WINDOW(&h, &r, 4000);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver transmit: a retransmitted segment is not duplicated [L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abcd");
    ARRIVES(&h, &r, .seqno = 1, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 5);
    ARRIVES(&h, &r, .seqno = 3, .payload = "cdef");
    EXPECT_ACKNO(&h, &r, 7);
    EXPECT_READ(&h, &r, "abcdef");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver transmit: payload in two view parts [L2.R13]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "hello world", .split = 5);
    EXPECT_ACKNO(&h, &r, 12);
    EXPECT_READ(&h, &r, "hello world");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver transmit: a FIN after a payload in two view parts [L2.R13 L2.R7]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "hello world", .split = 5, .fin = true);
    EXPECT_ACKNO(&h, &r, 13);
    EXPECT_INPUT_ENDED(&h, &r, true);
    EXPECT_READ(&h, &r, "hello world");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver transmit: empty segments after the SYN [L2.R6]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .ack = true, .seqno = 1);
    ARRIVES(&h, &r, .ack = true, .seqno = 1, .payload = "");
    EXPECT_ACKNO(&h, &r, 1);
    EXPECT_ASSEMBLED(&h, &r, 0);
    receiver_end(&h, &r);

    /* Many in-order segments of random length at a random ISN, read at random moments. */
    struct sponge_rng rng;
    enum { CAPACITY = 4000, TOTAL = 200000 };
    static uint8_t sent[TOTAL];
    static uint8_t got[TOTAL];
    receiver_begin(&h, &r, "receiver transmit: long stream at a random ISN [L2.R5 L2.R6 L2.R12]", CAPACITY);
    sponge_rng_seed(&rng, harness_seed(&h));
    for (size_t i = 0; i < TOTAL; i++) {
        sent[i] = (uint8_t)sponge_rng_next(&rng);
    }
    uint32_t isn = (uint32_t)sponge_rng_next(&rng);
    ARRIVES(&h, &r, .syn = true, .seqno = isn);
    size_t next = 0, nread = 0;
    while (next < TOTAL) {
        size_t window = tcp_receiver_window_size(&r);
        size_t len = window ? 1 + sponge_rng_below(&rng, window) : 0;
        if (len > TOTAL - next) {
            len = TOTAL - next;
        }
        if (len) {
            ARRIVES(&h, &r, .seqno = isn + 1 + (uint32_t)next, .payload = (const char *)sent + next,
                    .payload_len = len);
            next += len;
            EXPECT_ACKNO(&h, &r, isn + 1 + (uint32_t)next);
            EXPECT_WINDOW(&h, &r, window - len);
        }
        if (sponge_rng_below(&rng, 3) == 0 || len == 0) {
            struct byte_stream *in = tcp_receiver_stream_out(&r);
            nread += byte_stream_read(in, got + nread, byte_stream_buffer_size(in));
        }
    }
    struct byte_stream *in = tcp_receiver_stream_out(&r);
    nread += byte_stream_read(in, got + nread, byte_stream_buffer_size(in));
    EXPECT_BYTES(&h, "everything read", sent, TOTAL, got, nread);
    return receiver_end(&h, &r);
}
