/* TCPSender: which acks count: repeated, old, partial, cumulative, and impossible ones. */

#include "sender_expect.h"

#include <string.h>

static int repeated_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender ack: a repeated ack sends nothing [L3.R10]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "a");
    EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("a"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_TRUE(&t.h, "repeated ack accepted", ACK_ARRIVES(&t, 1, 1000));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 1);
    return sender_test_end(&t);
}

static int old_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender ack: an old ack changes neither flight nor window [L3.R10 L3.R5]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "a");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("a"));
    ACK_ARRIVES(&t, 2, 1000);
    EXPECT_NO_SEGMENT(&t);
    APP_WRITES(&t, "b");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(2), .payload = PAYLOAD("b"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_TRUE(&t.h, "old ack accepted (harmless)", ACK_ARRIVES(&t, 1, 0));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 1);
    /* Its window of 0 was stale: the window is still 1000, so new data goes out at once. */
    APP_WRITES(&t, "cd");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(3), .payload = PAYLOAD("cd"));
    return sender_test_end(&t);
}

static int impossible_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender ack: an ack of data never sent is refused and changes nothing [L3.R9]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 3);
    APP_WRITES(&t, "abcdef");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_BOOL(&t.h, "ack of isn+17 accepted", false, ACK_ARRIVES(&t, 17, 1000));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 3);
    EXPECT_NEXT_SEQNO(&t, 4);
    /* Nor did it change the window: only the honest ack below opens it. */
    EXPECT_TRUE(&t.h, "ack of isn+4 accepted", ACK_ARRIVES(&t, 4, 1000));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    return sender_test_end(&t);
}

static int partial_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender ack: a partly acknowledged segment is kept and resent whole [L3.R8 L3.R14]");
    sender_test_start(&t, NULL);
    uint64_t rto = t.cfg.rt_timeout;
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "abcdefgh");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abcdefgh"));
    ACK_ARRIVES(&t, 5, 1000);
    EXPECT_IN_FLIGHT(&t, 4);
    /* The partial ack acknowledged new data, so the timer restarted. */
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abcdefgh"));
    ACK_ARRIVES(&t, 9, 1000);
    EXPECT_IN_FLIGHT(&t, 0);
    TIME_PASSES(&t, 10 * rto);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int cumulative_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender ack: one ack removes every segment it covers [L3.R8 L3.R12]");
    sender_test_start(&t, NULL);
    uint64_t rto = t.cfg.rt_timeout;
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "ab");
    APP_WRITES(&t, "cd");
    APP_WRITES(&t, "ef");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("ab"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(3), .payload = PAYLOAD("cd"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("ef"));
    ACK_ARRIVES(&t, 6, 1000);
    EXPECT_IN_FLIGHT(&t, 1);
    TIME_PASSES(&t, rto);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("ef"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int ack_before_syn(void) {
    struct harness h;
    harness_begin(&h, "sender ack: an ack before anything was sent acknowledges nothing [L3.R9 L3.R17]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.fixed_isn_set = true;
    cfg.fixed_isn = 1000;
    struct tcp_sender s;
    STEP(&h, "create a sender with isn 1000, no fill_window");
    EXPECT_EQ(&h, "init", SPONGE_OK, tcp_sender_init(&s, &cfg));
    EXPECT_TRUE(&h, "state is CLOSED", strcmp(tcp_sender_state(&s), "CLOSED") == 0);
    STEP(&h, "ack arrives: ackno 1001");
    EXPECT_BOOL(&h, "ack accepted", false, tcp_sender_ack_received(&s, wrap32_of(1001), 1000));
    EXPECT_EQ(&h, "bytes in flight", 0, tcp_sender_bytes_in_flight(&s));
    EXPECT_BOOL(&h, "segment queued", false, tcp_sender_has_segments(&s));
    tcp_sender_destroy(&s);
    return harness_end(&h);
}

int main(void) {
    return repeated_ack() | old_ack() | impossible_ack() | partial_ack() | cumulative_ack() | ack_before_syn();
}
