/* TCPConnection window sizes: the window we advertise (capacity minus buffered bytes, clamped
 * to 65535) and the peer's window we obey (with segments of at most max_payload bytes). */
#include "connection_steps.h"
#include "util/rng.h"

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);

    conn_begin(&h, &c, "winsize: advertised window follows the inbound stream [L4.R4]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abcdefgh");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5009), .win = OPT_U64(TCP_DEFAULT_CAPACITY - 8));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5009, .ackno = 1, .win = 1000, .payload = "ij");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5011), .win = OPT_U64(TCP_DEFAULT_CAPACITY - 10));
    EXPECT_READ(&h, &c, "abcdefghij");
    WRITE(&h, &c, "x");
    EXPECT_SENT(&h, &c, .payload = "x", .ackno = OPT_U64(5011), .win = OPT_U64(TCP_DEFAULT_CAPACITY));
    conn_end(&h, &c);

    cfg.recv_capacity = 70000;
    conn_begin(&h, &c, "winsize: a window above 65535 is advertised as 65535 [L4.R4]", &cfg);
    PEER_SENDS(&h, &c, .syn = true, .seqno = 5000, .win = 1000);
    EXPECT_SENT(&h, &c, .syn = TRI_YES, .ack = TRI_YES, .win = OPT_U64(65535));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "0123456789");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5011), .win = OPT_U64(65535));
    conn_end(&h, &c);

    cfg.recv_capacity = 4;
    conn_begin(&h, &c, "winsize: a full inbound stream advertises a zero window [L4.R4]", &cfg);
    establish_passive(&h, &c, 0, 5000, 1000);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1, .win = 1000, .payload = "abcdef");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5005), .win = OPT_U64(0));
    EXPECT_READ(&h, &c, "abcd");
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5005, .ackno = 1, .win = 1000, .payload = "ef");
    EXPECT_SENT(&h, &c, .ackno = OPT_U64(5007), .win = OPT_U64(2));
    conn_end(&h, &c);

    cfg = test_config(0);
    conn_begin(&h, &c, "winsize: the peer's window limits what is sent [L4.R5]", &cfg);
    establish_active(&h, &c, 0, 5000, 5);
    WRITE(&h, &c, "0123456789");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "01234");
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_IN_FLIGHT(&h, &c, 5);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 3, .win = 5);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(6), .payload = "56");
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 8, .win = 10);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(8), .payload = "789");
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    conn_begin(&h, &c, "winsize: a zero window is probed with one byte [L4.R5 L4.R10]", &cfg);
    establish_active(&h, &c, 0, 5000, 0);
    WRITE(&h, &c, "abc");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "a");
    EXPECT_NOTHING_SENT(&h, &c);
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 2, .win = 2);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(2), .payload = "bc");
    conn_end(&h, &c);

    cfg.max_payload = 1000;
    conn_begin(&h, &c, "winsize: segments carry at most max_payload bytes [L4.R5]", &cfg);
    establish_active(&h, &c, 0, 5000, 65535);
    {
        static char data[2501];
        for (size_t i = 0; i < 2500; i++) {
            data[i] = (char)('a' + i % 26);
        }
        STEP(&h, "application writes 2500 bytes");
        EXPECT_EQ(&h, "bytes accepted", 2500, tcp_connection_write(&c, data, 2500));
    }
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload_len = OPT_U64(1000));
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1001), .payload_len = OPT_U64(1000));
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(2001), .payload_len = OPT_U64(500));
    EXPECT_NOTHING_SENT(&h, &c);
    conn_end(&h, &c);

    /* Random windows, capacities and writes: every segment fits max_payload and the peer's
     * window, the bytes arrive in order, and our advertised window is always exact. */
    struct sponge_rng rng;
    harness_begin(&h, "winsize: random windows and writes [L4.R4 L4.R5]");
    sponge_rng_seed(&rng, harness_seed(&h));
    for (int round = 0; round < 40; round++) {
        cfg = test_config((uint32_t)sponge_rng_next(&rng));
        cfg.recv_capacity = 1 + sponge_rng_below(&rng, 80000);
        cfg.send_capacity = 1 + sponge_rng_below(&rng, 80000);
        cfg.max_payload = 1 + sponge_rng_below(&rng, 2000);
        uint32_t peer_isn = (uint32_t)sponge_rng_next(&rng);
        uint16_t peer_win = (uint16_t)sponge_rng_below(&rng, 65536);
        STEP(&h, "round %d: recv capacity %zu, send capacity %zu, max payload %zu, peer window %u", round,
             cfg.recv_capacity, cfg.send_capacity, cfg.max_payload, (unsigned)peer_win);
        if (tcp_connection_init(&c, &cfg) != SPONGE_OK) {
            FAIL(&h, "init failed");
        }
        establish_active(&h, &c, cfg.fixed_isn, peer_isn, peer_win);
        uint64_t written = 0, received = 0, peer_sent = 0;
        uint32_t acked = cfg.fixed_isn + 1;
        for (int step = 0; step < 30; step++) {
            size_t want = sponge_rng_below(&rng, 3000);
            static uint8_t chunk[3000];
            for (size_t i = 0; i < want; i++) {
                chunk[i] = (uint8_t)(written + i);
            }
            written += tcp_connection_write(&c, chunk, want);
            /* The peer also sends a little, within our window. */
            size_t room = cfg.recv_capacity - byte_stream_buffer_size(tcp_connection_inbound_stream(&c));
            size_t len = room ? sponge_rng_below(&rng, room < 500 ? room + 1 : 501) : 0;
            if (len) {
                PEER_SENDS(&h, &c, .ack = true, .seqno = peer_isn + 1 + (uint32_t)peer_sent, .ackno = acked,
                           .win = peer_win, .payload = (const char *)chunk, .payload_len = len);
                peer_sent += len;
            }
            struct tcp_segment seg;
            uint64_t in_flight_limit = peer_win ? peer_win : 1;
            while (tcp_connection_segments_out(&c, &seg)) {
                size_t n = byte_view2_len(&seg.payload);
                char text[HARNESS_LINE];
                harness_note(&h, "  sent: %s", tcp_harness_describe(&seg, text, sizeof text));
                EXPECT_TRUE(&h, "payload within max_payload", n <= cfg.max_payload);
                EXPECT_TRUE(&h, "ACK set", seg.header.ack);
                EXPECT_EQ(&h, "ackno", peer_isn + 1 + (uint32_t)peer_sent, seg.header.ackno.raw);
                size_t window = cfg.recv_capacity - byte_stream_buffer_size(tcp_connection_inbound_stream(&c));
                EXPECT_EQ(&h, "window", window < 65535 ? window : 65535, seg.header.win);
                if (n) {
                    EXPECT_EQ(&h, "seqno", cfg.fixed_isn + 1 + (uint32_t)received, seg.header.seqno.raw);
                    uint8_t first = seg.payload.part[0].len ? seg.payload.part[0].data[0] : seg.payload.part[1].data[0];
                    EXPECT_EQ(&h, "first payload byte", (uint8_t)received, first);
                    received += n;
                }
            }
            EXPECT_TRUE(&h, "bytes in flight within the peer's window",
                        tcp_connection_bytes_in_flight(&c) <= in_flight_limit);
            /* The peer reads, acknowledges everything and picks a new window. */
            byte_stream_pop_output(tcp_connection_inbound_stream(&c), sponge_rng_below(&rng, 2000));
            peer_win = (uint16_t)sponge_rng_below(&rng, 65536);
            acked = cfg.fixed_isn + 1 + (uint32_t)received;
            PEER_SENDS(&h, &c, .ack = true, .seqno = peer_isn + 1 + (uint32_t)peer_sent, .ackno = acked,
                       .win = peer_win);
        }
        tcp_connection_destroy(&c);
        struct tcp_segment rst;
        EXPECT_TRUE(&h, "RST after destroy", tcp_connection_segments_out(&c, &rst) && rst.header.rst);
    }
    return harness_end(&h);
}
