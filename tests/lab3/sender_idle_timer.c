/* TCPSender: the retransmission timer stops when everything is acknowledged, so a segment sent
 * after an idle pause gets a full RTO of its own. */

#include "sender_expect.h"

static int idle_then_send(void) {
    struct sender_test t;
    sender_test_begin(
        &t, "sender idle timer: a segment sent after everything was acked and time passed waits a full RTO [L3.R11]");
    sender_test_start(&t, NULL);
    uint64_t rto = t.cfg.rt_timeout;
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    ACK_ARRIVES(&t, 4, 1000);
    EXPECT_IN_FLIGHT(&t, 0);
    TIME_PASSES(&t, 3 * rto);
    EXPECT_NO_SEGMENT(&t);
    EXPECT_RETX(&t, 0);
    APP_WRITES(&t, "def");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    TIME_PASSES(&t, 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, rto - 2);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_RETX(&t, 1);
    return sender_test_end(&t);
}

int main(void) {
    return idle_then_send();
}
