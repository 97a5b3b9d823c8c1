/* TCP header: hand-computed checksum, round trips of every option kind and flag, option
 * parsing rules, every error code, split payloads, the one-line description. */

#include "harness.h"
#include "util/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#include <string.h>

#define SRC 0xa9fe9001u /* 169.254.144.1 */
#define DST 0xa9fe9009u /* 169.254.144.9 */

/* Recomputes the checksum of a hand-edited segment. */
static void fix_checksum(uint8_t *seg, size_t len) {
    seg[16] = seg[17] = 0;
    uint16_t c =
        checksum_finish(checksum_add(checksum_pseudo_header(SRC, DST, IPV4_PROTO_TCP, (uint16_t)len), seg, len));
    seg[16] = (uint8_t)(c >> 8);
    seg[17] = (uint8_t)c;
}

static int hand_computed(void) {
    struct harness h;
    harness_begin(&h, "tcp: a segment with odd payload, checksum by hand [L2.R16 L2.R14]");
    /* 169.254.144.1:1000 -> 169.254.144.9:80, seq 100, ack 200, SYN+ACK, win 4000, "hello".
     * Pseudo-header: a9fe + 9001 + a9fe + 9009 + 0006 + 0019 (length 25) = 27425.
     * Header: 03e8 + 0050 + 0000 + 0064 + 0000 + 00c8 + 5012 + 0fa0 + 0 + 0 = 6516.
     * Payload "hello": 6865 + 6c6c + 6f00 (odd byte padded) = 143d1.
     * Total 27425 + 6516 + 143d1 = 41d0c; carry: 1d0c + 4 = 1d10; complement: e2ef. */
    const uint8_t expected[] = {0x03, 0xe8, 0x00, 0x50, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0xc8, 0x50,
                                0x12, 0x0f, 0xa0, 0xe2, 0xef, 0x00, 0x00, 'h',  'e',  'l',  'l',  'o'};
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.header.sport = 1000;
    seg.header.dport = 80;
    seg.header.seqno = wrap32_of(100);
    seg.header.ackno = wrap32_of(200);
    seg.header.syn = seg.header.ack = true;
    seg.header.win = 4000;
    seg.payload = byte_view2_of("hello", 5);
    uint8_t out[64];
    size_t n = 0;
    STEP(&h, "serialize");
    EXPECT_EQ(&h, "header length", 20, tcp_header_length(&seg.header));
    EXPECT_EQ(&h, "serialize", SPONGE_OK, tcp_segment_serialize(&seg, SRC, DST, out, sizeof out, &n));
    EXPECT_BYTES(&h, "segment", expected, sizeof expected, out, n);
    STEP(&h, "header only, payload split 1 + 4 (odd first piece)");
    seg.payload = (struct byte_view2){{{(const uint8_t *)"h", 1}, {(const uint8_t *)"ello", 4}}};
    EXPECT_EQ(&h, "serialize header", SPONGE_OK, tcp_header_serialize(&seg, SRC, DST, out, sizeof out, &n));
    EXPECT_BYTES(&h, "header", expected, 20, out, n);
    STEP(&h, "parse the expected bytes with checksum verification");
    struct tcp_segment back;
    EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(expected, sizeof expected, SRC, DST, true, &back));
    EXPECT_EQ(&h, "checksum", 0xe2ef, back.header.checksum);
    EXPECT_EQ(&h, "data_offset", 5, back.header.data_offset);
    EXPECT_EQ(&h, "payload length", 5, byte_view2_len(&back.payload));
    EXPECT_TRUE(&h, "payload points into the input", back.payload.part[0].data == expected + 20);
    EXPECT_EQ(&h, "sequence length (SYN + 5)", 6, tcp_segment_length_in_sequence_space(&back));
    STEP(&h, "swapped addresses still verify (the sum commutes), one changed address bit does not");
    EXPECT_EQ(&h, "parse swapped", SPONGE_OK, tcp_segment_parse(expected, sizeof expected, DST, SRC, true, &back));
    EXPECT_EQ(&h, "parse changed", SPONGE_ERR_BAD_CHECKSUM,
              tcp_segment_parse(expected, sizeof expected, SRC ^ 0x100, DST, true, &back));
    STEP(&h, "without verification they parse");
    EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(expected, sizeof expected, 0, 0, false, &back));
    return harness_end(&h);
}

static void expect_same_header(struct harness *h, const struct tcp_header *a, const struct tcp_header *b) {
    EXPECT_EQ(h, "sport", a->sport, b->sport);
    EXPECT_EQ(h, "dport", a->dport, b->dport);
    EXPECT_EQ(h, "seqno", a->seqno.raw, b->seqno.raw);
    EXPECT_EQ(h, "ackno", a->ackno.raw, b->ackno.raw);
    EXPECT_BOOL(h, "urg", a->urg, b->urg);
    EXPECT_BOOL(h, "ack", a->ack, b->ack);
    EXPECT_BOOL(h, "psh", a->psh, b->psh);
    EXPECT_BOOL(h, "rst", a->rst, b->rst);
    EXPECT_BOOL(h, "syn", a->syn, b->syn);
    EXPECT_BOOL(h, "fin", a->fin, b->fin);
    EXPECT_EQ(h, "win", a->win, b->win);
    EXPECT_EQ(h, "urgent_ptr", a->urgent_ptr, b->urgent_ptr);
    const struct tcp_options *x = &a->opts, *y = &b->opts;
    EXPECT_BOOL(h, "has_mss", x->has_mss, y->has_mss);
    EXPECT_EQ(h, "mss", x->has_mss ? x->mss : 0, y->has_mss ? y->mss : 0);
    EXPECT_BOOL(h, "has_window_scale", x->has_window_scale, y->has_window_scale);
    EXPECT_EQ(h, "window_scale", x->has_window_scale ? x->window_scale : 0, y->has_window_scale ? y->window_scale : 0);
    EXPECT_BOOL(h, "sack_permitted", x->sack_permitted, y->sack_permitted);
    EXPECT_BOOL(h, "has_timestamps", x->has_timestamps, y->has_timestamps);
    EXPECT_EQ(h, "ts_val", x->has_timestamps ? x->ts_val : 0, y->has_timestamps ? y->ts_val : 0);
    EXPECT_EQ(h, "ts_ecr", x->has_timestamps ? x->ts_ecr : 0, y->has_timestamps ? y->ts_ecr : 0);
    EXPECT_EQ(h, "sack_count", x->sack_count, y->sack_count);
    for (unsigned i = 0; i < x->sack_count && i < y->sack_count; i++) {
        EXPECT_EQ(h, "sack left", x->sack[i].left.raw, y->sack[i].left.raw);
        EXPECT_EQ(h, "sack right", x->sack[i].right.raw, y->sack[i].right.raw);
    }
}

static int options_round_trip(void) {
    struct harness h;
    harness_begin(&h, "tcp: round trip of every option combination [L2.R16]");
    /* 16 combinations of MSS, window scale, SACK-permitted, timestamps, times 0..4 SACK blocks. */
    for (unsigned mask = 0; mask < 16; mask++) {
        for (unsigned sacks = 0; sacks <= TCP_MAX_SACK_BLOCKS; sacks++) {
            struct tcp_segment seg;
            memset(&seg, 0, sizeof seg);
            struct tcp_header *th = &seg.header;
            th->sport = 40000;
            th->dport = 443;
            th->seqno = wrap32_of(0xfffffff0u + mask);
            th->ackno = wrap32_of(0x12345678u * (mask + 1));
            th->ack = true;
            th->psh = sacks & 1;
            th->win = (uint16_t)(1000 * mask + sacks);
            th->opts.has_mss = mask & 1;
            th->opts.mss = 1460;
            th->opts.has_window_scale = mask & 2;
            th->opts.window_scale = 14;
            th->opts.sack_permitted = mask & 4;
            th->opts.has_timestamps = mask & 8;
            th->opts.ts_val = 0xdeadbeef;
            th->opts.ts_ecr = 0x01020304;
            th->opts.sack_count = (uint8_t)sacks;
            for (unsigned i = 0; i < sacks; i++) {
                th->opts.sack[i].left = wrap32_of(1000 * i + 0xfffff000u);
                th->opts.sack[i].right = wrap32_of(1000 * i + 0xfffff000u + 500);
            }
            STEP(&h, "mss %d ws %d sackok %d ts %d, %u SACK blocks", th->opts.has_mss, th->opts.has_window_scale,
                 th->opts.sack_permitted, th->opts.has_timestamps, sacks);
            /* Expected layout size, worked out from tcp.h: 4 + 12 (or 4 for SACK-permitted
             * alone) + 4 + (4 + 8n), SACK blocks dropped from the end while over 40. */
            size_t fixed = (mask & 1 ? 4 : 0) + (mask & 8 ? 12 : (mask & 4 ? 4 : 0)) + (mask & 2 ? 4 : 0);
            unsigned fit = sacks;
            while (fit && fixed + 4 + 8 * fit > 40) {
                fit--;
            }
            size_t hlen = 20 + fixed + (fit ? 4 + 8 * fit : 0);
            EXPECT_EQ(&h, "header length", hlen, tcp_header_length(th));
            uint8_t out[100];
            size_t n = 0;
            seg.payload = byte_view2_of("xyz", 3);
            EXPECT_EQ(&h, "serialize", SPONGE_OK, tcp_segment_serialize(&seg, SRC, DST, out, sizeof out, &n));
            EXPECT_EQ(&h, "written", hlen + 3, n);
            EXPECT_EQ(&h, "every 4th option byte-aligned: total % 4", 0, hlen % 4);
            struct tcp_segment back;
            EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(out, n, SRC, DST, true, &back));
            EXPECT_EQ(&h, "data_offset", hlen / 4, back.header.data_offset);
            th->opts.sack_count = (uint8_t)fit; /* the ones that did not fit are not expected back */
            expect_same_header(&h, th, &back.header);
            EXPECT_BYTES(&h, "payload", "xyz", 3, back.payload.part[0].data, byte_view2_len(&back.payload));
        }
    }
    return harness_end(&h);
}

static int flags_round_trip(void) {
    struct harness h;
    harness_begin(&h, "tcp: every flag combination, urgent pointer, extreme numbers [L2.R16]");
    for (unsigned f = 0; f < 64; f++) {
        struct tcp_segment seg;
        memset(&seg, 0, sizeof seg);
        seg.header.sport = 65535;
        seg.header.dport = 1;
        seg.header.seqno = wrap32_of(0xffffffffu - f);
        seg.header.ackno = wrap32_of(f);
        seg.header.urg = f & 1;
        seg.header.ack = f & 2;
        seg.header.psh = f & 4;
        seg.header.rst = f & 8;
        seg.header.syn = f & 16;
        seg.header.fin = f & 32;
        seg.header.win = 65535;
        seg.header.urgent_ptr = (uint16_t)(0x8000 | f);
        STEP(&h, "flags %#x", f);
        uint8_t out[20];
        size_t n = 0;
        EXPECT_EQ(&h, "serialize", SPONGE_OK, tcp_segment_serialize(&seg, SRC, DST, out, sizeof out, &n));
        struct tcp_segment back;
        EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(out, n, SRC, DST, true, &back));
        expect_same_header(&h, &seg.header, &back.header);
        EXPECT_EQ(&h, "payload", 0, byte_view2_len(&back.payload));
    }
    return harness_end(&h);
}

/* A 20-byte header followed by `opt` (padded by the caller to a multiple of 4), then "pl". */
static size_t build_with_options(uint8_t *buf, const uint8_t *opt, size_t opt_len) {
    memset(buf, 0, 20);
    buf[0] = 0x30;
    buf[1] = 0x39; /* sport 12345 */
    buf[3] = 80;
    buf[12] = (uint8_t)((20 + opt_len) / 4 << 4);
    buf[13] = 0x10; /* ACK */
    buf[14] = 0xff;
    memcpy(buf + 20, opt, opt_len);
    memcpy(buf + 20 + opt_len, "pl", 2);
    size_t len = 20 + opt_len + 2;
    fix_checksum(buf, len);
    return len;
}

static int option_rules(void) {
    struct harness h;
    harness_begin(&h, "tcp: option parsing rules and errors [L2.R16]");
    uint8_t buf[80];
    struct tcp_segment seg;
    size_t len;

    STEP(&h, "unknown kind 30 (6 bytes) and kind 254 (4 bytes) skipped, then MSS");
    const uint8_t unknown[] = {30, 6, 1, 2, 3, 4, 254, 4, 9, 9, 2, 4, 0x05, 0xb4, 0, 0};
    len = build_with_options(buf, unknown, sizeof unknown);
    EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(buf, len, SRC, DST, true, &seg));
    EXPECT_TRUE(&h, "has_mss", seg.header.opts.has_mss);
    EXPECT_EQ(&h, "mss", 1460, seg.header.opts.mss);
    EXPECT_BYTES(&h, "payload", "pl", 2, seg.payload.part[0].data, byte_view2_len(&seg.payload));

    STEP(&h, "EOL ends the list: bytes after it are not options");
    const uint8_t eol[] = {1, 0, 2, 0, 0, 0, 0, 0};
    len = build_with_options(buf, eol, sizeof eol);
    EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(buf, len, SRC, DST, true, &seg));
    EXPECT_BOOL(&h, "has_mss", false, seg.header.opts.has_mss);

    STEP(&h, "Linux SYN layout: MSS, SACK-permitted, timestamps, NOP, window scale 7");
    const uint8_t linux_syn[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
    len = build_with_options(buf, linux_syn, sizeof linux_syn);
    EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(buf, len, SRC, DST, true, &seg));
    EXPECT_EQ(&h, "mss", 1460, seg.header.opts.mss);
    EXPECT_TRUE(&h, "sack_permitted", seg.header.opts.sack_permitted);
    EXPECT_TRUE(&h, "has_timestamps", seg.header.opts.has_timestamps);
    EXPECT_EQ(&h, "ts_val", 1, seg.header.opts.ts_val);
    EXPECT_TRUE(&h, "has_window_scale", seg.header.opts.has_window_scale);
    EXPECT_EQ(&h, "window_scale", 7, seg.header.opts.window_scale);
    EXPECT_EQ(&h, "sack_count", 0, seg.header.opts.sack_count);

    STEP(&h, "a repeated option: the last one wins");
    const uint8_t twice[] = {2, 4, 0x01, 0x00, 2, 4, 0x02, 0x00};
    len = build_with_options(buf, twice, sizeof twice);
    EXPECT_EQ(&h, "parse", SPONGE_OK, tcp_segment_parse(buf, len, SRC, DST, true, &seg));
    EXPECT_EQ(&h, "mss", 0x200, seg.header.opts.mss);

    struct {
        const char *what;
        uint8_t opt[12];
        size_t len;
        enum sponge_err expected;
    } bad[] = {
        {"option length 0", {30, 0, 0, 0}, 4, SPONGE_ERR_TRUNCATED},
        {"option length 1", {30, 1, 0, 0}, 4, SPONGE_ERR_TRUNCATED},
        {"option length past the header", {1, 30, 4, 0}, 4, SPONGE_ERR_TRUNCATED},
        {"MSS length past the header", {1, 1, 2, 4, 0, 0, 0, 0}, 4, SPONGE_ERR_TRUNCATED},
        {"length byte missing (kind is the last byte)", {1, 1, 1, 2}, 4, SPONGE_ERR_TRUNCATED},
        {"MSS with length 3", {2, 3, 5, 1}, 4, SPONGE_ERR_UNSUPPORTED},
        {"window scale with length 4", {3, 4, 7, 0}, 4, SPONGE_ERR_UNSUPPORTED},
        {"SACK-permitted with length 3", {4, 3, 0, 0}, 4, SPONGE_ERR_UNSUPPORTED},
        {"timestamps with length 8", {8, 8, 0, 0, 0, 0, 0, 0}, 8, SPONGE_ERR_UNSUPPORTED},
        {"SACK with no block (length 2)", {5, 2, 0, 0}, 4, SPONGE_ERR_UNSUPPORTED},
        {"SACK with length 12 (not 2 + 8n)", {5, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 12, SPONGE_ERR_UNSUPPORTED},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        STEP(&h, "%s", bad[i].what);
        len = build_with_options(buf, bad[i].opt, bad[i].len);
        EXPECT_EQ(&h, sponge_strerror(bad[i].expected), bad[i].expected,
                  tcp_segment_parse(buf, len, SRC, DST, true, &seg));
        EXPECT_EQ(&h, "same without checksum verification", bad[i].expected,
                  tcp_segment_parse(buf, len, SRC, DST, false, &seg));
    }
    return harness_end(&h);
}

static int header_errors(void) {
    struct harness h;
    harness_begin(&h, "tcp: header errors and output buffers [L2.R16]");
    uint8_t buf[64];
    struct tcp_segment seg;
    const uint8_t none[] = {1, 1, 1, 1};
    size_t len = build_with_options(buf, none, sizeof none); /* 24-byte header + 2 */

    STEP(&h, "19 bytes, and none");
    EXPECT_EQ(&h, "parse", SPONGE_ERR_PACKET_TOO_SHORT, tcp_segment_parse(buf, 19, SRC, DST, false, &seg));
    EXPECT_EQ(&h, "parse", SPONGE_ERR_PACKET_TOO_SHORT, tcp_segment_parse(NULL, 0, SRC, DST, false, &seg));
    STEP(&h, "data offset 4 and 0");
    buf[12] = 0x40;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_HEADER_TOO_SHORT, tcp_segment_parse(buf, len, SRC, DST, false, &seg));
    buf[12] = 0x00;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_HEADER_TOO_SHORT, tcp_segment_parse(buf, len, SRC, DST, false, &seg));
    STEP(&h, "data offset 7 (28 bytes) in 26");
    buf[12] = 0x70;
    EXPECT_EQ(&h, "parse", SPONGE_ERR_TRUNCATED, tcp_segment_parse(buf, len, SRC, DST, false, &seg));
    buf[12] = 0x60;
    fix_checksum(buf, len);
    STEP(&h, "every single-bit flip fails the checksum");
    for (size_t bit = 0; bit < len * 8; bit++) {
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        enum sponge_err err = tcp_segment_parse(buf, len, SRC, DST, true, &seg);
        buf[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        bool in_offset = bit / 8 == 12 && bit % 8 >= 4;
        if (!in_offset && err != SPONGE_ERR_BAD_CHECKSUM) {
            FAIL(&h, "bit %zu flipped: %s, expected bad checksum", bit, sponge_strerror(err));
        }
        if (err == SPONGE_OK) {
            FAIL(&h, "bit %zu flipped: accepted", bit);
        }
    }
    EXPECT_EQ(&h, "unflipped parses", SPONGE_OK, tcp_segment_parse(buf, len, SRC, DST, true, &seg));
    STEP(&h, "wrong pseudo-header: another source address");
    EXPECT_EQ(&h, "parse", SPONGE_ERR_BAD_CHECKSUM, tcp_segment_parse(buf, len, SRC + 1, DST, true, &seg));

    STEP(&h, "serialize into buffers one byte too small");
    struct tcp_segment out_seg;
    memset(&out_seg, 0, sizeof out_seg);
    out_seg.header.opts.has_mss = true;
    out_seg.payload = byte_view2_of("abc", 3);
    size_t n = 0;
    EXPECT_EQ(&h, "segment into 26", SPONGE_ERR_BUFFER_TOO_SMALL,
              tcp_segment_serialize(&out_seg, SRC, DST, buf, 26, &n));
    EXPECT_EQ(&h, "segment into 27", SPONGE_OK, tcp_segment_serialize(&out_seg, SRC, DST, buf, 27, &n));
    EXPECT_EQ(&h, "header into 23", SPONGE_ERR_BUFFER_TOO_SMALL, tcp_header_serialize(&out_seg, SRC, DST, buf, 23, &n));
    EXPECT_EQ(&h, "header into 24", SPONGE_OK, tcp_header_serialize(&out_seg, SRC, DST, buf, 24, &n));
    return harness_end(&h);
}

static int split_payloads(void) {
    struct harness h;
    harness_begin(&h, "tcp: header-only serialize over split payloads equals the whole segment [L2.R16]");
    uint8_t data[257];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = (uint8_t)(i * 37 + 11);
    }
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.header.sport = 5;
    seg.header.dport = 6;
    seg.header.ack = true;
    seg.header.opts.has_timestamps = true;
    seg.header.opts.ts_val = 77;
    for (size_t len = 0; len <= sizeof data; len += 1 + len / 3) {
        for (size_t split = 0; split <= len; split++) {
            uint8_t whole[400], hdr[60];
            size_t n = 0, hn = 0;
            seg.payload = byte_view2_of(data, len);
            if (tcp_segment_serialize(&seg, SRC, DST, whole, sizeof whole, &n) != SPONGE_OK) {
                FAIL(&h, "serialize %zu bytes", len);
            }
            seg.payload = (struct byte_view2){{{data, split}, {data + split, len - split}}};
            if (tcp_header_serialize(&seg, SRC, DST, hdr, sizeof hdr, &hn) != SPONGE_OK || hn != 32 ||
                memcmp(hdr, whole, hn) != 0) {
                FAIL(&h, "payload %zu split at %zu: header differs (checksum %02x%02x vs %02x%02x)", len, split,
                     hdr[16], hdr[17], whole[16], whole[17]);
            }
            uint8_t joined[400];
            memcpy(joined, whole, n);
            memcpy(joined + 32, data, len);
            struct tcp_segment back;
            if (tcp_segment_parse(joined, n, SRC, DST, true, &back) != SPONGE_OK) {
                FAIL(&h, "payload %zu: parse of header + payload failed", len);
            }
        }
        STEP(&h, "payload %zu bytes, every split point", len);
    }
    return harness_end(&h);
}

static int describe(void) {
    struct harness h;
    harness_begin(&h, "tcp: one-line description [L2.R16]");
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.header.syn = seg.header.ack = true;
    seg.header.seqno = wrap32_of(100);
    seg.header.ackno = wrap32_of(200);
    seg.header.win = 4000;
    seg.payload = (struct byte_view2){{{(const uint8_t *)"he", 2}, {(const uint8_t *)"llo", 3}}};
    char text[160];
    STEP(&h, "SYN+ACK with 5 bytes");
    const char *want = "SA seq=100 ack=200 win=4000 len=5";
    tcp_segment_describe(&seg, text, sizeof text);
    EXPECT_BYTES(&h, "text", want, strlen(want), text, strlen(text));
    STEP(&h, "no flags: '-', no ack=");
    memset(&seg.header, 0, sizeof seg.header);
    seg.payload = byte_view2_of(NULL, 0);
    want = "- seq=0 win=0 len=0";
    tcp_segment_describe(&seg, text, sizeof text);
    EXPECT_BYTES(&h, "text", want, strlen(want), text, strlen(text));
    STEP(&h, "all flags and all options");
    struct tcp_header *th = &seg.header;
    th->syn = th->ack = th->rst = th->fin = th->psh = th->urg = true;
    th->seqno = wrap32_of(4294967295u);
    th->opts = (struct tcp_options){.has_mss = true,
                                    .mss = 1460,
                                    .has_window_scale = true,
                                    .window_scale = 7,
                                    .sack_permitted = true,
                                    .has_timestamps = true,
                                    .ts_val = 5,
                                    .ts_ecr = 0,
                                    .sack_count = 2,
                                    .sack = {{{10}, {20}}, {{30}, {40}}}};
    want = "SARFPU seq=4294967295 ack=0 win=0 len=0 mss=1460 ws=7 sackok ts=5/0 sack=10-20,30-40";
    tcp_segment_describe(&seg, text, sizeof text);
    EXPECT_BYTES(&h, "text", want, strlen(want), text, strlen(text));
    STEP(&h, "a 12-byte buffer truncates safely");
    char small[12];
    tcp_segment_describe(&seg, small, sizeof small);
    EXPECT_BYTES(&h, "text", want, 11, small, strlen(small));
    return harness_end(&h);
}

int main(void) {
    return hand_computed() | options_round_trip() | flags_round_trip() | option_rules() | header_errors() |
           split_payloads() | describe();
}
