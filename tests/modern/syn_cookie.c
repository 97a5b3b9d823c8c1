/* SYN cookies (libsponge/tcp/syn_cookie.h, RFC 4987 3.6), step by step: the cookie round trip,
 * what must not validate (another key, tuple, ISN, an expired slot), the MSS table, the TSval
 * layout, the SYN+ACK a cookie listener sends and the connection a cookie ACK makes. */
#include "tcp/syn_cookie.h"
#include "harness.h"
#include "tcp/tcp_connection_cookie.h"

#include <string.h>

static const uint8_t KEY[SIPHASH_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t OTHER_KEY[SIPHASH_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17};

static const struct tcp_four_tuple TUPLE = {
    .local_addr = 0xA9FE9009u, .remote_addr = 0xA9FE9001u, .local_port = 80, .remote_port = 40000};

static int round_trip(void) {
    struct harness h;
    struct syn_cookies sc;
    harness_begin(&h, "syn cookie: every MSS index round-trips, for many ISNs");
    syn_cookies_init(&sc, KEY);
    for (uint32_t isn = 0; isn < 4000; isn += 7) {
        for (unsigned idx = 0; idx < SYN_COOKIE_MSS_ENTRIES; idx++) {
            uint32_t peer_isn = isn * 2654435761u;
            uint32_t cookie = syn_cookie_make(&sc, &TUPLE, peer_isn, idx);
            unsigned got = 99;
            if (!syn_cookie_validate(&sc, &TUPLE, peer_isn, cookie, &got) || got != idx) {
                STEP(&h, "peer ISN %u, MSS index %u: cookie %u", (unsigned)peer_isn, idx, (unsigned)cookie);
                EXPECT_TRUE(&h, "validates", syn_cookie_validate(&sc, &TUPLE, peer_isn, cookie, &got));
                EXPECT_EQ(&h, "MSS index", idx, got);
                return harness_end(&h);
            }
        }
    }
    STEP(&h, "the MSS index changes only the low 3 bits");
    uint32_t c0 = syn_cookie_make(&sc, &TUPLE, 5, 0), c7 = syn_cookie_make(&sc, &TUPLE, 5, 7);
    EXPECT_EQ(&h, "high bits equal", c0 & ~7u, c7 & ~7u);
    EXPECT_TRUE(&h, "low bits differ", c0 != c7);
    return harness_end(&h);
}

static int rejected(void) {
    struct harness h;
    struct syn_cookies sc, other;
    harness_begin(&h, "syn cookie: another key, tuple, ISN or an old slot is rejected");
    syn_cookies_init(&sc, KEY);
    syn_cookies_init(&other, OTHER_KEY);
    uint32_t cookie = syn_cookie_make(&sc, &TUPLE, 1234, 3);
    unsigned idx;
    EXPECT_TRUE(&h, "valid as made", syn_cookie_validate(&sc, &TUPLE, 1234, cookie, &idx));
    EXPECT_BOOL(&h, "another key", false, syn_cookie_validate(&other, &TUPLE, 1234, cookie, &idx));
    EXPECT_BOOL(&h, "another peer ISN", false, syn_cookie_validate(&sc, &TUPLE, 1235, cookie, &idx));
    EXPECT_BOOL(&h, "cookie + 8 (hash bits)", false, syn_cookie_validate(&sc, &TUPLE, 1234, cookie + 8, &idx));
    struct tcp_four_tuple t = TUPLE;
    t.remote_port++;
    EXPECT_BOOL(&h, "another remote port", false, syn_cookie_validate(&sc, &t, 1234, cookie, &idx));
    t = TUPLE;
    t.local_port++;
    EXPECT_BOOL(&h, "another local port", false, syn_cookie_validate(&sc, &t, 1234, cookie, &idx));
    t = TUPLE;
    t.remote_addr++;
    EXPECT_BOOL(&h, "another remote address", false, syn_cookie_validate(&sc, &t, 1234, cookie, &idx));
    t = TUPLE;
    t.local_addr++;
    EXPECT_BOOL(&h, "another local address", false, syn_cookie_validate(&sc, &t, 1234, cookie, &idx));

    STEP(&h, "time: valid in its slot and the next, not after");
    syn_cookies_tick(&sc, SYN_COOKIE_SLOT_MS - 1);
    EXPECT_TRUE(&h, "same slot", syn_cookie_validate(&sc, &TUPLE, 1234, cookie, &idx));
    syn_cookies_tick(&sc, 1);
    EXPECT_TRUE(&h, "next slot", syn_cookie_validate(&sc, &TUPLE, 1234, cookie, &idx));
    EXPECT_EQ(&h, "MSS index still", 3, idx);
    uint32_t newer = syn_cookie_make(&sc, &TUPLE, 1234, 3);
    EXPECT_TRUE(&h, "a cookie of the new slot differs", newer != cookie);
    syn_cookies_tick(&sc, SYN_COOKIE_SLOT_MS - 1);
    EXPECT_TRUE(&h, "end of the next slot", syn_cookie_validate(&sc, &TUPLE, 1234, cookie, &idx));
    syn_cookies_tick(&sc, 1);
    EXPECT_BOOL(&h, "two slots later: expired", false, syn_cookie_validate(&sc, &TUPLE, 1234, cookie, &idx));
    EXPECT_TRUE(&h, "the newer one still valid", syn_cookie_validate(&sc, &TUPLE, 1234, newer, &idx));
    return harness_end(&h);
}

static int mss_table(void) {
    struct harness h;
    harness_begin(&h, "syn cookie: MSS rounded down to the table");
    for (unsigned i = 1; i < SYN_COOKIE_MSS_ENTRIES; i++) {
        EXPECT_TRUE(&h, "table ascending", syn_cookie_mss_table[i - 1] < syn_cookie_mss_table[i]);
    }
    EXPECT_EQ(&h, "1460 (Ethernet)", 1460, syn_cookie_mss_table[syn_cookie_mss_index(1460)]);
    EXPECT_EQ(&h, "65495 (loopback) -> 1460", 1460, syn_cookie_mss_table[syn_cookie_mss_index(65495)]);
    EXPECT_EQ(&h, "1448 -> 1440", 1440, syn_cookie_mss_table[syn_cookie_mss_index(1448)]);
    EXPECT_EQ(&h, "536 (RFC 9293 default)", 536, syn_cookie_mss_table[syn_cookie_mss_index(536)]);
    EXPECT_EQ(&h, "1000 -> 536", 536, syn_cookie_mss_table[syn_cookie_mss_index(1000)]);
    EXPECT_EQ(&h, "100 -> smallest", syn_cookie_mss_table[0], syn_cookie_mss_table[syn_cookie_mss_index(100)]);
    for (unsigned mss = syn_cookie_mss_table[0]; mss < 2000; mss++) {
        unsigned i = syn_cookie_mss_index((uint16_t)mss);
        if (syn_cookie_mss_table[i] > mss || (i + 1 < SYN_COOKIE_MSS_ENTRIES && syn_cookie_mss_table[i + 1] <= mss)) {
            STEP(&h, "MSS %u", mss);
            FAIL(&h, "rounded to %u, not the largest entry <= it", (unsigned)syn_cookie_mss_table[i]);
            break;
        }
    }
    return harness_end(&h);
}

static int timestamps(void) {
    struct harness h;
    harness_begin(&h, "syn cookie: window scale and SACK-permitted in the TSval's low bits");
    uint32_t cookie = 0x12345678u;
    for (unsigned ws = 0; ws <= 15; ws++) {
        if (ws > 14 && ws != SYN_COOKIE_NO_WSCALE) {
            continue;
        }
        for (int sack = 0; sack < 2; sack++) {
            uint32_t ts = syn_cookie_tsval(cookie, ws, sack);
            unsigned got_ws = 99;
            bool got_sack = !sack;
            EXPECT_TRUE(&h, "decodes", syn_cookie_tsval_decode(cookie, ts, &got_ws, &got_sack));
            EXPECT_EQ(&h, "window shift", ws, got_ws);
            EXPECT_BOOL(&h, "SACK-permitted", sack, got_sack);
            EXPECT_TRUE(&h, "below the cookie (our next TSvals start there)", seq_lt(wrap32_of(ts), wrap32_of(cookie)));
            EXPECT_TRUE(&h, "no more than 127 below", cookie - ts <= 127);
        }
    }
    unsigned ws;
    bool sack;
    uint32_t ts = syn_cookie_tsval(cookie, 7, true);
    EXPECT_BOOL(&h, "another cookie's TSval", false, syn_cookie_tsval_decode(cookie + 64, ts, &ws, &sack));
    EXPECT_BOOL(&h, "reserved bit 5 set", false, syn_cookie_tsval_decode(cookie, ts | 0x20, &ws, &sack));
    EXPECT_BOOL(&h, "window shift 15 is 'none', 14 the largest: 0..14 or 15 only", true,
                syn_cookie_tsval_decode(cookie, syn_cookie_tsval(cookie, 15, false), &ws, &sack));
    EXPECT_BOOL(&h, "TSecr 0", false, syn_cookie_tsval_decode(cookie, 0, &ws, &sack));
    STEP(&h, "a cookie near 0 wraps (the TSval is cookie - 64.. - 127 mod 2^32)");
    ts = syn_cookie_tsval(5, 2, false);
    EXPECT_TRUE(&h, "decodes", syn_cookie_tsval_decode(5, ts, &ws, &sack));
    EXPECT_EQ(&h, "window shift", 2, ws);
    return harness_end(&h);
}

static struct tcp_header syn_from_peer(uint32_t isn, bool with_ts) {
    struct tcp_header syn = {
        .sport = TUPLE.remote_port,
        .dport = TUPLE.local_port,
        .seqno = wrap32_of(isn),
        .syn = true,
        .win = 64240,
        .opts = {.has_mss = true, .mss = 1460, .has_window_scale = true, .window_scale = 7, .sack_permitted = true}};
    if (with_ts) {
        syn.opts.has_timestamps = true;
        syn.opts.ts_val = 777000;
    }
    return syn;
}

static int answer_and_check(void) {
    struct harness h;
    struct syn_cookies sc;
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    tcp_config_set_modern(&cfg, true);
    harness_begin(&h, "syn cookie: the SYN+ACK, and the ACK that returns it");
    syn_cookies_init(&sc, KEY);

    STEP(&h, "SYN with MSS 1460, WS 7, SACK-permitted, timestamps");
    struct tcp_header syn = syn_from_peer(5000, true);
    struct tcp_segment sa;
    syn_cookie_answer(&sc, &cfg, &TUPLE, &syn, &sa);
    EXPECT_TRUE(&h, "SYN+ACK", sa.header.syn && sa.header.ack);
    EXPECT_EQ(&h, "ackno", 5001, sa.header.ackno.raw);
    EXPECT_EQ(&h, "ports", TUPLE.remote_port, sa.header.dport);
    EXPECT_TRUE(&h, "our MSS", sa.header.opts.has_mss && sa.header.opts.mss == 1460);
    EXPECT_TRUE(&h, "our window scale", sa.header.opts.has_window_scale);
    EXPECT_TRUE(&h, "SACK-permitted", sa.header.opts.sack_permitted);
    EXPECT_TRUE(&h, "timestamps", sa.header.opts.has_timestamps);
    EXPECT_EQ(&h, "TSecr = the SYN's TSval", 777000, sa.header.opts.ts_ecr);
    EXPECT_EQ(&h, "window (unscaled on a SYN)", 65535, sa.header.win);

    STEP(&h, "the peer's ACK returns the cookie");
    struct tcp_header ack = {.sport = TUPLE.remote_port,
                             .dport = TUPLE.local_port,
                             .seqno = wrap32_of(5001),
                             .ackno = wrap32_add(sa.header.seqno, 1),
                             .ack = true,
                             .win = 502,
                             .opts = {.has_timestamps = true, .ts_val = 777010, .ts_ecr = sa.header.opts.ts_val}};
    struct syn_cookie_syn got;
    EXPECT_EQ(&h, "check", SYN_COOKIE_OK, syn_cookie_check(&sc, &TUPLE, &ack, &got));
    EXPECT_EQ(&h, "peer ISN", 5000, got.peer_isn.raw);
    EXPECT_EQ(&h, "our ISN", sa.header.seqno.raw, got.our_isn.raw);
    EXPECT_EQ(&h, "MSS", 1460, got.mss);
    EXPECT_TRUE(&h, "window scale 7", got.window_scale && got.wscale == 7);
    EXPECT_TRUE(&h, "SACK", got.sack_permitted);
    EXPECT_TRUE(&h, "timestamps, TSval", got.timestamps && got.ts_val == 777010);

    STEP(&h, "the same ACK with another TSecr, or another seqno");
    struct tcp_header bad = ack;
    bad.opts.ts_ecr += 64;
    EXPECT_EQ(&h, "TSecr not ours", SYN_COOKIE_BAD_TIMESTAMP, syn_cookie_check(&sc, &TUPLE, &bad, &got));
    bad = ack;
    bad.seqno = wrap32_of(5002);
    EXPECT_EQ(&h, "seqno not ISN + 1", SYN_COOKIE_BAD, syn_cookie_check(&sc, &TUPLE, &bad, &got));
    bad = ack;
    bad.ackno = wrap32_add(bad.ackno, 8);
    EXPECT_EQ(&h, "ackno off", SYN_COOKIE_BAD, syn_cookie_check(&sc, &TUPLE, &bad, &got));

    STEP(&h, "SYN without timestamps: window scaling and SACK are not offered");
    syn = syn_from_peer(9000, false);
    syn.opts.mss = 1400;
    syn_cookie_answer(&sc, &cfg, &TUPLE, &syn, &sa);
    EXPECT_BOOL(&h, "no window scale", false, sa.header.opts.has_window_scale);
    EXPECT_BOOL(&h, "no SACK-permitted", false, sa.header.opts.sack_permitted);
    EXPECT_BOOL(&h, "no timestamps", false, sa.header.opts.has_timestamps);
    ack = (struct tcp_header){.seqno = wrap32_of(9001), .ackno = wrap32_add(sa.header.seqno, 1), .ack = true};
    EXPECT_EQ(&h, "check", SYN_COOKIE_OK, syn_cookie_check(&sc, &TUPLE, &ack, &got));
    EXPECT_EQ(&h, "MSS", 1400, got.mss);
    EXPECT_BOOL(&h, "no options", false, got.window_scale || got.sack_permitted || got.timestamps);

    STEP(&h, "SYN without MSS option: 536 kept (RFC 9293 3.7.1)");
    syn.opts.has_mss = false;
    syn_cookie_answer(&sc, &cfg, &TUPLE, &syn, &sa);
    ack.ackno = wrap32_add(sa.header.seqno, 1);
    EXPECT_EQ(&h, "check", SYN_COOKIE_OK, syn_cookie_check(&sc, &TUPLE, &ack, &got));
    EXPECT_EQ(&h, "MSS", 536, got.mss);
    return harness_end(&h);
}

static int connection_from_cookie(void) {
    struct harness h;
    struct syn_cookies sc;
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    tcp_config_set_modern(&cfg, true);
    harness_begin(&h, "syn cookie: the ACK makes an ESTABLISHED connection with the kept options");
    syn_cookies_init(&sc, KEY);
    struct tcp_header syn = syn_from_peer(5000, true);
    struct tcp_segment sa;
    syn_cookie_answer(&sc, &cfg, &TUPLE, &syn, &sa);
    struct tcp_segment ack = {
        .header = {.sport = TUPLE.remote_port,
                   .dport = TUPLE.local_port,
                   .seqno = wrap32_of(5001),
                   .ackno = wrap32_add(sa.header.seqno, 1),
                   .ack = true,
                   .psh = true,
                   .win = 502,
                   .opts = {.has_timestamps = true, .ts_val = 777010, .ts_ecr = sa.header.opts.ts_val}},
        .payload = byte_view2_of("hello", 5)};
    struct syn_cookie_syn kept;
    EXPECT_EQ(&h, "check", SYN_COOKIE_OK, syn_cookie_check(&sc, &TUPLE, &ack.header, &kept));
    struct tcp_connection c;
    EXPECT_EQ(&h, "init from cookie", SPONGE_OK, tcp_connection_init_from_cookie(&c, &cfg, &kept, &ack));
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_connection_state(&c));
    EXPECT_EQ(&h, "the ACK's data was taken", 5, byte_stream_buffer_size(tcp_connection_inbound_stream(&c)));
    EXPECT_EQ(&h, "segments received (the replayed SYN not counted)", 1,
              tcp_connection_counters(&c)->segments_received);
    STEP(&h, "our next segment: seqno the cookie + 1, window scaled by 2^7 from the peer, timestamps");
    EXPECT_EQ(&h, "write", 1, tcp_connection_write(&c, "x", 1));
    struct tcp_segment out;
    EXPECT_TRUE(&h, "a segment", tcp_connection_segments_out(&c, &out));
    EXPECT_EQ(&h, "seqno", sa.header.seqno.raw + 1, out.header.seqno.raw);
    EXPECT_EQ(&h, "ackno", 5006, out.header.ackno.raw);
    EXPECT_TRUE(&h, "timestamps on", out.header.opts.has_timestamps);
    EXPECT_EQ(&h, "TSecr = the peer's latest", 777010, out.header.opts.ts_ecr);
    EXPECT_TRUE(&h, "TSval not below the cookie's (RFC 7323 5.3)",
                seq_geq(wrap32_of(out.header.opts.ts_val), wrap32_of(sa.header.opts.ts_val)));
    EXPECT_TRUE(&h, "window field scaled (ours: shift > 0 for 1 MiB)", out.header.win < 65535);
    EXPECT_EQ(&h, "peer's window 502 << 7 lets the byte go", 1, byte_view2_len(&out.payload));
    STEP(&h, "no RTT sample from the replayed handshake: the RTO is still the initial %u ms", cfg.rt_timeout);
    tcp_connection_tick(&c, cfg.rt_timeout - 1);
    EXPECT_BOOL(&h, "no retransmission yet", false, tcp_connection_segments_out(&c, &out));
    tcp_connection_tick(&c, 1);
    EXPECT_TRUE(&h, "retransmitted at the initial RTO", tcp_connection_segments_out(&c, &out));
    EXPECT_EQ(&h, "the byte again", 1, byte_view2_len(&out.payload));
    tcp_connection_destroy(&c);
    while (tcp_connection_segments_out(&c, &out)) {
    }
    return harness_end(&h);
}

int main(void) {
    round_trip();
    rejected();
    mss_table();
    timestamps();
    answer_and_check();
    connection_from_cookie();
    return 0;
}
