/* TCPSender: the retransmission timer (RFC 6298): expiry, exponential back-off, giving up. */

#include "sender_expect.h"

/* Starts a sender with a random RTO in [10, 10000] ms and takes its SYN; returns the RTO. */
static uint64_t start_with_random_rto(struct sender_test *t) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rt_timeout = 10 + (uint32_t)sponge_rng_below(&t->rng, 9991);
    sender_test_start(t, &cfg);
    EXPECT_SEGMENT(t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
    return cfg.rt_timeout;
}

/* With `isn_acked`, an ACK of the ISN itself comes first: it acknowledges nothing but carries a
 * zero window, and the SYN is still no window probe, so its retransmissions back off. */
static int syn_retransmitted_with_backoff(bool isn_acked) {
    struct sender_test t;
    sender_test_begin(
        &t, isn_acked ? "sender retx: the SYN backs off even after an ACK of the ISN with window 0 [L3.R13 L3.R10]"
                      : "sender retx: the SYN is resent after RTO, then after 2*RTO [L3.R12 L3.R13 L3.R14]");
    uint64_t rto = start_with_random_rto(&t);
    if (isn_acked) {
        EXPECT_TRUE(&t.h, "ack of the ISN accepted", ACK_ARRIVES(&t, 0, 0));
        EXPECT_STATE(&t, "SYN_SENT");
    }
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
    EXPECT_STATE(&t, "SYN_SENT");
    EXPECT_IN_FLIGHT(&t, 1);
    EXPECT_RETX(&t, 1);
    TIME_PASSES(&t, 2 * rto - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    EXPECT_RETX(&t, 2);
    ACK_ARRIVES(&t, 1, 1000);
    EXPECT_STATE(&t, "SYN_ACKED");
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_RETX(&t, 0);
    TIME_PASSES(&t, 10 * rto);
    EXPECT_NO_SEGMENT(&t);
    return sender_test_end(&t);
}

static int syn_until_limit(void) {
    struct sender_test t;
    sender_test_begin(&t,
                      "sender retx: the SYN is resent with doubling RTOs until the limit is passed [L3.R13 L3.R15]");
    uint64_t rto = start_with_random_rto(&t);
    for (unsigned attempt = 0; attempt < t.cfg.max_retx_attempts; attempt++) {
        TIME_PASSES(&t, (rto << attempt) - 1);
        EXPECT_NO_SEGMENT(&t);
        EXPECT_RETX(&t, attempt);
        TIME_PASSES(&t, 1);
        EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
        EXPECT_STATE(&t, "SYN_SENT");
        EXPECT_IN_FLIGHT(&t, 1);
    }
    TIME_PASSES(&t, (rto << t.cfg.max_retx_attempts) - 1);
    EXPECT_RETX(&t, t.cfg.max_retx_attempts);
    TIME_PASSES(&t, 1);
    EXPECT_TRUE(&t.h, "consecutive retransmissions exceed the limit",
                tcp_sender_consecutive_retransmissions(&t.sender) > t.cfg.max_retx_attempts);
    return sender_test_end(&t);
}

static int data_retx_then_limit(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender retx: data resent, acked, then resent until the limit [L3.R13 L3.R14 L3.R15]");
    uint64_t rto = start_with_random_rto(&t);
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "abcd");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abcd"));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 5, 1000);
    EXPECT_IN_FLIGHT(&t, 0);
    APP_WRITES(&t, "efgh");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("efgh"));
    TIME_PASSES(&t, rto);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(5), .payload = PAYLOAD("efgh"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_RETX(&t, 1);
    ACK_ARRIVES(&t, 9, 1000);
    EXPECT_IN_FLIGHT(&t, 0);
    EXPECT_RETX(&t, 0);
    APP_WRITES(&t, "ijkl");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(9), .payload = PAYLOAD("ijkl"));
    /* The RTO is back to its initial value after the ack of new data. */
    for (unsigned attempt = 0; attempt < t.cfg.max_retx_attempts; attempt++) {
        TIME_PASSES(&t, (rto << attempt) - 1);
        EXPECT_NO_SEGMENT(&t);
        TIME_PASSES(&t, 1);
        EXPECT_SEGMENT(&t, .seqno = OPT_U64(9), .payload = PAYLOAD("ijkl"));
        EXPECT_STATE(&t, "SYN_ACKED");
        EXPECT_IN_FLIGHT(&t, 4);
        EXPECT_RETX(&t, attempt + 1);
    }
    TIME_PASSES(&t, (rto << t.cfg.max_retx_attempts) - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(9), .payload = PAYLOAD("ijkl"));
    EXPECT_RETX(&t, t.cfg.max_retx_attempts + 1);
    return sender_test_end(&t);
}

static int only_oldest_is_resent(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender retx: an expiry resends only the oldest outstanding segment [L3.R12]");
    uint64_t rto = start_with_random_rto(&t);
    ACK_ARRIVES(&t, 1, 1000);
    APP_WRITES(&t, "abc");
    APP_WRITES(&t, "def");
    APP_WRITES(&t, "ghi");
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(7), .payload = PAYLOAD("ghi"));
    TIME_PASSES(&t, rto);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
    EXPECT_NO_SEGMENT(&t);
    ACK_ARRIVES(&t, 4, 1000);
    TIME_PASSES(&t, rto);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(4), .payload = PAYLOAD("def"));
    EXPECT_NO_SEGMENT(&t);
    EXPECT_IN_FLIGHT(&t, 6);
    return sender_test_end(&t);
}

int main(void) {
    return syn_retransmitted_with_backoff(false) | syn_retransmitted_with_backoff(true) | syn_until_limit() |
           data_retx_then_limit() | only_oldest_is_resent();
}
