/* TCPReceiver: the FIN occupies one sequence number after the last byte (RFC 793 section
 * 3.3) and ends the inbound stream once every byte before it has arrived. */
#include "receiver_steps.h"

int main(void) {
    struct harness h;
    struct tcp_receiver r;

    receiver_begin(&h, &r, "receiver close: FIN right after the SYN [L2.R6 L2.R7]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    ARRIVES(&h, &r, .fin = true, .seqno = 1);
    EXPECT_ACKNO(&h, &r, 2);
    EXPECT_STATE(&h, &r, "FIN_RECV");
    EXPECT_UNASSEMBLED(&h, &r, 0);
    EXPECT_ASSEMBLED(&h, &r, 0);
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver close: data, then FIN in its own segment [L2.R6 L2.R7]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 2302);
    ARRIVES(&h, &r, .seqno = 2303, .payload = "a");
    EXPECT_ACKNO(&h, &r, 2304);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    ARRIVES(&h, &r, .fin = true, .seqno = 2304);
    EXPECT_ACKNO(&h, &r, 2305);
    EXPECT_STATE(&h, &r, "FIN_RECV");
    EXPECT_INPUT_ENDED(&h, &r, true);
    EXPECT_EOF(&h, &r, false);
    EXPECT_READ(&h, &r, "a");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver close: FIN on the last data segment [L2.R6 L2.R7]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .seqno = 1, .payload = "abc");
    ARRIVES(&h, &r, .fin = true, .seqno = 4, .payload = "def");
    EXPECT_ACKNO(&h, &r, 8);
    EXPECT_STATE(&h, &r, "FIN_RECV");
    EXPECT_READ(&h, &r, "abcdef");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver close: FIN arrives before the data [L2.R7]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 3000);
    ARRIVES(&h, &r, .fin = true, .seqno = 3002);
    EXPECT_ACKNO(&h, &r, 3001);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    EXPECT_INPUT_ENDED(&h, &r, false);
    ARRIVES(&h, &r, .seqno = 3001, .payload = "a");
    EXPECT_ACKNO(&h, &r, 3003);
    EXPECT_STATE(&h, &r, "FIN_RECV");
    EXPECT_READ(&h, &r, "a");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver close: FIN with data beyond the window is not taken [L2.R9]", 4);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .fin = true, .seqno = 1, .payload = "abcdef");
    EXPECT_ACKNO(&h, &r, 5);
    EXPECT_STATE(&h, &r, "SYN_RECV");
    EXPECT_READ(&h, &r, "abcd");
    ARRIVES(&h, &r, .fin = true, .seqno = 5, .payload = "ef");
    EXPECT_ACKNO(&h, &r, 8);
    EXPECT_STATE(&h, &r, "FIN_RECV");
    EXPECT_READ(&h, &r, "ef");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver close: retransmitted FIN changes nothing [L2.R11]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    ARRIVES(&h, &r, .fin = true, .seqno = 1, .payload = "xy");
    EXPECT_ACKNO(&h, &r, 4);
    ARRIVES(&h, &r, .fin = true, .seqno = 1, .payload = "xy");
    ARRIVES(&h, &r, .fin = true, .seqno = 3);
    EXPECT_ACKNO(&h, &r, 4);
    EXPECT_ASSEMBLED(&h, &r, 2);
    EXPECT_READ(&h, &r, "xy");
    EXPECT_EOF(&h, &r, true);
    receiver_end(&h, &r);

    receiver_begin(&h, &r, "receiver close: error on the stream shows as ERROR [L2.R13]", 4000);
    ARRIVES(&h, &r, .syn = true, .seqno = 0);
    STEP(&h, "the connection sets the inbound stream's error (as on a RST)");
    byte_stream_set_error(tcp_receiver_stream_out(&r));
    EXPECT_STATE(&h, &r, "ERROR");
    return receiver_end(&h, &r);
}
