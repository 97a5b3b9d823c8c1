/* Which segment's window the sender obeys. Modern mode follows RFC 9293 3.10.7.4 (SND.WL1,
 * SND.WL2): a segment older than the one the window was last taken from (a lower seqno, or the
 * same seqno with a lower ackno) leaves the window alone, so a reordered old segment cannot
 * shrink it. Lab mode keeps CS144's rule: the latest ACK's window. */
#include "modern_steps.h"

#define ISN 1000
#define PEER_ISN 5000

/* Passive open (the peer sends no options, so no timestamps or scaling), window 10000. */
static void open_passive(struct harness *h, struct tcp_connection *c, const struct tcp_config *cfg, const char *name) {
    conn_begin(h, c, name, cfg);
    establish_passive(h, c, ISN, PEER_ISN, 10000);
}

/* The peer sent "aaaa" advertising window 0 (its buffer full), then, its application having
 * read, "bbbb" advertising 5000; the network delivers them the other way round. */
static void reordered_window_updates(struct harness *h, struct tcp_connection *c) {
    STEP(h, "the newer segment (seqno +5, window 5000) overtakes the older (seqno +1, window 0)");
    PEER_SENDS(h, c, .ack = true, .seqno = PEER_ISN + 5, .ackno = ISN + 1, .win = 5000, .payload = "bbbb");
    EXPECT_SENT(h, c, .ackno = OPT_U64(PEER_ISN + 1)); /* out of order: a duplicate ACK */
    PEER_SENDS(h, c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 0, .payload = "aaaa");
    EXPECT_SENT(h, c, .ackno = OPT_U64(PEER_ISN + 9));
    EXPECT_NOTHING_SENT(h, c);
    EXPECT_READ(h, c, "aaaabbbb");
}

static void modern_ignores_stale_window(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.opt_timestamps = false;
    open_passive(h, &c, &cfg, "window update: a reordered older segment does not shrink the window (modern)");
    reordered_window_updates(h, &c);
    STEP(h, "the window is still 5000: a write goes out whole, not as a 1-byte probe");
    WRITE(h, &c, "0123456789");
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload = "0123456789");
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "a newer segment (same seqno, higher ackno) may shrink it");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 9, .ackno = ISN + 11, .win = 0);
    WRITE(h, &c, "abc");
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 11), .payload = "a"); /* the zero-window probe */
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "an old segment (lower seqno) cannot open it either");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 5, .ackno = ISN + 11, .win = 6000, .payload = "bbbb");
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 9), .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(h, &c);
    STEP(h, "the same seqno and ackno again (a pure window update) does");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 9, .ackno = ISN + 11, .win = 6000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 12), .payload = "bc");
    conn_end(h, &c);
}

static void lab_takes_latest_window(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = test_config(ISN);
    open_passive(h, &c, &cfg, "window update: lab mode takes the latest ACK's window (CS144)");
    reordered_window_updates(h, &c);
    STEP(h, "the window is now 0: a write is probed one byte at a time");
    WRITE(h, &c, "0123456789");
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN + 1), .payload = "0");
    EXPECT_NOTHING_SENT(h, &c);
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    modern_ignores_stale_window(&h);
    lab_takes_latest_window(&h);
    return 0;
}
