/* TCPReceiver: what tcp_receiver_segment_arrived says it did with each segment. A segment is out
 * of the window when it occupies sequence space and none of it lies in [ackno, ackno + window)
 * (RFC 9293 section 3.10.7.4, "segment acceptability"). */
#include "receiver_steps.h"

/* Delivers a segment through tcp_receiver_segment_arrived and checks its answer. */
#define EXPECT_ARRIVAL(h, r, expected, ...)                                                                            \
    do {                                                                                                               \
        struct tcp_segment arriving_ = SEGMENT_ARRIVES((h), __VA_ARGS__);                                              \
        EXPECT_EQ((h), "disposition (" #expected ")", (expected), tcp_receiver_segment_arrived((r), &arriving_));      \
    } while (0)

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver disposition: everything before the SYN is dropped as such [L2.R21]", 4);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_DROP_BEFORE_SYN, .seqno = 1, .payload = "ab");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_DROP_BEFORE_SYN, .seqno = 1, .fin = true);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .syn = true, .seqno = 0);
    EXPECT_ACKNO(&h, &r, 1);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver disposition: the window's left and right edges [L2.R21]", 4);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .syn = true, .seqno = 0);
    STEP(&h, "window [1, 5): a segment starting at 5 is past the right edge, one ending at 5 is in");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_OUT_OF_WINDOW, .seqno = 5, .payload = "e");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .seqno = 4, .payload = "de");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .seqno = 1, .payload = "abc");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_READ(&h, &r, "abcd");
    STEP(&h, "window [5, 9): a retransmission ending at the ackno is wholly old");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_OUT_OF_WINDOW, .seqno = 1, .payload = "abcd");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .seqno = 4, .payload = "de");
    EXPECT_ACKNO(&h, &r, 6);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver disposition: the right edge is first unread + capacity [L2.R21]", 4);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .syn = true, .seqno = 0, .payload = "ab");
    STEP(&h, "\"ab\" unread: the window is [3, 5), not [3, 7)");
    EXPECT_WINDOW(&h, &r, 2);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_OUT_OF_WINDOW, .seqno = 5, .payload = "ef");
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_READ(&h, &r, "ab");
    STEP(&h, "read: the window is [3, 7)");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .seqno = 5, .payload = "ef");
    EXPECT_UNASSEMBLED(&h, &r, 2);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_OUT_OF_WINDOW, .seqno = 7, .payload = "g");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver disposition: a FIN takes sequence space, an empty segment none [L2.R21]", 2);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .syn = true, .seqno = 0);
    STEP(&h, "window [1, 3): a lone FIN at 4 is past it");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_OUT_OF_WINDOW, .seqno = 4, .fin = true);
    EXPECT_INPUT_ENDED(&h, &r, false);
    STEP(&h, "a segment with no sequence space is never out of the window, wherever it claims to be");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .ack = true, .seqno = 100);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .seqno = 2, .payload = "b");
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_TAKEN, .seqno = 1, .payload = "a");
    STEP(&h, "zero window [3, 3): data right at the ackno is out of it");
    EXPECT_WINDOW(&h, &r, 0);
    EXPECT_ARRIVAL(&h, &r, TCP_RECEIVER_OUT_OF_WINDOW, .seqno = 3, .payload = "c");
    EXPECT_ACKNO(&h, &r, 3);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    return receiver_end(&h, &r);
}
