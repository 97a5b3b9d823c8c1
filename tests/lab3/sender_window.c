/* TCPSender: the peer's window: initial, growing, random sizes, and the FIN's place in it. */

#include "sender_expect.h"

#include <string.h>

/* The first ACK offers 4 or 6 bytes; a 7-byte write fills exactly that much. */
static int window_respected(bool four) {
    struct sender_test t;
    sender_test_begin(&t, four ? "sender window: the first advertised window (4) is respected [L3.R4]"
                               : "sender window: the first advertised window (6) is respected [L3.R4]");
    uint64_t window = four ? 4 : 6;
    const char *expected = four ? "abcd" : "abcdef";
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, window);
    EXPECT_NO_SEGMENT(&t);
    APP_WRITES(&t, "abcdefg");
    EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(1),
                   .payload = PAYLOAD_BYTES(expected, strlen(expected)));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int random_windows(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender window: 300 random windows of 5..99 bytes are filled exactly [L3.R4]");
    static const char big[2000] = {0};
    for (unsigned i = 0; i < 300; i++) {
        uint64_t window = 5 + sponge_rng_below(&t.rng, 95);
        sender_test_start(&t, NULL);
        EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
        ACK_ARRIVES(&t, 1, window);
        EXPECT_NO_SEGMENT(&t);
        APP_WRITES_BYTES(&t, big, sizeof big);
        EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD_BYTES(big, window));
        EXPECT_NO_SEGMENT(&t);
        sender_test_stop(&t);
    }
    return sender_test_end(&t);
}

static int window_growth(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender window: a larger window is used at once [L3.R5]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 4);
    APP_WRITES(&t, "0123456789");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("0123"));
    ACK_ARRIVES(&t, 5, 5);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("45678"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int window_shrink(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender window: a window smaller than what is in flight sends nothing [L3.R5]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 10);
    APP_WRITES(&t, "0123456789");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("0123456789"));
    APP_WRITES(&t, "abc");
    ACK_ARRIVES(&t, 3, 5);
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 9, 5);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(11), .payload = PAYLOAD("abc"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int fin_needs_room(bool ack_advances) {
    struct sender_test t;
    sender_test_begin(&t, ack_advances
                              ? "sender window: the FIN waits for room in the window (new ack) [L3.R6]"
                              : "sender window: the FIN waits for room in the window (window update) [L3.R6 L3.R5]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 7);
    APP_WRITES(&t, "1234567");
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("1234567"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_STATE(&t, "SYN_ACKED");
    if (ack_advances) {
        ACK_ARRIVES(&t, 8, 1);
    } else {
        ACK_ARRIVES(&t, 1, 8);
    }
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(8), .payload = PAYLOAD(""));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_STATE(&t, "FIN_SENT");
    return sender_test_end(&t);
}

static int fin_piggybacks(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender window: the FIN rides on the last data segment when it fits [L3.R6]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 3);
    APP_WRITES(&t, "1234567");
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("123"));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 1, 8);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD("4567"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

int main(void) {
    return window_respected(true) | window_respected(false) | random_windows() | window_growth() | window_shrink() |
           fin_needs_room(true) | fin_needs_room(false) | fin_piggybacks();
}
