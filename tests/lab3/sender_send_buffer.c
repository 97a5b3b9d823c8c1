/* TCPSender: the outbound stream's capacity (CS144's rule, lab mode). A byte leaves the stream,
 * and its capacity, when it is sent; what is in flight is bounded by the peer's window only. */

#include "sender_expect.h"

#include <stdlib.h>

#define REMAINING(t) byte_stream_remaining_capacity(tcp_sender_stream_in(&(t)->sender))

/* The example of issue 13: send capacity 64000, window 65000, the application writes 65000
 * bytes in small pieces before any ACK. Every byte is accepted and sent. */
static int window_larger_than_capacity(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender buffer: a window of 65000 is filled from a 64000-byte stream [L3.R18]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 65000);
    const size_t total = 65000, chunk = 100;
    uint8_t *data = malloc(total);
    if (!data) {
        FAIL(&t.h, "out of memory");
    }
    for (size_t i = 0; i < total; i++) {
        data[i] = (uint8_t)sponge_rng_next(&t.rng);
    }
    size_t accepted = 0;
    for (size_t off = 0; off < total; off += chunk) {
        accepted += sender_test_write(&t, __FILE__, __LINE__, data + off, chunk);
        /* Each write is sent at once (the window has room), so the whole capacity is free again. */
        if (REMAINING(&t) != TCP_DEFAULT_CAPACITY) {
            EXPECT_EQ(&t.h, "remaining capacity after a write that was sent", TCP_DEFAULT_CAPACITY, REMAINING(&t));
        }
    }
    EXPECT_EQ(&t.h, "bytes accepted", total, accepted);
    EXPECT_IN_FLIGHT(&t, total);
    for (size_t off = 0; off < total; off += chunk) {
        EXPECT_SEGMENT(&t, .seqno = OPT_U64(1 + off), .payload = PAYLOAD_BYTES(data + off, chunk));
    }
    EXPECT_NO_SEGMENT(&t);
    STEP(&t.h, "the window is full: the next writes wait in the stream, up to its capacity");
    EXPECT_EQ(&t.h, "bytes accepted", TCP_DEFAULT_CAPACITY, APP_WRITES_BYTES(&t, data, total));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_EQ(&t.h, "remaining capacity", 0, REMAINING(&t));
    ACK_ARRIVES(&t, 1 + total, 65000);
    EXPECT_IN_FLIGHT(&t, TCP_DEFAULT_CAPACITY);
    EXPECT_EQ(&t.h, "remaining capacity", TCP_DEFAULT_CAPACITY, REMAINING(&t));
    for (size_t off = 0; off < TCP_DEFAULT_CAPACITY; off += TCP_DEFAULT_MAX_PAYLOAD) {
        EXPECT_SEGMENT(&t, .seqno = OPT_U64(1 + total + off), .payload = PAYLOAD_BYTES(data + off, 1000));
    }
    EXPECT_NO_SEGMENT(&t);
    free(data);
    return sender_test_end(&t);
}

/* Small numbers: capacity 10, window 25. */
static int capacity_counts_unsent_bytes(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender buffer: write accepts send_capacity unsent bytes whatever is in flight [L3.R18]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.send_capacity = 10;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 25);
    EXPECT_EQ(&t.h, "bytes accepted", 10, APP_WRITES(&t, "0123456789"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("0123456789"));
    EXPECT_EQ(&t.h, "remaining capacity with 10 bytes in flight", 10, REMAINING(&t));
    EXPECT_EQ(&t.h, "bytes accepted", 10, APP_WRITES(&t, "abcdefghijXYZ"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(11), .payload = PAYLOAD("abcdefghij"));
    EXPECT_EQ(&t.h, "bytes accepted", 10, APP_WRITES(&t, "ABCDEFGHIJ"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(21), .payload = PAYLOAD("ABCDE"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 25);
    EXPECT_EQ(&t.h, "remaining capacity (5 unsent)", 5, REMAINING(&t));
    EXPECT_EQ(&t.h, "buffer size (unsent bytes)", 5, byte_stream_buffer_size(tcp_sender_stream_in(&t.sender)));
    EXPECT_EQ(&t.h, "bytes read (sent)", 25, byte_stream_bytes_read(tcp_sender_stream_in(&t.sender)));
    /* A partial ack opens 3 more bytes of window. */
    ACK_ARRIVES(&t, 4, 25);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(26), .payload = PAYLOAD("FGH"));
    EXPECT_EQ(&t.h, "remaining capacity (2 unsent)", 8, REMAINING(&t));
    ACK_ARRIVES(&t, 29, 25);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(29), .payload = PAYLOAD("IJ"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_EQ(&t.h, "remaining capacity", 10, REMAINING(&t));
    return sender_test_end(&t);
}

/* Bytes in flight are resent from where they are: retransmissions after the stream has been
 * refilled with new bytes still carry the old ones. */
static int retransmission_after_refill(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender buffer: a retransmission carries its bytes after the stream was refilled [L3.R19]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.send_capacity = 4;
    cfg.max_payload = 4;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 8);
    APP_WRITES(&t, "abcd");
    APP_WRITES(&t, "efgh");
    EXPECT_EQ(&t.h, "bytes accepted (window full, stream empty)", 4, APP_WRITES(&t, "ijklmn"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abcd"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("efgh"));
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, cfg.rt_timeout);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abcd"));
    ACK_ARRIVES(&t, 5, 8);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(9), .payload = PAYLOAD("ijkl"));
    EXPECT_EQ(&t.h, "bytes accepted", 4, APP_WRITES(&t, "mnop"));
    TIME_PASSES(&t, cfg.rt_timeout);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("efgh"));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 13, 8);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(13), .payload = PAYLOAD("mnop"));
    return sender_test_end(&t);
}

/* The ring has room for max_in_flight sent bytes (65535 by default: the largest window a
 * 16-bit field offers), so the sender fills no more of a larger window. */
static int in_flight_limit(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender buffer: at most max_in_flight bytes of a larger window are filled [L3.R18]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    EXPECT_EQ(&t.h, "default max_in_flight", 65535, cfg.max_in_flight);
    cfg.send_capacity = 10;
    cfg.max_in_flight = 8;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 20);
    EXPECT_EQ(&t.h, "bytes accepted", 10, APP_WRITES(&t, "0123456789"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("01234567"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 8);
    EXPECT_EQ(&t.h, "remaining capacity (2 unsent)", 8, REMAINING(&t));
    EXPECT_EQ(&t.h, "bytes accepted", 8, APP_WRITES(&t, "abcdefghij"));
    ACK_ARRIVES(&t, 5, 20);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(9), .payload = PAYLOAD("89ab"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 8);
    return sender_test_end(&t);
}

int main(void) {
    return window_larger_than_capacity() | capacity_counts_unsent_bytes() | retransmission_after_refill() |
           in_flight_limit();
}
