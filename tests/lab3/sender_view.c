/* TCPSender: payloads are views into the outbound stream. A view must show the right bytes
 * whenever it is made and for as long as the header promises, even when acks release stream
 * space and the application writes into it. Most cases use the kernel-style send buffer
 * (max_in_flight 0), whose ring has no room to spare, so that freed space is reused at once. */

#include "sender_expect.h"

#include <stdlib.h>
#include <string.h>

static struct tcp_config small_stream(size_t capacity) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.send_capacity = capacity;
    cfg.max_in_flight = 0;
    return cfg;
}

static int ack_before_retransmission_popped(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender view: a resent segment keeps its bytes when its ack arrives before the pop [L3.R19]");
    struct tcp_config cfg = small_stream(8);
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "abc");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    TIME_PASSES(&t, cfg.rt_timeout);
    /* The retransmission is queued, not popped. Its ack now arrives (the first copy got
     * through); "abc" must stay in the stream until the queued copy is popped, or the write
     * below would reuse its ring slots. */
    ACK_ARRIVES(&t, 4, 1000);
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_EQ(&t.h, "bytes accepted (3 still held for the queued copy)", 5, APP_WRITES(&t, "ABCDEFGH"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("ABCDE"));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 9, 1000);
    EXPECT_EQ(&t.h, "remaining capacity once all is acked and popped", 8,
              byte_stream_remaining_capacity(tcp_sender_stream_in(&t.sender)));
    return sender_test_end(&t);
}

static int ack_before_first_pop(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender view: a new segment acked before it was ever popped keeps its bytes [L3.R19]");
    struct tcp_config cfg = small_stream(6);
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "abc");
    ACK_ARRIVES(&t, 4, 1000);
    EXPECT_EQ(&t.h, "bytes accepted", 3, APP_WRITES(&t, "defghi"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    return sender_test_end(&t);
}

static int popped_views_survive_pops_and_writes(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender view: popped views stay valid across more pops and writes [L3.R19]");
    struct tcp_config cfg = small_stream(9);
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "abc");
    APP_WRITES(&t, "def");
    STEP(&t.h, "pop both segments, keeping their views");
    struct tcp_segment seg[2];
    EXPECT_TRUE(&t.h, "popped one", tcp_sender_segments_out(&t.sender, &seg[0]));
    EXPECT_TRUE(&t.h, "popped two", tcp_sender_segments_out(&t.sender, &seg[1]));
    EXPECT_EQ(&t.h, "bytes accepted", 3, byte_stream_write(tcp_sender_stream_in(&t.sender), "XYZW", 4));
    char got[8];
    byte_view2_copy(&seg[0].payload, (uint8_t *)got);
    EXPECT_BYTES(&t.h, "first view", "abc", 3, got, byte_view2_len(&seg[0].payload));
    byte_view2_copy(&seg[1].payload, (uint8_t *)got);
    EXPECT_BYTES(&t.h, "second view", "def", 3, got, byte_view2_len(&seg[1].payload));
    return sender_test_end(&t);
}

/* Random operations against a model that remembers every byte written: each popped segment
 * must carry exactly the bytes written at its sequence numbers. A small stream makes the ring
 * wrap and reuse its space constantly; windows up to 39 bytes exceed a max_in_flight of 25. */
static int random_operations(size_t max_in_flight) {
    struct sender_test t;
    sender_test_begin(
        &t, max_in_flight ? "sender view: the same with CS144's send buffer (max_in_flight 25) [L3.R19 L3.R18]"
                          : "sender view: random writes, acks, ticks and pops keep payloads correct [L3.R19 L3.R20]");
    struct tcp_config cfg = small_stream(64);
    cfg.max_in_flight = max_in_flight;
    cfg.max_payload = 7;
    cfg.rt_timeout = 10;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    ACK_ARRIVES(&t, 1, 20);
    const size_t total = 100000;
    uint8_t *model = malloc(total);
    if (!model) {
        FAIL(&t.h, "out of memory");
    }
    for (size_t i = 0; i < total; i++) {
        model[i] = (uint8_t)sponge_rng_next(&t.rng);
    }
    size_t written = 0;
    uint64_t acked = 1;
    for (unsigned op = 0; op < 200000 && acked < total + 1; op++) {
        uint64_t next = tcp_sender_next_seqno_absolute(&t.sender);
        switch (sponge_rng_below(&t.rng, 4)) {
            case 0: {
                size_t n = sponge_rng_below(&t.rng, 30);
                n = n < total - written ? n : total - written;
                written += APP_WRITES_BYTES(&t, model + written, n);
                break;
            }
            case 1: {
                /* Any ackno from just below the last one up to everything sent. */
                uint64_t low = acked > 3 ? acked - 3 : 1;
                uint64_t ackno = low + sponge_rng_below(&t.rng, next - low + 1);
                ACK_ARRIVES(&t, ackno, sponge_rng_below(&t.rng, 40));
                acked = ackno > acked ? ackno : acked;
                break;
            }
            case 2:
                TIME_PASSES(&t, sponge_rng_below(&t.rng, 15));
                break;
            default:
                while (tcp_sender_has_segments(&t.sender) && sponge_rng_below(&t.rng, 4)) {
                    struct tcp_segment seg;
                    tcp_sender_segments_out(&t.sender, &seg);
                    uint64_t index = (uint32_t)(seg.header.seqno.raw - t.cfg.fixed_isn) - 1;
                    size_t len = byte_view2_len(&seg.payload);
                    uint8_t got[8];
                    byte_view2_copy(&seg.payload, got);
                    harness_note(&t.h, "popped seqno isn+%u, %zu bytes", (unsigned)(index + 1), len);
                    /* No empty segments are requested here, so only a FIN may lack payload. */
                    EXPECT_TRUE(&t.h, "segment has payload or FIN", len > 0 || seg.header.fin);
                    EXPECT_BYTES(&t.h, "payload", model + index, len, got, len);
                }
        }
    }
    free(model);
    return sender_test_end(&t);
}

int main(void) {
    return ack_before_retransmission_popped() | ack_before_first_pop() | popped_views_survive_pops_and_writes() |
           random_operations(0) | random_operations(25);
}
