/* TCPConnection: which segments get an ACK, and what RSTs do (RFC 793 p. 69-72, CS144 rules).
 * Every case runs with several receive capacities, so the advertised window varies (and is
 * clamped to the 16-bit field above 65535). */
#include "connection_steps.h"

#include <stdio.h>

static size_t advertised(size_t window) {
    return window < 65535 ? window : 65535;
}

static int run(size_t capacity) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);
    cfg.recv_capacity = capacity;
    const uint32_t win = (uint32_t)advertised(capacity);
    char names[16][192];
    int n = 0;
#define CASE(title) (snprintf(names[n], sizeof names[n], "ack/rst, capacity %zu: %s", capacity, title), names[n++])

    conn_begin(&h, &c, CASE("a RST in the window resets the connection [L4.R7 L4.R8]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5001);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_ACTIVE(&h, &c, false);
    EXPECT_INBOUND_ERROR(&h, &c, true);
    EXPECT_BOOL(&h, "outbound stream error", true, byte_stream_error(tcp_sender_stream_in(&c.sender)));
    EXPECT_NOTHING_SENT(&h, &c);
    STEP(&h, "a reset connection ignores everything after");
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "x");
    TICK(&h, &c, 100000);
    EXPECT_EQ(&h, "bytes accepted by write", 0, tcp_connection_write(&c, "y", 1));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("RSTs outside the window are ignored, one at its last byte resets [L4.R7]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5000);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5001 + win);
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .seqno = 5001 + win + 1000, .ackno = 1);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    EXPECT_NOTHING_SENT(&h, &c);
    STEP(&h, "a RST at the window's last seqno: in the window, so it resets (no challenge ACK in the lab)");
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5001 + win - 1);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_INBOUND_ERROR(&h, &c, true);
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("a RST one past the ackno, with an ACK, resets [L4.R7]"), &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .seqno = 5002, .ackno = 1);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    conn_end(&h, &c);

    conn_begin(&h, &c,
               CASE("a SYN once established is acknowledged like any segment and changes nothing [L4.R9 L4.R6]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    const uint32_t syn_seqnos[] = {5001, 5003, 4000, 5001 + win + 10};
    for (size_t i = 0; i < sizeof syn_seqnos / sizeof syn_seqnos[0]; i++) {
        PEER_SENDS(&h, &c, .syn = true, .seqno = syn_seqnos[i], .win = 1000);
        EXPECT_SENT(&h, &c, .syn = TRI_NO, .rst = TRI_NO, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001),
                    .payload_len = OPT_U64(0));
        EXPECT_NOTHING_SENT(&h, &c);
        EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    }
    STEP(&h, "a SYN with data at the next seqno: the receiver takes none of it");
    PEER_SENDS(&h, &c, .syn = true, .ack = true, .ackno = 1, .seqno = 5001, .win = 1000, .payload = "evil");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5001));
    EXPECT_READ(&h, &c, "");
    EXPECT_UNASSEMBLED(&h, &c, 0);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "ok");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5003));
    EXPECT_READ(&h, &c, "ok");
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("an ACK of data never sent is answered with an ACK and dropped [L4.R5]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 2, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001), .win = OPT_U64(win),
                .payload_len = OPT_U64(0));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1000, .win = 1000, .payload = "ab");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    EXPECT_READ(&h, &c, "");
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("pure ACKs, old or current, are not answered [L4.R6 L4.R5]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    WRITE(&h, &c, "abc");
    EXPECT_SENT(&h, &c, .payload = "abc", .seqno = OPT_U64(1), .win = OPT_U64(win));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 0, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_IN_FLIGHT(&h, &c, 3);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 4, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_IN_FLIGHT(&h, &c, 0);
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("data is acknowledged with the shrunken window [L4.R4 L4.R6]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "0123456789");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5011),
                .win = OPT_U64(advertised(capacity - 10)), .payload_len = OPT_U64(0));
    EXPECT_READ(&h, &c, "0123456789");
    STEP(&h, "after reading, the next ACK shows the window open again");
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5011, .ackno = 1, .win = 1000, .payload = "a");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5012), .win = OPT_U64(advertised(capacity - 1)));
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("segments outside the window are answered with the current ACK [L4.R6]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001 + (uint32_t)capacity + 10, .ackno = 1, .win = 1000, .payload = "far");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5001), .win = OPT_U64(win));
    EXPECT_UNASSEMBLED(&h, &c, 0);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abc");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5004));
    STEP(&h, "a retransmission of old data");
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abc");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5004));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_READ(&h, &c, "abc");
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("a keep-alive (seqno = ackno - 1, no data) is answered [L4.R6]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5000, .ackno = 1, .win = 1000);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001), .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("abort sends a RST [L4.R11]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    WRITE(&h, &c, "pending");
    STEP(&h, "abort before the data is popped");
    tcp_connection_abort(&c);
    EXPECT_SENT(&h, &c, .rst = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(5001), .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_ACTIVE(&h, &c, false);
    EXPECT_INBOUND_ERROR(&h, &c, true);
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("destroying an active connection leaves one RST to send [L4.R11]"), &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    STEP(&h, "destroy");
    tcp_connection_destroy(&c);
    EXPECT_SENT(&h, &c, .rst = TRI_YES, .ack = TRI_YES, .seqno = OPT_U64(1), .ackno = OPT_U64(5001),
                .payload_len = OPT_U64(0));
    EXPECT_NOTHING_SENT(&h, &c);
    STEP(&h, "destroy again is harmless");
    tcp_connection_destroy(&c);
    EXPECT_NOTHING_SENT(&h, &c);
    harness_end(&h);

    conn_begin(&h, &c, CASE("destroying a closed connection sends nothing [L4.R11 L4.R13]"), &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .fin = true, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .fin = TRI_NO);
    EXPECT_SENT(&h, &c, .fin = TRI_YES);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5002, .ackno = 2, .win = 1000);
    EXPECT_ACTIVE(&h, &c, false);
    STEP(&h, "destroy");
    tcp_connection_destroy(&c);
    EXPECT_NOTHING_SENT(&h, &c);
    harness_end(&h);

    conn_begin(&h, &c, CASE("a RST in SYN-RCVD resets the connection [L4.R7]"), &cfg);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .win = OPT_U64(win));
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5001);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    conn_begin(&h, &c, CASE("a RST during the close resets too [L4.R7]"), &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    CLOSE(&h, &c);
    EXPECT_SENT(&h, &c, .fin = TRI_YES);
    PEER_SENDS(&h, &c, .rst = true, .ack = true, .seqno = 5001, .ackno = 2);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
#undef CASE
    return conn_end(&h, &c);
}

/* With a zero window, the window holds no seqno: only a RST at exactly the ackno resets. */
static int zero_window_rst(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);
    cfg.recv_capacity = 4;
    conn_begin(&h, &c, "ack/rst: with a zero window only a RST at the ackno resets [L4.R7]", &cfg);
    establish_active(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "full");
    EXPECT_SENT(&h, &c, .ack = TRI_YES, .ackno = OPT_U64(5005), .win = OPT_U64(0));
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5006);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5004);
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_STATE(&h, &c, TCP_STATE_ESTABLISHED);
    PEER_SENDS(&h, &c, .rst = true, .seqno = 5005);
    EXPECT_STATE(&h, &c, TCP_STATE_RESET);
    EXPECT_NOTHING_SENT(&h, &c);
    return conn_end(&h, &c);
}

int main(void) {
    zero_window_rst();
    const size_t capacities[] = {TCP_DEFAULT_CAPACITY, 4000, 17, 100000};
    for (size_t i = 0; i < sizeof capacities / sizeof capacities[0]; i++) {
        run(capacities[i]);
    }
    return 0;
}
