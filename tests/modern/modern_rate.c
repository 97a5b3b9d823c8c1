/* Modern mode, per-ACK delivery-rate samples (rate_sample.h, draft-cheng-iccrg-delivery-rate-
 * estimation-02): a flight's rate and RTT, the send interval guarding against ACK compression,
 * SACKed segments counted once, app-limited marking and its end, Karn's rule for resent
 * segments, the bounded ring; then through the sender, which records segments as they are
 * popped and samples each ACK. */
#include "sender_steps.h"
#include "tcp/rate_sample.h"

#define MSS 1000

static void init(struct harness *h, struct rate_sampler *r, size_t initial, size_t max) {
    if (rate_sampler_init(r, initial, max) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
}

/* Sends `n` MSS segments from absolute seqno `start` at `now`; returns the next seqno. */
static uint64_t send_run(struct rate_sampler *r, uint64_t start, unsigned n, uint64_t now) {
    for (unsigned i = 0; i < n; i++) {
        rate_sampler_on_send(r, start, start + MSS, now);
        start += MSS;
    }
    return start;
}

static void flight(struct harness *h) {
    harness_begin(h, "rate: a flight's delivery rate, RTT, and the send interval against ACK compression");
    struct rate_sampler r;
    init(h, &r, 2, 64);
    STEP(h, "4 segments [1, 4001) sent at 0 ms (the ring grows from 2 records)");
    send_run(&r, 1, 4, 0);
    STEP(h, "one ACK of all four at 20 ms");
    struct rate_sample rs = rate_sampler_on_ack(&r, 4001, 20);
    EXPECT_TRUE(h, "has a rate", rs.has_rate);
    EXPECT_EQ(h, "newly delivered", 4000, rs.newly_delivered);
    EXPECT_EQ(h, "delivered over the interval", 4000, rs.delivered);
    EXPECT_EQ(h, "interval", 20, rs.interval_ms);
    EXPECT_EQ(h, "rate 4000 B / 20 ms", 200000, rs.delivery_rate);
    EXPECT_TRUE(h, "RTT known", rs.has_rtt);
    EXPECT_EQ(h, "RTT", 20, rs.rtt_ms);
    EXPECT_BOOL(h, "app-limited", false, rs.is_app_limited);
    STEP(h, "an ACK that delivers nothing new: no rate");
    rs = rate_sampler_on_ack(&r, 4001, 21);
    EXPECT_BOOL(h, "has a rate", false, rs.has_rate);
    EXPECT_EQ(h, "newly delivered", 0, rs.newly_delivered);
    EXPECT_EQ(h, "total", 4000, rs.total_delivered);

    STEP(h, "A [4001, 5001) sent at 30 ms with nothing in flight, B at 40 ms; A is ACKed at 50 ms");
    send_run(&r, 4001, 1, 30);
    send_run(&r, 5001, 1, 40);
    rs = rate_sampler_on_ack(&r, 5001, 50);
    EXPECT_EQ(h, "interval: from A's send, not from the last delivery at 20 ms", 20, rs.interval_ms);
    EXPECT_EQ(h, "rate", 50000, rs.delivery_rate);
    STEP(h, "C sent at 60 ms; the peer's ACKs of B and C arrive compressed at 71 ms");
    send_run(&r, 6001, 1, 60);
    rs = rate_sampler_on_ack(&r, 7001, 71);
    /* C was sent 30 ms after A (the newest delivered when C left) and 21 ms before this ACK */
    EXPECT_EQ(h, "interval = max(send 30, ack 21)", 30, rs.interval_ms);
    EXPECT_EQ(h, "delivered since C was sent", 2000, rs.delivered);
    EXPECT_EQ(h, "rate 2000 B / 30 ms", 66666, rs.delivery_rate);
    EXPECT_EQ(h, "RTT of C, the newest", 11, rs.rtt_ms);
    rate_sampler_destroy(&r);
    harness_end(h);
}

static void sack_once(struct harness *h) {
    harness_begin(h, "rate: a SACKed segment is delivered once, when SACKed");
    struct rate_sampler r;
    init(h, &r, 8, 64);
    STEP(h, "5 segments [1, 5001) at 0 ms");
    send_run(&r, 1, 5, 0);
    STEP(h, "at 20 ms an ACK of 1001 SACKs [2001, 3001) and half of [3001, 4001)");
    rate_sampler_on_sack(&r, 2001, 3501, 20);
    struct rate_sample rs = rate_sampler_on_ack(&r, 1001, 20);
    EXPECT_EQ(h, "newly delivered: the first and the SACKed whole one", 2000, rs.newly_delivered);
    EXPECT_EQ(h, "rate 2000 B / 20 ms", 100000, rs.delivery_rate);
    STEP(h, "the same SACK block again at 21 ms: nothing new");
    rate_sampler_on_sack(&r, 2001, 3501, 21);
    rs = rate_sampler_on_ack(&r, 1001, 21);
    EXPECT_EQ(h, "newly delivered", 0, rs.newly_delivered);
    STEP(h, "ACK of everything at 25 ms: the three not SACKed");
    rs = rate_sampler_on_ack(&r, 5001, 25);
    EXPECT_EQ(h, "newly delivered", 3000, rs.newly_delivered);
    EXPECT_EQ(h, "total", 5000, rs.total_delivered);
    EXPECT_EQ(h, "total via the accessor", 5000, rate_sampler_delivered(&r));
    rate_sampler_destroy(&r);
    harness_end(h);
}

static void lost(struct harness *h) {
    harness_begin(h, "rate: the records count SACKed and lost bytes; a resent or delivered segment is no longer lost");
    struct rate_sampler r;
    init(h, &r, 8, 64);
    STEP(h, "7 segments [1, 7001) at 0 ms, sent in order 0..6; nothing SACKed: nothing lost");
    send_run(&r, 1, 7, 0);
    EXPECT_EQ(h, "records", 7, rate_sampler_count(&r));
    EXPECT_EQ(h, "order of the last", 6, rate_sampler_record(&r, 6)->order);
    EXPECT_EQ(h, "lost", 0, rate_sampler_lost_bytes(&r));
    STEP(h, "SACK of [3001, 5001) and [6001, 7001): 3 segments, 3000 bytes");
    rate_sampler_on_sack(&r, 3001, 5001, 20);
    rate_sampler_on_sack(&r, 6001, 7001, 20);
    struct rate_sample rs = rate_sampler_on_ack(&r, 1, 20);
    EXPECT_EQ(h, "SACKed segments", 3, rate_sampler_sacked_segments(&r));
    EXPECT_EQ(h, "SACKed bytes", 3000, rate_sampler_sacked_bytes(&r));
    EXPECT_EQ(h, "the newest delivered: sent 7th", 6, rs.sent_order);
    EXPECT_BOOL(h, "in order: no reordering", false, rs.reordered);
    STEP(h, "all records marked lost: the SACKed ones are not");
    for (size_t i = 0; i < rate_sampler_count(&r); i++) {
        rate_sampler_mark_lost(&r, i);
    }
    EXPECT_EQ(h, "lost", 4000, rate_sampler_lost_bytes(&r));
    STEP(h, "the first is queued again at 22 ms (order 7), then leaves (order 8)");
    rate_sampler_resending(&r, 0, 22);
    EXPECT_EQ(h, "lost", 3000, rate_sampler_lost_bytes(&r));
    EXPECT_EQ(h, "order", 7, rate_sampler_record(&r, 0)->order);
    rate_sampler_on_send(&r, 1, 1001, 22);
    EXPECT_EQ(h, "order", 8, rate_sampler_record(&r, 0)->order);
    EXPECT_BOOL(h, "retransmitted", true, rate_sampler_record(&r, 0)->retransmitted);
    STEP(h, "the second is sent again without being queued first: no longer lost either");
    rate_sampler_on_send(&r, 1001, 2001, 23);
    EXPECT_EQ(h, "lost", 2000, rate_sampler_lost_bytes(&r));
    STEP(h, "SACK of [5001, 6001), sent once below [6001, 7001): reordering; it is no longer lost");
    rate_sampler_on_sack(&r, 5001, 6001, 24);
    rs = rate_sampler_on_ack(&r, 1, 24);
    EXPECT_BOOL(h, "reordered", true, rs.reordered);
    EXPECT_EQ(h, "lost", 1000, rate_sampler_lost_bytes(&r));
    STEP(h, "ACK of everything: nothing lost or SACKed is left");
    rate_sampler_on_ack(&r, 7001, 41);
    EXPECT_EQ(h, "lost", 0, rate_sampler_lost_bytes(&r));
    EXPECT_EQ(h, "SACKed records", 0, rate_sampler_sacked_segments(&r));
    EXPECT_EQ(h, "SACKed bytes", 0, rate_sampler_sacked_bytes(&r));
    rate_sampler_destroy(&r);
    harness_end(h);
}

static void app_limited(struct harness *h) {
    harness_begin(h, "rate: app-limited marking, and its end once the data then in flight is delivered");
    struct rate_sampler r;
    init(h, &r, 8, 64);
    STEP(h, "2 segments at 0 ms; then the sender has nothing to send (2000 bytes in flight)");
    send_run(&r, 1, 2, 0);
    rate_sampler_app_limited(&r, 2000);
    STEP(h, "a third segment at 5 ms (sent while app-limited)");
    send_run(&r, 2001, 1, 5);
    STEP(h, "ACK of the first two at 20 ms: sent before the marking");
    struct rate_sample rs = rate_sampler_on_ack(&r, 2001, 20);
    EXPECT_BOOL(h, "app-limited", false, rs.is_app_limited);
    STEP(h, "ACK of the third at 25 ms");
    rs = rate_sampler_on_ack(&r, 3001, 25);
    EXPECT_BOOL(h, "app-limited", true, rs.is_app_limited);
    STEP(h, "3000 delivered > 2000: the phase is over; a segment sent now is not app-limited");
    send_run(&r, 3001, 1, 25);
    rs = rate_sampler_on_ack(&r, 4001, 45);
    EXPECT_BOOL(h, "app-limited", false, rs.is_app_limited);
    rate_sampler_destroy(&r);
    harness_end(h);
}

static void resent(struct harness *h) {
    harness_begin(h, "rate: a resent segment refreshes its record, gives no RTT, and is counted");
    struct rate_sampler r;
    init(h, &r, 8, 64);
    STEP(h, "2 segments at 0 ms; the first resent at 30 ms");
    send_run(&r, 1, 2, 0);
    rate_sampler_on_send(&r, 1, 1001, 30);
    EXPECT_EQ(h, "retransmissions", 1, rate_sampler_retransmissions(&r));
    STEP(h, "ACK of both at 35 ms: the newest sent is the resent one");
    struct rate_sample rs = rate_sampler_on_ack(&r, 2001, 35);
    EXPECT_BOOL(h, "RTT known (Karn)", false, rs.has_rtt);
    EXPECT_EQ(h, "interval: from the resend's snapshot", 35, rs.interval_ms);
    EXPECT_EQ(h, "newly delivered", 2000, rs.newly_delivered);
    rate_sampler_destroy(&r);
    harness_end(h);
}

static void bounded(struct harness *h) {
    harness_begin(h, "rate: the ring holds at most its maximum; later segments give no sample");
    struct rate_sampler r;
    init(h, &r, 1, 2);
    STEP(h, "3 segments at 0 ms into a ring of at most 2");
    send_run(&r, 1, 3, 0);
    STEP(h, "ACK of all three at 20 ms");
    struct rate_sample rs = rate_sampler_on_ack(&r, 3001, 20);
    EXPECT_EQ(h, "newly delivered: the two recorded", 2000, rs.newly_delivered);
    rate_sampler_destroy(&r);
    harness_end(h);
}

static void through_sender(struct harness *h) {
    harness_begin(h, "rate: the sender records popped segments and marks app-limited when out of data");
    struct tcp_sender s;
    STEP(h, "NewReno sender, 2000 bytes written: SYN sent, ACKed 20 ms later (window 60000)");
    sender_start(h, &s, TCP_CC_NEWRENO, MSS, 2000, 20);
    EXPECT_EQ(h, "delivered (data only: the SYN is not sampled)", 0, rate_sampler_delivered(&s.ext->rate));
    STEP(h, "the 2000 bytes are sent: the window has room left, so the sender is app-limited");
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 2, sender_pop_all(&s));
    STEP(h, "10 ms later both are ACKed: the trace shows a delivery rate of 2000 B / 10 ms");
    tcp_sender_tick(&s, 10);
    tcp_sender_ack_received(&s, wrap(2001, (struct wrap32){0}), 60000);
    struct congestion_trace t;
    tcp_sender_cc_trace(&s, &t);
    EXPECT_EQ(h, "delivery rate", 200000, t.delivery_rate);
    EXPECT_EQ(h, "now", 30, t.now_ms);
    EXPECT_EQ(h, "in flight", 0, t.in_flight);
    EXPECT_EQ(h, "retransmissions", 0, t.retransmissions);
    EXPECT_EQ(h, "bbr state (not BBR)", (uint64_t)-1, (uint64_t)t.bbr_state);
    EXPECT_TRUE(h, "app-limited phase open (ends past 2000 delivered)", s.ext->rate.app_limited != 0);
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void buffer_limited(struct harness *h) {
    harness_begin(h, "rate: a send stream at least half full of data in flight limits the sender, not the app");
    struct tcp_sender s;
    STEP(h, "NewReno sender, a 3000-byte send stream, 1000-byte segments; the SYN is ACKed (window 60000)");
    static const uint8_t data[3000];
    struct tcp_config cfg = modern_config(0);
    cfg.congestion = TCP_CC_NEWRENO;
    cfg.max_payload = 1000;
    cfg.send_capacity = sizeof data;
    if (tcp_sender_init(&s, &cfg) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "the SYN", 1, sender_pop_all(&s));
    tcp_sender_tick(&s, 20);
    tcp_sender_ack_received(&s, wrap(1, (struct wrap32){0}), 60000);
    STEP(h, "the application fills the stream: 3000 bytes");
    EXPECT_EQ(h, "written", sizeof data, byte_stream_write(tcp_sender_stream_in(&s), data, sizeof data));
    STEP(h, "all 3000 bytes go out; the window (4000) has room, but the stream has none left");
    tcp_sender_fill_window(&s);
    EXPECT_EQ(h, "segments", 3, sender_pop_all(&s));
    EXPECT_EQ(h, "in flight", 3000, tcp_sender_bytes_in_flight(&s));
    EXPECT_TRUE(h, "no app-limited phase: the application could not have written more", s.ext->rate.app_limited == 0);
    STEP(h, "2000 bytes ACKed; the application writes nothing: 1000 in flight, 2000 free");
    tcp_sender_tick(&s, 20);
    tcp_sender_ack_received(&s, wrap(2001, (struct wrap32){0}), 60000);
    tcp_sender_fill_window(&s);
    EXPECT_TRUE(h, "app-limited now: the application left the stream mostly empty", s.ext->rate.app_limited != 0);
    tcp_sender_destroy(&s);
    harness_end(h);
}

int main(void) {
    struct harness h;
    flight(&h);
    sack_once(&h);
    lost(&h);
    app_limited(&h);
    resent(&h);
    bounded(&h);
    through_sender(&h);
    buffer_limited(&h);
    return 0;
}
