/* Modern mode, the pacing gate (pacing.h): credit refilled by ticks with sub-ms precision, the
 * burst cap, the delay an event loop should wait; then through the sender with BBR, whose
 * pacing rate holds segments back until a tick opens the gate, and an unpaced sender for
 * comparison. */
#include "sender_steps.h"
#include "tcp/pacing.h"

#define MSS 1000
#define RTT 20

static void gate(struct harness *h) {
    harness_begin(h, "pacing: the credit, the burst cap and the delay");
    struct pacing p;
    pacing_init(&p);
    STEP(h, "not paced: anything goes, nothing waits");
    EXPECT_TRUE(h, "1000 bytes may go", pacing_try(&p, MSS));
    EXPECT_EQ(h, "delay", UINT64_MAX, pacing_delay_ms(&p));
    STEP(h, "1,500,000 B/s (1.5 segments per ms), burst 2000: a full bucket lets 2 segments go");
    pacing_set_rate(&p, 1500000, 2000, 2000);
    EXPECT_TRUE(h, "first", pacing_try(&p, MSS));
    EXPECT_TRUE(h, "second", pacing_try(&p, MSS));
    EXPECT_BOOL(h, "third", false, pacing_try(&p, MSS));
    EXPECT_EQ(h, "delay", 1, pacing_delay_ms(&p));
    STEP(h, "10 ticks of 1 ms, sending whenever allowed: exactly 15 segments (sub-ms credit kept)");
    unsigned sent = 0, wakes = 0;
    for (int ms = 0; ms < 10; ms++) {
        wakes += pacing_tick(&p, 1);
        while (pacing_try(&p, MSS)) {
            sent++;
        }
    }
    EXPECT_EQ(h, "segments", 15, sent);
    EXPECT_EQ(h, "wakeups (the gate opened every tick)", 10, wakes);
    STEP(h, "the credit is now -500: the next tick opens the gate, a tick of 0 ms does not");
    EXPECT_EQ(h, "delay", 1, pacing_delay_ms(&p));
    EXPECT_BOOL(h, "tick 0", false, pacing_tick(&p, 0));
    STEP(h, "100 idle ms: the credit stops at the burst, 2000 bytes");
    pacing_tick(&p, 100);
    EXPECT_TRUE(h, "first", pacing_try(&p, MSS));
    EXPECT_TRUE(h, "second", pacing_try(&p, MSS));
    EXPECT_BOOL(h, "third", false, pacing_try(&p, MSS));
    STEP(h, "a slower rate, 100,000 B/s: after 1 ms (credit 100) a segment goes, leaving -900");
    pacing_set_rate(&p, 100000, 2000, 2000);
    EXPECT_TRUE(h, "tick opens the gate", pacing_tick(&p, 1));
    EXPECT_TRUE(h, "a segment", pacing_try(&p, MSS));
    EXPECT_BOOL(h, "another", false, pacing_try(&p, MSS));
    EXPECT_EQ(h, "delay: 10 ms until the credit is positive", 10, pacing_delay_ms(&p));
    EXPECT_BOOL(h, "after 9 ms (credit 0)", false, pacing_tick(&p, 9));
    EXPECT_TRUE(h, "after 10 ms", pacing_tick(&p, 1));
    harness_end(h);
}

/* The two caps: a sender that waits for credit may catch up a late wakeup's worth (the burst);
 * one that is not waiting (idle, or held by its window) banks only the idle burst, so that the
 * ACK that opens its window does not release a burst the pacing never asked for. */
static void idle_cap(struct harness *h) {
    harness_begin(h, "pacing: credit banked while not waiting stops at the idle burst");
    struct pacing p;
    pacing_init(&p);
    STEP(h, "1,000,000 B/s, burst 4000 (4 ms), idle burst 1000 (1 ms): the first bucket is full");
    pacing_set_rate(&p, 1000000, 4000, 1000);
    unsigned sent = 0;
    while (pacing_try(&p, MSS)) {
        sent++;
    }
    EXPECT_EQ(h, "segments from the full first bucket", 4, sent);
    STEP(h, "waiting (the last try was refused), the loop wakes 6 ms late: 4 ms of credit");
    EXPECT_TRUE(h, "the tick opens the gate", pacing_tick(&p, 6));
    for (sent = 0; pacing_try(&p, MSS);) {
        sent++;
    }
    EXPECT_EQ(h, "segments (credit 4000, the burst)", 4, sent);
    STEP(h, "1 ms: the waiting send is woken and goes; then the window is full, nothing tries");
    EXPECT_TRUE(h, "the tick opens the gate", pacing_tick(&p, 1));
    EXPECT_TRUE(h, "one segment on the woken credit", pacing_try(&p, MSS));
    EXPECT_EQ(h, "nothing waits for pacing", UINT64_MAX, pacing_delay_ms(&p));
    STEP(h, "52 ms pass while the sender waits for its window, not for credit");
    EXPECT_BOOL(h, "no wakeup", false, pacing_tick(&p, 50));
    pacing_tick(&p, 2);
    STEP(h, "an ACK opens the window: only the idle burst (1 ms) goes at once, then 1 per ms");
    for (sent = 0; pacing_try(&p, MSS);) {
        sent++;
    }
    EXPECT_EQ(h, "segments at once (idle burst 1000)", 1, sent);
    EXPECT_EQ(h, "delay", 1, pacing_delay_ms(&p));
    EXPECT_TRUE(h, "1 ms later the gate opens", pacing_tick(&p, 1));
    harness_end(h);
}

static void sender(struct harness *h) {
    harness_begin(h, "pacing: a BBR sender spreads its initial window; the tick releases what waits");
    struct tcp_sender s;
    STEP(h, "BBR, SYN ACKed after 20 ms: pacing at 2.885 x 4000 B / 20 ms = 577,000 B/s, burst 4 ms: 2308");
    sender_start(h, &s, TCP_CC_BBR, MSS, SENDER_STEPS_BYTES, RTT);
    struct congestion_trace t;
    tcp_sender_cc_trace(&s, &t);
    EXPECT_EQ(h, "pacing rate", 577000, t.pacing_rate);
    EXPECT_EQ(h, "cwnd", 4000, t.cwnd);
    STEP(h, "fill_window: while there is credit segments go (2308 -> -692): 3, the fourth waits");
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 3, sender_pop_all(&s));
    EXPECT_EQ(h, "pacing delay (692 / 577 ms, rounded up)", 2, tcp_sender_pacing_delay(&s));
    STEP(h, "1 ms: 577 bytes of credit, still -115: nothing");
    tcp_sender_tick(&s, 1);
    EXPECT_EQ(h, "segments", 0, sender_pop_all(&s));
    EXPECT_EQ(h, "pacing delay (credit -115)", 1, tcp_sender_pacing_delay(&s));
    STEP(h, "1 ms: the tick itself makes the fourth (credit 462 -> -538)");
    tcp_sender_tick(&s, 1);
    EXPECT_EQ(h, "segments", 1, sender_pop_all(&s));
    EXPECT_EQ(h, "next seqno", 4001, tcp_sender_next_seqno_absolute(&s));
    STEP(h, "the window is full now: waiting for the window is not waiting for pacing");
    tcp_sender_tick(&s, 2);
    EXPECT_EQ(h, "segments", 0, sender_pop_all(&s));
    EXPECT_EQ(h, "pacing delay", UINT64_MAX, tcp_sender_pacing_delay(&s));
    tcp_sender_destroy(&s);
    harness_end(h);

    harness_begin(h, "pacing: NewReno is not paced: the whole initial window goes at once");
    STEP(h, "NewReno, SYN ACKed after 20 ms; fill_window");
    sender_start(h, &s, TCP_CC_NEWRENO, MSS, SENDER_STEPS_BYTES, RTT);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 4, sender_pop_all(&s));
    EXPECT_EQ(h, "pacing delay", UINT64_MAX, tcp_sender_pacing_delay(&s));
    tcp_sender_cc_trace(&s, &t);
    EXPECT_EQ(h, "pacing rate", 0, t.pacing_rate);
    tcp_sender_destroy(&s);
    harness_end(h);
}

int main(void) {
    struct harness h;
    gate(&h);
    idle_cap(&h);
    sender(&h);
    return 0;
}
