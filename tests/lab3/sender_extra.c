/* TCPSender: timer corner cases, big windows, FIN placement, zero windows, empty segments. */

#include "sender_expect.h"

#include <stdlib.h>

/* Starts a sender with a random RTO in [30, 10000) ms; SYN out, acked with a window of 1000. */
static uint64_t open_with_random_rto(struct sender_test *t) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rt_timeout = 30 + (uint32_t)sponge_rng_below(&t->rng, 9970);
    sender_test_start(t, &cfg);
    EXPECT_SEGMENT(t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
    ACK_ARRIVES(t, 1, 1000);
    EXPECT_STATE(t, "SYN_ACKED");
    return cfg.rt_timeout;
}

/* Sends more while the timer runs; if `late`, the tick that reaches the RTO overshoots it by 200 ms. */
static int timer_keeps_running(bool late) {
    struct sender_test t;
    sender_test_begin(&t, late ? "sender extra: retransmission happens when a tick overshoots the RTO [L3.R12]"
                               : "sender extra: a running timer is not restarted by sending more [L3.R11]");
    uint64_t late_by = late ? 200 : 0;
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, rto - 5);
    EXPECT_NO_SEGMENT(&t);
    APP_WRITES(&t, "def");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    TIME_PASSES(&t, 5 + late_by);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int timer_restarts_on_new_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: an ack of new data restarts the timer [L3.R14]");
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, rto - 5);
    APP_WRITES(&t, "def");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    ACK_ARRIVES(&t, 4, 1000);
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 2);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    return sender_test_end(&t);
}

static int timer_not_restarted_by_old_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: an ack of nothing new leaves the timer and back-off alone [L3.R10 L3.R13]");
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, rto - 5);
    APP_WRITES(&t, "def");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    ACK_ARRIVES(&t, 1, 1000);
    TIME_PASSES(&t, 6);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 2 * rto - 5);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 8);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int rto_resets_on_new_ack(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: an ack of new data resets a backed-off RTO [L3.R14 L3.R13]");
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, rto - 5);
    APP_WRITES(&t, "def");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    APP_WRITES(&t, "ghi");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(7), .payload = PAYLOAD("ghi"));
    TIME_PASSES(&t, 6);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, 2 * rto - 5);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 5);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_RETX(&t, 2);
    TIME_PASSES(&t, 4 * rto - 5);
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 4, 1000);
    EXPECT_RETX(&t, 0);
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 2);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int big_window(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: a big window is filled with full-size segments [L3.R4 L3.R1]");
    sender_test_start(&t, NULL);
    size_t len = t.cfg.send_capacity;
    uint8_t *data = malloc(len);
    if (!data) {
        FAIL(&t.h, "out of memory");
    }
    for (size_t i = 0; i < len; i++) {
        data[i] = (uint8_t)('a' + sponge_rng_below(&t.rng, 26));
    }
    uint64_t window = 50000 + sponge_rng_below(&t.rng, 13001);
    EXPECT_EQ(&t.h, "bytes accepted", len, APP_WRITES_BYTES(&t, data, len));
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
    ACK_ARRIVES(&t, 1, window);
    EXPECT_STATE(&t, "SYN_ACKED");
    size_t max = t.cfg.max_payload;
    for (uint64_t i = 0; i < window; i += max) {
        size_t n = window - i < max ? window - i : max;
        EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(1 + i),
                       .payload = PAYLOAD_BYTES(data + i, n));
    }
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, window);
    free(data);
    return sender_test_end(&t);
}

static int fin_segment_retransmitted(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: a data+FIN segment is resent like any other [L3.R12 L3.R6]");
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abc");
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    STEP(&t.h, "(the harness writes then closes; now the same with both in one fill_window)");
    sender_test_stop(&t);
    rto = open_with_random_rto(&t);
    STEP(&t.h, "app writes \"abc\" and closes; fill_window");
    byte_stream_write(tcp_sender_stream_in(&t.sender), "abc", 3);
    byte_stream_end_input(tcp_sender_stream_in(&t.sender));
    tcp_sender_fill_window(&t.sender);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 2);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    return sender_test_end(&t);
}

static int fin_only_retransmitted(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: a bare FIN is resent like any other segment [L3.R12 L3.R13]");
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 4, 1000);
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 2);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    TIME_PASSES(&t, 2 * rto - 5);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 10);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    return sender_test_end(&t);
}

static int fin_not_beyond_window(bool close_first) {
    struct sender_test t;
    sender_test_begin(&t, close_first ? "sender extra: no FIN on a segment that fills the window [L3.R6]"
                                      : "sender extra: no bare FIN while the window is full [L3.R6]");
    sender_test_start(&t, NULL);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    APP_WRITES(&t, "abc");
    if (close_first) {
        APP_CLOSES(&t);
    }
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 1, 3);
    EXPECT_STATE(&t, "SYN_ACKED");
    EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    if (!close_first) {
        APP_CLOSES(&t);
        EXPECT_NO_SEGMENT(&t);
    }
    ACK_ARRIVES(&t, 2, 2);
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 3, 1);
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 4, 1);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    return sender_test_end(&t);
}

static int max_payload_limits_payload_only(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: max_payload limits the payload, not the FIN [L3.R6]");
    sender_test_start(&t, NULL);
    size_t max = t.cfg.max_payload;
    uint8_t *data = malloc(max);
    if (!data) {
        FAIL(&t.h, "out of memory");
    }
    for (size_t i = 0; i < max; i++) {
        data[i] = (uint8_t)('a' + sponge_rng_below(&t.rng, 26));
    }
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    APP_WRITES_BYTES(&t, data, max);
    APP_CLOSES(&t);
    ACK_ARRIVES(&t, 1, 40000);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(1), .payload = PAYLOAD_BYTES(data, max));
    EXPECT_STATE(&t, "FIN_SENT");
    ACK_ARRIVES(&t, 2 + max, 40000);
    EXPECT_STATE(&t, "FIN_ACKED");
    free(data);
    return sender_test_end(&t);
}

static int zero_window_probes(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: a zero window is probed one byte at a time without back-off [L3.R7 L3.R13]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rt_timeout = 30 + (uint32_t)sponge_rng_below(&t.rng, 9970);
    uint64_t rto = cfg.rt_timeout;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    APP_WRITES(&t, "abc");
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 1, 0);
    EXPECT_STATE(&t, "SYN_ACKED");
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("a"));
    APP_CLOSES(&t);
    EXPECT_NO_SEGMENT(&t);
    static const char probes[] = "abc";
    for (uint64_t k = 0; k < 3; k++) {
        for (int i = 0; i < 5; i++) {
            TIME_PASSES(&t, rto - 1);
            EXPECT_NO_SEGMENT(&t);
            TIME_PASSES(&t, 1);
            EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1 + k), .payload = PAYLOAD_BYTES(probes + k, 1));
            EXPECT_RETX(&t, 0);
        }
        ACK_ARRIVES(&t, 2 + k, 0);
        if (k < 2) {
            EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(2 + k), .payload = PAYLOAD_BYTES(probes + k + 1, 1));
        }
    }
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    for (int i = 0; i < 5; i++) {
        TIME_PASSES(&t, rto - 1);
        EXPECT_NO_SEGMENT(&t);
        TIME_PASSES(&t, 1);
        EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    }
    return sender_test_end(&t);
}

static int full_nonzero_window_backs_off(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: a full window of one byte is respected and backs off [L3.R7 L3.R13]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rt_timeout = 30 + (uint32_t)sponge_rng_below(&t.rng, 9970);
    uint64_t rto = cfg.rt_timeout;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    APP_WRITES(&t, "abc");
    ACK_ARRIVES(&t, 1, 1);
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD("a"));
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("a"));
    APP_CLOSES(&t);
    TIME_PASSES(&t, 2 * rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("a"));
    TIME_PASSES(&t, 4 * rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("a"));
    EXPECT_RETX(&t, 3);
    ACK_ARRIVES(&t, 2, 3);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(2), .payload = PAYLOAD("bc"));
    return sender_test_end(&t);
}

static int stale_acks_harmless(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: repeated and outdated acks are harmless [L3.R10]");
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abcdefg");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abcdefg"));
    for (int i = 0; i < 3; i++) {
        ACK_ARRIVES(&t, 8, 1000);
    }
    for (int i = 0; i < 3; i++) {
        ACK_ARRIVES(&t, 1, 1000);
    }
    EXPECT_NO_SEGMENT(&t);
    APP_WRITES(&t, "ijkl");
    APP_CLOSES(&t);
    EXPECT_SEGMENT(&t, .fin = TRI_NO, .seqno = OPT_U64(8), .payload = PAYLOAD("ijkl"));
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(12), .payload = PAYLOAD(""));
    static const uint64_t acks[] = {1, 1, 8, 8, 12, 12, 1};
    for (size_t i = 0; i < sizeof acks / sizeof acks[0]; i++) {
        ACK_ARRIVES(&t, acks[i], 1000);
    }
    TIME_PASSES(&t, 5 * rto);
    EXPECT_SEGMENT(&t, .fin = TRI_YES, .seqno = OPT_U64(12), .payload = PAYLOAD(""));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 13, 1000);
    ACK_ARRIVES(&t, 1, 1000);
    TIME_PASSES(&t, 5 * rto);
    EXPECT_NO_SEGMENT(&t);
    EXPECT_STATE(&t, "FIN_ACKED");
    return sender_test_end(&t);
}

static int empty_segments(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: empty segments take the next seqno and are never resent [L3.R16]");
    uint64_t rto = open_with_random_rto(&t);
    EMPTY_SEGMENT_REQUESTED(&t, false);
    EXPECT_SEGMENT(&t, .syn = TRI_NO, .fin = TRI_NO, .rst = TRI_NO, .seqno = OPT_U64(1), .payload = PAYLOAD(""));
    APP_WRITES(&t, "hello");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("hello"));
    EMPTY_SEGMENT_REQUESTED(&t, false);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(6), .payload = PAYLOAD(""));
    EXPECT_IN_FLIGHT(&t, 5);
    ACK_ARRIVES(&t, 6, 1000);
    TIME_PASSES(&t, 10 * rto);
    EXPECT_NO_SEGMENT(&t);
    EMPTY_SEGMENT_REQUESTED(&t, true);
    EXPECT_SEGMENT(&t, .rst = TRI_YES, .syn = TRI_NO, .seqno = OPT_U64(6), .payload = PAYLOAD(""));
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_NEXT_SEQNO(&t, 6);
    return sender_test_end(&t);
}

/* An empty segment made while data is outstanding does not touch the timer, and one made when
 * nothing is outstanding does not start it. */
static int empty_segments_leave_timer_alone(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender extra: an empty segment neither starts nor restarts the timer [L3.R16 L3.R11]");
    uint64_t rto = open_with_random_rto(&t);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, rto - 5);
    EMPTY_SEGMENT_REQUESTED(&t, false);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    TIME_PASSES(&t, 5);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_RETX(&t, 1);
    ACK_ARRIVES(&t, 4, 1000);
    EXPECT_IN_FLIGHT(&t, 0);
    STEP(&t.h, "nothing outstanding: an empty segment, then data %llu ms later", (unsigned long long)(rto - 1));
    EMPTY_SEGMENT_REQUESTED(&t, false);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD(""));
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    APP_WRITES(&t, "d");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("d"));
    TIME_PASSES(&t, 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, rto - 2);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("d"));
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

int main(void) {
    return timer_keeps_running(false) | timer_keeps_running(true) | timer_restarts_on_new_ack() |
           timer_not_restarted_by_old_ack() | rto_resets_on_new_ack() | big_window() | fin_segment_retransmitted() |
           fin_only_retransmitted() | fin_not_beyond_window(true) | fin_not_beyond_window(false) |
           max_payload_limits_payload_only() | zero_window_probes() | full_nonzero_window_backs_off() |
           stale_acks_harmless() | empty_segments() | empty_segments_leave_timer_alone();
}
