/* Modern mode, the BBR-style congestion window (congestion_bbr.h): STARTUP's exponential
 * growth, the bandwidth and min-RTT filters from synthetic ACK sequences, STARTUP's end,
 * PROBE_BW's gain cycle and PROBE_RTT; then through congestion.h: duplicate ACKs (loss) keep
 * the window, SACKed bytes leave the flight, a timeout falls back to one segment; and through
 * the sender, which reports RTT samples and SACKed bytes. */
#include "modern_steps.h"
#include "tcp/congestion.h"
#include "tcp/congestion_bbr.h"
#include "tcp/sender_modern.h"
#include "tcp/tcp_sender.h"

#define MSS 1000
#define RTT 20

/* One round trip of a path with no bottleneck: every byte of the window is acknowledged,
 * MSS by MSS, the ACKs spread evenly over RTT ms. Returns the new delivered count. */
static uint64_t open_path_round(struct bbr *b, uint64_t *now, uint64_t delivered) {
    uint64_t n = bbr_window(b) / MSS, start = *now;
    for (uint64_t i = 0; i < n; i++) {
        delivered += MSS;
        bbr_on_ack(b, MSS);
        bbr_on_sample(b, start + i * RTT / n, delivered, false, 0);
    }
    *now = start + RTT;
    return delivered;
}

/* `ms` milliseconds of a bottleneck that delivers `rate` bytes per ms whatever the window:
 * one ACK per ms. Returns the new delivered count. */
static uint64_t bottleneck(struct bbr *b, uint64_t *now, uint64_t delivered, uint64_t rate, uint64_t ms) {
    for (uint64_t i = 0; i < ms; i++) {
        *now += 1;
        delivered += rate;
        bbr_on_ack(b, rate);
        bbr_on_sample(b, *now, delivered, false, 0);
    }
    return delivered;
}

static void startup(struct harness *h) {
    harness_begin(h, "bbr: STARTUP grows the window exponentially on an open path");
    struct bbr b;
    uint64_t now = 0, delivered = 1;
    STEP(h, "MSS 1000: RFC 5681's initial window, STARTUP");
    bbr_init(&b, MSS);
    EXPECT_EQ(h, "cwnd", 4000, bbr_window(&b));
    EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&b));
    STEP(h, "the SYN's RTT sample: 20 ms");
    bbr_on_sample(&b, now, delivered, true, RTT);
    EXPECT_EQ(h, "min RTT", RTT, bbr_min_rtt(&b));
    uint64_t before = 0, earlier = 0;
    for (int round = 1; round <= 5; round++) {
        earlier = before;
        before = bbr_window(&b);
        STEP(h, "round %d: the whole window of %llu bytes is acknowledged", round, (unsigned long long)before);
        delivered = open_path_round(&b, &now, delivered);
        /* It grows by what was acknowledged, up to 2.89 x the estimated BDP; the estimate comes
         * from a whole round's delivery, so it lags the window by up to a round. */
        EXPECT_TRUE(h, "cwnd grew at least 1.4x", bbr_window(&b) * 10 >= before * 14);
        EXPECT_TRUE(h, "cwnd at most doubled", bbr_window(&b) <= 2 * before);
        EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&b));
    }
    STEP(h, "the bandwidth estimate follows (a round's sample closes with the next round's first ACK)");
    EXPECT_EQ(h, "bw = round 4's ACKs (whole segments) / 20 ms", earlier / MSS * MSS * 1000 / RTT, bbr_bandwidth(&b));
    harness_end(h);
}

static void filters_and_cycle(struct harness *h) {
    harness_begin(h, "bbr: bandwidth max filter, min RTT, STARTUP's end, DRAIN, PROBE_BW's gain cycle");
    struct bbr b;
    uint64_t now = 0, delivered = 1;
    bbr_init(&b, MSS);
    STEP(h, "RTT samples 25, 20, 30 ms: min RTT 20");
    bbr_on_sample(&b, now, delivered, true, 25);
    bbr_on_sample(&b, now, delivered, true, 20);
    bbr_on_sample(&b, now, delivered, true, 30);
    EXPECT_EQ(h, "min RTT", 20, bbr_min_rtt(&b));
    STEP(h, "a bottleneck of 1000 bytes per ms for 3 rounds: bandwidth 1,000,000 B/s");
    delivered = bottleneck(&b, &now, delivered, 1000, 3 * RTT);
    EXPECT_EQ(h, "bw", 1000000, bbr_bandwidth(&b));
    EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&b));
    STEP(h, "rounds 2 and 3 grew less than 25 %%, round 4 neither: STARTUP ends, DRAIN for a round");
    delivered = bottleneck(&b, &now, delivered, 1000, RTT);
    EXPECT_EQ(h, "state", BBR_DRAIN, bbr_state(&b));
    EXPECT_EQ(h, "DRAIN's window: 1 BDP = 20000", 20000, bbr_window(&b));
    delivered = bottleneck(&b, &now, delivered, 1000, RTT);
    EXPECT_EQ(h, "state", BBR_PROBE_BW, bbr_state(&b));
    STEP(h, "8 rounds of PROBE_BW: windows 2 BDP x 1.25 once, x 0.75 right after, x 1 six times");
    unsigned high = 0, low = 0, cruise = 0;
    uint64_t previous = 0;
    for (int round = 0; round < 8; round++) {
        delivered = bottleneck(&b, &now, delivered, 1000, RTT);
        bbr_on_ack(&b, 100000); /* enough to reach the phase's target */
        uint64_t w = bbr_window(&b);
        high += w == 50000;
        low += w == 30000;
        cruise += w == 40000;
        if (w == 30000) {
            EXPECT_EQ(h, "the 0.75 phase follows the 1.25 phase", 50000, previous);
        }
        previous = w;
    }
    EXPECT_EQ(h, "rounds at 50000", 1, high);
    EXPECT_EQ(h, "rounds at 30000", 1, low);
    EXPECT_EQ(h, "rounds at 40000", 6, cruise);
    STEP(h, "the bottleneck halves: the old maximum holds for a few rounds, then expires");
    delivered = bottleneck(&b, &now, delivered, 500, 5 * RTT);
    EXPECT_EQ(h, "bw after 5 rounds", 1000000, bbr_bandwidth(&b));
    delivered = bottleneck(&b, &now, delivered, 500, 6 * RTT);
    EXPECT_EQ(h, "bw after 11 rounds", 500000, bbr_bandwidth(&b));
    STEP(h, "a larger RTT sample does not raise the min RTT");
    bbr_on_sample(&b, now, delivered, true, 40);
    EXPECT_EQ(h, "min RTT", 20, bbr_min_rtt(&b));
    STEP(h, "RTT samples of 30 ms only, until 10 s after the 20 ms one (at 0): still PROBE_BW");
    while (now < BBR_MIN_RTT_MS) {
        delivered = bottleneck(&b, &now, delivered, 500, 1);
        bbr_on_sample(&b, now, delivered, true, 30);
    }
    EXPECT_EQ(h, "state", BBR_PROBE_BW, bbr_state(&b));
    EXPECT_EQ(h, "min RTT", 20, bbr_min_rtt(&b));
    STEP(h, "one more ms: the min RTT has expired, PROBE_RTT with a window of 4 segments");
    delivered = bottleneck(&b, &now, delivered, 500, 1);
    bbr_on_sample(&b, now, delivered, true, 30);
    EXPECT_EQ(h, "state", BBR_PROBE_RTT, bbr_state(&b));
    EXPECT_EQ(h, "cwnd", 4000, bbr_window(&b));
    EXPECT_EQ(h, "min RTT (not yet replaced)", 20, bbr_min_rtt(&b));
    STEP(h, "samples of 25 ms during it: after 200 ms the min RTT is 25, back to PROBE_BW");
    for (int ms = 0; ms < BBR_PROBE_RTT_MS - 1; ms++) {
        delivered = bottleneck(&b, &now, delivered, 100, 1);
        bbr_on_sample(&b, now, delivered, true, 25);
    }
    EXPECT_EQ(h, "state", BBR_PROBE_RTT, bbr_state(&b));
    delivered = bottleneck(&b, &now, delivered, 100, 1);
    bbr_on_sample(&b, now, delivered, true, 25);
    EXPECT_EQ(h, "state", BBR_PROBE_BW, bbr_state(&b));
    EXPECT_EQ(h, "min RTT", 25, bbr_min_rtt(&b));
    EXPECT_EQ(h, "bw (PROBE_RTT's low delivery is not sampled)", 500000, bbr_bandwidth(&b));
    harness_end(h);
}

/* Brings a congestion.h controller with TCP_CC_BBR into PROBE_BW at 1,000,000 B/s and 20 ms
 * (BDP 20000) and returns the cumulative ACK; the window is then 2 BDP or a phase of it. */
static uint64_t probe_bw(struct congestion *cc, uint64_t *now) {
    uint64_t ackno = 1;
    congestion_init(cc, TCP_CC_BBR, MSS);
    congestion_on_sample(cc, ackno, 0, *now, true, RTT);
    while (bbr_state(&cc->bbr) != BBR_PROBE_BW || cc->bbr.cycle != 3) {
        *now += 1;
        ackno += 1000;
        congestion_on_ack(cc, ackno, 1000, *now, RTT);
        congestion_on_sample(cc, ackno, 0, *now, false, 0);
    }
    return ackno;
}

static void loss_and_timeout(struct harness *h) {
    harness_begin(h, "bbr through congestion.h: loss keeps the window, SACKed bytes leave the flight, a timeout "
                     "falls back");
    struct congestion cc;
    uint64_t now = 0;
    STEP(h, "PROBE_BW (cruising) at 1,000,000 B/s and a 20 ms min RTT");
    uint64_t ackno = probe_bw(&cc, &now);
    congestion_on_ack(&cc, ackno + 1000, 1000, now, RTT);
    ackno += 1000;
    EXPECT_EQ(h, "window = 2 BDP", 40000, congestion_window(&cc));
    uint64_t snd_nxt = ackno + 40000;
    STEP(h, "two duplicate ACKs: nothing; the third: fast retransmit, the window stays");
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_dupack(&cc, ackno, 40000, snd_nxt));
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_dupack(&cc, ackno, 40000, snd_nxt));
    EXPECT_EQ(h, "action", CONGESTION_RETRANSMIT, congestion_on_dupack(&cc, ackno, 40000, snd_nxt));
    EXPECT_EQ(h, "window", 40000, congestion_window(&cc));
    EXPECT_TRUE(h, "recovering", congestion_recovering(&cc, ackno));
    STEP(h, "further duplicates SACK 5000 bytes: the window counts them as delivered (+5000)");
    for (int i = 0; i < 5; i++) {
        EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_dupack(&cc, ackno, 40000, snd_nxt));
    }
    congestion_on_sample(&cc, ackno, 5000, now, false, 0);
    EXPECT_EQ(h, "window", 45000, congestion_window(&cc));
    STEP(h, "a partial ACK: resend the next hole; the window is not reduced");
    EXPECT_EQ(h, "action", CONGESTION_RETRANSMIT, congestion_on_ack(&cc, ackno + 1000, 1000, now, RTT));
    congestion_on_sample(&cc, ackno + 1000, 5000, now, false, 0);
    EXPECT_TRUE(h, "window >= 45000", congestion_window(&cc) >= 45000);
    STEP(h, "the full ACK ends recovery, window 2 BDP");
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_ack(&cc, snd_nxt, snd_nxt - ackno - 1000, now, RTT));
    congestion_on_sample(&cc, snd_nxt, 0, now, false, 0);
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&cc, snd_nxt));
    EXPECT_EQ(h, "window", 40000, congestion_window(&cc));
    STEP(h, "a retransmission timeout: one MSS");
    congestion_on_timeout(&cc, 40000, snd_nxt + 40000);
    EXPECT_EQ(h, "window", 1000, congestion_window(&cc));
    STEP(h, "ACKs after it regrow the window (at least 4 MSS), up to 2 BDP and no further");
    congestion_on_ack(&cc, snd_nxt + 1000, 1000, now, RTT);
    EXPECT_EQ(h, "window", 4000, congestion_window(&cc));
    congestion_on_ack(&cc, snd_nxt + 5000, 4000, now, RTT);
    EXPECT_EQ(h, "window", 8000, congestion_window(&cc));
    congestion_on_ack(&cc, snd_nxt + 40000, 35000, now, RTT);
    EXPECT_EQ(h, "window", 40000, congestion_window(&cc));
    harness_end(h);
}

/* Sends what the sender has queued; returns how many segments. */
static unsigned drain(struct tcp_sender *s) {
    struct tcp_segment seg;
    unsigned n = 0;
    while (tcp_sender_segments_out(s, &seg)) {
        n++;
    }
    return n;
}

static void sender_reports(struct harness *h) {
    harness_begin(h, "bbr through the sender: an RTT sample, and SACKed bytes open the window");
    struct tcp_config cfg = modern_config(0);
    cfg.congestion = TCP_CC_BBR;
    cfg.max_payload = MSS;
    struct tcp_sender s;
    STEP(h, "sender with ISN 0, BBR, MSS 1000; 50000 bytes written; the SYN goes out");
    if (tcp_sender_init(&s, &cfg) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    static const uint8_t data[50000];
    byte_stream_write(tcp_sender_stream_in(&s), data, sizeof data);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 1, drain(&s));
    STEP(h, "20 ms later the SYN is acknowledged (window 60000): the RTT sample reaches the model");
    tcp_sender_tick(&s, RTT);
    tcp_sender_ack_received(&s, wrap(1, (struct wrap32){0}), 60000);
    EXPECT_EQ(h, "min RTT", RTT, bbr_min_rtt(&s.ext->cc.bbr));
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments in the initial window", 4, drain(&s));
    STEP(h, "ACK of the first 1000 bytes: the window grows to 5000, two more segments");
    tcp_sender_ack_received(&s, wrap(1001, (struct wrap32){0}), 60000);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 2, drain(&s));
    EXPECT_EQ(h, "next seqno", 6001, tcp_sender_next_seqno_absolute(&s));
    STEP(h, "a duplicate ACK SACKing [3001, 5001): those 2000 bytes left the network, two more segments");
    struct tcp_sack_block block = {wrap(3001, (struct wrap32){0}), wrap(5001, (struct wrap32){0})};
    struct tcp_sender_ack sack_ack = {
        .ackno = wrap(1001, (struct wrap32){0}), .window = 60000, .pure = true, .sack = &block, .sack_count = 1};
    tcp_sender_ack_arrived(&s, &sack_ack);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 2, drain(&s));
    EXPECT_EQ(h, "next seqno", 8001, tcp_sender_next_seqno_absolute(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

int main(void) {
    struct harness h;
    startup(&h);
    filters_and_cycle(&h);
    loss_and_timeout(&h);
    sender_reports(&h);
    return 0;
}
