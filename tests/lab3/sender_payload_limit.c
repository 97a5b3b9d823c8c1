/* TCPSender: a segment carries at most max_payload bytes, so a timeout resends one such
 * segment, not everything that was sent in one fill_window. */

#include "sender_expect.h"

#include <stdlib.h>

static int timeout_resends_one_segment(void) {
    struct sender_test t;
    sender_test_begin(
        &t, "sender payload limit: a window of three segments loses the first: only it is resent [L3.R4 L3.R12]");
    sender_test_start(&t, NULL);
    size_t max = t.cfg.max_payload;
    uint64_t rto = t.cfg.rt_timeout;
    size_t len = 3 * max;
    uint8_t *data = malloc(len);
    if (!data) {
        FAIL(&t.h, "out of memory");
    }
    for (size_t i = 0; i < len; i++) {
        data[i] = (uint8_t)('a' + sponge_rng_below(&t.rng, 26));
    }
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, len);
    APP_WRITES_BYTES(&t, data, len);
    for (size_t i = 0; i < 3; i++) {
        EXPECT_SEGMENT(&t, .seqno = OPT_U64(1 + i * max), .payload = PAYLOAD_BYTES(data + i * max, max));
    }
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, rto);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD_BYTES(data, max));
    EXPECT_NO_SEGMENT(&t);
    STEP(&t.h, "the first segment is acknowledged: the second is now the oldest");
    ACK_ARRIVES(&t, 1 + max, len);
    EXPECT_IN_FLIGHT(&t, 2 * max);
    TIME_PASSES(&t, rto);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1 + max), .payload = PAYLOAD_BYTES(data + max, max));
    EXPECT_NO_SEGMENT(&t);
    free(data);
    return sender_test_end(&t);
}

int main(void) {
    return timeout_resends_one_segment();
}
