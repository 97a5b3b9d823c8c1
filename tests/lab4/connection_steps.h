#ifndef SPONGE_TESTS_LAB4_CONNECTION_STEPS_H
#define SPONGE_TESTS_LAB4_CONNECTION_STEPS_H

/* Steps on a TCPConnection, one line each, for the connection tests. Segments the connection
 * sends are checked with EXPECT_SENT (fields as in struct expect_segment); segments from the
 * peer are delivered with PEER_SENDS (fields as in struct segment_spec). */

#include "harness.h"
#include "tcp/tcp_connection.h"
#include "tcp_harness.h"

#include <stdlib.h>
#include <string.h>

/* The configuration most tests use: fixed ISN, CS144's defaults otherwise. */
static inline struct tcp_config test_config(uint32_t isn) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.fixed_isn_set = true;
    cfg.fixed_isn = isn;
    return cfg;
}

static inline void conn_begin(struct harness *h, struct tcp_connection *c, const char *name,
                              const struct tcp_config *cfg) {
    harness_begin(h, name);
    STEP(h, "connection with ISN %u, capacity %zu/%zu, RTO %u ms", (unsigned)cfg->fixed_isn, cfg->recv_capacity,
         cfg->send_capacity, (unsigned)cfg->rt_timeout);
    if (tcp_connection_init(c, cfg) != SPONGE_OK) {
        FAIL(h, "tcp_connection_init failed");
    }
}

static inline int conn_end(struct harness *h, struct tcp_connection *c) {
    tcp_connection_destroy(c);
    return harness_end(h);
}

static inline void expect_conn_state(struct harness *h, const char *file, int line, struct tcp_connection *c,
                                     enum tcp_state expected) {
    enum tcp_state got = tcp_connection_state(c);
    harness_step(h, file, line, "expect state %s", tcp_state_name(expected));
    if (got != expected) {
        harness_fail(h, file, line, "expected state %s, got %s (sender %s, receiver %s, active %d)",
                     tcp_state_name(expected), tcp_state_name(got), tcp_sender_state(&c->sender),
                     tcp_receiver_state(&c->receiver), tcp_connection_active(c));
    }
}

/* Reads everything buffered in the inbound stream and compares it with `expected`. */
static inline void expect_conn_read(struct harness *h, const char *file, int line, struct tcp_connection *c,
                                    const void *expected, size_t expected_len) {
    struct byte_stream *in = tcp_connection_inbound_stream(c);
    size_t n = byte_stream_buffer_size(in);
    uint8_t *got = malloc(n ? n : 1);
    if (!got) {
        harness_fail(h, file, line, "out of memory");
    }
    size_t read = byte_stream_read(in, got, n);
    harness_expect_bytes(h, file, line, "bytes read from the inbound stream", expected, expected_len, got, read);
    free(got);
}

static inline void conn_write(struct harness *h, const char *file, int line, struct tcp_connection *c,
                              const char *data) {
    harness_step(h, file, line, "application writes \"%s\"", data);
    harness_expect_u64(h, file, line, "bytes accepted", strlen(data), tcp_connection_write(c, data, strlen(data)));
}

#define EXPECT_STATE(h, c, st) expect_conn_state((h), __FILE__, __LINE__, (c), (st))
#define EXPECT_ACTIVE(h, c, b) EXPECT_BOOL((h), "active", (b), tcp_connection_active(c))
#define EXPECT_READ(h, c, s) expect_conn_read((h), __FILE__, __LINE__, (c), (s), strlen(s))
#define EXPECT_IN_FLIGHT(h, c, n) EXPECT_EQ((h), "bytes in flight", (n), tcp_connection_bytes_in_flight(c))
#define EXPECT_UNASSEMBLED(h, c, n) EXPECT_EQ((h), "unassembled bytes", (n), tcp_connection_unassembled_bytes(c))
#define EXPECT_INBOUND_EOF(h, c, b)                                                                                    \
    EXPECT_BOOL((h), "inbound eof", (b), byte_stream_eof(tcp_connection_inbound_stream(c)))
#define EXPECT_INBOUND_ERROR(h, c, b)                                                                                  \
    EXPECT_BOOL((h), "inbound stream error", (b), byte_stream_error(tcp_connection_inbound_stream(c)))

/* Checks the next segment the connection sends. */
#define EXPECT_SENT(h, c, ...)                                                                                         \
    do {                                                                                                               \
        struct tcp_segment sent_;                                                                                      \
        EXPECT_SEGMENT((h), tcp_connection_segments_out((c), &sent_), &sent_, __VA_ARGS__);                            \
    } while (0)
#define EXPECT_NOTHING_SENT(h, c)                                                                                      \
    do {                                                                                                               \
        struct tcp_segment sent_;                                                                                      \
        EXPECT_NO_SEGMENT((h), tcp_connection_segments_out((c), &sent_), &sent_);                                      \
    } while (0)

/* Delivers a segment from the peer. */
#define PEER_SENDS(h, c, ...)                                                                                          \
    do {                                                                                                               \
        struct tcp_segment arriving_ = SEGMENT_ARRIVES((h), __VA_ARGS__);                                              \
        tcp_connection_segment_received((c), &arriving_);                                                              \
    } while (0)

#define TICK(h, c, ms)                                                                                                 \
    do {                                                                                                               \
        harness_time_passes((h), __FILE__, __LINE__, (ms));                                                            \
        tcp_connection_tick((c), (ms));                                                                                \
    } while (0)
#define CONNECT(h, c)                                                                                                  \
    do {                                                                                                               \
        STEP((h), "application connects");                                                                             \
        tcp_connection_connect(c);                                                                                     \
    } while (0)
#define WRITE(h, c, s) conn_write((h), __FILE__, __LINE__, (c), (s))
#define CLOSE(h, c)                                                                                                    \
    do {                                                                                                               \
        STEP((h), "application ends its outbound stream");                                                             \
        tcp_connection_end_input_stream(c);                                                                            \
    } while (0)

/* Active open up to ESTABLISHED: we send the SYN at `isn`; the peer answers SYN+ACK from
 * `peer_isn` offering `peer_win`; we acknowledge it. */
static inline void establish_active(struct harness *h, struct tcp_connection *c, uint32_t isn, uint32_t peer_isn,
                                    uint16_t peer_win) {
    CONNECT(h, c);
    EXPECT_SENT(h, c, .syn = TRI_YES, .ack = TRI_NO, .seqno = OPT_U64(isn), .payload_len = OPT_U64(0));
    EXPECT_STATE(h, c, TCP_STATE_SYN_SENT);
    PEER_SENDS(h, c, .syn = true, .ack = true, .seqno = peer_isn, .ackno = isn + 1, .win = peer_win);
    EXPECT_SENT(h, c, .syn = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(isn + 1), .ackno = OPT_U64(peer_isn + 1u),
                .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(h, c);
    EXPECT_STATE(h, c, TCP_STATE_ESTABLISHED);
}

/* Passive open up to ESTABLISHED: the peer's SYN from `peer_isn`, our SYN+ACK at `isn`, the
 * peer's ACK offering `peer_win`. */
static inline void establish_passive(struct harness *h, struct tcp_connection *c, uint32_t isn, uint32_t peer_isn,
                                     uint16_t peer_win) {
    EXPECT_STATE(h, c, TCP_STATE_LISTEN);
    PEER_SENDS(h, c, .syn = true, .seqno = peer_isn, .win = peer_win);
    EXPECT_SENT(h, c, .syn = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(isn), .ackno = OPT_U64(peer_isn + 1u),
                .payload_len = OPT_U64(0));
    EXPECT_STATE(h, c, TCP_STATE_SYN_RCVD);
    PEER_SENDS(h, c, .ack = true, .seqno = peer_isn + 1, .ackno = isn + 1, .win = peer_win);
    EXPECT_NOTHING_SENT(h, c);
    EXPECT_STATE(h, c, TCP_STATE_ESTABLISHED);
}

#endif
