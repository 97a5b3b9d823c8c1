/* TCPSender: opening the connection (the SYN and its acknowledgment). */

#include "sender_expect.h"

static int syn_is_first(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender connect: the first segment is a bare SYN [L3.R1 L3.R3]");
    sender_test_start(&t, NULL);
    EXPECT_STATE(&t, "SYN_SENT");
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .fin = TRI_NO, .rst = TRI_NO, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 1);
    EXPECT_NEXT_SEQNO(&t, 1);
    return sender_test_end(&t);
}

static int syn_acked(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender connect: an ack of the SYN moves to SYN_ACKED [L3.R8 L3.R17]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    EXPECT_TRUE(&t.h, "ack accepted", ACK_ARRIVES(&t, 1, 1000));
    EXPECT_STATE(&t, "SYN_ACKED");
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 0);
    return sender_test_end(&t);
}

static int ack_of_isn_is_not_syn_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender connect: an ackno equal to the ISN acknowledges nothing [L3.R10]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 0, 1000);
    EXPECT_STATE(&t, "SYN_SENT");
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 1);
    return sender_test_end(&t);
}

static int ack_beyond_syn_is_refused(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender connect: an ack past the SYN is refused and changes nothing [L3.R9]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    EXPECT_BOOL(&t.h, "ack accepted", false, ACK_ARRIVES(&t, 2, 1000));
    EXPECT_STATE(&t, "SYN_SENT");
    EXPECT_IN_FLIGHT(&t, 1);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int data_waits_for_syn_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender connect: data written before the SYN/ACK waits for it [L3.R1]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
    APP_WRITES(&t, "abcdefgh");
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 1, 1000);
    EXPECT_STATE(&t, "SYN_ACKED");
    EXPECT_SEGMENT(&t, .syn = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("abcdefgh"));
    EXPECT_IN_FLIGHT(&t, 8);
    ACK_ARRIVES(&t, 9, 1000);
    EXPECT_STATE(&t, "SYN_ACKED");
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_NEXT_SEQNO(&t, 9);
    return sender_test_end(&t);
}

static int random_isn_differs(void) {
    /* Two senders without a fixed ISN: getrandom(2) makes equal ISNs a 1 in 2^32 event. */
    struct harness h;
    harness_begin(&h, "sender connect: without a fixed ISN the ISN is random [L3.R2]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    struct tcp_sender a, b;
    STEP(&h, "create two senders with random ISNs; fill_window on both");
    EXPECT_EQ(&h, "init a", SPONGE_OK, tcp_sender_init(&a, &cfg));
    EXPECT_EQ(&h, "init b", SPONGE_OK, tcp_sender_init(&b, &cfg));
    tcp_sender_fill_window(&a);
    tcp_sender_fill_window(&b);
    struct tcp_segment sa, sb;
    EXPECT_TRUE(&h, "a sent its SYN", tcp_sender_segments_out(&a, &sa) && sa.header.syn);
    EXPECT_TRUE(&h, "b sent its SYN", tcp_sender_segments_out(&b, &sb) && sb.header.syn);
    EXPECT_TRUE(&h, "the ISNs differ", sa.header.seqno.raw != sb.header.seqno.raw);
    tcp_sender_destroy(&a);
    tcp_sender_destroy(&b);
    return harness_end(&h);
}

int main(void) {
    return syn_is_first() | syn_acked() | ack_of_isn_is_not_syn_ack() | ack_beyond_syn_is_refused() |
           data_waits_for_syn_ack() | random_isn_differs();
}
