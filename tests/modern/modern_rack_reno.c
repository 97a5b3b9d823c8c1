/* Modern mode, RACK (RFC 8985 section 6) as the loss detection of NewReno and CUBIC, as of BBR
 * (modern_rack.c): a lost retransmission is found one RTT later, not by the timeout; losses
 * found by RACK, by its reorder timer too, reduce the window once per recovery episode (RFC 6675
 * 4.2: half the flight for NewReno, RFC 9438 4.6: beta_cubic for CUBIC) and the episode ends
 * when the recovery point is acknowledged; and reordering within the reordering window, once
 * reordering has been seen, resends nothing although three segments above the late one are
 * SACKed (which would be three duplicate ACKs). Each test runs with NewReno and with CUBIC. */
#include "sender_steps.h"

#define MSS 1000
#define RTT 20
#define CUBIC_BETA 0.7

/* The window after a loss detected with `flight` bytes outstanding and a window of `cwnd`. */
static uint64_t reduced(enum tcp_congestion cc, uint64_t flight, uint64_t cwnd) {
    uint64_t w = cc == TCP_CC_CUBIC ? (uint64_t)((double)cwnd * CUBIC_BETA) : flight / 2;
    return w > 2 * MSS ? w : 2 * MSS;
}

static uint64_t cwnd_of(struct tcp_sender *s) {
    return congestion_window(&s->ext->cc);
}

/* The test's name, with the algorithm's. */
#define NAMED(cc, text) ((cc) == TCP_CC_CUBIC ? "rack (CUBIC): " text : "rack (NewReno): " text)

static const char *cc_name(enum tcp_congestion cc) {
    return cc == TCP_CC_CUBIC ? "CUBIC" : "NewReno";
}

/* A sender with `cc` (MSS 1000) whose SYN was acknowledged after 20 ms and whose first 4
 * segments were acknowledged one by one 20 ms after they left (slow start: cwnd 8000), so that
 * the next 8, [4001, 12001), left at 40 ms and are in flight. */
static void flights_of(struct harness *h, struct tcp_sender *s, struct wire *w, enum tcp_congestion cc, size_t bytes) {
    *w = (struct wire){.now = RTT};
    STEP(h, "%s sender, MSS 1000, %zu bytes; the SYN is acknowledged at 20 ms (RTT 20)", cc_name(cc), bytes);
    sender_start(h, s, cc, MSS, bytes, RTT);
    tcp_sender_fill_window(s);
    wire_pop(s, w);
    EXPECT_EQ(h, "the initial window left", 4001, tcp_sender_next_seqno_absolute(s));
    wire_run(s, w, RTT);
    STEP(h, "at 40 ms the four are acknowledged one by one: cwnd 8000, [4001, 12001) leaves");
    for (uint64_t k = 1; k <= 4; k++) {
        wire_ack_sack(s, w, 1 + 1000 * k, 0, 0);
    }
    EXPECT_EQ(h, "cwnd", 8000, cwnd_of(s));
    EXPECT_EQ(h, "next seqno", 12001, tcp_sender_next_seqno_absolute(s));
}

static void two_flights(struct harness *h, struct tcp_sender *s, struct wire *w, enum tcp_congestion cc) {
    flights_of(h, s, w, cc, SENDER_STEPS_BYTES);
}

/* The application writes `bytes` more; they go as the window allows. */
static void write_more(struct tcp_sender *s, struct wire *w, size_t bytes) {
    static const uint8_t more[SENDER_STEPS_BYTES];
    byte_stream_write(tcp_sender_stream_in(s), more, bytes);
    tcp_sender_fill_window(s);
    wire_pop(s, w);
}

static void lost_retransmission(struct harness *h, enum tcp_congestion cc) {
    harness_begin(h, NAMED(cc, "a lost retransmission is found when data sent after it is SACKed, and resent "
                               "without a timeout; the window is reduced once"));
    struct tcp_sender s;
    struct wire w;
    two_flights(h, &s, &w, cc);
    wire_run(&s, &w, RTT);
    STEP(h, "[4001, 5001) is lost; three ACKs SACK the next three segments: it is resent");
    unsigned mark = w.n;
    uint64_t flight = 0;
    for (uint64_t k = 1; k <= 3; k++) {
        flight = tcp_sender_bytes_in_flight(&s);
        wire_ack_sack(&s, &w, 4001, 5001, 5001 + 1000 * k);
        wire_run(&s, &w, 1);
    }
    EXPECT_EQ(h, "4001 resent", 1, wire_times_sent(&w, 4001, mark));
    uint64_t window = reduced(cc, flight, 8000);
    EXPECT_EQ(h, "cwnd reduced (RFC 6675 4.2 / RFC 9438 4.6)", window, cwnd_of(&s));
    STEP(h, "four more SACKs: new data goes as SACKed data leaves the pipe");
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
    EXPECT_EQ(h, "the same episode: cwnd not reduced again", window, cwnd_of(&s));
    STEP(h, "its ACK acknowledges everything up to the SACKed data: recovery is over");
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, sent_after, 0, 0);
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&s.ext->cc, sent_after));
    EXPECT_EQ(h, "cwnd = ssthresh", window, cwnd_of(&s));
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void reorder_timer_one_response(struct harness *h, enum tcp_congestion cc) {
    harness_begin(h, NAMED(cc, "two holes found by the reorder timer reduce the window once; the episode ends at "
                               "the recovery point, and the next loss starts a new one"));
    struct tcp_sender s;
    struct wire w;
    two_flights(h, &s, &w, cc);
    wire_run(&s, &w, RTT);
    STEP(h, "[4001, 5001) and [6001, 7001) are lost, [8001, 12001) is delayed; 5001 and 7001 are SACKed");
    unsigned mark = w.n;
    wire_ack_sack(&s, &w, 4001, 5001, 6001);
    const uint64_t two[2][2] = {{7001, 8001}, {5001, 6001}};
    wire_ack_blocks(&s, &w, 4001, two, 2);
    EXPECT_EQ(h, "4001 resent", 0, wire_times_sent(&w, 4001, mark));
    uint64_t flight = tcp_sender_bytes_in_flight(&s);
    uint64_t recover = tcp_sender_next_seqno_absolute(&s);
    STEP(h, "no further ACK: the reorder timer (min RTT / 4) finds both lost; the first is resent at once");
    wire_run(&s, &w, 10);
    EXPECT_EQ(h, "4001 resent", 1, wire_times_sent(&w, 4001, mark));
    uint64_t window = reduced(cc, flight, 8000);
    EXPECT_EQ(h, "cwnd reduced once", window, cwnd_of(&s));
    STEP(h, "the delayed segments are SACKed one per ms: 6001 is resent as the pipe drains, no new reduction");
    for (uint64_t k = 1; k <= 4; k++) {
        const uint64_t blocks[2][2] = {{7001, 8001 + 1000 * k}, {5001, 6001}};
        wire_ack_blocks(&s, &w, 4001, blocks, 2);
        wire_run(&s, &w, 1);
    }
    EXPECT_EQ(h, "6001 resent", 1, wire_times_sent(&w, 6001, mark));
    EXPECT_EQ(h, "4001 resent", 1, wire_times_sent(&w, 4001, mark));
    EXPECT_EQ(h, "cwnd", window, cwnd_of(&s));
    STEP(h, "the retransmission of 4001 arrives: a partial ACK, still in recovery");
    wire_run(&s, &w, RTT - 10);
    const uint64_t rest[1][2] = {{7001, recover}};
    wire_ack_blocks(&s, &w, 6001, rest, 1);
    EXPECT_BOOL(h, "recovering", true, congestion_recovering(&s.ext->cc, 6001));
    EXPECT_EQ(h, "cwnd", window, cwnd_of(&s));
    STEP(h, "that of 6001: the recovery point %llu is acknowledged, the episode is over",
         (unsigned long long)(recover - 1));
    wire_run(&s, &w, 4);
    wire_ack_sack(&s, &w, recover, 0, 0);
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&s.ext->cc, recover));
    EXPECT_EQ(h, "cwnd = ssthresh", window, cwnd_of(&s));
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    uint64_t next = tcp_sender_next_seqno_absolute(&s);
    EXPECT_TRUE(h, "at least four segments past the recovery point in flight", next >= recover + 4 * MSS);
    STEP(h, "a new loss: [%llu, +1000) is lost, the three after it SACKed: a new episode, a new reduction",
         (unsigned long long)recover);
    wire_run(&s, &w, RTT);
    mark = w.n;
    for (uint64_t k = 1; k <= 3; k++) {
        flight = tcp_sender_bytes_in_flight(&s);
        wire_ack_sack(&s, &w, recover, recover + MSS, recover + MSS + 1000 * k);
    }
    EXPECT_EQ(h, "resent", 1, wire_times_sent(&w, recover, mark));
    EXPECT_EQ(h, "cwnd reduced again", reduced(cc, flight, window), cwnd_of(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void reordering_within_window(struct harness *h, enum tcp_congestion cc) {
    harness_begin(h, NAMED(cc, "once reordering was seen, a segment overtaken by three others is not resent if it "
                               "arrives within the reordering window"));
    struct tcp_sender s;
    struct wire w;
    two_flights(h, &s, &w, cc);
    wire_run(&s, &w, RTT);
    STEP(h, "6001 arrives before 5001 before 4001: reordering (RFC 8985 6.2 step 1)");
    unsigned mark = w.n;
    wire_ack_sack(&s, &w, 4001, 6001, 7001);
    wire_ack_sack(&s, &w, 4001, 5001, 7001);
    wire_ack_sack(&s, &w, 7001, 0, 0);
    uint64_t window = cwnd_of(&s);
    wire_run(&s, &w, 1);
    STEP(h, "8001, 9001 and 10001 overtake 7001 (three SACKs of ackno 7001); 7001 comes 2 ms later");
    for (uint64_t k = 1; k <= 3; k++) {
        wire_ack_sack(&s, &w, 7001, 8001, 8001 + 1000 * k);
    }
    wire_run(&s, &w, 2);
    wire_ack_sack(&s, &w, 11001, 0, 0);
    wire_run(&s, &w, RTT);
    EXPECT_EQ(h, "7001 resent", 0, wire_times_sent(&w, 7001, mark));
    EXPECT_EQ(h, "4001 resent", 0, wire_times_sent(&w, 4001, mark));
    EXPECT_EQ(h, "5001 resent", 0, wire_times_sent(&w, 5001, mark));
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&s.ext->cc, 11001));
    EXPECT_TRUE(h, "cwnd not reduced", cwnd_of(&s) >= window);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

/* RFC 8985 7.4.2: a sender with 4000 bytes whose first two segments are acknowledged at 40 ms
 * (cwnd 5000); the ACK of the third is lost and the fourth, [3001, 4001), is lost or late. With
 * nothing new to send, the probe at 2 SRTT resends [3001, 4001). */
static void tail_probe_sent(struct harness *h, struct tcp_sender *s, struct wire *w, enum tcp_congestion cc) {
    *w = (struct wire){.now = RTT};
    STEP(h, "%s sender, MSS 1000, 4000 bytes; the SYN is acknowledged at 20 ms (RTT 20)", cc_name(cc));
    sender_start(h, s, cc, MSS, 4000, RTT);
    tcp_sender_fill_window(s);
    wire_pop(s, w);
    wire_run(s, w, RTT);
    wire_ack_sack(s, w, 2001, 0, 0);
    EXPECT_EQ(h, "cwnd", 5000, cwnd_of(s));
    STEP(h, "no ACK for 2 SRTT: the probe resends [3001, 4001)");
    unsigned mark = w->n;
    wire_run(s, w, 2 * RTT);
    EXPECT_EQ(h, "3001 resent", 1, wire_times_sent(w, 3001, mark));
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(s));
}

static void probe_repaired_loss(struct harness *h, enum tcp_congestion cc) {
    harness_begin(h,
                  NAMED(cc, "a loss repaired by the tail loss probe alone reduces the window once (RFC 8985 7.4.2)"));
    struct tcp_sender s;
    struct wire w;
    tail_probe_sent(h, &s, &w, cc);
    STEP(h, "the probe's ACK acknowledges everything (it repaired [3001, 4001)): nothing tells yet");
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, 4001, 0, 0);
    EXPECT_EQ(h, "cwnd (slow start)", 6000, cwnd_of(&s));
    STEP(h, "new data; its ACK goes past the probe with no duplicate ACK for it: a loss was repaired");
    write_more(&s, &w, 3000);
    EXPECT_EQ(h, "next seqno", 7001, tcp_sender_next_seqno_absolute(&s));
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, 5001, 0, 0);
    uint64_t window = reduced(cc, 2000, 7000); /* the flight when the probe left; cwnd after the ACK */
    EXPECT_EQ(h, "cwnd reduced", window, cwnd_of(&s));
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&s.ext->cc, 5001));
    STEP(h, "the next ACK: once only");
    wire_ack_sack(&s, &w, 7001, 0, 0);
    EXPECT_TRUE(h, "cwnd not reduced again", cwnd_of(&s) >= window);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void probe_was_needless(struct harness *h, enum tcp_congestion cc) {
    harness_begin(h, NAMED(cc, "a probe whose copy the peer already had (a duplicate ACK for it) reduces nothing"));
    struct tcp_sender s;
    struct wire w;
    tail_probe_sent(h, &s, &w, cc);
    STEP(h, "the ACKs were only late: the ACK of 4001, then a duplicate for the probe's copy");
    wire_run(&s, &w, 5);
    wire_ack_sack(&s, &w, 4001, 0, 0);
    wire_run(&s, &w, RTT - 5);
    wire_ack_sack(&s, &w, 4001, 0, 0);
    EXPECT_EQ(h, "cwnd (slow start)", 6000, cwnd_of(&s));
    STEP(h, "new data; its ACK goes past the probe: no reduction (slow start goes on)");
    write_more(&s, &w, 3000);
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, 5001, 0, 0);
    EXPECT_EQ(h, "cwnd", 7000, cwnd_of(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void loss_found_via_probe(struct harness *h, enum tcp_congestion cc) {
    harness_begin(h, NAMED(cc, "losses RACK finds from the probe's ACK reduce the window once (RFC 8985 7.4.1)"));
    struct tcp_sender s;
    struct wire w;
    flights_of(h, &s, &w, cc, 12000);
    STEP(h, "all of [4001, 12001) but the last segment is lost; with nothing new, the probe resends it");
    unsigned mark = w.n;
    wire_run(&s, &w, 2 * RTT);
    EXPECT_EQ(h, "11001 resent", 1, wire_times_sent(&w, 11001, mark));
    STEP(h, "its ACK SACKs [11001, 12001): the seven before it are lost, cwnd reduced, resent as the pipe allows");
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, 4001, 11001, 12001);
    uint64_t window = reduced(cc, 8000, 8000);
    EXPECT_EQ(h, "cwnd reduced", window, cwnd_of(&s));
    EXPECT_EQ(h, "4001 resent", 1, wire_times_sent(&w, 4001, mark));
    STEP(h, "the resent segments are acknowledged a round later, the rest goes");
    wire_run(&s, &w, RTT);
    uint64_t upto = 4001 + window / MSS * MSS;
    wire_ack_sack(&s, &w, upto, 11001, 12001);
    for (uint64_t seq = 4001; seq < 11001; seq += MSS) {
        EXPECT_EQ(h, "resent once", 1, wire_times_sent(&w, seq, mark));
    }
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, 12001, 0, 0);
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&s.ext->cc, 12001));
    EXPECT_EQ(h, "cwnd = ssthresh", window, cwnd_of(&s));
    STEP(h, "new data is acknowledged past the probe: no second reduction for the same loss");
    write_more(&s, &w, 2000);
    wire_run(&s, &w, RTT);
    wire_ack_sack(&s, &w, 14001, 0, 0);
    EXPECT_TRUE(h, "cwnd not reduced again", cwnd_of(&s) >= window);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

int main(void) {
    struct harness h;
    static const enum tcp_congestion algos[] = {TCP_CC_NEWRENO, TCP_CC_CUBIC};
    for (size_t i = 0; i < sizeof algos / sizeof algos[0]; i++) {
        lost_retransmission(&h, algos[i]);
        reorder_timer_one_response(&h, algos[i]);
        reordering_within_window(&h, algos[i]);
        probe_repaired_loss(&h, algos[i]);
        probe_was_needless(&h, algos[i]);
        loss_found_via_probe(&h, algos[i]);
    }
    return 0;
}
