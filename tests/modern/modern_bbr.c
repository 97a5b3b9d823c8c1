/* Modern mode, BBR (congestion_bbr.h) over per-ACK delivery-rate samples: STARTUP's
 * exponential growth, the bandwidth max filter (its window of rounds, app-limited samples,
 * samples shorter than the min RTT), STARTUP's end, DRAIN, PROBE_BW's pacing-gain cycle,
 * PROBE_RTT; then through congestion.h: duplicate ACKs (loss) keep the window, SACKed bytes
 * leave the flight, a timeout falls back to one segment; and through the sender, which
 * reports RTT and rate samples and SACKed bytes. */
#include "sender_steps.h"
#include "tcp/congestion.h"
#include "tcp/congestion_bbr.h"
#include "tcp/sender_modern.h"
#include "tcp/tcp_sender.h"

#define MSS 1000
#define RTT 20
#define HIST 64 /* ms of delivery history a synthetic path keeps (more than its RTT) */

/* A synthetic path: one ACK per ms; the data an ACK acknowledges left RTT ms earlier, when
 * `hist[(now - RTT) % HIST]` bytes had been delivered, so each sample's rate is what the path
 * delivered over the last RTT ms. */
struct path {
    struct bbr b;
    uint64_t now, delivered, rtt;
    uint64_t hist[HIST];
    bool in_recovery; /* the sender is in loss recovery */
    uint64_t lost;    /* bytes the next ACK reports newly lost */
};

static void path_init(struct path *p) {
    *p = (struct path){.rtt = RTT};
    bbr_init(&p->b, MSS);
}

/* One ms: the path delivers `bytes`; the ACK's sample has RTT p->rtt, `in_flight` is left. */
static void path_ms(struct path *p, uint64_t bytes, uint64_t in_flight, bool app_limited) {
    p->now++;
    uint64_t prior = p->now >= p->rtt ? p->hist[(p->now - p->rtt) % HIST] : 0;
    p->delivered += bytes;
    p->hist[p->now % HIST] = p->delivered;
    struct bbr_ack a = {.now = p->now, .in_flight = in_flight, .in_recovery = p->in_recovery, .newly_lost = p->lost};
    p->lost = 0;
    a.rs = (struct rate_sample){.has_rate = bytes > 0,
                                .delivered = p->delivered - prior,
                                .interval_ms = p->rtt,
                                .delivery_rate = (p->delivered - prior) * 1000 / p->rtt,
                                .prior_delivered = prior,
                                .is_app_limited = app_limited,
                                .has_rtt = bytes > 0,
                                .rtt_ms = p->rtt,
                                .newly_delivered = bytes,
                                .total_delivered = p->delivered};
    bbr_on_ack(&p->b, &a);
}

/* `ms` ms of a bottleneck delivering `rate` bytes per ms with `in_flight` bytes outstanding. */
static void bottleneck(struct path *p, uint64_t rate, uint64_t in_flight, uint64_t ms) {
    for (uint64_t i = 0; i < ms; i++) {
        path_ms(p, rate, in_flight, false);
    }
}

static void startup(struct harness *h) {
    harness_begin(h, "bbr: STARTUP doubles the window and the pacing rate each round on an open path");
    struct path p;
    STEP(h, "MSS 1000: RFC 5681's initial window, STARTUP, not paced before an RTT is known");
    path_init(&p);
    EXPECT_EQ(h, "cwnd", 4000, bbr_window(&p.b));
    EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&p.b));
    EXPECT_EQ(h, "pacing rate", 0, bbr_pacing_rate(&p.b));
    uint64_t before = 0, rate_before = 0;
    for (int round = 1; round <= 6; round++) {
        before = bbr_window(&p.b);
        rate_before = bbr_pacing_rate(&p.b);
        STEP(h, "round %d: the whole window of %llu bytes is delivered over 20 ms", round, (unsigned long long)before);
        bottleneck(&p, before / RTT, before, RTT);
        EXPECT_TRUE(h, "cwnd grew at least 1.9x", bbr_window(&p.b) * 10 >= before * 19);
        EXPECT_TRUE(h, "cwnd at most doubled", bbr_window(&p.b) <= 2 * before);
        EXPECT_TRUE(h, "pacing rate grew", bbr_pacing_rate(&p.b) > rate_before);
        EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&p.b));
    }
    STEP(h, "the pacing rate is 2.885 x the bandwidth (less the 1 %% margin)");
    EXPECT_EQ(h, "pacing rate", bbr_bandwidth(&p.b) * 2885 / 1000 * 990 / 1000, bbr_pacing_rate(&p.b));
    harness_end(h);
}

/* Brings a path into PROBE_BW at 1000 bytes per ms (1,000,000 B/s) and 20 ms: BDP 20000. */
static void to_probe_bw(struct harness *h, struct path *p) {
    path_init(p);
    STEP(h, "a bottleneck of 1000 bytes per ms, 20 ms: the bandwidth is 1,000,000 B/s after 1 round");
    bottleneck(p, 1000, 60000, 2 * RTT);
    EXPECT_EQ(h, "bw", 1000000, bbr_bandwidth(&p->b));
    EXPECT_EQ(h, "min RTT", RTT, bbr_min_rtt(&p->b));
    EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&p->b));
    STEP(h, "3 rounds without 25 %% growth: STARTUP ends, DRAIN paces at 0.346 x bw");
    bottleneck(p, 1000, 60000, 3 * RTT);
    EXPECT_EQ(h, "state", BBR_DRAIN, bbr_state(&p->b));
    EXPECT_EQ(h, "pacing rate", 1000000 * 346 / 1000 * 990 / 1000, bbr_pacing_rate(&p->b));
    STEP(h, "DRAIN lasts while more than 1 BDP (20000) is in flight");
    bottleneck(p, 1000, 20001, RTT);
    EXPECT_EQ(h, "state", BBR_DRAIN, bbr_state(&p->b));
    bottleneck(p, 1000, 20000, 1);
    EXPECT_EQ(h, "state", BBR_PROBE_BW, bbr_state(&p->b));
    EXPECT_EQ(h, "pacing rate (cruising: 0.99 x bw)", 990000, bbr_pacing_rate(&p->b));
}

static void filters_and_cycle(struct harness *h) {
    harness_begin(h, "bbr: STARTUP's end, DRAIN, PROBE_BW's window and gain cycle, the bandwidth filter");
    struct path p;
    to_probe_bw(h, &p);
    STEP(h, "PROBE_BW's window: 2 BDP + 3 send quanta of 2 segments = 46000");
    bottleneck(&p, 1000, 25000, 1);
    EXPECT_EQ(h, "cwnd", 46000, bbr_window(&p.b));
    STEP(h, "200 ms with 25000 (1.25 BDP) in flight: each phase lasts 21 ms, the gains cycle");
    uint64_t last = bbr_pacing_rate(&p.b), changed_at = p.now;
    unsigned probes = 0, drains = 0;
    for (int ms = 0; ms < 200; ms++) {
        bottleneck(&p, 1000, 25000, 1);
        uint64_t rate = bbr_pacing_rate(&p.b);
        if (rate == last) {
            continue;
        }
        STEP(h, "at %llu ms the pacing rate goes %llu -> %llu", (unsigned long long)p.now, (unsigned long long)last,
             (unsigned long long)rate);
        if (rate == 1237500) {
            probes++;
            EXPECT_EQ(h, "probing follows cruising", 990000, last);
        } else if (rate == 742500) {
            drains++;
            EXPECT_EQ(h, "draining follows probing", 1237500, last);
            EXPECT_EQ(h, "probing lasted", 21, p.now - changed_at);
        } else {
            EXPECT_EQ(h, "cruising follows draining", 742500, last);
            EXPECT_EQ(h, "cruising", 990000, rate);
        }
        last = rate;
        changed_at = p.now;
    }
    EXPECT_EQ(h, "probing phases", 1, probes);
    EXPECT_EQ(h, "draining phases", 1, drains);
    STEP(h, "a sample shorter than the min RTT (ACK compression) does not count");
    struct bbr_ack a = {.now = p.now,
                        .in_flight = 25000,
                        .rs = {.has_rate = true,
                               .delivered = 50000,
                               .interval_ms = 10,
                               .delivery_rate = 5000000,
                               .prior_delivered = p.delivered,
                               .newly_delivered = 1000,
                               .total_delivered = p.delivered}};
    bbr_on_ack(&p.b, &a);
    EXPECT_EQ(h, "bw", 1000000, bbr_bandwidth(&p.b));
    STEP(h, "an app-limited sample counts when it raises the estimate (the app, not the path, held it)");
    a.rs.interval_ms = RTT;
    a.rs.delivery_rate = 1200000;
    a.rs.is_app_limited = true;
    bbr_on_ack(&p.b, &a);
    EXPECT_EQ(h, "bw", 1200000, bbr_bandwidth(&p.b));
    STEP(h, "the bottleneck halves: the old maximum holds for a few rounds, then expires");
    bottleneck(&p, 500, 25000, 5 * RTT);
    EXPECT_EQ(h, "bw after 5 rounds", 1200000, bbr_bandwidth(&p.b));
    bottleneck(&p, 500, 25000, 6 * RTT);
    EXPECT_EQ(h, "bw after 11 rounds", 500000, bbr_bandwidth(&p.b));
    harness_end(h);
}

static void probe_rtt(struct harness *h) {
    harness_begin(h, "bbr: PROBE_RTT when the min RTT is 10 s old: 4 segments, 200 ms and a round");
    struct path p;
    to_probe_bw(h, &p);
    uint64_t stamp = p.now; /* the last sample of 20 ms: the min RTT's time */
    STEP(h, "RTT samples of 30 ms only (a queue), until 10 s after the last 20 ms one: still PROBE_BW");
    p.rtt = 30;
    while (p.now < stamp + BBR_MIN_RTT_MS) {
        bottleneck(&p, 1000, 30000, 1);
    }
    EXPECT_EQ(h, "state", BBR_PROBE_BW, bbr_state(&p.b));
    EXPECT_EQ(h, "min RTT", RTT, bbr_min_rtt(&p.b));
    uint64_t cwnd = bbr_window(&p.b);
    STEP(h, "one more ms: the min RTT has expired (the sample replaces it), PROBE_RTT at 4 segments");
    bottleneck(&p, 1000, 30000, 1);
    EXPECT_EQ(h, "state", BBR_PROBE_RTT, bbr_state(&p.b));
    EXPECT_EQ(h, "cwnd", 4000, bbr_window(&p.b));
    EXPECT_EQ(h, "min RTT", 30, bbr_min_rtt(&p.b));
    STEP(h, "while more than 4 segments are in flight it waits; then 200 ms with RTT samples of 25");
    bottleneck(&p, 1000, 10000, 50);
    EXPECT_EQ(h, "state", BBR_PROBE_RTT, bbr_state(&p.b));
    p.rtt = 25;
    bottleneck(&p, 200, 4000, BBR_PROBE_RTT_MS);
    EXPECT_EQ(h, "state", BBR_PROBE_RTT, bbr_state(&p.b));
    EXPECT_EQ(h, "min RTT", 25, bbr_min_rtt(&p.b));
    bottleneck(&p, 200, 4000, 1);
    EXPECT_EQ(h, "state: back to PROBE_BW", BBR_PROBE_BW, bbr_state(&p.b));
    EXPECT_EQ(h, "cwnd restored (plus the 200 bytes this ACK delivered)", cwnd + 200, bbr_window(&p.b));
    EXPECT_EQ(h, "bw (kept)", 1000000, bbr_bandwidth(&p.b));
    harness_end(h);
}

/* One ACK for congestion.h: cumulative `ackno`, `sacked` above it, `newly` bytes delivered
 * (the rate sample keeps the model at 1,000,000 B/s and 20 ms). */
static void sample(struct congestion *cc, uint64_t now, uint64_t ackno, uint64_t sacked, uint64_t newly) {
    struct congestion_sample cs = {.now = now, .ackno = ackno, .sacked = sacked, .in_flight = 20000 + sacked};
    cs.rate = (struct rate_sample){.has_rate = true,
                                   .delivered = 20000,
                                   .interval_ms = RTT,
                                   .delivery_rate = 1000000,
                                   .prior_delivered = ackno > 20000 ? ackno - 20000 : 0,
                                   .has_rtt = true,
                                   .rtt_ms = RTT,
                                   .newly_delivered = newly,
                                   .total_delivered = ackno + sacked};
    congestion_on_sample(cc, &cs);
}

/* Brings a congestion.h controller with TCP_CC_BBR into PROBE_BW at 1,000,000 B/s and 20 ms
 * (BDP 20000), one ACK of 1000 bytes per ms, and returns the cumulative ACK. */
static uint64_t probe_bw(struct harness *h, struct congestion *cc, uint64_t *now) {
    uint64_t ackno = 1;
    congestion_init(cc, TCP_CC_BBR, MSS);
    while (bbr_state(&cc->bbr) != BBR_PROBE_BW) {
        if (*now > 10 * BBR_MIN_RTT_MS) {
            FAIL(h, "not in PROBE_BW after %llu ms", (unsigned long long)*now);
        }
        *now += 1;
        ackno += 1000;
        congestion_on_ack(cc, ackno, 1000, *now, RTT);
        sample(cc, *now, ackno, 0, 1000);
    }
    return ackno;
}

/* One ACK in loss recovery for congestion.h: cumulative `ackno`, `in_flight` bytes outstanding of
 * which `sacked` are SACKed and `lost` presumed lost; `newly` delivered, `newly_lost` found lost. */
static void recovery_sample(struct congestion *cc, uint64_t now, uint64_t ackno, uint64_t in_flight, uint64_t sacked,
                            uint64_t lost, uint64_t newly, uint64_t newly_lost) {
    struct congestion_sample cs = {
        .now = now, .ackno = ackno, .sacked = sacked, .lost = lost, .newly_lost = newly_lost, .in_flight = in_flight};
    cs.rate = (struct rate_sample){.has_rate = true,
                                   .delivered = 20000,
                                   .interval_ms = RTT,
                                   .delivery_rate = 1000000,
                                   .prior_delivered = ackno + sacked - 20000,
                                   .has_rtt = true,
                                   .rtt_ms = RTT,
                                   .newly_delivered = newly,
                                   .total_delivered = ackno + sacked};
    congestion_on_sample(cc, &cs);
}

static void loss_and_timeout(struct harness *h) {
    harness_begin(h, "bbr through congestion.h: recovery conserves packets for a round, then regrows; the window "
                     "comes back after it; a timeout falls back");
    struct congestion cc;
    uint64_t now = 0;
    STEP(h, "PROBE_BW (cruising) at 1,000,000 B/s and a 20 ms min RTT");
    uint64_t ackno = probe_bw(h, &cc, &now);
    congestion_on_ack(&cc, ackno + 1000, 1000, now, RTT);
    ackno += 1000;
    sample(&cc, now, ackno, 0, 1000);
    EXPECT_EQ(h, "window = 2 BDP + 3 quanta of 2 segments", 46000, congestion_window(&cc));
    struct congestion_trace t;
    congestion_trace(&cc, &t);
    EXPECT_EQ(h, "pacing rate", 990000, t.pacing_rate);
    EXPECT_EQ(h, "delivery rate", 1000000, t.delivery_rate);
    EXPECT_EQ(h, "state", BBR_PROBE_BW, t.bbr_state);
    uint64_t snd_nxt = ackno + 46000;
    STEP(h, "loss detection (RACK) finds 2000 bytes lost: recovery starts");
    congestion_on_loss(&cc, ackno, 30000, snd_nxt);
    EXPECT_TRUE(h, "recovering", congestion_recovering(&cc, ackno));
    STEP(h, "its ACK: 30000 in flight, 5000 SACKed (3000 newly), 2000 lost: pipe 23000; window = pipe + delivered");
    recovery_sample(&cc, now, ackno, 30000, 5000, 2000, 3000, 2000);
    EXPECT_EQ(h, "BBR's window (pipe)", 26000, congestion_pipe_window(&cc));
    EXPECT_EQ(h, "window with the SACKed and lost bytes", 33000, congestion_window(&cc));
    EXPECT_EQ(h, "the model is kept: bandwidth", 1000000, bbr_bandwidth(&cc.bbr));
    STEP(h, "packet conservation: an ACK delivering 1000 with a pipe of 22000 keeps 26000 (no growth)");
    recovery_sample(&cc, ++now, ackno, 30000, 6000, 2000, 1000, 0);
    EXPECT_EQ(h, "BBR's window", 26000, congestion_pipe_window(&cc));
    STEP(h, "a lost retransmission found in recovery (1000 bytes): taken off the window, recovery goes on");
    congestion_on_loss(&cc, ackno, 30000, snd_nxt);
    recovery_sample(&cc, ++now, ackno, 30000, 6000, 3000, 0, 1000);
    EXPECT_EQ(h, "BBR's window", 25000, congestion_pipe_window(&cc));
    STEP(h, "a partial ACK a round later (a segment sent since recovery began is delivered): the window regrows");
    ackno += 30000;
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_ack(&cc, ackno, 30000, now, RTT));
    recovery_sample(&cc, ++now, ackno, 16000, 0, 0, 10000, 0);
    EXPECT_TRUE(h, "recovering", congestion_recovering(&cc, ackno));
    EXPECT_EQ(h, "BBR's window: 25000 + 10000", 35000, congestion_pipe_window(&cc));
    STEP(h, "the full ACK ends recovery: the window before it (46000) comes back");
    EXPECT_EQ(h, "action", CONGESTION_NONE, congestion_on_ack(&cc, snd_nxt, snd_nxt - ackno, now, RTT));
    sample(&cc, ++now, snd_nxt, 0, 1000);
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&cc, snd_nxt));
    EXPECT_EQ(h, "window", 46000, congestion_window(&cc));
    STEP(h, "a retransmission timeout: one MSS");
    congestion_on_timeout(&cc, 46000, snd_nxt + 46000);
    EXPECT_EQ(h, "window", 1000, congestion_window(&cc));
    STEP(h, "ACKs after it regrow the window by what they deliver (at least 4 MSS), up to its target");
    sample(&cc, now, snd_nxt + 1000, 0, 1000);
    EXPECT_EQ(h, "window", 4000, congestion_window(&cc));
    sample(&cc, now, snd_nxt + 5000, 0, 4000);
    EXPECT_EQ(h, "window", 8000, congestion_window(&cc));
    STEP(h, "the ACK of all that was outstanding at the timeout ends its recovery: the saved window is back");
    sample(&cc, now, snd_nxt + 46000, 0, 1000);
    EXPECT_EQ(h, "window", 46000, congestion_window(&cc));
    harness_end(h);
}

static void recovery_keeps_bandwidth(struct harness *h) {
    harness_begin(h, "bbr: rounds in loss recovery do not age the bandwidth filter");
    struct path p;
    to_probe_bw(h, &p);
    STEP(h, "15 rounds in recovery delivering half the bandwidth: the estimate stays");
    p.in_recovery = true;
    bottleneck(&p, 500, 20000, 15 * RTT);
    EXPECT_EQ(h, "bw", 1000000, bbr_bandwidth(&p.b));
    STEP(h, "recovery over, the same rate: the old maximum expires after 10 rounds");
    p.in_recovery = false;
    bottleneck(&p, 500, 20000, 5 * RTT);
    EXPECT_EQ(h, "bw after 5 rounds", 1000000, bbr_bandwidth(&p.b));
    bottleneck(&p, 500, 20000, 6 * RTT);
    EXPECT_EQ(h, "bw after 11 rounds", 500000, bbr_bandwidth(&p.b));
    harness_end(h);
}

static void sender_reports(struct harness *h) {
    harness_begin(h, "bbr through the sender: RTT and rate samples, pacing, SACKed and lost bytes leave the flight");
    struct tcp_sender s;
    STEP(h, "sender with ISN 0, BBR, MSS 1000; 50000 bytes written; the SYN goes out");
    sender_start(h, &s, TCP_CC_BBR, MSS, SENDER_STEPS_BYTES, 0);
    STEP(h, "20 ms later the SYN is acknowledged (window 60000): the RTT sample reaches the model");
    tcp_sender_tick(&s, RTT);
    tcp_sender_ack_received(&s, wrap(1, (struct wrap32){0}), 60000);
    EXPECT_EQ(h, "min RTT", RTT, bbr_min_rtt(&s.ext->cc.bbr));
    STEP(h, "the initial window goes paced: 3 segments at once (4 ms of credit), the fourth 2 ms later");
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 3, sender_pop_all(&s));
    tcp_sender_tick(&s, 1);
    EXPECT_EQ(h, "segments", 0, sender_pop_all(&s));
    tcp_sender_tick(&s, 1);
    EXPECT_EQ(h, "segments", 1, sender_pop_all(&s));
    STEP(h, "at 40 ms the first 1000 bytes are ACKed: 1000 B / 20 ms, the window grows to 5000");
    tcp_sender_tick(&s, 18);
    tcp_sender_ack_received(&s, wrap(1001, (struct wrap32){0}), 60000);
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 2, sender_pop_all(&s));
    EXPECT_EQ(h, "next seqno", 6001, tcp_sender_next_seqno_absolute(&s));
    struct congestion_trace t;
    tcp_sender_cc_trace(&s, &t);
    EXPECT_EQ(h, "bandwidth", 50000, t.bandwidth);
    EXPECT_EQ(h, "cwnd", 5000, t.cwnd);
    STEP(h, "at 45 ms a duplicate ACK SACKs [3001, 5001) (sent at 22 and 40 ms): delivered, out of the flight");
    tcp_sender_tick(&s, 5);
    struct tcp_sack_block block = {wrap(3001, (struct wrap32){0}), wrap(5001, (struct wrap32){0})};
    struct tcp_sender_ack sack_ack = {
        .ackno = wrap(1001, (struct wrap32){0}), .window = 60000, .pure = true, .sack = &block, .sack_count = 1};
    tcp_sender_ack_arrived(&s, &sack_ack);
    tcp_sender_cc_trace(&s, &t);
    EXPECT_EQ(h, "rate: 2000 B since 40 ms over the send interval (40 - 20 ms; the ACK's is 5)", 100000,
              t.delivery_rate);
    EXPECT_EQ(h, "bandwidth", 100000, t.bandwidth);
    STEP(h, "RACK: [1001, 3001), sent 20 ms before [4001, 5001) and 25 ms ago, are lost; recovery conserves "
            "packets: window = pipe (5000 - 2000 SACKed - 2000 lost) + 2000 delivered");
    EXPECT_EQ(h, "cwnd: 3000 + the 2000 SACKed + the 2000 lost", 7000, t.cwnd);
    STEP(h, "the two lost segments go again first, and nothing new (the pipe is full)");
    tcp_sender_fill_window(&s);
    struct tcp_segment seg;
    for (uint32_t seqno = 1001; seqno <= 2001; seqno += 1000) {
        EXPECT_TRUE(h, "a segment", tcp_sender_segments_out(&s, &seg));
        EXPECT_EQ(h, "resent", seqno, seg.header.seqno.raw);
    }
    EXPECT_EQ(h, "segments", 0, sender_pop_all(&s));
    tcp_sender_tick(&s, 1);
    EXPECT_EQ(h, "segments", 0, sender_pop_all(&s));
    EXPECT_EQ(h, "next seqno", 6001, tcp_sender_next_seqno_absolute(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

/* A round trip delivering `rate` bytes per ms, `lost` bytes reported lost midway, then one more
 * without loss: the round that saw the loss has ended by then, wherever rounds begin. */
static void lossy_round(struct path *p, uint64_t rate, uint64_t lost, uint64_t in_flight) {
    bottleneck(p, rate, in_flight, RTT / 2);
    p->lost = lost;
    bottleneck(p, rate, in_flight, RTT - RTT / 2 + RTT);
}

static void loss_bound(struct harness *h) {
    harness_begin(h, "bbr: a round losing more than 2 % ends STARTUP and bounds the model by what it delivered");
    struct path p;
    path_init(&p);
    STEP(h, "2 rounds at 2000 bytes per ms: bandwidth 2,000,000 B/s, still STARTUP");
    bottleneck(&p, 2000, 60000, 2 * RTT);
    EXPECT_EQ(h, "bw", 2000000, bbr_bandwidth(&p.b));
    EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&p.b));
    STEP(h, "a round at 1000 bytes per ms that loses 10 segments (10000 of 30000 bytes), then one without loss");
    lossy_round(&p, 1000, 10 * MSS, 60000);
    EXPECT_BOOL(h, "STARTUP is over", true, bbr_state(&p.b) != BBR_STARTUP);
    EXPECT_EQ(h, "the filter still holds", 2000000, bbr_bandwidth(&p.b));
    uint64_t first = bbr_model_bandwidth(&p.b);
    EXPECT_TRUE(h, "the model is bounded below the filter", first < 2000000);
    EXPECT_TRUE(h, "by the round's best sample, above 0.7 x the filter", first >= 1400000);
    STEP(h, "three more such pairs of rounds: the bound falls to what the path delivers");
    for (int i = 0; i < 3; i++) {
        lossy_round(&p, 1000, 10 * MSS, 60000);
    }
    EXPECT_EQ(h, "model bandwidth", 1000000, bbr_model_bandwidth(&p.b));
    EXPECT_TRUE(h, "the pacing rate follows the model", bbr_pacing_rate(&p.b) <= 1250000);
    harness_end(h);
}

static void loss_below_threshold(struct harness *h) {
    harness_begin(h, "bbr: loss under 2 % of a round, or under 8 segments, changes nothing (random loss)");
    struct path p;
    path_init(&p);
    STEP(h, "2 rounds at 50000 bytes per ms, then a round losing 10 segments: 1 %% of 1,000,000 bytes");
    bottleneck(&p, 50000, 1200000, 2 * RTT);
    lossy_round(&p, 50000, 10 * MSS, 1200000);
    EXPECT_EQ(h, "state", BBR_STARTUP, bbr_state(&p.b));
    EXPECT_EQ(h, "model bandwidth = the filter", bbr_bandwidth(&p.b), bbr_model_bandwidth(&p.b));
    STEP(h, "another path: a round at 1000 bytes per ms losing 7 segments (a third, but fewer than 8)");
    path_init(&p);
    bottleneck(&p, 1000, 60000, RTT);
    lossy_round(&p, 1000, 7 * MSS, 60000);
    EXPECT_EQ(h, "model bandwidth = the filter", bbr_bandwidth(&p.b), bbr_model_bandwidth(&p.b));
    harness_end(h);
}

static void loss_bound_lifted(struct harness *h) {
    harness_begin(h, "bbr: PROBE_BW's probing phase lifts the loss bound");
    struct path p;
    to_probe_bw(h, &p);
    STEP(h, "2 rounds at 500 bytes per ms, then one losing 10 segments: the model is bounded at 0.7 x 1,000,000");
    bottleneck(&p, 500, 20000, 2 * RTT);
    lossy_round(&p, 500, 10 * MSS, 20000);
    EXPECT_EQ(h, "model bandwidth", 700000, bbr_model_bandwidth(&p.b));
    EXPECT_TRUE(h, "bounded", bbr_model_bandwidth(&p.b) < bbr_bandwidth(&p.b));
    STEP(h, "the path recovers (1000 bytes per ms) until the cycle reaches its probing phase");
    uint64_t waited = 0;
    while (bbr_pacing_rate(&p.b) <= bbr_model_bandwidth(&p.b) && waited < 400) {
        bottleneck(&p, 1000, 20000, 1);
        waited++;
    }
    EXPECT_TRUE(h, "probing (pacing above the model) within 400 ms", waited < 400);
    EXPECT_EQ(h, "model bandwidth = the filter again", bbr_bandwidth(&p.b), bbr_model_bandwidth(&p.b));
    harness_end(h);
}

int main(void) {
    struct harness h;
    startup(&h);
    filters_and_cycle(&h);
    probe_rtt(&h);
    loss_and_timeout(&h);
    recovery_keeps_bandwidth(&h);
    sender_reports(&h);
    loss_bound(&h);
    loss_below_threshold(&h);
    loss_bound_lifted(&h);
    return 0;
}
