#ifndef SPONGE_TESTS_LAB4_MODERN_STEPS_H
#define SPONGE_TESTS_LAB4_MODERN_STEPS_H

/* Steps for the modern-mode connection tests (options, RTO, congestion control), on top of
 * connection_steps.h. */

#include "../lab4/connection_steps.h"

/* The modern configuration with a fixed ISN, without Nagle and delayed ACKs (which would hold
 * back the segments most tests look at; modern_timers.c tests them). */
static inline struct tcp_config modern_config(uint32_t isn) {
    struct tcp_config cfg = test_config(isn);
    tcp_config_set_modern(&cfg, true);
    cfg.nagle = false;
    cfg.delayed_ack = false;
    return cfg;
}

/* Pops the next segment into *out and checks it like EXPECT_SENT; the caller then checks
 * its options. */
#define SENT(h, c, out, ...) EXPECT_SEGMENT((h), tcp_connection_segments_out((c), (out)), (out), __VA_ARGS__)

/* Delivers a segment from the peer carrying the options `o` (a struct tcp_options). */
#define PEER_SENDS_OPTS(h, c, o, ...)                                                                                  \
    do {                                                                                                               \
        struct tcp_segment arriving_ = SEGMENT_ARRIVES((h), __VA_ARGS__);                                              \
        arriving_.header.opts = (o);                                                                                   \
        char opts_desc_[160];                                                                                          \
        STEP((h), "  with options: %s", tcp_segment_describe(&arriving_, opts_desc_, sizeof opts_desc_));              \
        tcp_connection_segment_received((c), &arriving_);                                                              \
    } while (0)

/* Timestamps option only. */
static inline struct tcp_options ts_opts(uint32_t val, uint32_t ecr) {
    return (struct tcp_options){.has_timestamps = true, .ts_val = val, .ts_ecr = ecr};
}

#endif
