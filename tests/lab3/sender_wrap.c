/* TCPSender: an ISN just below 2^32, so that raw sequence numbers wrap to 0 mid-stream. */

#include "sender_expect.h"

#include <stdlib.h>

static int wrap_in_first_segment(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender wrap: ISN 2^32-3, data and acks across the wrap [L3.R2 L3.R9]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.fixed_isn_set = true;
    cfg.fixed_isn = UINT32_MAX - 2;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    EXPECT_EQ(&t.h, "raw seqno of isn+3", 0, sender_test_seq(&t, 3).raw);
    EXPECT_TRUE(&t.h, "ack of isn+1 accepted", ACK_ARRIVES(&t, 1, 1000));
    APP_WRITES(&t, "abcdef");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abcdef"));
    EXPECT_NEXT_SEQNO(&t, 7);
    EXPECT_EQ(&t.h, "next seqno raw (wrapped)", 4, tcp_sender_next_seqno(&t.sender).raw);
    EXPECT_BOOL(&t.h, "ack of isn+8 (raw 5) accepted", false, ACK_ARRIVES(&t, 8, 1000));
    EXPECT_TRUE(&t.h, "ack of isn+4 (raw 1) accepted", ACK_ARRIVES(&t, 4, 1000));
    EXPECT_IN_FLIGHT(&t, 3);
    EXPECT_TRUE(&t.h, "ack of isn+7 (raw 4) accepted", ACK_ARRIVES(&t, 7, 1000));
    EXPECT_IN_FLIGHT(&t, 0);
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(7), .payload = PAYLOAD(""));
    ACK_ARRIVES(&t, 8, 1000);
    EXPECT_STATE(&t, "FIN_ACKED");
    return sender_test_end(&t);
}

static int stream_across_wrap(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender wrap: 200 kB streamed from an ISN a few bytes below 2^32 [L3.R2]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.fixed_isn_set = true;
    cfg.fixed_isn = (uint32_t)(UINT32_MAX - sponge_rng_below(&t.rng, 5000));
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 3000);
    const size_t total = 200000;
    uint8_t *data = malloc(total);
    if (!data) {
        FAIL(&t.h, "out of memory");
    }
    for (size_t i = 0; i < total; i++) {
        data[i] = (uint8_t)sponge_rng_next(&t.rng);
    }
    size_t written = 0;
    uint64_t received = 0; /* bytes the simulated peer has acknowledged */
    while (received < total) {
        written += APP_WRITES_BYTES(&t, data + written, total - written);
        /* The peer takes every segment in order and acks once per round. */
        while (tcp_sender_has_segments(&t.sender)) {
            size_t n = received + 1000 <= written ? 1000 : written - received;
            n = n < 3000 ? n : 3000;
            EXPECT_SEGMENT(&t, .seqno = OPT_U64(1 + received), .payload = PAYLOAD_BYTES(data + received, n));
            received += n;
        }
        ACK_ARRIVES(&t, 1 + received, 3000);
    }
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_NEXT_SEQNO(&t, 1 + total);
    free(data);
    return sender_test_end(&t);
}

int main(void) {
    return wrap_in_first_segment() | stream_across_wrap();
}
