/* TCPReceiver: the window is the inbound stream's free space; bytes outside it are dropped
 * (RFC 793 section 3.3, "segment acceptability"). */
#include "receiver_steps.h"

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver window: shrinks with buffered data, opens when read [L2.R8]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    EXPECT_WINDOW(&h, &r, 4000);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abcd");
    EXPECT_WINDOW(&h, &r, 3996);
    ARRIVES(&h, &r, .seqno = 5, .payload = "ef");
    EXPECT_WINDOW(&h, &r, 3994);
    EXPECT_READ(&h, &r, "abcdef");
    EXPECT_WINDOW(&h, &r, 4000);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: out-of-order bytes do not shrink it [L2.R8]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 3, .payload = "cd");
    EXPECT_UNASSEMBLED(&h, &r, 2);
    EXPECT_WINDOW(&h, &r, 4000);
    EXPECT_ACKNO(&h, &r, 1);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: segment overflowing the right edge is trimmed [L2.R9]", 2);
    ARRIVES(&h, &r, .syn = true, .seqno = 23452);
    ARRIVES(&h, &r, .seqno = 23453, .payload = "abc");
    EXPECT_ACKNO(&h, &r, 23455);
    EXPECT_ASSEMBLED(&h, &r, 2);
    EXPECT_WINDOW(&h, &r, 0);
    EXPECT_READ(&h, &r, "ab");
    EXPECT_WINDOW(&h, &r, 2);
    STEP(&h, "the dropped byte arrives again once there is room");
    ARRIVES(&h, &r, .seqno = 23455, .payload = "c");
    EXPECT_ACKNO(&h, &r, 23456);
    EXPECT_READ(&h, &r, "c");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: segment exactly filling the window [L2.R9]", 4);
    ARRIVES(&h, &r, .syn = true, .seqno = 10);
    ARRIVES(&h, &r, .seqno = 11, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 15);
    EXPECT_WINDOW(&h, &r, 0);
    EXPECT_READ(&h, &r, "abcd");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: segment entirely beyond the window is dropped [L2.R9]", 4);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 5, .payload = "e");
    EXPECT_ACKNO(&h, &r, 1);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    ARRIVES(&h, &r, .seqno = 100, .payload = "far away");
    EXPECT_UNASSEMBLED(&h, &r, 0);
    STEP(&h, "the right edge itself is inside the window");
    ARRIVES(&h, &r, .seqno = 4, .payload = "de");
    EXPECT_UNASSEMBLED(&h, &r, 1);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abc");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_READ(&h, &r, "abcd");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: zero window drops data until read [L2.R8 L2.R9]", 3);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abc");
    EXPECT_WINDOW(&h, &r, 0);
    ARRIVES(&h, &r, .seqno = 4, .payload = "d");
    EXPECT_ACKNO(&h, &r, 4);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_READ(&h, &r, "abc");
    EXPECT_WINDOW(&h, &r, 3);
    ARRIVES(&h, &r, .seqno = 4, .payload = "defg");
    EXPECT_ACKNO(&h, &r, 7);
    EXPECT_WINDOW(&h, &r, 0);
    EXPECT_READ(&h, &r, "def");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: segment overlapping the left edge is accepted [L2.R9]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "ab");
    ARRIVES(&h, &r, .seqno = 2, .payload = "bcd");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_READ(&h, &r, "abcd");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: a FIN at the window's right edge (ackno + window) is not taken [L2.R9]",
                   4);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "ab");
    EXPECT_WINDOW(&h, &r, 2);
    STEP(&h, "a bare FIN at 5 = ackno 3 + window 2, just beyond the window");
    ARRIVES(&h, &r, .fin = true, .seqno = 5);
    ARRIVES(&h, &r, .seqno = 3, .payload = "cd");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_INPUT_ENDED(&h, &r, false);
    STEP(&h, "with the window full (zero), a bare FIN at the ackno is beyond it too");
    ARRIVES(&h, &r, .fin = true, .seqno = 5);
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_INPUT_ENDED(&h, &r, false);
    STEP(&h, "once the application reads, the same FIN is inside the window and taken");
    EXPECT_READ(&h, &r, "abcd");
    ARRIVES(&h, &r, .fin = true, .seqno = 5);
    EXPECT_ACKNO(&h, &r, 6);
    EXPECT_INPUT_ENDED(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver window: data beyond the window is dropped even at a wrapping ISN [L2.R9 L2.R12]",
                   4);
    ARRIVES(&h, &r, .syn = true, .seqno = UINT32_MAX - 1);
    ARRIVES(&h, &r, .seqno = UINT32_MAX, .payload = "abcdef");
    EXPECT_ACKNO(&h, &r, 3);
    EXPECT_READ(&h, &r, "abcd");
    ARRIVES(&h, &r, .seqno = 3, .payload = "ef");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_READ(&h, &r, "ef");
    return receiver_end(&h, &r);
}
