/* Modern mode, RACK-TLP (RFC 8985) in BBR's sender: a loss is found by time (the reordering
 * window) with fewer than three SACKed segments, a lost retransmission is found and resent
 * without a timeout, and a lost tail with nothing new to send gets a probe that resends the last
 * segment, whose SACK then shows the rest lost. */
#include "sender_steps.h"

#define MSS 1000
#define RTT 20
/* A BBR sender (MSS 1000) whose SYN was acknowledged after 20 ms, whose first 4 segments were
 * acknowledged 20 ms after they left, and whose next 8, [4001, 12001), are in flight. */
static void two_flights(struct harness *h, struct tcp_sender *s, struct wire *w) {
    *w = (struct wire){.now = RTT};
    STEP(h, "BBR sender, MSS 1000, 50000 bytes; the SYN is acknowledged at 20 ms (RTT 20)");
    sender_start(h, s, TCP_CC_BBR, MSS, SENDER_STEPS_BYTES, RTT);
    tcp_sender_fill_window(s);
    wire_pop(s, w);
    wire_run(s, w, 5);
    EXPECT_EQ(h, "the initial window left", 4001, tcp_sender_next_seqno_absolute(s));
    wire_run(s, w, RTT - 5);
    STEP(h, "at 40 ms they are acknowledged; the window (8 segments) goes out, paced");
    wire_ack_sack(s, w, 4001, 0, 0);
    wire_run(s, w, 10);
    EXPECT_EQ(h, "next seqno", 12001, tcp_sender_next_seqno_absolute(s));
}

static void lost_retransmission(struct harness *h) {
    harness_begin(h, "rack: a lost retransmission is found when data sent after it is SACKed, and resent without "
                     "a timeout");
    struct tcp_sender s;
    struct wire w;
    two_flights(h, &s, &w);
    wire_run(&s, &w, RTT - 10);
    STEP(h, "[4001, 5001) is lost; three ACKs SACK the next three segments: it is resent as soon as the pacing "
            "gate opens (the new segments these ACKs let go took the credit banked while the window was full)");
    unsigned mark = w.n;
    for (uint64_t k = 1; k <= 3; k++) {
        wire_ack_sack(&s, &w, 4001, 5001, 5001 + 1000 * k);
        wire_run(&s, &w, 1);
    }
    wire_run(&s, &w, 2);
    EXPECT_EQ(h, "4001 resent", 1, wire_times_sent(&w, 4001, mark));
    STEP(h, "four more SACKs: each delivered segment lets one new segment go (packet conservation)");
    for (uint64_t k = 4; k <= 7; k++) {
        wire_ack_sack(&s, &w, 4001, 5001, 5001 + 1000 * k);
        wire_run(&s, &w, 1);
    }
    uint64_t sent_after = tcp_sender_next_seqno_absolute(&s);
    EXPECT_TRUE(h, "new data went after the retransmission", sent_after > 12001);
    STEP(h, "the retransmission is lost too; 20 ms later the new data is SACKed: 4001 goes a third time");
    wire_run(&s, &w, RTT);
    mark = w.n;
    wire_ack_sack(&s, &w, 4001, 5001, sent_after);
    wire_run(&s, &w, 2);
    EXPECT_EQ(h, "4001 resent again", 1, wire_times_sent(&w, 4001, mark));
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    STEP(h, "its ACK acknowledges everything sent");
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, sent_after, 0, 0);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void reordering_window(struct harness *h) {
    harness_begin(h, "rack: one SACKed segment above a hole: the hole is resent a quarter of the min RTT later");
    struct tcp_sender s;
    struct wire w;
    two_flights(h, &s, &w);
    wire_run(&s, &w, RTT - 10);
    STEP(h, "[4001, 5001) is lost; one ACK SACKs [5001, 6001): not yet (it may be reordering)");
    unsigned mark = w.n;
    wire_ack_sack(&s, &w, 4001, 5001, 6001);
    EXPECT_EQ(h, "4001 resent", 0, wire_times_sent(&w, 4001, mark));
    STEP(h, "no further ACK: the reorder timer fires within the window (min RTT / 4 = 4 or 5 ms)");
    uint64_t start = w.now;
    wire_run(&s, &w, 10);
    EXPECT_EQ(h, "4001 resent", 1, wire_times_sent(&w, 4001, mark));
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
    wire_pop(&s, &w);
    wire_run(&s, &w, 5);
    EXPECT_EQ(h, "all 4 segments left", 4, w.n);
    STEP(h, "no ACK: nothing until 2 SRTT after the first left (60 ms), then [3001, 4001) again");
    wire_run(&s, &w, 34);
    EXPECT_EQ(h, "segments", 4, w.n);
    wire_run(&s, &w, 1);
    EXPECT_EQ(h, "segments", 5, w.n);
    EXPECT_EQ(h, "the probe resends the last segment", 3001, w.seqno[4]);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    STEP(h, "20 ms later its ACK SACKs [3001, 4001): the three before it, sent 40 ms earlier, are lost");
    wire_run(&s, &w, RTT);
    unsigned mark = w.n;
    wire_ack_sack(&s, &w, 1, 3001, 4001);
    wire_run(&s, &w, 2);
    EXPECT_EQ(h, "1 resent", 1, wire_times_sent(&w, 1, mark));
    STEP(h, "each ACK lets the next go: all repaired without a timeout");
    wire_run(&s, &w, RTT - 2);
    wire_ack_sack(&s, &w, 1001, 3001, 4001);
    wire_run(&s, &w, 2);
    EXPECT_EQ(h, "1001 resent", 1, wire_times_sent(&w, 1001, mark));
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, 4001, 0, 0);
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
