/* TCPConnection window updates (RFC 9293 3.8.6.2.2, receiver-side silly window syndrome
 * avoidance): when the application reads with tcp_connection_read or tcp_connection_pop_inbound
 * and the window the peer was last shown is below one MSS, the connection sends an ACK with the
 * new window once that window is at least min(MSS, capacity / 2) larger; reading the inbound
 * stream directly (as the lab tests do) sends nothing. Here MSS (max_payload) is 4 and the
 * capacity 8, so the step is 4. The peer's ISN is 5000. */
#include "connection_steps.h"

/* The application reads `expected` with tcp_connection_read. */
static void app_reads(struct harness *h, struct tcp_connection *c, const char *expected) {
    char buf[64];
    size_t len = strlen(expected);
    STEP(h, "application reads %zu bytes with tcp_connection_read", len);
    size_t n = tcp_connection_read(c, buf, len);
    EXPECT_BYTES(h, "bytes read", expected, len, buf, n);
}

/* The application uses the bytes in place (one contiguous view at a time: the stream is a
 * ring), popping each view with tcp_connection_pop_inbound, until it has `expected`. */
static void app_pops(struct harness *h, struct tcp_connection *c, const char *expected) {
    char got[64];
    size_t len = strlen(expected), n = 0;
    STEP(h, "application peeks %zu bytes and pops them with tcp_connection_pop_inbound", len);
    while (n < len) {
        struct byte_view v = byte_stream_peek_view(tcp_connection_inbound_stream(c));
        size_t take = v.len < len - n ? v.len : len - n;
        if (take == 0) {
            break;
        }
        memcpy(got + n, v.data, take);
        n += take;
        tcp_connection_pop_inbound(c, take);
    }
    EXPECT_BYTES(h, "bytes peeked", expected, len, got, n);
}

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);
    cfg.recv_capacity = 8;
    cfg.max_payload = 4;

    conn_begin(&h, &c, "window update: reads that open a zero window by a step are announced [L4.R20]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abcdefgh");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5009), .win = OPT_U64(0));
    app_reads(&h, &c, "ab");
    STEP(&h, "a window of 2 is less than the step of 4: not yet");
    EXPECT_NOTHING_SENT(&h, &c);
    app_reads(&h, &c, "cd");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5009), .win = OPT_U64(4),
                .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_EQ(&h, "window updates counted", 1, tcp_connection_counters(&c)->window_updates);
    app_reads(&h, &c, "ef");
    STEP(&h, "the peer was shown a whole MSS: the next ACK will tell it the rest");
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5009, .ackno = 1, .win = 1000, .payload = "ijkl");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5013), .win = OPT_U64(2));
    app_pops(&h, &c, "ghijkl");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5013), .win = OPT_U64(8), .payload_len = OPT_U64(0));
    EXPECT_EQ(&h, "window updates counted", 2, tcp_connection_counters(&c)->window_updates);
    conn_end(&h, &c);

    conn_begin(&h, &c, "window update: none when the application reads the stream directly (lab) [L4.R20]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abcdefgh");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5009), .win = OPT_U64(0));
    EXPECT_READ(&h, &c, "abcdefgh");
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_EQ(&h, "window updates counted", 0, tcp_connection_counters(&c)->window_updates);
    conn_end(&h, &c);

    conn_begin(&h, &c, "window update: none after the peer's FIN (it sends nothing more) [L4.R20]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .fin = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abcdef");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5008), .win = OPT_U64(2));
    app_reads(&h, &c, "abcdef");
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    conn_begin(&h, &c, "window update: a queued segment carries the new window instead [L4.R20]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abcdefgh");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5009), .win = OPT_U64(0));
    WRITE(&h, &c, "x");
    app_reads(&h, &c, "abcd");
    EXPECT_SENT(&h, &c, .payload = "x", .ackno = OPT_U64(5009), .win = OPT_U64(4));
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    cfg.recv_capacity = 1;
    conn_begin(&h, &c, "window update: a one-byte buffer announces every byte read [L4.R20]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "a");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5002), .win = OPT_U64(0));
    app_reads(&h, &c, "a");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5002), .win = OPT_U64(1), .payload_len = OPT_U64(0));
    STEP(&h, "reading nothing more announces nothing more");
    app_reads(&h, &c, "");
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    cfg = test_config(0);
    conn_begin(&h, &c, "window update: a large window never shown small needs none [L4.R20]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "hello");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5006), .win = OPT_U64(TCP_DEFAULT_CAPACITY - 5));
    app_reads(&h, &c, "hello");
    EXPECT_NOTHING_SENT(&h, &c);
    return conn_end(&h, &c);
}
