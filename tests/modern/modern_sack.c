/* Modern mode, SACK (RFC 2018 both ways, RFC 6675-style recovery): the reassembler's ranges,
 * the blocks we report, the scoreboard, and resending only the holes. */
#include "modern_steps.h"
#include "tcp/sack_scoreboard.h"
#include "tcp/sender_modern.h"
#include "tcp/stream_reassembler.h"
#include "util/rng.h"

#define PEER_ISN 5000

static void reassembler_ranges(struct harness *h) {
    harness_begin(h, "sack: the reassembler lists present ranges past the first unassembled byte");
    struct stream_reassembler r;
    uint64_t left[4], right[4];
    STEP(h, "reassembler of capacity 100; \"cd\" at 2, \"gh\" at 6, \"z\" at 50");
    if (stream_reassembler_init(&r, 100) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    EXPECT_EQ(h, "ranges when nothing waits", 0, stream_reassembler_present_ranges(&r, 4, left, right));
    stream_reassembler_push_substring(&r, "cd", 2, 2, false);
    stream_reassembler_push_substring(&r, "gh", 2, 6, false);
    stream_reassembler_push_substring(&r, "z", 1, 50, false);
    EXPECT_EQ(h, "ranges (max 2)", 2, stream_reassembler_present_ranges(&r, 2, left, right));
    EXPECT_EQ(h, "first left", 2, left[0]);
    EXPECT_EQ(h, "first right", 4, right[0]);
    EXPECT_EQ(h, "second left", 6, left[1]);
    EXPECT_EQ(h, "ranges (max 4)", 3, stream_reassembler_present_ranges(&r, 4, left, right));
    EXPECT_EQ(h, "third", 50, left[2]);
    EXPECT_EQ(h, "third right", 51, right[2]);
    STEP(h, "\"ab\" at 0 fills the first hole");
    stream_reassembler_push_substring(&r, "ab", 2, 0, false);
    EXPECT_EQ(h, "ranges", 2, stream_reassembler_present_ranges(&r, 4, left, right));
    EXPECT_EQ(h, "first left", 6, left[0]);
    EXPECT_EQ(h, "second left", 50, left[1]);
    stream_reassembler_destroy(&r);
    harness_end(h);

    harness_begin(h, "sack: present ranges match a byte-by-byte model (random, ring wrapping)");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(h));
    enum { CAP = 200 };
    if (stream_reassembler_init(&r, CAP) != SPONGE_OK) {
        FAIL(h, "init failed");
    }
    bool have[1 << 14] = {false};
    uint8_t buf[64] = {0}, sink[CAP];
    for (int round = 0; round < 3000; round++) {
        struct byte_stream *out = stream_reassembler_stream_out(&r);
        uint64_t first = byte_stream_bytes_written(out);
        uint64_t limit = byte_stream_bytes_read(out) + CAP;
        uint64_t idx = first + sponge_rng_below(&rng, CAP);
        size_t len = 1 + sponge_rng_below(&rng, 20);
        if (idx + len >= (1 << 14)) {
            break;
        }
        stream_reassembler_push_substring(&r, buf, len, idx, false);
        for (uint64_t i = idx; i < idx + len && i < limit; i++) {
            have[i] = true;
        }
        if (sponge_rng_below(&rng, 3) == 0) {
            byte_stream_read(out, sink, sponge_rng_below(&rng, CAP));
        }
        first = byte_stream_bytes_written(out);
        limit = byte_stream_bytes_read(out) + CAP;
        uint64_t l[4], rr[4];
        size_t n = stream_reassembler_present_ranges(&r, 4, l, rr);
        size_t want = 0;
        for (uint64_t i = first; i < limit && want < 4; i++) {
            if (have[i] && (i == first || !have[i - 1])) {
                uint64_t e = i;
                while (e < limit && have[e]) {
                    e++;
                }
                if (l[want] != i || rr[want] != e || want >= n) {
                    FAIL(h, "round %d: range %zu is [%llu, %llu), model [%llu, %llu)", round, want,
                         (unsigned long long)l[want], (unsigned long long)rr[want], (unsigned long long)i,
                         (unsigned long long)e);
                }
                want++;
            }
        }
        if (n != want) {
            FAIL(h, "round %d: %zu ranges, model %zu", round, n, want);
        }
    }
    STEP(h, "3000 random pushes and reads checked");
    stream_reassembler_destroy(&r);
    harness_end(h);
}

static void scoreboard(struct harness *h) {
    harness_begin(h, "sack: the scoreboard merges, prunes and stays bounded");
    struct sack_scoreboard sb;
    sack_scoreboard_init(&sb);
    STEP(h, "add [10,20), [30,40), [20,25)");
    sack_scoreboard_add(&sb, 10, 20);
    sack_scoreboard_add(&sb, 30, 40);
    sack_scoreboard_add(&sb, 20, 25);
    EXPECT_TRUE(h, "[10,25) covered", sack_scoreboard_covers(&sb, 10, 25));
    EXPECT_TRUE(h, "[24,31) not covered", !sack_scoreboard_covers(&sb, 24, 31));
    EXPECT_EQ(h, "highest", 40, sack_scoreboard_highest(&sb));
    STEP(h, "cumulative ack 35");
    sack_scoreboard_ack(&sb, 35);
    EXPECT_TRUE(h, "[10,25) forgotten", !sack_scoreboard_covers(&sb, 10, 25));
    EXPECT_TRUE(h, "[35,40) kept", sack_scoreboard_covers(&sb, 35, 40));
    STEP(h, "100 disjoint ranges");
    for (uint64_t i = 0; i < 100; i++) {
        sack_scoreboard_add(&sb, 1000 + 10 * i, 1005 + 10 * i);
    }
    EXPECT_TRUE(h, "lowest kept", sack_scoreboard_covers(&sb, 35, 40));
    EXPECT_EQ(h, "highest bounded by the array", 1000 + 10 * (SACK_SCOREBOARD_RANGES - 2) + 5,
              sack_scoreboard_highest(&sb));
    harness_end(h);
}

static void receiver_reports_blocks(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(1000);
    cfg.opt_timestamps = false;
    conn_begin(h, &c, "sack: out-of-order data is reported, most recent block first", &cfg);
    struct tcp_segment out;
    struct tcp_options syn = {.sack_permitted = true};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .seqno = PEER_ISN, .win = 4000);
    SENT(h, &c, &out, .syn = TRI_YES, .ack = TRI_YES);
    EXPECT_BOOL(h, "SYN+ACK has SACK-permitted", true, out.header.opts.sack_permitted);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = 1001, .win = 4000);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 11, .ackno = 1001, .win = 4000, .payload = "later");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 1));
    EXPECT_EQ(h, "blocks", 1, out.header.opts.sack_count);
    EXPECT_EQ(h, "left", PEER_ISN + 11, out.header.opts.sack[0].left.raw);
    EXPECT_EQ(h, "right", PEER_ISN + 16, out.header.opts.sack[0].right.raw);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 31, .ackno = 1001, .win = 4000, .payload = "last");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 1));
    EXPECT_EQ(h, "blocks", 2, out.header.opts.sack_count);
    EXPECT_EQ(h, "first block: the most recent", PEER_ISN + 31, out.header.opts.sack[0].left.raw);
    EXPECT_EQ(h, "second block", PEER_ISN + 11, out.header.opts.sack[1].left.raw);
    static char data[2001];
    memset(data, 'w', 2000);
    WRITE(h, &c, data);
    SENT(h, &c, &out, .payload_len = OPT_U64(1460));
    EXPECT_EQ(h, "a full segment has no room for blocks", 0, out.header.opts.sack_count);
    SENT(h, &c, &out, .payload_len = OPT_U64(540));
    EXPECT_EQ(h, "a short one carries them", 2, out.header.opts.sack_count);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = 1001, .win = 4000, .payload = "0123456789");
    SENT(h, &c, &out, .ackno = OPT_U64(PEER_ISN + 16));
    EXPECT_EQ(h, "blocks", 1, out.header.opts.sack_count);
    EXPECT_EQ(h, "left", PEER_ISN + 31, out.header.opts.sack[0].left.raw);
    conn_end(h, &c);
}

/* A SACK-bearing duplicate ACK of ackno 1001 (the peer's seqno 1, window 65535). */
static void dup_with_sack(struct harness *h, struct tcp_connection *c, const struct tcp_sack_block *blocks, uint8_t n) {
    struct tcp_options o = {.sack_count = n};
    memcpy(o.sack, blocks, n * sizeof *blocks);
    PEER_SENDS_OPTS(h, c, o, .ack = true, .seqno = 1, .ackno = 1001, .win = 65535);
}

#define B(l, r) ((struct tcp_sack_block){{l}, {r}})

static void sender_resends_only_holes(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(0);
    cfg.opt_timestamps = false;
    conn_begin(h, &c, "sack: in recovery the sender resends the holes and skips SACKed data", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    struct tcp_options syn = {.has_mss = true, .mss = 1000, .sack_permitted = true};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .ack = true, .seqno = 0, .ackno = 1, .win = 65535);
    EXPECT_SENT(h, &c, .ack = TRI_YES);
    static char data[20001];
    memset(data, 's', 20000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(1 + 1000 * i));
    }
    /* A path of RTT 20 ms: RACK's reordering window is min RTT / 4 = 5 ms. */
    TICK(h, &c, 20);
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1001, .win = 65535);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(4001));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(5001));
    /* Segments 1001 and 3001 are lost; the others arrive and are SACKed. */
    struct tcp_sack_block b1[] = {B(2001, 3001)};
    struct tcp_sack_block b2[] = {B(4001, 5001), B(2001, 3001)};
    struct tcp_sack_block b3[] = {B(4001, 6001), B(2001, 3001)};
    TICK(h, &c, 20);
    dup_with_sack(h, &c, b1, 1);
    /* 2001 left with 1001: 1001 may be reordered (within 5 ms); SACKed data is out of the
     * pipe (RFC 6675), so one new segment goes. */
    EXPECT_SENT(h, &c, .seqno = OPT_U64(6001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    /* 4001, sent 20 ms after 1001 and 3001, arrived: both are lost (RACK). Recovery: ssthresh =
     * cwnd = flight 6000 / 2; the first hole goes at once (RFC 6675 4.3), the pipe (6000 - 2000
     * SACKed - 2000 lost + 1000 resent) is then full. */
    dup_with_sack(h, &c, b2, 2);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(1001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    /* 5001 is SACKed: the pipe has room for the next hole; 2001 and 4001-6000 are not resent. */
    dup_with_sack(h, &c, b3, 2);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(3001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    /* 6001 is SACKed: nothing is lost any more, new data fills the pipe. */
    struct tcp_sack_block b4[] = {B(4001, 7001), B(2001, 3001)};
    dup_with_sack(h, &c, b4, 2);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(7001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    /* The retransmission of 1001 arrives: a partial ACK up to 3001; 3001 was already resent. */
    TICK(h, &c, 20);
    struct tcp_options b5 = {.sack_count = 1, .sack = {B(4001, 7001)}};
    PEER_SENDS_OPTS(h, &c, b5, .ack = true, .seqno = 1, .ackno = 3001, .win = 65535);
    struct tcp_segment out;
    while (tcp_connection_segments_out(&c, &out)) {
        EXPECT_TRUE(h, "no SACKed or already resent data again", seq_leq(wrap32_of(8001), out.header.seqno));
    }
    /* 3001 arrives: the full ACK ends recovery. */
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 8001, .win = 65535);
    EXPECT_BOOL(h, "recovering", false, congestion_recovering(&c.sender.ext->cc, 8001));
    EXPECT_EQ(h, "no retransmission timer backoff", 0, tcp_sender_consecutive_retransmissions(&c.sender));
    conn_end(h, &c);
}

/* A duplicate of ackno 1001 with SACK blocks and the given window. */
static void dup_with_sack_win(struct harness *h, struct tcp_connection *c, const struct tcp_sack_block *blocks,
                              uint8_t n, uint16_t win) {
    struct tcp_options o = {.sack_count = n};
    memcpy(o.sack, blocks, n * sizeof *blocks);
    PEER_SENDS_OPTS(h, c, o, .ack = true, .seqno = 1, .ackno = 1001, .win = win);
}

static void sack_loss_with_growing_window(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(0);
    cfg.opt_timestamps = false;
    conn_begin(h, &c, "sack: a loss is found while every ACK grows the window (RACK does not count duplicates)", &cfg);
    CONNECT(h, &c);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    struct tcp_options syn = {.has_mss = true, .mss = 1000, .sack_permitted = true};
    PEER_SENDS_OPTS(h, &c, syn, .syn = true, .ack = true, .seqno = 0, .ackno = 1, .win = 30000);
    EXPECT_SENT(h, &c, .ack = TRI_YES);
    static char data[20001];
    memset(data, 'g', 20000);
    WRITE(h, &c, data);
    for (int i = 0; i < 4; i++) {
        EXPECT_SENT(h, &c, .seqno = OPT_U64(1 + 1000 * i));
    }
    TICK(h, &c, 20); /* RTT 20 ms: RACK's reordering window is 5 ms */
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 1001, .win = 30000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(4001));
    EXPECT_SENT(h, &c, .seqno = OPT_U64(5001));
    /* 1001 is lost. The receiver's buffer grows, so each ACK offers a larger window (RFC 5681
     * would not call them duplicates). Each newly SACKed segment leaves the pipe: new data. */
    TICK(h, &c, 20);
    struct tcp_sack_block b1[] = {B(2001, 3001)};
    struct tcp_sack_block b2[] = {B(2001, 4001)};
    struct tcp_sack_block b3[] = {B(2001, 5001)};
    dup_with_sack_win(h, &c, b1, 1, 31000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(6001));
    dup_with_sack_win(h, &c, b1, 1, 32000);
    dup_with_sack_win(h, &c, b2, 1, 33000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(7001));
    EXPECT_NOTHING_SENT(h, &c); /* 2001 and 3001 left with 1001: it may be reordered */
    dup_with_sack_win(h, &c, b3, 1, 34000);
    /* 4001, sent 20 ms after 1001, arrived (and three are SACKed): 1001 is lost */
    EXPECT_SENT(h, &c, .seqno = OPT_U64(1001), .payload_len = OPT_U64(1000));
    EXPECT_NOTHING_SENT(h, &c);
    EXPECT_EQ(h, "no timeout was needed", 0, tcp_sender_consecutive_retransmissions(&c.sender));
    PEER_SENDS(h, &c, .ack = true, .seqno = 1, .ackno = 6001, .win = 34000);
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    reassembler_ranges(&h);
    scoreboard(&h);
    receiver_reports_blocks(&h);
    sender_resends_only_holes(&h);
    sack_loss_with_growing_window(&h);
    return 0;
}
