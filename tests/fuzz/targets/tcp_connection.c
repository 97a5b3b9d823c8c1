/* A TCPConnection fed random segments, ticks and application calls. The input is a
 * configuration, then ops (first byte % 6): segment, tick, app write, app read, end input,
 * nothing. The fuzzed peer's payload comes from a fixed stream indexed by sequence number
 * (byte at seqno s is fuzz_stream_byte(s)), so "what the peer sent" is defined whatever
 * seqnos the fuzzer picks; our application writes another fixed stream.
 * Invariants after every op: buffers within the configured capacities, at most a bounded
 * number of segments queued, the inbound stream is exactly the peer's bytes from its ISN + 1
 * on, the ackno acknowledges exactly what was received in order (+ SYN, + FIN), our segments
 * carry our application's bytes at the right offsets and never advertise more than the
 * inbound capacity. */
#include "tcp/tcp_connection.h"
#include "fuzz_targets.h"

#include <stdbool.h>
#include <string.h>

#define APP_STREAM_SALT 0x5a5a5a5a00000000ULL
#define MAX_OPS 2000

struct peer_view {
    bool isn_known;
    struct wrap32 isn;     /* the peer's SYN seqno, as the connection took it */
    uint64_t read;         /* inbound bytes the application has read */
    uint64_t app_written;  /* bytes our application wrote (accepted) */
    struct wrap32 our_isn; /* fixed in the configuration */
    size_t max_segments;   /* most segments one op may queue */
};

static void send_segment(struct tcp_connection *c, struct fuzz_reader *in, struct wrap32 peer_base,
                         struct peer_view *v) {
    uint8_t flags = fuzz_u8(in);
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.header.syn = flags & 1;
    seg.header.ack = flags & 2;
    seg.header.rst = flags & 4;
    seg.header.fin = flags & 8;
    seg.header.psh = flags & 16;
    seg.header.seqno = wrap32_add(peer_base, (uint32_t)(int32_t)(int16_t)fuzz_u16(in));
    seg.header.ackno = wrap32_add(v->our_isn, (uint32_t)(int32_t)(int16_t)fuzz_u16(in));
    seg.header.win = fuzz_u16(in);
    size_t plen = (size_t)fuzz_u8(in) * 8;
    uint8_t payload[256 * 8];
    struct wrap32 first = wrap32_add(seg.header.seqno, seg.header.syn);
    for (size_t i = 0; i < plen; i++) {
        payload[i] = fuzz_stream_byte(wrap32_add(first, (uint32_t)i).raw);
    }
    seg.payload = byte_view2_of(payload, plen);
    struct wrap32 ack;
    bool had_syn = tcp_receiver_ackno(&c->receiver, &ack);
    tcp_connection_segment_received(c, &seg);
    if (!had_syn && tcp_receiver_ackno(&c->receiver, &ack)) {
        FUZZ_CHECK(seg.header.syn);
        v->isn_known = true;
        v->isn = seg.header.seqno;
    }
}

static void app_write(struct tcp_connection *c, struct fuzz_reader *in, struct peer_view *v) {
    size_t n = fuzz_u16(in) % 3000;
    uint8_t buf[3000];
    for (size_t i = 0; i < n; i++) {
        buf[i] = fuzz_stream_byte(APP_STREAM_SALT + v->app_written + i);
    }
    size_t room = tcp_connection_remaining_outbound_capacity(c);
    size_t k = tcp_connection_write(c, buf, n);
    FUZZ_CHECK(k <= n && k <= room);
    v->app_written += k;
}

static void app_read(struct tcp_connection *c, struct fuzz_reader *in, struct peer_view *v) {
    uint8_t buf[4096];
    /* Through the connection, so that window updates happen too. */
    size_t k = tcp_connection_read(c, buf, fuzz_u16(in) % sizeof buf);
    FUZZ_CHECK(k == 0 || v->isn_known);
    for (size_t i = 0; i < k; i++) {
        FUZZ_CHECK(buf[i] == fuzz_stream_byte(wrap32_add(v->isn, (uint32_t)(1 + v->read + i)).raw));
    }
    v->read += k;
}

/* Pops everything queued and checks each segment. */
static void check_segments_out(struct tcp_connection *c, struct peer_view *v) {
    struct tcp_segment seg;
    size_t count = 0;
    while (tcp_connection_segments_out(c, &seg)) {
        FUZZ_CHECK(++count <= v->max_segments);
        FUZZ_CHECK(seg.header.win <= c->cfg.recv_capacity);
        if (seg.header.ack) {
            struct wrap32 ack;
            FUZZ_CHECK(tcp_receiver_ackno(&c->receiver, &ack) && seq_eq(ack, seg.header.ackno));
        }
        /* Our payload: byte i sits at stream index seqno + SYN + i - (ISN + 1). */
        uint32_t start = wrap32_add(seg.header.seqno, seg.header.syn).raw - v->our_isn.raw - 1;
        size_t len = byte_view2_len(&seg.payload);
        FUZZ_CHECK(len <= c->cfg.max_payload);
        FUZZ_CHECK(len == 0 || (uint64_t)start + len <= v->app_written);
        size_t i = 0;
        for (int p = 0; p < 2; p++) {
            for (size_t j = 0; j < seg.payload.part[p].len; j++, i++) {
                FUZZ_CHECK(seg.payload.part[p].data[j] == fuzz_stream_byte(APP_STREAM_SALT + start + i));
            }
        }
    }
}

static void check_state(struct tcp_connection *c, struct peer_view *v) {
    struct byte_stream *inbound = tcp_connection_inbound_stream(c);
    size_t cap = c->cfg.recv_capacity;
    FUZZ_CHECK(byte_stream_buffer_size(inbound) + tcp_connection_unassembled_bytes(c) <= cap);
    FUZZ_CHECK(tcp_connection_remaining_outbound_capacity(c) <= c->cfg.send_capacity);
    FUZZ_CHECK(tcp_connection_bytes_in_flight(c) <= v->app_written + 2);
    struct wrap32 ack;
    if (tcp_receiver_ackno(&c->receiver, &ack)) {
        /* Acknowledged: SYN, every byte assembled in order, and the FIN once assembled. */
        uint64_t expect = 1 + byte_stream_bytes_written(inbound) + byte_stream_input_ended(inbound);
        FUZZ_CHECK(v->isn_known && seq_eq(ack, wrap32_add(v->isn, (uint32_t)expect)));
    }
}

int fuzz_tcp_connection(const uint8_t *data, size_t len) {
    struct fuzz_reader in = {data, len};
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.recv_capacity = 1 + fuzz_u16(&in) % 4000;
    cfg.send_capacity = 1 + fuzz_u16(&in) % 4000;
    cfg.max_payload = 1 + fuzz_u16(&in) % 1500;
    cfg.rt_timeout = 1 + fuzz_u16(&in) % 2000;
    cfg.max_retx_attempts = fuzz_u8(&in) % 10;
    cfg.fixed_isn_set = true;
    cfg.fixed_isn = fuzz_u32(&in);
    struct wrap32 peer_base = wrap32_of(fuzz_u32(&in));
    bool active = fuzz_u8(&in) & 1;

    struct peer_view v = {.our_isn = wrap32_of(cfg.fixed_isn)};
    /* One op can fill the window with the whole outbound stream, plus SYN/FIN/ACK/RST ones. */
    v.max_segments = cfg.send_capacity / cfg.max_payload + 8;
    struct tcp_connection c;
    FUZZ_CHECK(tcp_connection_init(&c, &cfg) == SPONGE_OK);
    if (active) {
        tcp_connection_connect(&c);
    }
    check_segments_out(&c, &v);
    for (size_t op = 0; op < MAX_OPS && in.left > 0; op++) {
        switch (fuzz_u8(&in) % 6) {
            case 0:
                send_segment(&c, &in, peer_base, &v);
                break;
            case 1:
                tcp_connection_tick(&c, fuzz_u16(&in));
                break;
            case 2:
                app_write(&c, &in, &v);
                break;
            case 3:
                app_read(&c, &in, &v);
                break;
            case 4:
                tcp_connection_end_input_stream(&c);
                break;
            default:
                break;
        }
        check_state(&c, &v);
        check_segments_out(&c, &v);
    }
    tcp_connection_destroy(&c);
    struct tcp_segment last;
    tcp_connection_segments_out(&c, &last);
    return 0;
}
