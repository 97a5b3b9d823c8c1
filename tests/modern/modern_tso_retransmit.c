/* Modern mode with TSO (tcp_config.max_segment > MSS): a lost super-segment is repaired with
 * ordinary MSS-sized segments, and only the bytes the peer has not SACKed are resent. The carrier
 * cut the super-segment into MSS pieces and the peer's kernel SACKed them one by one, so every
 * recovery path must work at that granularity: the retransmission timeout (NewReno), fast
 * retransmit and SACK hole filling (NewReno), RACK in BBR's sender (a lost retransmitted piece
 * included) and the tail loss probe. Resending the whole super-segment (up to 64 KiB) behind a
 * shallow queue loses its tail again every time.
 *
 * A small network model: a segment popped from the sender arrives DELAY ms later; the peer cuts
 * it into MSS pieces as the carrier would and drops the pieces the test names. The peer ACKs (the
 * cumulative ackno and SACK blocks, the newest first) as a kernel does: a segment that arrives
 * in order once, at its end; every piece above a hole, and one that fills a hole, at once
 * (RFC 5681 4.2). */
#include "sender_steps.h"

#define MSS 1000
#define DELAY 20
#define MAX_SEGMENT 60000
#define TOTAL 30000 /* bytes the longest test writes */
#define LOG_MAX 512

struct flight {
    uint64_t start, end; /* absolute seqnos; ISN 0 */
    uint64_t arrive_at;
};

struct net {
    struct tcp_sender *s;
    uint64_t now;
    struct flight air[LOG_MAX]; /* segments on their way, oldest first */
    unsigned in_air;
    uint64_t sent_end;                   /* end of the highest seqno sent so far */
    unsigned resends;                    /* transmissions below sent_end */
    uint32_t longest_resend;             /* payload of the longest of them */
    uint8_t resent[TOTAL + 2];           /* how often each seqno was resent */
    uint8_t piece_arrivals[TOTAL + 2];   /* per MSS piece start: how often it reached the peer's carrier */
    bool got[TOTAL + 2];                 /* the peer holds this seqno */
    uint32_t longest_new;                /* payload of the longest new segment */
    unsigned oversized;                  /* new segments longer than TSO autosizing allows */
    uint64_t drop_first[8], drop_second; /* pieces lost the first time (and the second: drop_second) */
    unsigned drops;
};

static bool dropped(const struct net *n, uint64_t start, unsigned arrival) {
    for (unsigned i = 0; arrival == 0 && i < n->drops; i++) {
        if (n->drop_first[i] == start) {
            return true;
        }
    }
    return arrival == 1 && n->drop_second == start;
}

static void pop_all(struct harness *h, struct net *n) {
    struct tcp_segment seg;
    while (tcp_sender_segments_out(n->s, &seg)) {
        uint64_t start = seg.header.seqno.raw;
        uint32_t len = (uint32_t)byte_view2_len(&seg.payload);
        uint64_t end = start + len + seg.header.syn + seg.header.fin;
        if (start < n->sent_end) {
            STEP(h, "  at %llu ms: [%llu, %llu) resent (payload %u)", (unsigned long long)n->now,
                 (unsigned long long)start, (unsigned long long)end, len);
            n->resends++;
            n->longest_resend = len > n->longest_resend ? len : n->longest_resend;
            for (uint64_t b = start; b < end && b < n->sent_end && b < sizeof n->resent; b++) {
                n->resent[b]++;
            }
        }
        if (start >= n->sent_end) {
            /* Paced, a super-segment holds 1 ms of the pacing rate in whole MSS, at least 2. */
            struct congestion_trace trace;
            tcp_sender_cc_trace(n->s, &trace);
            uint64_t allowed = trace.pacing_rate / 1000 / MSS * MSS;
            allowed = allowed > 2 * MSS ? allowed : 2 * MSS;
            n->oversized += trace.pacing_rate && len > allowed;
            n->longest_new = len > n->longest_new ? len : n->longest_new;
        }
        n->sent_end = end > n->sent_end ? end : n->sent_end;
        if (n->in_air == LOG_MAX) {
            FAIL(h, "too many segments in flight");
        }
        n->air[n->in_air++] = (struct flight){.start = start, .end = end, .arrive_at = n->now + DELAY};
    }
}

/* The first seqno the peer lacks. */
static uint64_t peer_ackno(const struct net *n) {
    uint64_t ackno = 1;
    while (ackno < sizeof n->got && n->got[ackno]) {
        ackno++;
    }
    return ackno;
}

/* The peer got [start, end): an ACK of everything in order, SACKing up to 3 ranges above, the
 * one holding `start` first (RFC 2018 4). */
static void peer_acks(struct net *n, uint64_t start) {
    uint64_t ackno = peer_ackno(n);
    struct tcp_sack_block blocks[3];
    size_t count = 0;
    uint64_t first_left = 0;
    if (start > ackno) {
        uint64_t l = start, r = start;
        while (l > ackno && n->got[l - 1]) {
            l--;
        }
        while (r < sizeof n->got && n->got[r]) {
            r++;
        }
        blocks[count++] = (struct tcp_sack_block){wrap(l, (struct wrap32){0}), wrap(r, (struct wrap32){0})};
        first_left = l;
    }
    for (uint64_t b = ackno; b < sizeof n->got && count < 3; b++) {
        if (n->got[b] && !n->got[b - 1] && b != first_left) {
            uint64_t r = b;
            while (r < sizeof n->got && n->got[r]) {
                r++;
            }
            blocks[count++] = (struct tcp_sack_block){wrap(b, (struct wrap32){0}), wrap(r, (struct wrap32){0})};
        }
    }
    struct tcp_sender_ack ack = {
        .ackno = wrap(ackno, (struct wrap32){0}), .window = 60000, .pure = true, .sack = blocks, .sack_count = count};
    tcp_sender_ack_arrived(n->s, &ack);
    tcp_sender_fill_window(n->s);
}

/* Segments due by now reach the peer, cut into MSS pieces; each piece kept is ACKed. */
static void deliver(struct harness *h, struct net *n) {
    while (n->in_air && n->air[0].arrive_at <= n->now) {
        struct flight f = n->air[0];
        memmove(&n->air[0], &n->air[1], --n->in_air * sizeof n->air[0]);
        for (uint64_t p = f.start; p < f.end; p += MSS) {
            uint64_t q = p + MSS < f.end ? p + MSS : f.end;
            unsigned arrival = p < sizeof n->piece_arrivals ? n->piece_arrivals[p]++ : 2;
            if (dropped(n, p, arrival)) {
                STEP(h, "  at %llu ms: [%llu, %llu) lost", (unsigned long long)n->now, (unsigned long long)p,
                     (unsigned long long)q);
                continue;
            }
            bool out_of_order = p != peer_ackno(n);
            for (uint64_t b = p; b < q && b < sizeof n->got; b++) {
                n->got[b] = true;
            }
            bool filled = q < sizeof n->got && n->got[q];
            if (out_of_order || filled || q == f.end) {
                peer_acks(n, p);
                pop_all(h, n);
            }
        }
    }
}

/* `ms` ticks of 1 ms. */
static void run(struct harness *h, struct net *n, uint64_t ms) {
    for (uint64_t i = 0; i < ms; i++) {
        n->now++;
        tcp_sender_tick(n->s, 1);
        pop_all(h, n);
        deliver(h, n);
    }
}

/* A sender with congestion control `cc`, MSS 1000, max_segment 60000 and `bytes` written, its
 * SYN acknowledged after DELAY ms. The first flight (the initial window, one super-segment)
 * arrives; then the test's losses apply. */
static void start(struct harness *h, struct net *n, struct tcp_sender *s, enum tcp_congestion cc, bool tlp,
                  size_t bytes) {
    static const uint8_t data[TOTAL];
    memset(n, 0, sizeof *n);
    n->s = s;
    struct tcp_config cfg = modern_config(0);
    cfg.congestion = cc;
    cfg.max_payload = MSS;
    cfg.max_segment = MAX_SEGMENT;
    cfg.tail_loss_probe = tlp;
    if (tcp_sender_init(s, &cfg) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    byte_stream_write(tcp_sender_stream_in(s), data, bytes);
    tcp_sender_fill_window(s);
    pop_all(h, n);
    EXPECT_EQ(h, "the SYN", 1, n->sent_end);
    n->in_air = 0;
    n->now += DELAY;
    tcp_sender_tick(s, DELAY);
    tcp_sender_ack_received(s, wrap(1, (struct wrap32){0}), 60000);
    n->got[0] = true;
    tcp_sender_fill_window(s);
    pop_all(h, n);
    EXPECT_EQ(h, "the initial window (4 MSS) left: its end", 4001, n->sent_end);
    if (cc != TCP_CC_BBR) {
        EXPECT_EQ(h, "unpaced, it leaves as one super-segment", 1, n->in_air);
    }
}

/* Every seqno in [lo, hi) was resent `times` times. */
static void expect_resent(struct harness *h, const struct net *n, uint64_t lo, uint64_t hi, unsigned times) {
    for (uint64_t b = lo; b < hi; b++) {
        if (n->resent[b] != times) {
            FAIL(h, "seqno %llu resent %u times, expected %u (range [%llu, %llu))", (unsigned long long)b, n->resent[b],
                 times, (unsigned long long)lo, (unsigned long long)hi);
        }
    }
}

static void expect_done(struct harness *h, struct net *n, uint64_t end) {
    EXPECT_EQ(h, "everything acknowledged: next seqno", end, tcp_sender_next_seqno_absolute(n->s));
    EXPECT_EQ(h, "bytes in flight", 0, tcp_sender_bytes_in_flight(n->s));
    EXPECT_TRUE(h, "every retransmission carries at most one MSS", n->longest_resend <= MSS);
}

/* All of the second flight, [4001, end), is lost; runs until it left, then until the first
 * retransmission. */
static void lose_second_flight(struct harness *h, struct net *n, uint64_t end) {
    for (uint64_t p = 4001; p < end; p += MSS) {
        n->drop_first[n->drops++] = p;
    }
    while (n->sent_end < end && n->resends == 0 && n->now < 5000) {
        run(h, n, 1);
    }
    EXPECT_EQ(h, "the second flight left", end, n->sent_end);
    while (n->resends == 0 && n->now < 5000) {
        run(h, n, 1);
    }
    EXPECT_EQ(h, "one retransmission", 1, n->resends);
}

static void timeout(struct harness *h) {
    harness_begin(h, "tso: after a timeout a lost super-segment is resent one MSS at a time (NewReno)");
    struct tcp_sender s;
    struct net n;
    STEP(h, "NewReno, no tail loss probe, 9000 bytes; the second flight is one super-segment [4001, 9001)");
    start(h, &n, &s, TCP_CC_NEWRENO, false, 9000);
    STEP(h, "all of it is lost: the timer expires and [4001, 5001) goes again, alone");
    lose_second_flight(h, &n, 9001);
    EXPECT_EQ(h, "of one MSS", MSS, n.longest_resend);
    EXPECT_EQ(h, "timeouts", 1, tcp_sender_consecutive_retransmissions(&s));
    STEP(h, "each ACK lets the next pieces go (slow start from the loss window) until all arrived");
    run(h, &n, 20 * DELAY);
    expect_done(h, &n, 9001);
    expect_resent(h, &n, 1, 4001, 0);
    expect_resent(h, &n, 4001, 9001, 1);
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void sack_holes(struct harness *h) {
    harness_begin(h, "tso: fast retransmit and SACK hole filling resend only the unSACKed MSS pieces (NewReno)");
    struct tcp_sender s;
    struct net n;
    STEP(h, "NewReno, 9000 bytes; the super-segment [4001, 9001) loses pieces 4001 and 6001");
    start(h, &n, &s, TCP_CC_NEWRENO, true, 9000);
    n.drop_first[n.drops++] = 4001;
    n.drop_first[n.drops++] = 6001;
    run(h, &n, DELAY);
    EXPECT_EQ(h, "the second flight left", 9001, n.sent_end);
    STEP(h, "the peer SACKs the three other pieces one by one: the two holes are resent, nothing else");
    run(h, &n, 10 * DELAY);
    expect_done(h, &n, 9001);
    expect_resent(h, &n, 1, 4001, 0);
    expect_resent(h, &n, 4001, 5001, 1);
    expect_resent(h, &n, 5001, 6001, 0);
    expect_resent(h, &n, 6001, 7001, 1);
    expect_resent(h, &n, 7001, 9001, 0);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void rack_pieces(struct harness *h) {
    harness_begin(h, "tso: RACK finds lost MSS pieces of a super-segment, and a lost retransmitted piece (BBR)");
    struct tcp_sender s;
    struct net n;
    STEP(h, "BBR, 30000 bytes; the second flight loses pieces 4001 and 6001, and the first resend of 4001");
    start(h, &n, &s, TCP_CC_BBR, true, TOTAL);
    n.drop_first[n.drops++] = 4001;
    n.drop_first[n.drops++] = 6001;
    n.drop_second = 4001;
    run(h, &n, 20 * DELAY);
    expect_done(h, &n, TOTAL + 1);
    expect_resent(h, &n, 1, 4001, 0);
    expect_resent(h, &n, 4001, 5001, 2);
    expect_resent(h, &n, 5001, 6001, 0);
    expect_resent(h, &n, 6001, 7001, 1);
    expect_resent(h, &n, 7001, TOTAL + 1, 0);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void tail_probe(struct harness *h) {
    harness_begin(h, "tso: the tail loss probe resends the last MSS piece, RACK the others (BBR)");
    struct tcp_sender s;
    struct net n;
    STEP(h, "BBR, 12000 bytes; the whole second flight [4001, 12001) is lost");
    start(h, &n, &s, TCP_CC_BBR, true, 12000);
    STEP(h, "no ACK: the probe resends [11001, 12001) only");
    lose_second_flight(h, &n, 12001);
    expect_resent(h, &n, 4001, 11001, 0);
    expect_resent(h, &n, 11001, 12001, 1);
    STEP(h, "its SACK shows the other pieces lost: each is resent once, as MSS segments");
    run(h, &n, 20 * DELAY);
    expect_done(h, &n, 12001);
    expect_resent(h, &n, 1, 4001, 0);
    expect_resent(h, &n, 4001, 12001, 1);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void new_data_probe(struct harness *h) {
    harness_begin(h, "tso: a tail loss probe of new data is one MSS, not a super-segment (BBR)");
    struct tcp_sender s;
    struct net n;
    STEP(h, "BBR, 30000 bytes, so the initial window [1, 4001) leaves alone; all of it is lost");
    start(h, &n, &s, TCP_CC_BBR, true, TOTAL);
    n.in_air = 0;
    while (n.sent_end == 4001 && n.now < 5000) {
        run(h, &n, 1);
    }
    EXPECT_EQ(h, "the probe (RFC 8985 7.3: one new segment, whatever the window) ends at", 5001, n.sent_end);
    EXPECT_EQ(h, "no retransmission", 0, n.resends);
    STEP(h, "its SACK shows the initial window lost: repaired in MSS pieces, the rest sent");
    run(h, &n, 20 * DELAY);
    expect_done(h, &n, TOTAL + 1);
    expect_resent(h, &n, 1, 4001, 1);
    expect_resent(h, &n, 4001, TOTAL + 1, 0);
    EXPECT_EQ(h, "no timeout", 0, tcp_sender_consecutive_retransmissions(&s));
    tcp_sender_destroy(&s);
    harness_end(h);
}

static void autosize(struct harness *h) {
    harness_begin(h, "tso: paced (BBR), a super-segment carries about 1 ms of the pacing rate, at least 2 MSS");
    struct tcp_sender s;
    struct net n;
    STEP(h, "BBR, 30000 bytes, no loss");
    start(h, &n, &s, TCP_CC_BBR, true, TOTAL);
    run(h, &n, 20 * DELAY);
    expect_done(h, &n, TOTAL + 1);
    EXPECT_EQ(h, "new segments longer than max(2 MSS, 1 ms at the pacing rate)", 0, n.oversized);
    EXPECT_TRUE(h, "still super-segments", n.longest_new > MSS);
    tcp_sender_destroy(&s);
    harness_end(h);
}

/* With an argument, only the case of that name runs (timeout, sack_holes, rack_pieces, tail_probe, new_data_probe,
 * autosize). */
int main(int argc, char **argv) {
    static const struct {
        const char *name;
        void (*run)(struct harness *h);
    } cases[] = {{"timeout", timeout},       {"sack_holes", sack_holes},         {"rack_pieces", rack_pieces},
                 {"tail_probe", tail_probe}, {"new_data_probe", new_data_probe}, {"autosize", autosize}};
    struct harness h;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (argc < 2 || strcmp(argv[1], cases[i].name) == 0) {
            cases[i].run(&h);
        }
    }
    return 0;
}
