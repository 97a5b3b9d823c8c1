/* Modern mode: delayed ACKs, Nagle's algorithm, the persist timer's back-off, keep-alives. */
#include "modern_steps.h"

#define ISN 1000
#define PEER_ISN 5000

/* Modern mode without timestamps (simpler segments), after a passive open; peer window 10000. */
static void open_passive(struct harness *h, struct tcp_connection *c, struct tcp_config *cfg, const char *name) {
    cfg->opt_timestamps = false;
    conn_begin(h, c, name, cfg);
    PEER_SENDS(h, c, .syn = true, .seqno = PEER_ISN, .win = 10000);
    EXPECT_SENT(h, c, .syn = TRI_YES, .ack = TRI_YES);
    PEER_SENDS(h, c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 10000);
    EXPECT_STATE(h, c, TCP_STATE_ESTABLISHED);
}

static void delayed_acks(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.delayed_ack = true;
    open_passive(h, &c, &cfg, "modern: delayed ACKs, every second segment or after 40 ms");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 10000, .payload = "aaaa");
    EXPECT_NOTHING_SENT(h, &c);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 5, .ackno = ISN + 1, .win = 10000, .payload = "bbbb");
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 9), .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(h, &c);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 9, .ackno = ISN + 1, .win = 10000, .payload = "cccc");
    TICK(h, &c, 39);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 13));
    EXPECT_NOTHING_SENT(h, &c);
    /* Out of order: acknowledged at once (RFC 5681 4.2), and so is the segment filling the hole. */
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 17, .ackno = ISN + 1, .win = 10000, .payload = "eeee");
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 13));
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 13, .ackno = ISN + 1, .win = 10000, .payload = "dddd");
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 21));
    /* A delayed ACK rides on data we send. */
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 21, .ackno = ISN + 1, .win = 10000, .payload = "ffff");
    EXPECT_NOTHING_SENT(h, &c);
    WRITE(h, &c, "reply");
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 25), .payload = "reply");
    TICK(h, &c, 100);
    EXPECT_NOTHING_SENT(h, &c);
    /* A FIN is acknowledged at once. */
    PEER_SENDS(h, &c, .ack = true, .fin = true, .seqno = PEER_ISN + 25, .ackno = ISN + 6, .win = 10000);
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 26));
    conn_end(h, &c);
}

static void nagle(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.nagle = true;
    open_passive(h, &c, &cfg, "modern: Nagle holds small segments while data is unacknowledged");
    WRITE(h, &c, "a");
    EXPECT_SENT(h, &c, .payload = "a"); /* nothing in flight: goes at once */
    WRITE(h, &c, "b");
    WRITE(h, &c, "c");
    EXPECT_NOTHING_SENT(h, &c);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 2, .win = 10000);
    EXPECT_SENT(h, &c, .payload = "bc");
    static char full[1461];
    memset(full, 'f', 1460);
    WRITE(h, &c, full);
    EXPECT_SENT(h, &c, .payload_len = OPT_U64(1460)); /* a full segment is never held */
    WRITE(h, &c, "gh");
    EXPECT_NOTHING_SENT(h, &c);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 4, .win = 10000);
    EXPECT_NOTHING_SENT(h, &c); /* still 1460 bytes unacknowledged */
    CLOSE(h, &c);
    EXPECT_SENT(h, &c, .fin = TRI_YES, .payload = "gh"); /* with the FIN, nothing more will come */
    conn_end(h, &c);

    cfg = modern_config(ISN);
    cfg.nagle = true;
    open_passive(h, &c, &cfg, "modern: a full segment is not held by Nagle");
    WRITE(h, &c, "a");
    EXPECT_SENT(h, &c, .payload = "a");
    WRITE(h, &c, full);
    EXPECT_SENT(h, &c, .payload_len = OPT_U64(1460));
    conn_end(h, &c);
}

static void persist_and_keepalive(struct harness *h) {
    struct tcp_connection c;
    struct tcp_config cfg = modern_config(ISN);
    cfg.max_rto = 4000;
    open_passive(h, &c, &cfg, "modern: zero-window probes back off and never give up");
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 0);
    WRITE(h, &c, "xyz");
    EXPECT_SENT(h, &c, .payload = "x"); /* the probe */
    /* The handshake measured an RTT of 0: RTO 200 ms (the minimum), doubling up to max_rto. */
    uint64_t waits[] = {200, 400, 800, 1600, 3200, 4000, 4000, 4000, 4000, 4000, 4000};
    for (size_t i = 0; i < sizeof waits / sizeof waits[0]; i++) {
        TICK(h, &c, waits[i] - 1);
        EXPECT_NOTHING_SENT(h, &c);
        TICK(h, &c, 1);
        EXPECT_SENT(h, &c, .payload = "x");
        PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 0);
    }
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED); /* more probes than max_retx_attempts */
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 2, .win = 100);
    EXPECT_SENT(h, &c, .payload = "yz");
    conn_end(h, &c);

    cfg = modern_config(ISN);
    cfg.keepalive_ms = 5000;
    cfg.keepalive_probes = 2;
    open_passive(h, &c, &cfg, "modern: keep-alives after idle time, then give up");
    TICK(h, &c, 4999);
    EXPECT_NOTHING_SENT(h, &c);
    TICK(h, &c, 1);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN), .payload_len = OPT_U64(0)); /* one before the next */
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 10000);
    TICK(h, &c, 5000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN));
    TICK(h, &c, 5000);
    EXPECT_SENT(h, &c, .seqno = OPT_U64(ISN));
    EXPECT_STATE(h, &c, TCP_STATE_ESTABLISHED);
    TICK(h, &c, 5000);
    EXPECT_SENT(h, &c, .rst = TRI_YES);
    EXPECT_STATE(h, &c, TCP_STATE_RESET);
    conn_end(h, &c);

    cfg = test_config(ISN);
    conn_begin(h, &c, "lab mode: no keep-alives, no delayed ACK", &cfg);
    PEER_SENDS(h, &c, .syn = true, .seqno = PEER_ISN, .win = 10000);
    EXPECT_SENT(h, &c, .syn = TRI_YES);
    PEER_SENDS(h, &c, .ack = true, .seqno = PEER_ISN + 1, .ackno = ISN + 1, .win = 10000, .payload = "a");
    EXPECT_SENT(h, &c, .ackno = OPT_U64(PEER_ISN + 2));
    TICK(h, &c, 100000);
    EXPECT_NOTHING_SENT(h, &c);
    conn_end(h, &c);
}

int main(void) {
    struct harness h;
    delayed_acks(&h);
    nagle(&h);
    persist_and_keepalive(&h);
    return 0;
}
