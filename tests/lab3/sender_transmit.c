/* TCPSender: sending data within the window, short writes, continuous and delayed acks. */

#include "sender_expect.h"

static int short_writes(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender transmit: three short writes become three segments [L3.R4 L3.R3]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "ab");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("ab"));
    APP_WRITES(&t, "cd");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(3), .payload = PAYLOAD("cd"));
    APP_WRITES(&t, "abcd");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("abcd"));
    EXPECT_NEXT_SEQNO(&t, 9);
    EXPECT_IN_FLIGHT(&t, 8);
    EXPECT_STATE(&t, "SYN_ACKED");
    return sender_test_end(&t);
}

/* Writes blocks of 1..10 bytes: 10000 acked each at once, or 1000 acked all at the end. */
static int many_writes(bool ack_each) {
    struct sender_test t;
    sender_test_begin(&t, ack_each ? "sender transmit: 10000 short writes, each acked at once [L3.R4 L3.R3]"
                                   : "sender transmit: 1000 short writes, one ack at the end [L3.R4 L3.R3]");
    unsigned rounds = ack_each ? 10000 : 1000;
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 65000);
    uint64_t sent = 0;
    for (unsigned i = 0; i < rounds; i++) {
        char block[10];
        size_t n = 1 + sponge_rng_below(&t.rng, sizeof block);
        for (size_t j = 0; j < n; j++) {
            block[j] = (char)('a' + (i + j) % 26);
        }
        EXPECT_NEXT_SEQNO(&t, 1 + sent);
        EXPECT_EQ(&t.h, "bytes accepted", n, APP_WRITES_BYTES(&t, block, n));
        EXPECT_SEGMENT(&t, .seqno = OPT_U64(1 + sent), .payload = PAYLOAD_BYTES(block, n));
        EXPECT_NO_SEGMENT(&t);
        sent += n;
        EXPECT_IN_FLIGHT(&t, ack_each ? n : sent);
        if (ack_each) {
            ACK_ARRIVES(&t, 1 + sent, 65000);
        }
    }
    ACK_ARRIVES(&t, 1 + sent, 65000);
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int window_filling(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender transmit: a window of 3 is filled again after each ack [L3.R4]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 3);
    APP_WRITES(&t, "01234567");
    EXPECT_IN_FLIGHT(&t, 3);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("012"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_NEXT_SEQNO(&t, 4);
    ACK_ARRIVES(&t, 4, 3);
    EXPECT_IN_FLIGHT(&t, 3);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("345"));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 7, 3);
    EXPECT_IN_FLIGHT(&t, 2);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(7), .payload = PAYLOAD("67"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_NEXT_SEQNO(&t, 9);
    ACK_ARRIVES(&t, 9, 3);
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int writes_respect_window(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender transmit: a later write only gets what is left of the window [L3.R4]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 3);
    APP_WRITES(&t, "01");
    EXPECT_IN_FLIGHT(&t, 2);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("01"));
    EXPECT_NEXT_SEQNO(&t, 3);
    APP_WRITES(&t, "23");
    EXPECT_IN_FLIGHT(&t, 3);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(3), .payload = PAYLOAD("2"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_NEXT_SEQNO(&t, 4);
    return sender_test_end(&t);
}

/* Modern mode's kernel-style send buffer (lab mode's rule: sender_send_buffer.c). */
static int outbound_capacity_counts_unacked(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender transmit: with max_in_flight 0, unacknowledged bytes hold stream capacity until "
                          "their segment is acked [L3.R20]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.send_capacity = 10;
    cfg.max_in_flight = 0;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    EXPECT_EQ(&t.h, "bytes accepted", 6, APP_WRITES(&t, "012345"));
    EXPECT_EQ(&t.h, "bytes accepted", 4, APP_WRITES(&t, "6789abc"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("012345"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(7), .payload = PAYLOAD("6789"));
    EXPECT_EQ(&t.h, "bytes accepted while all are in flight", 0, APP_WRITES(&t, "x"));
    /* A partial ack frees nothing: the first segment may still be resent whole. */
    ACK_ARRIVES(&t, 5, 1000);
    EXPECT_EQ(&t.h, "remaining capacity", 0, byte_stream_remaining_capacity(tcp_sender_stream_in(&t.sender)));
    ACK_ARRIVES(&t, 9, 1000);
    EXPECT_EQ(&t.h, "remaining capacity", 6, byte_stream_remaining_capacity(tcp_sender_stream_in(&t.sender)));
    EXPECT_EQ(&t.h, "bytes accepted", 6, APP_WRITES(&t, "abcdefgh"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(11), .payload = PAYLOAD("abcdef"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

int main(void) {
    return short_writes() | many_writes(true) | many_writes(false) | window_filling() | writes_respect_window() |
           outbound_capacity_counts_unacked();
}
