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

#endif
