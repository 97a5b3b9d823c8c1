/* TCPReceiver: the SYN starts the inbound stream and fixes the ISN (RFC 793 section 3.3). */
#include "receiver_steps.h"

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver connect: SYN at seqno 0 [L2.R4 L2.R6]", 4000);
    EXPECT_STATE(&h, &r, "LISTEN");
    EXPECT_NO_ACKNO(&h, &r);
    EXPECT_WINDOW(&h, &r, 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    EXPECT_ACKNO(&h, &r, 1);
    EXPECT_WINDOW(&h, &r, 4000);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_ASSEMBLED(&h, &r, 0);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver connect: SYN at a large ISN [L2.R4 L2.R6]", 5435);
    EXPECT_NO_ACKNO(&h, &r);
    ARRIVES(&h, &r, .syn = true, .seqno = 89347598);
    EXPECT_ACKNO(&h, &r, 89347599);
    EXPECT_WINDOW(&h, &r, 5435);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver connect: SYN at seqno 2^32 - 1, ackno wraps to 0 [L2.R6 L2.R12]", 100);
    ARRIVES(&h, &r, .syn = true, .seqno = UINT32_MAX);
    EXPECT_ACKNO(&h, &r, 0);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver connect: data before the SYN is ignored [L2.R4]", 5435);
    ARRIVES(&h, &r, .seqno = 893475, .payload = "hello");
    EXPECT_NO_ACKNO(&h, &r);
    EXPECT_STATE(&h, &r, "LISTEN");
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_ASSEMBLED(&h, &r, 0);
    EXPECT_WINDOW(&h, &r, 5435);
    ARRIVES(&h, &r, .ack = true, .seqno = 893475, .ackno = 17);
    EXPECT_NO_ACKNO(&h, &r);
    ARRIVES(&h, &r, .fin = true, .seqno = 893480);
    EXPECT_NO_ACKNO(&h, &r);
    EXPECT_STATE(&h, &r, "LISTEN");
    ARRIVES(&h, &r, .rst = true, .seqno = 893480);
    EXPECT_NO_ACKNO(&h, &r);
    STEP(&h, "the SYN comes just before the ignored data");
    ARRIVES(&h, &r, .syn = true, .seqno = 893474);
    EXPECT_ACKNO(&h, &r, 893475);
    EXPECT_ASSEMBLED(&h, &r, 0);
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_READ(&h, &r, "");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver connect: SYN carrying data [L2.R5]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 5, .payload = "Hello");
    EXPECT_ACKNO(&h, &r, 11);
    EXPECT_ASSEMBLED(&h, &r, 5);
    EXPECT_WINDOW(&h, &r, 3995);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    EXPECT_READ(&h, &r, "Hello");
    EXPECT_WINDOW(&h, &r, 4000);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver connect: SYN with FIN and no data [L2.R5 L2.R7]", 4000);
    ARRIVES(&h, &r, .syn = true, .fin = true, .seqno = 1000);
    EXPECT_ACKNO(&h, &r, 1002);
    EXPECT_STATE(&h, &r, "FIN_RECV");
    EXPECT_INPUT_ENDED(&h, &r, true);
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver connect: SYN with ACK (the passive side's SYN+ACK) [L2.R4 L2.R13]", 4000);
    ARRIVES(&h, &r, .syn = true, .ack = true, .seqno = 7, .ackno = 12345, .win = 100);
    EXPECT_ACKNO(&h, &r, 8);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver connect: retransmitted SYN changes nothing [L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 40);
    ARRIVES(&h, &r, .seqno = 41, .payload = "ab");
    EXPECT_ACKNO(&h, &r, 43);
    ARRIVES(&h, &r, .syn = true, .seqno = 40);
    EXPECT_ACKNO(&h, &r, 43);
    EXPECT_ASSEMBLED(&h, &r, 2);
    EXPECT_READ(&h, &r, "ab");
    return receiver_end(&h, &r);
}
