/* Two TCPConnections wired back to back in memory, moving random data both ways and closing
 * cleanly. Variants: default windows, small windows, segments reordered in transit,
 * reordering with loss while data flows, and receive windows larger than the send capacity
 * (which lab mode's sender fills: its capacity counts unsent bytes only). Seeded: replay with
 * SPONGE_SEED. */
#include "connection_steps.h"
#include "util/rng.h"

#include <stdlib.h>

/* A segment in transit, with its own copy of the payload (the sender's view is short-lived). */
struct flight {
    struct tcp_segment seg;
    uint8_t *data;
};

/* One direction of the wire. */
struct link {
    struct flight *items;
    size_t count, cap;
    double loss;
    bool reorder;
    uint64_t carried, dropped, reordered;
};

struct endpoint {
    struct tcp_connection conn;
    const uint8_t *to_send;
    size_t total, written, received;
    uint8_t *got;
    bool closed;
    bool saw_syn; /* the peer's SYN reached this endpoint: every segment must now carry ACK */
};

struct variant {
    size_t capacity;
    size_t max_payload;
    size_t bytes;
    bool reorder;
    double loss;
    size_t recv_capacity; /* 0: the same as capacity (the send capacity) */
};

/* Pops everything `from` has to send into the link, checking each segment's shape. */
static void collect(struct harness *h, struct endpoint *from, struct link *link, const struct tcp_config *cfg,
                    struct sponge_rng *rng) {
    struct tcp_segment seg;
    while (tcp_connection_segments_out(&from->conn, &seg)) {
        size_t n = byte_view2_len(&seg.payload);
        if (n > cfg->max_payload || (from->saw_syn && !seg.header.ack)) {
            char text[HARNESS_LINE];
            FAIL(h, "bad segment: %s", tcp_harness_describe(&seg, text, sizeof text));
        }
        if (link->loss > 0 && sponge_rng_unit(rng) < link->loss) {
            link->dropped++;
            continue;
        }
        if (link->count == link->cap) {
            link->cap = link->cap ? 2 * link->cap : 64;
            link->items = realloc(link->items, link->cap * sizeof *link->items);
            if (!link->items) {
                FAIL(h, "out of memory");
            }
        }
        struct flight *f = &link->items[link->count++];
        f->data = malloc(n ? n : 1);
        if (!f->data) {
            FAIL(h, "out of memory");
        }
        byte_view2_copy(&seg.payload, f->data);
        f->seg = seg;
        f->seg.payload = byte_view2_of(f->data, n);
    }
}

/* Delivers everything in the link to `to`, shuffled if the link reorders. */
static void deliver(struct link *link, struct endpoint *to, struct sponge_rng *rng) {
    if (link->reorder) {
        for (size_t i = link->count; i > 1; i--) {
            size_t j = sponge_rng_below(rng, i);
            if (j != i - 1) {
                struct flight t = link->items[i - 1];
                link->items[i - 1] = link->items[j];
                link->items[j] = t;
                link->reordered++;
            }
        }
    }
    for (size_t i = 0; i < link->count; i++) {
        to->saw_syn |= link->items[i].seg.header.syn;
        tcp_connection_segment_received(&to->conn, &link->items[i].seg);
        free(link->items[i].data);
        link->carried++;
    }
    link->count = 0;
}

/* The application side of one endpoint: write what fits (one random piece, or with `fill` until
 * the outbound stream is full), read what arrived, close at the end. */
static void application(struct endpoint *e, struct sponge_rng *rng, bool fill) {
    size_t took = 1;
    while (e->written < e->total && took) {
        size_t n = 1 + sponge_rng_below(rng, 5000);
        n = n > e->total - e->written ? e->total - e->written : n;
        took = tcp_connection_write(&e->conn, e->to_send + e->written, n);
        e->written += took;
        took = fill ? took : 0;
    }
    if (e->written == e->total && !e->closed) {
        tcp_connection_end_input_stream(&e->conn);
        e->closed = true;
    }
    struct byte_stream *in = tcp_connection_inbound_stream(&e->conn);
    e->received += byte_stream_read(in, e->got + e->received, byte_stream_buffer_size(in));
}

/* Runs one variant as the test case just begun in `h`, and ends it. */
static void run(struct harness *h, const struct variant *v) {
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(h));
    struct tcp_config cfg = test_config((uint32_t)sponge_rng_next(&rng));
    cfg.recv_capacity = cfg.send_capacity = v->capacity;
    if (v->recv_capacity) {
        cfg.recv_capacity = v->recv_capacity;
    }
    cfg.max_payload = v->max_payload;
    cfg.rt_timeout = 100;
    struct tcp_config cfg_b = cfg;
    cfg_b.fixed_isn = (uint32_t)sponge_rng_next(&rng);
    STEP(h, "A (ISN %u) and B (ISN %u): capacity %zu/%zu, max payload %zu, %zu bytes each way, reorder %d, loss %.2f",
         (unsigned)cfg.fixed_isn, (unsigned)cfg_b.fixed_isn, cfg.recv_capacity, cfg.send_capacity, v->max_payload,
         v->bytes, v->reorder, v->loss);

    uint8_t *data = malloc(4 * v->bytes);
    if (!data) {
        FAIL(h, "out of memory");
    }
    for (size_t i = 0; i < 2 * v->bytes; i++) {
        data[i] = (uint8_t)sponge_rng_next(&rng);
    }
    struct endpoint a = {.to_send = data, .total = v->bytes, .got = data + 2 * v->bytes};
    struct endpoint b = {.to_send = data + v->bytes, .total = v->bytes, .got = data + 3 * v->bytes};
    if (tcp_connection_init(&a.conn, &cfg) != SPONGE_OK || tcp_connection_init(&b.conn, &cfg_b) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    struct link ab = {.loss = v->loss, .reorder = v->reorder}, ba = ab;

    STEP(h, "A connects to B (listening)");
    tcp_connection_connect(&a.conn);
    uint64_t now = 0, most_in_flight = 0;
    const uint64_t limit = 10000000; /* ms of simulated time */
    while ((tcp_connection_active(&a.conn) || tcp_connection_active(&b.conn)) && now < limit) {
        /* With a receive window larger than the send capacity, the applications keep the outbound
         * streams full, so that only the window bounds what is in flight. */
        bool fill = cfg.recv_capacity > cfg.send_capacity;
        if (tcp_connection_state(&a.conn) != TCP_STATE_SYN_SENT) {
            application(&a, &rng, fill);
        }
        application(&b, &rng, fill);
        /* Losses only while data flows, so that the closing handshake cannot be starved. */
        if (a.closed && b.closed) {
            ab.loss = ba.loss = 0;
        }
        collect(h, &a, &ab, &cfg, &rng);
        collect(h, &b, &ba, &cfg, &rng);
        uint64_t in_flight = tcp_connection_bytes_in_flight(&a.conn);
        most_in_flight = in_flight > most_in_flight ? in_flight : most_in_flight;
        bool moved = ab.count || ba.count;
        deliver(&ab, &b, &rng);
        deliver(&ba, &a, &rng);
        uint64_t ms = moved ? 1 : 10;
        tcp_connection_tick(&a.conn, ms);
        tcp_connection_tick(&b.conn, ms);
        now += ms;
    }
    STEP(h,
         "after %llu ms: A->B carried %llu, dropped %llu, reordered %llu; B->A carried %llu, dropped %llu, "
         "reordered %llu",
         (unsigned long long)now, (unsigned long long)ab.carried, (unsigned long long)ab.dropped,
         (unsigned long long)ab.reordered, (unsigned long long)ba.carried, (unsigned long long)ba.dropped,
         (unsigned long long)ba.reordered);
    EXPECT_STATE(h, &a.conn, TCP_STATE_CLOSED);
    EXPECT_STATE(h, &b.conn, TCP_STATE_CLOSED);
    EXPECT_BYTES(h, "what B received from A", a.to_send, a.total, b.got, b.received);
    EXPECT_BYTES(h, "what A received from B", b.to_send, b.total, a.got, a.received);
    EXPECT_TRUE(h, "A's inbound stream at EOF", byte_stream_eof(tcp_connection_inbound_stream(&a.conn)));
    EXPECT_TRUE(h, "B's inbound stream at EOF", byte_stream_eof(tcp_connection_inbound_stream(&b.conn)));
    if (cfg.recv_capacity > cfg.send_capacity) {
        STEP(h, "A had at most %llu bytes in flight", (unsigned long long)most_in_flight);
        EXPECT_TRUE(h, "A filled a window larger than its send capacity", most_in_flight > cfg.send_capacity);
    }
    if (v->reorder) {
        EXPECT_TRUE(h, "some segments were reordered", ab.reordered + ba.reordered > 0);
    }
    if (v->loss > 0) {
        EXPECT_TRUE(h, "some segments were lost", ab.dropped + ba.dropped > 0);
    }
    tcp_connection_destroy(&a.conn);
    tcp_connection_destroy(&b.conn);
    free(ab.items);
    free(ba.items);
    free(data);
    harness_end(h);
}

int main(void) {
    struct harness h;
    harness_begin(&h, "loopback: default windows [L4.R19]");
    run(&h, &(struct variant){TCP_DEFAULT_CAPACITY, TCP_DEFAULT_MAX_PAYLOAD, 1 << 20, false, 0, 0});
    harness_begin(&h, "loopback: small windows [L4.R19]");
    run(&h, &(struct variant){1500, TCP_DEFAULT_MAX_PAYLOAD, 200000, false, 0, 0});
    harness_begin(&h, "loopback: tiny windows and payloads [L4.R19]");
    run(&h, &(struct variant){17, 7, 20000, false, 0, 0});
    harness_begin(&h, "loopback: reordered segments [L4.R19]");
    run(&h, &(struct variant){TCP_DEFAULT_CAPACITY, TCP_DEFAULT_MAX_PAYLOAD, 1 << 20, true, 0, 0});
    harness_begin(&h, "loopback: small windows, reordered [L4.R19]");
    run(&h, &(struct variant){2000, 300, 200000, true, 0, 0});
    harness_begin(&h, "loopback: reordered and lossy [L4.R19]");
    run(&h, &(struct variant){8000, 500, 200000, true, 0.05, 0});
    harness_begin(&h, "loopback: tiny windows, reordered and lossy [L4.R19]");
    run(&h, &(struct variant){50, 10, 20000, true, 0.05, 0});
    harness_begin(&h, "loopback: receive window 60000, send capacity 20000 [L4.R19]");
    run(&h, &(struct variant){20000, TCP_DEFAULT_MAX_PAYLOAD, 1 << 20, false, 0, 60000});
    harness_begin(&h, "loopback: receive window 3x the send capacity, reordered and lossy [L4.R19]");
    run(&h, &(struct variant){2000, 300, 200000, true, 0.05, 6000});
    return 0;
}
