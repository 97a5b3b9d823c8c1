#ifndef SPONGE_BENCH_TCP_TRANSFER_H
#define SPONGE_BENCH_TCP_TRANSFER_H

/* The in-memory TCP transfer measured by apps/tcp_benchmark and bench/tcp (as in CS144's
 * tcp_benchmark): two TCPConnections with the default configuration joined back to back,
 * `len` bytes one way. Each round the application writes what the outbound stream takes, all
 * segments from the sender are handed to the receiver (in reverse order if `reorder`), all
 * segments from the receiver go back, the application reads and checks what arrived, and
 * 1000 ms pass on both sides.
 *
 * Copies per payload byte: application -> outbound stream (tcp_connection_write), segment
 * view into the sender's stream -> the receiver's inbound stream (the reassembler), inbound
 * stream -> application buffer (byte_stream_read). Segments carry views, never copies. */

#include "tcp/tcp_connection.h"
#include "util/rng.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A round with this many segments in one direction means something is wrong. */
#define TRANSFER_MAX_SEGMENTS_PER_ROUND 4096
/* Rounds allowed for the clean close after the data is through (linger is 10 RTOs). */
#define TRANSFER_CLOSE_ROUNDS 1000

struct transfer {
    struct tcp_connection x, y;
    struct tcp_segment *segs; /* one round's segments in one direction */
    uint8_t *chunk;           /* the application's read buffer */
    size_t chunk_len;
    uint64_t rounds;
    uint64_t segments, acks; /* segments x -> y and y -> x */
};

static double transfer_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Pops every segment `from` has and hands them to `to`, in order or in reverse. Popping all
 * before delivering any relies on popped payload views staying valid across further pops:
 * tcp_connection_segments_out pops straight from the sender, which guarantees that
 * (tcp_sender.h, tcp_sender_segments_out). */
static bool transfer_move(struct transfer *t, struct tcp_connection *from, struct tcp_connection *to, bool reverse,
                          uint64_t *count) {
    size_t n = 0;
    while (tcp_connection_segments_out(from, &t->segs[n])) {
        if (++n == TRANSFER_MAX_SEGMENTS_PER_ROUND) {
            fprintf(stderr, "tcp_benchmark: more than %d segments in one round\n", TRANSFER_MAX_SEGMENTS_PER_ROUND);
            return false;
        }
    }
    for (size_t i = 0; i < n; i++) {
        tcp_connection_segment_received(to, &t->segs[reverse ? n - 1 - i : i]);
    }
    *count += n;
    return true;
}

/* Reads what y has received and compares it with data[*received..]. */
static bool transfer_read(struct transfer *t, const uint8_t *data, size_t len, size_t *received) {
    struct byte_stream *in = tcp_connection_inbound_stream(&t->y);
    size_t n;
    while ((n = byte_stream_read(in, t->chunk, t->chunk_len)) > 0) {
        if (n > len - *received || memcmp(t->chunk, data + *received, n) != 0) {
            fprintf(stderr, "tcp_benchmark: received data differs from sent data near byte %zu\n", *received);
            return false;
        }
        *received += n;
    }
    return true;
}

/* One round: write, exchange, read, tick. */
static bool transfer_round(struct transfer *t, const uint8_t *data, size_t len, bool reorder, size_t *written,
                           size_t *received) {
    if (*written < len) {
        *written += tcp_connection_write(&t->x, data + *written, len - *written);
        if (*written == len) {
            tcp_connection_end_input_stream(&t->x);
        }
    }
    if (!transfer_move(t, &t->x, &t->y, reorder, &t->segments) || !transfer_move(t, &t->y, &t->x, false, &t->acks) ||
        !transfer_read(t, data, len, received)) {
        return false;
    }
    tcp_connection_tick(&t->x, 1000);
    tcp_connection_tick(&t->y, 1000);
    t->rounds++;
    return true;
}

/* What one transfer measured, up to the receiver's EOF. */
struct transfer_stats {
    double seconds;
    uint64_t rounds, segments, acks;
};

/* Moves data[0..len) from one connection to the other, both configured as `cfg`; on success
 * stores the seconds the data took (from connect to the receiver's EOF, reads and checks
 * included) and returns true. */
static bool tcp_transfer_with(const uint8_t *data, size_t len, bool reorder, const struct tcp_config *config,
                              struct transfer_stats *stats) {
    struct tcp_config cfg = *config;
    struct transfer t = {.chunk_len = cfg.recv_capacity};
    t.segs = malloc(TRANSFER_MAX_SEGMENTS_PER_ROUND * sizeof *t.segs);
    t.chunk = malloc(t.chunk_len);
    bool ok = false;
    bool x_ok = t.segs && t.chunk && tcp_connection_init(&t.x, &cfg) == SPONGE_OK;
    bool y_ok = x_ok && tcp_connection_init(&t.y, &cfg) == SPONGE_OK;
    if (!y_ok) {
        fprintf(stderr, "tcp_benchmark: out of memory\n");
        if (x_ok) {
            tcp_connection_destroy(&t.x);
        }
        free(t.segs);
        free(t.chunk);
        return false;
    }
    size_t written = 0, received = 0;
    double start = transfer_now();
    tcp_connection_connect(&t.x);
    tcp_connection_end_input_stream(&t.y);
    struct byte_stream *inbound = tcp_connection_inbound_stream(&t.y);
    while (!byte_stream_eof(inbound)) {
        if (!transfer_round(&t, data, len, reorder, &written, &received)) {
            goto out;
        }
        if (!byte_stream_eof(inbound) && (!tcp_connection_active(&t.x) || !tcp_connection_active(&t.y))) {
            fprintf(stderr, "tcp_benchmark: a connection ended after %zu of %zu bytes\n", received, len);
            goto out;
        }
    }
    stats->seconds = transfer_now() - start;
    stats->rounds = t.rounds;
    stats->segments = t.segments;
    stats->acks = t.acks;
    if (received != len) {
        fprintf(stderr, "tcp_benchmark: received %zu of %zu bytes\n", received, len);
        goto out;
    }
    /* Not timed: both sides must now close cleanly (the sender lingers, as in CS144). */
    for (unsigned i = 0; i < TRANSFER_CLOSE_ROUNDS && (tcp_connection_active(&t.x) || tcp_connection_active(&t.y));
         i++) {
        if (!transfer_round(&t, data, len, reorder, &written, &received)) {
            goto out;
        }
    }
    if (tcp_connection_active(&t.x) || tcp_connection_active(&t.y)) {
        fprintf(stderr, "tcp_benchmark: the connections did not close (x %s, y %s)\n",
                tcp_state_name(tcp_connection_state(&t.x)), tcp_state_name(tcp_connection_state(&t.y)));
        goto out;
    }
    ok = true;
out:
    tcp_connection_destroy(&t.x);
    tcp_connection_destroy(&t.y);
    free(t.segs);
    free(t.chunk);
    return ok;
}

/* `len` seeded pseudo-random bytes (a fixed seed: every run moves the same data). */
static uint8_t *transfer_make_data(size_t len) {
    uint8_t *data = malloc(len);
    if (data) {
        struct sponge_rng rng;
        sponge_rng_seed(&rng, 144);
        for (size_t i = 0; i < len; i += 8) {
            uint64_t v = sponge_rng_next(&rng);
            memcpy(data + i, &v, len - i < 8 ? len - i : 8);
        }
    }
    return data;
}

/* tcp_transfer_with the default (lab) configuration. */
static inline bool tcp_transfer(const uint8_t *data, size_t len, bool reorder, struct transfer_stats *stats) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    return tcp_transfer_with(data, len, reorder, &cfg, stats);
}

#endif
