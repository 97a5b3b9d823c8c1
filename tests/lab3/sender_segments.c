/* The TCPSender's descriptor ring: FIFO order through growth and wrap-around, and its bound. */

#include "tcp/sender_segments.h"
#include "harness.h"
#include "sender_expect.h"

static int ring_order_and_bound(void) {
    struct harness h;
    harness_begin(&h, "sender segments: the ring keeps FIFO order while growing from a wrapped state [L3.R21]");
    struct segment_ring r;
    STEP(&h, "ring with 3 slots, at most 20");
    EXPECT_EQ(&h, "init", SPONGE_OK, segment_ring_init(&r, 3, 20));
    uint64_t next_in = 0, next_out = 0;
    /* Push two, pop two, so that head sits mid-array and the next pushes wrap. */
    for (int i = 0; i < 2; i++) {
        EXPECT_TRUE(&h, "reserve", segment_ring_reserve(&r));
        segment_ring_push(&r, &(struct tcp_sender_segment){.seqno = next_in++});
    }
    for (int i = 0; i < 2; i++) {
        EXPECT_EQ(&h, "oldest seqno", next_out++, segment_ring_at(&r, 0)->seqno);
        segment_ring_pop(&r);
    }
    STEP(&h, "push until the bound of 20");
    while (segment_ring_reserve(&r)) {
        segment_ring_push(&r, &(struct tcp_sender_segment){.seqno = next_in++});
    }
    EXPECT_EQ(&h, "count at the bound", 20, segment_ring_count(&r));
    for (size_t i = 0; i < segment_ring_count(&r); i++) {
        EXPECT_EQ(&h, "seqno in order", next_out + i, segment_ring_at(&r, i)->seqno);
    }
    STEP(&h, "pop all");
    while (segment_ring_count(&r)) {
        EXPECT_EQ(&h, "popped seqno", next_out++, segment_ring_at(&r, 0)->seqno);
        segment_ring_pop(&r);
    }
    EXPECT_EQ(&h, "all popped", next_in, next_out);
    segment_ring_destroy(&r);
    return harness_end(&h);
}

static int unpopped_queue_is_bounded(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender segments: a caller that never pops cannot grow the queue without bound [L3.R21]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.send_capacity = 4;
    cfg.max_in_flight = 3;
    cfg.max_payload = 2;
    /* The ring holds send_capacity + max_in_flight + max_payload bytes, as many descriptors. */
    size_t ring = cfg.send_capacity + cfg.max_in_flight + cfg.max_payload;
    sender_test_start(&t, &cfg);
    for (int i = 0; i < 1000; i++) {
        TIME_PASSES(&t, 1u << 20);
        EMPTY_SEGMENT_REQUESTED(&t, false);
    }
    size_t popped = 0;
    struct tcp_segment seg;
    while (tcp_sender_segments_out(&t.sender, &seg)) {
        popped++;
    }
    EXPECT_TRUE(&t.h, "at most ring + 2 + 8 segments were queued", popped <= ring + 2 + 8);
    EXPECT_TRUE(&t.h, "the queue filled up", popped >= ring + 2);
    return sender_test_end(&t);
}

/* A retransmission that finds the queue full (the caller has not popped) is not made: it is not
 * counted and the RTO does not back off; it goes at the first tick after the caller pops. */
static int retransmission_waits_for_room(void) {
    struct sender_test t;
    sender_test_begin(
        &t, "sender segments: a retransmission the full queue cannot take is neither counted nor backed off [L3.R21]");
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.send_capacity = 4;
    cfg.max_in_flight = 3;
    cfg.max_payload = 2;
    sender_test_start(&t, &cfg);
    STEP(&t.h, "the caller does not pop: empty segments fill the queue behind the SYN");
    for (int i = 0; i < 100; i++) {
        tcp_sender_send_empty_segment(&t.sender, false);
    }
    TIME_PASSES(&t, cfg.rt_timeout);
    EXPECT_RETX(&t, 0);
    TIME_PASSES(&t, cfg.rt_timeout);
    EXPECT_RETX(&t, 0);
    STEP(&t.h, "the caller pops everything");
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    while (tcp_sender_has_segments(&t.sender)) {
        EXPECT_SEGMENT(&t, .syn = TRI_NO, .payload_len = OPT_U64(0));
    }
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    EXPECT_RETX(&t, 1);
    STEP(&t.h, "now backed off once: the next retransmission after 2 RTOs");
    TIME_PASSES(&t, 2 * cfg.rt_timeout - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    EXPECT_RETX(&t, 2);
    return sender_test_end(&t);
}

int main(void) {
    return ring_order_and_bound() | unpopped_queue_is_bounded() | retransmission_waits_for_room();
}
