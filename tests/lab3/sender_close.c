/* TCPSender: closing: the FIN, its acknowledgment and its retransmission. */

#include "sender_expect.h"

/* Opens the connection: SYN out, SYN acked with a window of 1000. */
static void open_connection(struct sender_test *t) {
    sender_test_start(t, NULL);
    EXPECT_SEGMENT(t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(t, 1, 1000);
    EXPECT_STATE(t, "SYN_ACKED");
}

static int fin_sent(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender close: closing sends a bare FIN [L3.R6 L3.R3]");
    open_connection(&t);
    APP_CLOSES(&t);
    EXPECT_STATE(&t, "FIN_SENT");
    EXPECT_IN_FLIGHT(&t, 1);
    EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = TRI_YES, .seqno = OPT_U64(1), .payload = PAYLOAD(""));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_NEXT_SEQNO(&t, 2);
    EXPECT_EQ(&t.h, "bytes accepted after close", 0, APP_WRITES(&t, "late"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int fin_acked(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender close: an ack of the FIN moves to FIN_ACKED [L3.R17 L3.R11]");
    open_connection(&t);
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(1));
    ACK_ARRIVES(&t, 2, 1000);
    EXPECT_STATE(&t, "FIN_ACKED");
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 100000);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int fin_not_acked(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender close: an ack short of the FIN keeps FIN_SENT [L3.R17 L3.R8]");
    open_connection(&t);
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(1));
    ACK_ARRIVES(&t, 1, 1000);
    EXPECT_STATE(&t, "FIN_SENT");
    EXPECT_IN_FLIGHT(&t, 1);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int fin_retransmitted(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender close: an unacknowledged FIN is resent after the RTO [L3.R12]");
    open_connection(&t);
    uint64_t rto = t.cfg.rt_timeout;
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(1));
    ACK_ARRIVES(&t, 1, 1000);
    TIME_PASSES(&t, rto - 1);
    EXPECT_STATE(&t, "FIN_SENT");
    EXPECT_IN_FLIGHT(&t, 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_STATE(&t, "FIN_SENT");
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(1), .payload = PAYLOAD(""));
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 2, 1000);
    EXPECT_STATE(&t, "FIN_ACKED");
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int fin_after_data(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender close: a FIN after data in flight takes the next seqno [L3.R6 L3.R3]");
    open_connection(&t);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    EXPECT_IN_FLIGHT(&t, 4);
    ACK_ARRIVES(&t, 4, 1000);
    EXPECT_STATE(&t, "FIN_SENT");
    ACK_ARRIVES(&t, 5, 1000);
    EXPECT_STATE(&t, "FIN_ACKED");
    return sender_test_end(&t);
}

static int stream_error(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender close: an errored outbound stream shows as ERROR [L3.R17]");
    open_connection(&t);
    STEP(&t.h, "the outbound stream is set to error (connection reset)");
    byte_stream_set_error(tcp_sender_stream_in(&t.sender));
    EXPECT_STATE(&t, "ERROR");
    return sender_test_end(&t);
}

int main(void) {
    return fin_sent() | fin_acked() | fin_not_acked() | fin_retransmitted() | fin_after_data() | stream_error();
}
