/* TCPSender: the retransmission timer (RFC 6298): expiry, exponential back-off, giving up. */

#include "sender_expect.h"

static struct tcp_config random_rto_config(struct sender_test *t) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.rt_timeout = 10 + (uint32_t)sponge_rng_below(&t->rng, 9991);
    return cfg;
}

static int syn_retransmitted_with_backoff(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender retx: the SYN is resent after RTO, then after 2*RTO");
    struct tcp_config cfg = random_rto_config(&t);
    uint64_t rto = cfg.rt_timeout;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
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
    sender_test_begin(&t, "sender retx: the SYN is resent with doubling RTOs until the limit is passed");
    struct tcp_config cfg = random_rto_config(&t);
    uint64_t rto = cfg.rt_timeout;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
    for (unsigned attempt = 0; attempt < cfg.max_retx_attempts; attempt++) {
        TIME_PASSES(&t, (rto << attempt) - 1);
        EXPECT_NO_SEGMENT(&t);
        EXPECT_RETX(&t, attempt);
        TIME_PASSES(&t, 1);
        EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
        EXPECT_STATE(&t, "SYN_SENT");
        EXPECT_IN_FLIGHT(&t, 1);
    }
    TIME_PASSES(&t, (rto << cfg.max_retx_attempts) - 1);
    EXPECT_RETX(&t, cfg.max_retx_attempts);
    TIME_PASSES(&t, 1);
    EXPECT_TRUE(&t.h, "consecutive retransmissions exceed the limit",
                tcp_sender_consecutive_retransmissions(&t.sender) > cfg.max_retx_attempts);
    return sender_test_end(&t);
}

static int data_retx_then_limit(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender retx: data resent, acked, then resent until the limit");
    struct tcp_config cfg = random_rto_config(&t);
    uint64_t rto = cfg.rt_timeout;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
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
    for (unsigned attempt = 0; attempt < cfg.max_retx_attempts; attempt++) {
        TIME_PASSES(&t, (rto << attempt) - 1);
        EXPECT_NO_SEGMENT(&t);
        TIME_PASSES(&t, 1);
        EXPECT_SEGMENT(&t, .seqno = OPT_U64(9), .payload = PAYLOAD("ijkl"));
        EXPECT_STATE(&t, "SYN_ACKED");
        EXPECT_IN_FLIGHT(&t, 4);
        EXPECT_RETX(&t, attempt + 1);
    }
    TIME_PASSES(&t, (rto << cfg.max_retx_attempts) - 1);
    EXPECT_NO_SEGMENT(&t);
    TIME_PASSES(&t, 1);
    EXPECT_SEGMENT(&t, .seqno = OPT_U64(9), .payload = PAYLOAD("ijkl"));
    EXPECT_RETX(&t, cfg.max_retx_attempts + 1);
    return sender_test_end(&t);
}

static int only_oldest_is_resent(void) {
    struct sender_test t;
    sender_test_begin(&t, "sender retx: an expiry resends only the oldest outstanding segment");
    struct tcp_config cfg = random_rto_config(&t);
    uint64_t rto = cfg.rt_timeout;
    sender_test_start(&t, &cfg);
    EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0));
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
    return syn_retransmitted_with_backoff() | syn_until_limit() | data_retx_then_limit() | only_oldest_is_resent();
}
