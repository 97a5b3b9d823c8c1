#ifndef SPONGE_TESTS_LAB4_SENDER_STEPS_H
#define SPONGE_TESTS_LAB4_SENDER_STEPS_H

/* Steps for the modern-mode tests that drive a TCPSender alone (rate samples, pacing, BBR). */

#include "modern_steps.h"
#include "tcp/sender_modern.h"
#include "tcp/tcp_sender.h"

#define SENDER_STEPS_BYTES 50000

/* Pops every queued segment; returns how many. */
static inline unsigned sender_pop_all(struct tcp_sender *s) {
    struct tcp_segment seg;
    unsigned n = 0;
    while (tcp_sender_segments_out(s, &seg)) {
        n++;
    }
    return n;
}

/* A modern sender with ISN 0, payloads of `mss`, congestion control `cc` and `bytes` (at most
 * SENDER_STEPS_BYTES) written, whose SYN has been sent and popped; with `syn_rtt` > 0 the SYN
 * is then acknowledged `syn_rtt` ms later with a window of 60000. */
static inline void sender_start(struct harness *h, struct tcp_sender *s, enum tcp_congestion cc, size_t mss,
                                size_t bytes, uint64_t syn_rtt) {
    static const uint8_t data[SENDER_STEPS_BYTES];
    struct tcp_config cfg = modern_config(0);
    cfg.congestion = cc;
    cfg.max_payload = mss;
    if (tcp_sender_init(s, &cfg) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    byte_stream_write(tcp_sender_stream_in(s), data, bytes < sizeof data ? bytes : sizeof data);
    tcp_sender_fill_window(s);
    EXPECT_EQ(h, "the SYN", 1, sender_pop_all(s));
    if (syn_rtt) {
        tcp_sender_tick(s, syn_rtt);
        tcp_sender_ack_received(s, wrap(1, (struct wrap32){0}), 60000);
    }
}

/* The segments a test saw leave the sender, by absolute seqno (ISN 0), and when. */
#define WIRE_LOG_MAX 256
struct wire {
    uint64_t seqno[WIRE_LOG_MAX];
    uint64_t at[WIRE_LOG_MAX]; /* the test's clock when popped */
    unsigned n;
    uint64_t now;
};

/* Pops every queued segment into the log. */
static inline void wire_pop(struct tcp_sender *s, struct wire *w) {
    struct tcp_segment seg;
    while (tcp_sender_segments_out(s, &seg)) {
        if (w->n < WIRE_LOG_MAX) {
            w->seqno[w->n] = seg.header.seqno.raw;
            w->at[w->n++] = w->now;
        }
    }
}

/* `ms` ticks of 1 ms, popping after each. */
static inline void wire_run(struct tcp_sender *s, struct wire *w, uint64_t ms) {
    for (uint64_t i = 0; i < ms; i++) {
        tcp_sender_tick(s, 1);
        w->now++;
        wire_pop(s, w);
    }
}

/* How often `seqno` left since log entry `from`. */
static inline unsigned wire_times_sent(const struct wire *w, uint64_t seqno, unsigned from) {
    unsigned k = 0;
    for (unsigned i = from; i < w->n; i++) {
        k += w->seqno[i] == seqno;
    }
    return k;
}

/* An ACK of `ackno` (window 60000) SACKing the `n` blocks [left, right) of `blocks`, then
 * fill_window and a pop. */
static inline void wire_ack_blocks(struct tcp_sender *s, struct wire *w, uint64_t ackno, const uint64_t (*blocks)[2],
                                   size_t n) {
    struct tcp_sack_block sack[4];
    for (size_t i = 0; i < n && i < 4; i++) {
        sack[i] =
            (struct tcp_sack_block){wrap(blocks[i][0], (struct wrap32){0}), wrap(blocks[i][1], (struct wrap32){0})};
    }
    struct tcp_sender_ack ack = {.ackno = wrap(ackno, (struct wrap32){0}),
                                 .window = 60000,
                                 .pure = true,
                                 .sack = sack,
                                 .sack_count = n < 4 ? n : 4};
    tcp_sender_ack_arrived(s, &ack);
    tcp_sender_fill_window(s);
    wire_pop(s, w);
}

/* An ACK of `ackno` SACKing [left, right) (nothing if left == right). */
static inline void wire_ack_sack(struct tcp_sender *s, struct wire *w, uint64_t ackno, uint64_t left, uint64_t right) {
    const uint64_t block[1][2] = {{left, right}};
    wire_ack_blocks(s, w, ackno, block, left < right);
}

#endif
