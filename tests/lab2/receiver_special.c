/* TCPReceiver special cases: flags combined in one segment, segments before the SYN, stale
 * and far-future segments, a second SYN, and a segment claiming the SYN's sequence number. */
#include "receiver_steps.h"

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver special: SYN, data and FIN in one segment [L2.R5 L2.R7]", 4000);
    ARRIVES(&h, &r, .syn = true, .fin = true, .seqno = 0, .payload = "Hello, CS144!");
    EXPECT_ACKNO(&h, &r, 15);
    EXPECT_STATE(&h, &r, "FIN_RECV");
    EXPECT_ASSEMBLED(&h, &r, 13);
    EXPECT_WINDOW(&h, &r, 3987);
    EXPECT_READ(&h, &r, "Hello, CS144!");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: SYN, data and FIN at a wrapping ISN [L2.R5 L2.R12]", 4000);
    ARRIVES(&h, &r, .syn = true, .fin = true, .seqno = UINT32_MAX - 2, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 3);
    EXPECT_READ(&h, &r, "abcd");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: data, FIN before the SYN are forgotten [L2.R4]", 4000);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abcd");
    ARRIVES(&h, &r, .fin = true, .seqno = 5);
    EXPECT_NO_ACKNO(&h, &r);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    EXPECT_ACKNO(&h, &r, 1);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    ARRIVES(&h, &r, .seqno = 1, .payload = "abcd");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_READ(&h, &r, "abcd");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: segment at the SYN's seqno without SYN is ignored [L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 77);
    ARRIVES(&h, &r, .seqno = 77, .payload = "zzzz");
    EXPECT_ACKNO(&h, &r, 78);
    EXPECT_ASSEMBLED(&h, &r, 0);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    ARRIVES(&h, &r, .seqno = 78, .payload = "abcd");
    EXPECT_READ(&h, &r, "abcd");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: old segments are ignored [L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abcdefgh");
    EXPECT_READ(&h, &r, "abcdefgh");
    ARRIVES(&h, &r, .seqno = 1, .payload = "XXXX");
    ARRIVES(&h, &r, .seqno = 5, .payload = "YYYY");
    EXPECT_ACKNO(&h, &r, 9);
    EXPECT_ASSEMBLED(&h, &r, 8);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_READ(&h, &r, "");
    STEP(&h, "a segment straddling the ackno contributes only its new part");
    ARRIVES(&h, &r, .seqno = 7, .payload = "ghij");
    EXPECT_ACKNO(&h, &r, 11);
    EXPECT_READ(&h, &r, "ij");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: segment half the sequence space away is dropped [L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 0x80000000u, .payload = "far");
    ARRIVES(&h, &r, .seqno = 0x80000001u, .payload = "far");
    ARRIVES(&h, &r, .seqno = UINT32_MAX, .payload = "before");
    EXPECT_ACKNO(&h, &r, 1);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_ASSEMBLED(&h, &r, 0);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: a SYN at another seqno is ignored [L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 100);
    ARRIVES(&h, &r, .seqno = 101, .payload = "abc");
    ARRIVES(&h, &r, .syn = true, .seqno = 500, .payload = "evil");
    EXPECT_ACKNO(&h, &r, 104);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    ARRIVES(&h, &r, .syn = true, .seqno = 104, .payload = "evil");
    EXPECT_ACKNO(&h, &r, 104);
    ARRIVES(&h, &r, .syn = true, .fin = true, .seqno = 103);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    ARRIVES(&h, &r, .seqno = 104, .payload = "d");
    EXPECT_ACKNO(&h, &r, 105);
    EXPECT_READ(&h, &r, "abcd");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: retransmitted SYN with its data [L2.R5 L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 9, .payload = "abc");
    ARRIVES(&h, &r, .syn = true, .seqno = 9, .payload = "abcdef");
    EXPECT_ACKNO(&h, &r, 16);
    EXPECT_READ(&h, &r, "abcdef");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver special: RST and ACK flags do not affect the stream [L2.R13]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .ack = true, .rst = true, .seqno = 1, .ackno = 99, .payload = "ab");
    EXPECT_ACKNO(&h, &r, 3);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    return receiver_end(&h, &r);
}
