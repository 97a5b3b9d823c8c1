/* Modern mode, RACK-TLP (RFC 8985) in BBR's sender: a loss is found by time (the reordering
 * window) with fewer than three SACKed segments, a lost retransmission is found and resent
 * without a timeout, and a lost tail with nothing new to send gets a probe that resends the last
 * segment, whose SACK then shows the rest lost. */
#include "sender_steps.h"

#define MSS 1000
#define RTT 20
#define LOG_MAX 256

/* The segments a test saw leave, by absolute seqno (ISN 0). */
struct wire {
    uint64_t seqno[LOG_MAX];
    uint64_t at[LOG_MAX]; /* the sender's clock when popped */
    unsigned n;
    uint64_t now;
};

static void pop_into(struct tcp_sender *s, struct wire *w) {
    struct tcp_segment seg;
    while (tcp_sender_segments_out(s, &seg)) {
        if (w->n < LOG_MAX) {
            w->seqno[w->n] = seg.header.seqno.raw;
            w->at[w->n++] = w->now;
        }
    }
}

/* `ms` ticks of 1 ms, popping after each. */
static void run(struct tcp_sender *s, struct wire *w, uint64_t ms) {
    for (uint64_t i = 0; i < ms; i++) {
        tcp_sender_tick(s, 1);
        w->now++;
        pop_into(s, w);
    }
}

/* How often `seqno` left since log entry `from`. */
static unsigned times_sent(const struct wire *w, uint64_t seqno, unsigned from) {
    unsigned k = 0;
    for (unsigned i = from; i < w->n; i++) {
        k += w->seqno[i] == seqno;
    }
    return k;
}

/* An ACK of `ackno` SACKing [left, right) (nothing if left == right), then fill_window. */
static void ack_sack(struct tcp_sender *s, struct wire *w, uint64_t ackno, uint64_t left, uint64_t right) {
    struct tcp_sack_block block = {wrap(left, (struct wrap32){0}), wrap(right, (struct wrap32){0})};
    struct tcp_sender_ack ack = {.ackno = wrap(ackno, (struct wrap32){0}),
                                 .window = 60000,
                                 .pure = true,
                                 .sack = &block,
                                 .sack_count = left < right};
    tcp_sender_ack_arrived(s, &ack);
    tcp_sender_fill_window(s);
    pop_into(s, w);
}

/* A BBR sender (MSS 1000) whose SYN was acknowledged after 20 ms, whose first 4 segments were
 * acknowledged 20 ms after they left, and whose next 8, [4001, 12001), are in flight. */
static void two_flights(struct harness *h, struct tcp_sender *s, struct wire *w) {
    *w = (struct wire){.now = RTT};
    STEP(h, "BBR sender, MSS 1000, 50000 bytes; the SYN is acknowledged at 20 ms (RTT 20)");
    sender_start(h, s, TCP_CC_BBR, MSS, SENDER_STEPS_BYTES, RTT);
    tcp_sender_fill_window(s);
    pop_into(s, w);
    run(s, w, 5);
    EXPECT_EQ(h, "the initial window left", 4001, tcp_sender_next_seqno_absolute(s));
    run(s, w, RTT - 5);
    STEP(h, "at 40 ms they are acknowledged; the window (8 segments) goes out, paced");
    ack_sack(s, w, 4001, 0, 0);
    run(s, w, 10);
    EXPECT_EQ(h, "next seqno", 12001, tcp_sender_next_seqno_absolute(s));
}

static void lost_retransmission(struct harness *h) {
    harness_begin(h, "rack: a lost retransmission is found when data sent after it is SACKed, and resent without "
                     "a timeout");
    struct tcp_sender s;
    struct wire w;
    two_flights(h, &s, &w);
    run(&s, &w, RTT - 10);
    STEP(h, "[4001, 5001) is lost; three ACKs SACK the next three segments: it is resent");
    unsigned mark = w.n;
    for (uint64_t k = 1; k <= 3; k++) {
        ack_sack(&s, &w, 4001, 5001, 5001 + 1000 * k);
        run(&s, &w, 1);
    }
    EXPECT_EQ(h, "4001 resent", 1, times_sent(&w, 4001, mark));
    STEP(h, "four more SACKs: each delivered segment lets one new segment go (packet conservation)");
    for (uint64_t k = 4; k <= 7; k++) {
        ack_sack(&s, &w, 4001, 5001, 5001 + 1000 * k);
        run(&s, &w, 1);
    }
    uint64_t sent_after = tcp_sender_next_seqno_absolute(&s);
    EXPECT_TRUE(h, "new data went after the retransmission", sent_after > 12001);
    STEP(h, "the retransmission is lost too; 20 ms later the new data is SACKed: 4001 goes a third time");
    run(&s, &w, RTT);
    mark = w.n;
    ack_sack(&s, &w, 4001, 5001, sent_after);
    run(&s, &w, 2);
    EXPECT_EQ(h, "4001 resent again", 1, times_sent(&w, 4001, mark));
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    STEP(h, "its ACK acknowledges everything sent");
    run(&s, &w, RTT);
    ack_sack(&s, &w, sent_after, 0, 0);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void reordering_window(struct harness *h) {
    harness_begin(h, "rack: one SACKed segment above a hole: the hole is resent a quarter of the min RTT later");
    struct tcp_sender s;
    struct wire w;
    two_flights(h, &s, &w);
    run(&s, &w, RTT - 10);
    STEP(h, "[4001, 5001) is lost; one ACK SACKs [5001, 6001): not yet (it may be reordering)");
    unsigned mark = w.n;
    ack_sack(&s, &w, 4001, 5001, 6001);
    EXPECT_EQ(h, "4001 resent", 0, times_sent(&w, 4001, mark));
    STEP(h, "no further ACK: the reorder timer fires within the window (min RTT / 4 = 4 or 5 ms)");
    uint64_t start = w.now;
    run(&s, &w, 10);
    EXPECT_EQ(h, "4001 resent", 1, times_sent(&w, 4001, mark));
    unsigned i = mark;
    while (w.seqno[i] != 4001) {
        i++;
    }
    EXPECT_TRUE(h, "after at least 2 ms", w.at[i] >= start + 2);
    EXPECT_TRUE(h, "within 6 ms", w.at[i] <= start + 6);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void tail_probe(struct harness *h) {
    harness_begin(h, "tlp: the tail is lost and nothing is left to send: the probe resends the last segment, its "
                     "SACK shows the rest lost");
    struct tcp_sender s;
    struct wire w = {.now = RTT};
    STEP(h, "BBR sender, MSS 1000, only 4000 bytes; the SYN is acknowledged at 20 ms (SRTT 20)");
    sender_start(h, &s, TCP_CC_BBR, MSS, 4000, RTT);
    tcp_sender_fill_window(&s);
    pop_into(&s, &w);
    run(&s, &w, 5);
    EXPECT_EQ(h, "all 4 segments left", 4, w.n);
    STEP(h, "no ACK: nothing until 2 SRTT after the first left (60 ms), then [3001, 4001) again");
    run(&s, &w, 34);
    EXPECT_EQ(h, "segments", 4, w.n);
    run(&s, &w, 1);
    EXPECT_EQ(h, "segments", 5, w.n);
    EXPECT_EQ(h, "the probe resends the last segment", 3001, w.seqno[4]);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    STEP(h, "20 ms later its ACK SACKs [3001, 4001): the three before it, sent 40 ms earlier, are lost");
    run(&s, &w, RTT);
    unsigned mark = w.n;
    ack_sack(&s, &w, 1, 3001, 4001);
    run(&s, &w, 2);
    EXPECT_EQ(h, "1 resent", 1, times_sent(&w, 1, mark));
    STEP(h, "each ACK lets the next go: all repaired without a timeout");
    run(&s, &w, RTT - 2);
    ack_sack(&s, &w, 1001, 3001, 4001);
    run(&s, &w, 2);
    EXPECT_EQ(h, "1001 resent", 1, times_sent(&w, 1001, mark));
    run(&s, &w, RTT);
    ack_sack(&s, &w, 4001, 0, 0);
    EXPECT_EQ(h, "everything acknowledged", 0, tcp_sender_bytes_in_flight(&s));
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

int main(void) {
    struct harness h;
    lost_retransmission(&h);
    reordering_window(&h);
    tail_probe(&h);
    return 0;
}
