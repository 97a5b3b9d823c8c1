/* Two TCPConnections talking through a fuzzed network: segments are copied into a bounded
 * queue per direction, and the input decides which queued segment is delivered next (so the
 * network reorders), which are lost or duplicated, when time passes and when each
 * application writes, reads or ends its stream. Both applications write fixed streams.
 * Invariants: everything each side reads is exactly a prefix of what the other wrote, and a
 * stream ends (EOF) only after all of it was read; buffers stay within their capacities. */
#include "fuzz_targets.h"
#include "tcp/tcp_connection.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_LEN 8
#define MAX_PAYLOAD 1200
#define MAX_OPS 3000

struct wire_segment {
    struct tcp_header header;
    size_t len;
    uint8_t payload[MAX_PAYLOAD];
};

struct side {
    struct tcp_connection conn;
    uint64_t salt;                        /* which fixed stream this side's application writes */
    uint64_t written;                     /* bytes its application wrote (accepted) */
    uint64_t read;                        /* bytes its application read */
    bool ended;                           /* its application ended its outbound stream */
    struct wire_segment queue[QUEUE_LEN]; /* segments it sent, not yet delivered */
    size_t queued;
};

/* Moves the segments a side made into its queue; when full, the oldest is lost. */
static void collect(struct side *s) {
    struct tcp_segment seg;
    while (tcp_connection_segments_out(&s->conn, &seg)) {
        size_t len = byte_view2_len(&seg.payload);
        FUZZ_CHECK(len <= MAX_PAYLOAD);
        if (s->queued == QUEUE_LEN) {
            memmove(&s->queue[0], &s->queue[1], (QUEUE_LEN - 1) * sizeof s->queue[0]);
            s->queued--;
        }
        struct wire_segment *w = &s->queue[s->queued++];
        w->header = seg.header;
        w->len = len;
        byte_view2_copy(&seg.payload, w->payload);
    }
}

/* Delivers (or loses) queued segment `pick` of `from` to `to`; keeps a copy if duplicated. */
static void deliver(struct side *from, struct side *to, uint8_t pick, uint8_t how) {
    if (from->queued == 0) {
        return;
    }
    size_t i = pick % from->queued;
    struct wire_segment w = from->queue[i];
    bool keep = how % 8 == 0; /* duplicate: deliver and leave it queued */
    bool lose = how % 8 == 1;
    if (!keep) {
        memmove(&from->queue[i], &from->queue[i + 1], (from->queued - i - 1) * sizeof from->queue[0]);
        from->queued--;
    }
    if (!lose && tcp_connection_active(&to->conn)) {
        struct tcp_segment seg = {.header = w.header, .payload = byte_view2_of(w.payload, w.len)};
        tcp_connection_segment_received(&to->conn, &seg);
    }
}

static void app_write(struct side *s, uint16_t want) {
    uint8_t buf[2048];
    size_t n = want % sizeof buf;
    for (size_t i = 0; i < n; i++) {
        buf[i] = fuzz_stream_byte(s->salt + s->written + i);
    }
    if (!s->ended) {
        s->written += tcp_connection_write(&s->conn, buf, n);
    }
}

/* Reads from `s` what `peer` wrote. */
static void app_read(struct side *s, const struct side *peer, uint16_t want) {
    uint8_t buf[4096];
    struct byte_stream *in = tcp_connection_inbound_stream(&s->conn);
    size_t k = tcp_connection_read(&s->conn, buf, want % sizeof buf); /* window updates too */
    for (size_t i = 0; i < k; i++) {
        FUZZ_CHECK(buf[i] == fuzz_stream_byte(peer->salt + s->read + i));
    }
    s->read += k;
    FUZZ_CHECK(s->read <= peer->written);
    /* EOF only once the peer ended its stream and every byte of it was read. */
    FUZZ_CHECK(!byte_stream_eof(in) || (peer->ended && s->read == peer->written));
}

static void check(struct side *s) {
    const struct tcp_config *cfg = &s->conn.cfg;
    struct byte_stream *in = tcp_connection_inbound_stream(&s->conn);
    FUZZ_CHECK(byte_stream_buffer_size(in) + tcp_connection_unassembled_bytes(&s->conn) <= cfg->recv_capacity);
    FUZZ_CHECK(tcp_connection_bytes_in_flight(&s->conn) <= s->written + 2);
}

int fuzz_tcp_pair(const uint8_t *data, size_t len) {
    struct fuzz_reader in = {data, len};
    struct side *sides = calloc(2, sizeof *sides);
    FUZZ_CHECK(sides != NULL);
    for (int i = 0; i < 2; i++) {
        struct tcp_config cfg;
        tcp_config_default(&cfg);
        cfg.recv_capacity = 1 + fuzz_u16(&in) % 4000;
        cfg.send_capacity = 1 + fuzz_u16(&in) % 4000;
        cfg.max_payload = 1 + fuzz_u16(&in) % MAX_PAYLOAD;
        cfg.rt_timeout = 1 + fuzz_u16(&in) % 1000;
        cfg.max_retx_attempts = 1 + fuzz_u8(&in) % 12;
        cfg.fixed_isn_set = true;
        cfg.fixed_isn = fuzz_u32(&in);
        FUZZ_CHECK(tcp_connection_init(&sides[i].conn, &cfg) == SPONGE_OK);
        sides[i].salt = (uint64_t)(i + 1) << 40;
    }
    tcp_connection_connect(&sides[0].conn);
    if (fuzz_u8(&in) & 1) {
        tcp_connection_connect(&sides[1].conn); /* simultaneous open */
    }
    for (size_t op = 0; op < MAX_OPS && in.left > 0; op++) {
        uint8_t code = fuzz_u8(&in);
        struct side *s = &sides[code & 1], *peer = &sides[!(code & 1)];
        switch ((code >> 1) % 6) {
            case 0:
            case 1: {
                uint8_t pick = fuzz_u8(&in);
                deliver(s, peer, pick, fuzz_u8(&in));
                break;
            }
            case 2:
                tcp_connection_tick(&s->conn, fuzz_u8(&in) * 8u);
                break;
            case 3:
                app_write(s, fuzz_u16(&in));
                break;
            case 4:
                app_read(s, peer, fuzz_u16(&in));
                break;
            default:
                if (!s->ended) {
                    tcp_connection_end_input_stream(&s->conn);
                    s->ended = true;
                }
                break;
        }
        collect(&sides[0]);
        collect(&sides[1]);
        check(&sides[0]);
        check(&sides[1]);
    }
    for (int i = 0; i < 2; i++) {
        tcp_connection_destroy(&sides[i].conn);
    }
    free(sides);
    return 0;
}
