/* TCPConnection's outbound capacity (lab mode, CS144's rule): write and
 * remaining_outbound_capacity count only unsent bytes; a byte leaves the capacity when it is
 * sent, and what is in flight is bounded by the peer's window only. */
#include "connection_steps.h"
#include "util/rng.h"

#include <stdlib.h>

/* Pops every queued segment and checks that together they carry `expected` in order from
 * `seqno`; returns the number of payload bytes popped. */
static size_t pop_data(struct harness *h, struct tcp_connection *c, uint32_t seqno, const uint8_t *expected,
                       size_t max) {
    size_t got = 0;
    struct tcp_segment seg;
    while (tcp_connection_segments_out(c, &seg)) {
        size_t n = byte_view2_len(&seg.payload);
        if (!n) {
            continue;
        }
        EXPECT_EQ(h, "seqno", seqno + (uint32_t)got, seg.header.seqno.raw);
        if (got + n > max) {
            FAIL(h, "more bytes sent (%zu) than written (%zu)", got + n, max);
        }
        uint8_t *copy = malloc(n);
        if (!copy) {
            FAIL(h, "out of memory");
        }
        byte_view2_copy(&seg.payload, copy);
        EXPECT_BYTES(h, "payload", expected + got, n, copy, n);
        free(copy);
        got += n;
    }
    return got;
}

int main(void) {
    struct harness h;
    struct tcp_connection c;
    struct tcp_config cfg = test_config(0);
    struct sponge_rng rng;

    conn_begin(&h, &c, "send buffer: capacity 64000, window 65000: 65000 bytes in small writes all go [L4.R16]", &cfg);
    sponge_rng_seed(&rng, harness_seed(&h));
    establish_active(&h, &c, 0, 5000, 65000);
    const size_t total = 65000;
    uint8_t *data = malloc(total);
    if (!data) {
        FAIL(&h, "out of memory");
    }
    for (size_t i = 0; i < total; i++) {
        data[i] = (uint8_t)sponge_rng_next(&rng);
    }
    STEP(&h, "application writes 65000 bytes, 1 to 300 at a time, before any ACK");
    size_t accepted = 0, sent = 0;
    while (accepted < total) {
        size_t n = 1 + sponge_rng_below(&rng, 300);
        n = n < total - accepted ? n : total - accepted;
        size_t took = tcp_connection_write(&c, data + accepted, n);
        if (took != n) {
            FAIL(&h, "write of %zu bytes at %zu accepted %zu (remaining outbound capacity %zu, in flight %llu)", n,
                 accepted, took, tcp_connection_remaining_outbound_capacity(&c),
                 (unsigned long long)tcp_connection_bytes_in_flight(&c));
        }
        accepted += took;
        sent += pop_data(&h, &c, 1 + (uint32_t)sent, data + sent, accepted - sent);
    }
    EXPECT_EQ(&h, "bytes sent", total, sent);
    EXPECT_IN_FLIGHT(&h, &c, total);
    EXPECT_EQ(&h, "remaining outbound capacity", TCP_DEFAULT_CAPACITY, tcp_connection_remaining_outbound_capacity(&c));
    STEP(&h, "the window is full: a write is kept in the stream, up to the capacity");
    EXPECT_EQ(&h, "bytes accepted", TCP_DEFAULT_CAPACITY, tcp_connection_write(&c, data, total));
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_EQ(&h, "remaining outbound capacity", 0, tcp_connection_remaining_outbound_capacity(&c));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 1 + (uint32_t)total, .win = 65000);
    EXPECT_EQ(&h, "bytes sent after the ACK", TCP_DEFAULT_CAPACITY,
              pop_data(&h, &c, 1 + (uint32_t)total, data, TCP_DEFAULT_CAPACITY));
    EXPECT_EQ(&h, "remaining outbound capacity", TCP_DEFAULT_CAPACITY, tcp_connection_remaining_outbound_capacity(&c));
    free(data);
    conn_end(&h, &c);

    cfg.send_capacity = 10;
    conn_begin(&h, &c, "send buffer: a byte leaves the outbound capacity when it is sent [L4.R16]", &cfg);
    establish_active(&h, &c, 0, 5000, 25);
    WRITE(&h, &c, "0123456789");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(1), .payload = "0123456789");
    EXPECT_EQ(&h, "remaining outbound capacity", 10, tcp_connection_remaining_outbound_capacity(&c));
    WRITE(&h, &c, "abcdefghij");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(11), .payload = "abcdefghij");
    WRITE(&h, &c, "ABCDEFGHIJ");
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(21), .payload = "ABCDE");
    EXPECT_NOTHING_SENT(&h, &c);
    EXPECT_IN_FLIGHT(&h, &c, 25);
    EXPECT_EQ(&h, "remaining outbound capacity (5 unsent)", 5, tcp_connection_remaining_outbound_capacity(&c));
    PEER_SENDS(&h, &c, .ack = true, .seqno = 5001, .ackno = 26, .win = 25);
    EXPECT_SENT(&h, &c, .seqno = OPT_U64(26), .payload = "FGHIJ");
    EXPECT_EQ(&h, "remaining outbound capacity", 10, tcp_connection_remaining_outbound_capacity(&c));
    conn_end(&h, &c);
    return 0;
}
