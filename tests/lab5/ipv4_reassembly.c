/* IPv4 fragment reassembly (net/ipv4_reassembler): fragments in any order become one datagram
 * (header fixed, payload contiguous); duplicates are tolerated; overlaps, bad lengths, oversize
 * datagrams, conflicting ends and timeouts drop what they must, each counted; memory stays within
 * the configuration, the oldest datagram making room. Ends with a random test against a model. */

#include "harness.h"
#include "net/ipv4_reassembler.h"
#include "util/rng.h"

#include <stdlib.h>
#include <string.h>

#define SRC 0xa9fe9001u /* 169.254.144.1 */
#define DST 0xa9fe9009u /* 169.254.144.9 */
#define MAX_PAYLOAD IPV4_REASM_MAX_PAYLOAD

/* A payload whose every byte depends on the datagram and its position. */
static void fill(uint8_t *p, size_t len, uint32_t salt) {
    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)((i * 31 + salt * 7 + (i >> 8)) ^ (salt >> 3));
    }
}

/* Fragment [off, off + len) of `payload` (a UDP datagram from SRC to DST, identification id). */
static struct ipv4_datagram frag_from(uint32_t src, uint16_t id, const uint8_t *payload, size_t off, size_t len,
                                      bool mf) {
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, src, DST, payload + off, len);
    d.header.id = id;
    d.header.df = false;
    d.header.mf = mf;
    d.header.frag_offset = (uint16_t)(off / 8);
    ipv4_datagram_seal(&d);
    return d;
}

static struct ipv4_datagram frag(uint16_t id, const uint8_t *payload, size_t off, size_t len, bool mf) {
    return frag_from(SRC, id, payload, off, len, mf);
}

static void setup(struct harness *h, struct ipv4_reassembler *r, const struct ipv4_reassembler_config *cfg) {
    struct ipv4_reassembler_config def = ipv4_reassembler_default_config();
    EXPECT_EQ(h, "init", SPONGE_OK, ipv4_reassembler_init(r, cfg != NULL ? cfg : &def));
}

/* Pushes d and expects nothing out. */
static void push_held(struct harness *h, struct ipv4_reassembler *r, struct ipv4_datagram dv) {
    const struct ipv4_datagram *d = &dv;
    struct ipv4_datagram out;
    STEP(h, "push fragment offset %u, %zu bytes, MF %d, id %u", d->header.frag_offset * 8u, d->payload_len,
         d->header.mf, d->header.id);
    EXPECT_BOOL(h, "no datagram yet", false, ipv4_reassembler_push(r, d, &out));
}

/* Pushes d and expects the whole datagram: payload[0..len), id, addresses, a valid header. */
static void push_whole(struct harness *h, struct ipv4_reassembler *r, struct ipv4_datagram dv, uint32_t src,
                       uint16_t id, const uint8_t *payload, size_t len) {
    const struct ipv4_datagram *d = &dv;
    struct ipv4_datagram out;
    STEP(h, "push fragment offset %u, %zu bytes, MF %d, id %u: completes it", d->header.frag_offset * 8u,
         d->payload_len, d->header.mf, d->header.id);
    EXPECT_BOOL(h, "a datagram comes out", true, ipv4_reassembler_push(r, d, &out));
    EXPECT_EQ(h, "MF clear", 0, out.header.mf);
    EXPECT_EQ(h, "offset 0", 0, out.header.frag_offset);
    EXPECT_EQ(h, "identification", id, out.header.id);
    EXPECT_EQ(h, "source", src, out.header.src);
    EXPECT_EQ(h, "protocol", IPV4_PROTO_UDP, out.header.protocol);
    EXPECT_EQ(h, "total length", 20 + len, out.header.total_len);
    EXPECT_BYTES(h, "payload", payload, len, out.payload, out.payload_len);
    /* Serialized and parsed again, the header's checksum and length must hold. */
    uint8_t *wire = malloc(UINT16_MAX);
    EXPECT_TRUE(h, "buffer", wire != NULL);
    EXPECT_EQ(h, "serialize", SPONGE_OK, ipv4_datagram_serialize(&out, wire, UINT16_MAX));
    struct ipv4_datagram back;
    EXPECT_EQ(h, "parses (checksum, length)", SPONGE_OK, ipv4_datagram_parse(wire, ipv4_datagram_len(&out), &back));
    free(wire);
}

static void expect_empty(struct harness *h, struct ipv4_reassembler *r) {
    EXPECT_EQ(h, "datagrams in progress", 0, ipv4_reassembler_in_progress(r));
    EXPECT_EQ(h, "bytes held", 0, ipv4_reassembler_bytes_held(r));
}

static void expect_drops(struct harness *h, struct ipv4_reassembler *r, enum ipv4_reasm_drop reason, uint64_t n) {
    char what[64];
    snprintf(what, sizeof what, "dropped: %s", ipv4_reasm_drop_name(reason));
    EXPECT_EQ(h, what, n, ipv4_reassembler_dropped(r, reason));
}

static uint64_t all_drops(const struct ipv4_reassembler *r) {
    uint64_t n = 0;
    for (int d = 0; d < IPV4_REASM_DROP_COUNT; d++) {
        n += ipv4_reassembler_dropped(r, (enum ipv4_reasm_drop)d);
    }
    return n;
}

static void unfragmented_pass_through(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: an unfragmented datagram passes through untouched [L5.R13]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t p[100];
    fill(p, sizeof p, 1);
    struct ipv4_datagram d, out;
    ipv4_datagram_init(&d, IPV4_PROTO_TCP, SRC, DST, p, sizeof p);
    STEP(&h, "push a 100-byte datagram with DF set, MF clear, offset 0");
    EXPECT_BOOL(&h, "it comes out", true, ipv4_reassembler_push(&r, &d, &out));
    EXPECT_TRUE(&h, "same payload view (no copy)", out.payload == p && out.payload_len == sizeof p);
    EXPECT_EQ(&h, "same checksum", d.header.checksum, out.header.checksum);
    EXPECT_EQ(&h, "fragments counted", 0, ipv4_reassembler_fragments(&r));
    STEP(&h, "the same with DF clear");
    d.header.df = false;
    ipv4_datagram_seal(&d);
    EXPECT_BOOL(&h, "it comes out", true, ipv4_reassembler_push(&r, &d, &d));
    EXPECT_TRUE(&h, "same payload view", d.payload == p);
    expect_empty(&h, &r);
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void in_order_and_reverse(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: three fragments in order, then in reverse order [L5.R13]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t p[2003];
    fill(p, sizeof p, 2);
    push_held(&h, &r, frag(7, p, 0, 800, true));
    EXPECT_EQ(&h, "in progress", 1, ipv4_reassembler_in_progress(&r));
    EXPECT_EQ(&h, "bytes held: two 512-byte blocks", 1024, ipv4_reassembler_bytes_held(&r));
    push_held(&h, &r, frag(7, p, 800, 800, true));
    push_whole(&h, &r, frag(7, p, 1600, 403, false), SRC, 7, p, sizeof p);
    expect_empty(&h, &r);
    STEP(&h, "reverse order, id 8");
    push_held(&h, &r, frag(8, p, 1600, 403, false));
    push_held(&h, &r, frag(8, p, 800, 800, true));
    push_whole(&h, &r, frag(8, p, 0, 800, true), SRC, 8, p, sizeof p);
    expect_empty(&h, &r);
    EXPECT_EQ(&h, "fragments", 6, ipv4_reassembler_fragments(&r));
    EXPECT_EQ(&h, "reassembled", 2, ipv4_reassembler_reassembled(&r));
    EXPECT_EQ(&h, "no drops", 0, all_drops(&r));
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

/* Splits [0, len) into fragments of random multiples of 8 (the last whatever is left). */
static size_t split(struct sponge_rng *rng, size_t len, size_t *off, size_t *flen, size_t max) {
    size_t n = 0;
    for (size_t at = 0; at < len && n < max; n++) {
        size_t take = 8 * (1 + sponge_rng_below(rng, 200));
        if (at + take >= len || n + 1 == max) {
            take = len - at;
        }
        off[n] = at;
        flen[n] = take;
        at += take;
    }
    return n;
}

static void random_order(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: random sizes and fragmentations, shuffled [L5.R13]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t *p = malloc(MAX_PAYLOAD);
    EXPECT_TRUE(&h, "buffer", p != NULL);
    enum { MAXF = 64 };
    size_t off[MAXF], len[MAXF], order[MAXF];
    for (int round = 0; round < 200; round++) {
        size_t total = 1 + sponge_rng_below(&rng, round % 10 == 0 ? MAX_PAYLOAD : 6000);
        fill(p, total, (uint32_t)round);
        size_t n = split(&rng, total, off, len, MAXF);
        for (size_t i = 0; i < n; i++) {
            order[i] = i;
        }
        for (size_t i = n; i > 1; i--) {
            size_t j = sponge_rng_below(&rng, i), t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        STEP(&h, "round %d: %zu bytes in %zu fragments", round, total, n);
        for (size_t k = 0; k < n; k++) {
            size_t i = order[k];
            struct ipv4_datagram d = frag((uint16_t)round, p, off[i], len[i], off[i] + len[i] < total);
            if (k + 1 < n) {
                push_held(&h, &r, d);
            } else {
                push_whole(&h, &r, d, SRC, (uint16_t)round, p, total);
            }
        }
        expect_empty(&h, &r);
    }
    EXPECT_EQ(&h, "no drops", 0, all_drops(&r));
    free(p);
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void duplicates_tolerated(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: identical repeats are dropped alone, the datagram completes [L5.R13]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t p[1500];
    fill(p, sizeof p, 3);
    struct ipv4_datagram a = frag(9, p, 0, 504, true), b = frag(9, p, 504, 504, true), c = frag(9, p, 1008, 492, false);
    push_held(&h, &r, a);
    push_held(&h, &r, a);
    expect_drops(&h, &r, IPV4_REASM_DROP_DUPLICATE, 1);
    push_held(&h, &r, c);
    push_held(&h, &r, c);
    STEP(&h, "a repeat of the first fragment's second half (inside bytes held, identical)");
    push_held(&h, &r, frag(9, p, 256, 248, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_DUPLICATE, 3);
    push_whole(&h, &r, b, SRC, 9, p, sizeof p);
    expect_empty(&h, &r);
    EXPECT_EQ(&h, "only duplicates dropped", 3, all_drops(&r));
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void overlap_drops_datagram(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: overlapping fragments drop the whole datagram (RFC 5722) [L5.R13]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t p[1000], q[1000];
    fill(p, sizeof p, 4);
    fill(q, sizeof q, 5);
    push_held(&h, &r, frag(1, p, 0, 400, true));
    STEP(&h, "[392, 1000) overlaps [0, 400) by 8 bytes, identical there");
    push_held(&h, &r, frag(1, p, 392, 608, false));
    expect_drops(&h, &r, IPV4_REASM_DROP_OVERLAP, 1);
    expect_empty(&h, &r);
    STEP(&h, "the missing piece after the drop starts a new datagram that cannot complete alone");
    push_held(&h, &r, frag(1, p, 400, 600, false));
    EXPECT_EQ(&h, "in progress", 1, ipv4_reassembler_in_progress(&r));
    STEP(&h, "a fragment inside bytes held but with different bytes");
    push_held(&h, &r, frag(1, q, 400, 200, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_OVERLAP, 2);
    expect_empty(&h, &r);
    STEP(&h, "a fragment covering two held fragments and the gap between them");
    push_held(&h, &r, frag(2, p, 0, 104, true));
    push_held(&h, &r, frag(2, p, 200, 104, true));
    push_held(&h, &r, frag(2, p, 0, 304, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_OVERLAP, 3);
    expect_empty(&h, &r);
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void timeout_drops_partial(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: a partial datagram is dropped 30 s after its first fragment [L5.R14]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t p[600];
    fill(p, sizeof p, 6);
    push_held(&h, &r, frag(3, p, 0, 304, true));
    STEP(&h, "tick 20 s, then a second datagram's fragment, then 9.999 s");
    ipv4_reassembler_tick(&r, 20000);
    push_held(&h, &r, frag(4, p, 0, 304, true));
    ipv4_reassembler_tick(&r, 9999);
    EXPECT_EQ(&h, "both in progress", 2, ipv4_reassembler_in_progress(&r));
    STEP(&h, "tick 1 ms: the first one's 30 s are up");
    ipv4_reassembler_tick(&r, 1);
    EXPECT_EQ(&h, "one in progress", 1, ipv4_reassembler_in_progress(&r));
    expect_drops(&h, &r, IPV4_REASM_DROP_TIMEOUT, 1);
    STEP(&h, "the first one's last fragment now only starts a new datagram");
    push_held(&h, &r, frag(3, p, 304, 296, false));
    STEP(&h, "the second one completes in time");
    push_whole(&h, &r, frag(4, p, 304, 296, false), SRC, 4, p, sizeof p);
    STEP(&h, "tick 30 s: the leftover last fragment times out");
    ipv4_reassembler_tick(&r, 30000);
    expect_drops(&h, &r, IPV4_REASM_DROP_TIMEOUT, 2);
    expect_empty(&h, &r);
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void memory_bound_evicts_oldest(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: bounded datagrams and bytes; the oldest makes room [L5.R14]");
    struct ipv4_reassembler r;
    struct ipv4_reassembler_config cfg = {.max_bytes = 4096 + 100, .max_datagrams = 2, .timeout_ms = 30000};
    setup(&h, &r, &cfg);
    uint8_t p[6000];
    fill(p, sizeof p, 7);
    push_held(&h, &r, frag(1, p, 0, 8, true));
    push_held(&h, &r, frag(2, p, 0, 8, true));
    STEP(&h, "a third datagram: the table holds two, id 1 (the oldest) is evicted");
    push_held(&h, &r, frag(3, p, 0, 8, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_EVICTED, 1);
    EXPECT_EQ(&h, "in progress", 2, ipv4_reassembler_in_progress(&r));
    STEP(&h, "id 2 grows to 3 KiB: 7 of the 8 blocks are in use");
    push_held(&h, &r, frag(2, p, 8, 3064, true));
    EXPECT_EQ(&h, "bytes held", 7 * 512, ipv4_reassembler_bytes_held(&r));
    STEP(&h, "id 3 needs 2 more blocks, 1 is free: id 2 (older) is evicted");
    push_held(&h, &r, frag(3, p, 8, 1528, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_EVICTED, 2);
    EXPECT_EQ(&h, "bytes held: id 3's three blocks", 3 * 512, ipv4_reassembler_bytes_held(&r));
    STEP(&h, "id 3 completes with 4 KiB: exactly the pool");
    push_whole(&h, &r, frag(3, p, 1536, 2560, false), SRC, 3, p, 4096);
    expect_empty(&h, &r);
    STEP(&h, "id 4 needs 4 KiB + 8 bytes: more than the whole pool");
    push_held(&h, &r, frag(4, p, 0, 2048, true));
    push_held(&h, &r, frag(4, p, 2048, 2056, false));
    expect_drops(&h, &r, IPV4_REASM_DROP_NO_MEMORY, 1);
    expect_empty(&h, &r);
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void too_big(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: nothing past 65535 bytes with the header [L5.R13]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t *p = calloc(1, 70000);
    EXPECT_TRUE(&h, "buffer", p != NULL);
    fill(p, 70000, 8);
    STEP(&h, "a last fragment at offset 65512 with 8 bytes: 65520 + 20 > 65535");
    push_held(&h, &r, frag(1, p, 65512, 8, false));
    expect_drops(&h, &r, IPV4_REASM_DROP_TOO_BIG, 1);
    expect_empty(&h, &r);
    STEP(&h, "a datagram in progress, then a fragment of it past the limit: all dropped");
    push_held(&h, &r, frag(2, p, 0, 1480, true));
    push_held(&h, &r, frag(2, p, 65000, 1000, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_TOO_BIG, 2);
    expect_empty(&h, &r);
    STEP(&h, "a last fragment ending at 65515 fits a 20-byte header ...");
    push_held(&h, &r, frag(3, p, 65000, 515, false));
    EXPECT_EQ(&h, "in progress", 1, ipv4_reassembler_in_progress(&r));
    STEP(&h, "... but not the first fragment's 24-byte header (one option word)");
    struct ipv4_datagram first = frag(3, p, 0, 1480, true);
    first.header.ihl = 6;
    first.header.options_len = 4;
    memset(first.header.options, 1, 4); /* NOP options */
    ipv4_datagram_seal(&first);
    push_held(&h, &r, first);
    expect_drops(&h, &r, IPV4_REASM_DROP_TOO_BIG, 3);
    expect_empty(&h, &r);
    STEP(&h, "the largest datagram: 65515 bytes in 45 fragments, reassembled");
    for (size_t off = 0; off < MAX_PAYLOAD; off += 1480) {
        size_t n = MAX_PAYLOAD - off < 1480 ? MAX_PAYLOAD - off : 1480;
        struct ipv4_datagram d = frag(4, p, off, n, off + n < MAX_PAYLOAD);
        if (off + n < MAX_PAYLOAD) {
            push_held(&h, &r, d);
        } else {
            push_whole(&h, &r, d, SRC, 4, p, MAX_PAYLOAD);
        }
    }
    expect_empty(&h, &r);
    free(p);
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void bad_lengths(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: bad fragment lengths and conflicting ends [L5.R13]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t p[1200];
    fill(p, sizeof p, 9);
    STEP(&h, "a non-last fragment of 100 bytes (not a multiple of 8): dropped alone");
    push_held(&h, &r, frag(1, p, 0, 100, true));
    STEP(&h, "an empty fragment: dropped alone");
    push_held(&h, &r, frag(1, p, 8, 0, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_BAD_LENGTH, 2);
    expect_empty(&h, &r);
    STEP(&h, "last fragment says 1000 bytes, a second last fragment says 1200");
    push_held(&h, &r, frag(2, p, 0, 504, true));
    push_held(&h, &r, frag(2, p, 800, 200, false));
    push_held(&h, &r, frag(2, p, 1000, 200, false));
    expect_drops(&h, &r, IPV4_REASM_DROP_END_CONFLICT, 1);
    expect_empty(&h, &r);
    STEP(&h, "last fragment says 1000 bytes, then a fragment running to 1008");
    push_held(&h, &r, frag(3, p, 800, 200, false));
    push_held(&h, &r, frag(3, p, 504, 504, true));
    expect_drops(&h, &r, IPV4_REASM_DROP_END_CONFLICT, 2);
    STEP(&h, "a fragment up to 1008 held, then a last fragment ending at 200");
    push_held(&h, &r, frag(4, p, 504, 504, true));
    push_held(&h, &r, frag(4, p, 8, 192, false));
    expect_drops(&h, &r, IPV4_REASM_DROP_END_CONFLICT, 3);
    expect_empty(&h, &r);
    EXPECT_EQ(&h, "nothing reassembled", 0, ipv4_reassembler_reassembled(&r));
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

static void interleaved(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: interleaved datagrams kept apart by id, source and protocol [L5.R13]");
    struct ipv4_reassembler r;
    setup(&h, &r, NULL);
    uint8_t a[900], b[900], c[900];
    fill(a, sizeof a, 10);
    fill(b, sizeof b, 11);
    fill(c, sizeof c, 12);
    const uint32_t other = 0xa9fe9002u;
    push_held(&h, &r, frag(5, a, 0, 480, true));
    push_held(&h, &r, frag(6, b, 480, 420, false));
    STEP(&h, "id 5 from another source");
    push_held(&h, &r, frag_from(other, 5, c, 480, 420, false));
    STEP(&h, "id 5, protocol TCP instead of UDP");
    struct ipv4_datagram tcp = frag(5, c, 0, 480, true);
    tcp.header.protocol = IPV4_PROTO_TCP;
    ipv4_datagram_seal(&tcp);
    push_held(&h, &r, tcp);
    EXPECT_EQ(&h, "four in progress", 4, ipv4_reassembler_in_progress(&r));
    push_whole(&h, &r, frag(6, b, 0, 480, true), SRC, 6, b, sizeof b);
    push_whole(&h, &r, frag_from(other, 5, c, 0, 480, true), other, 5, c, sizeof c);
    push_whole(&h, &r, frag(5, a, 480, 420, false), SRC, 5, a, sizeof a);
    EXPECT_EQ(&h, "the TCP one still waits", 1, ipv4_reassembler_in_progress(&r));
    EXPECT_EQ(&h, "no drops", 0, all_drops(&r));
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

/* ---- random test against a model kept byte by byte ---- */

enum { KEYS = 4, MODEL_MAX = 4096 };

struct model_dgram {
    bool used, have_first, end_known;
    uint64_t age;
    size_t end, max_end, held;
    bool have[MODEL_MAX + 1024];
    uint8_t bytes[MODEL_MAX + 1024];
};

struct model {
    struct model_dgram d[KEYS];
    uint64_t timeout;
    uint64_t dropped[IPV4_REASM_DROP_COUNT];
    uint64_t reassembled;
};

static void model_drop(struct model *m, struct model_dgram *d, enum ipv4_reasm_drop reason) {
    m->dropped[reason]++;
    memset(d, 0, sizeof *d);
}

/* The rules of ipv4_reassembler.h, byte by byte, without memory pressure (the test's
 * configuration has room for every key). Returns true when the datagram is complete (its
 * bytes copied to out). */
static bool model_push(struct model *m, int k, size_t off, const uint8_t *data, size_t len, bool mf, uint8_t *out,
                       size_t *out_len) {
    struct model_dgram *d = &m->d[k];
    size_t end = off + len;
    if (off == 0 && !mf) { /* not a fragment: passes through */
        *out_len = len;
        memcpy(out, data, len);
        return true;
    }
    if (len == 0 || (mf && len % 8 != 0)) {
        m->dropped[IPV4_REASM_DROP_BAD_LENGTH]++;
        return false;
    }
    d->used = true;
    if ((!mf && ((d->end_known && d->end != end) || d->max_end > end)) || (d->end_known && end > d->end)) {
        model_drop(m, d, IPV4_REASM_DROP_END_CONFLICT);
        return false;
    }
    size_t have = 0;
    bool same = true;
    for (size_t i = off; i < end; i++) {
        have += d->have[i];
        same = same && d->have[i] && d->bytes[i] == data[i - off];
    }
    if (have == len && same) {
        m->dropped[IPV4_REASM_DROP_DUPLICATE]++;
        return false;
    }
    if (have > 0) {
        model_drop(m, d, IPV4_REASM_DROP_OVERLAP);
        return false;
    }
    for (size_t i = off; i < end; i++) {
        d->have[i] = true;
        d->bytes[i] = data[i - off];
    }
    d->held += len;
    d->max_end = d->max_end > end ? d->max_end : end;
    d->have_first = d->have_first || off == 0;
    if (!mf) {
        d->end_known = true;
        d->end = end;
    }
    if (d->have_first && d->end_known && d->held == d->end) {
        *out_len = d->end;
        memcpy(out, d->bytes, d->end);
        m->reassembled++;
        memset(d, 0, sizeof *d);
        return true;
    }
    return false;
}

static void model_tick(struct model *m, uint64_t ms) {
    for (int k = 0; k < KEYS; k++) {
        if (m->d[k].used && (m->d[k].age += ms) >= m->timeout) {
            model_drop(m, &m->d[k], IPV4_REASM_DROP_TIMEOUT);
        }
    }
}

static void random_against_model(void) {
    struct harness h;
    harness_begin(&h, "ipv4 reassembly: random fragments, repeats, overlaps and ticks against a model [L5.R13 L5.R14]");
    struct sponge_rng rng;
    sponge_rng_seed(&rng, harness_seed(&h));
    struct ipv4_reassembler_config cfg = {.max_bytes = 1 << 20, .max_datagrams = KEYS, .timeout_ms = 1000};
    struct ipv4_reassembler r;
    setup(&h, &r, &cfg);
    struct model *m = calloc(1, sizeof *m);
    uint8_t *src = malloc(KEYS * (MODEL_MAX + 1024)), *want = malloc(MODEL_MAX + 1024);
    EXPECT_TRUE(&h, "memory", m != NULL && src != NULL && want != NULL);
    m->timeout = cfg.timeout_ms;
    size_t size[KEYS] = {0}, step[KEYS] = {0};
    uint32_t salt = 100;
    for (int op = 0; op < 20000; op++) {
        uint64_t what = sponge_rng_below(&rng, 100);
        if (what < 4) {
            uint64_t ms = sponge_rng_below(&rng, 400);
            STEP(&h, "op %d: tick %llu ms", op, (unsigned long long)ms);
            ipv4_reassembler_tick(&r, ms);
            model_tick(m, ms);
        } else {
            int k = (int)sponge_rng_below(&rng, KEYS);
            uint8_t *p = src + (size_t)k * (MODEL_MAX + 1024);
            if (!m->d[k].used) {
                /* A fresh datagram for this key: new bytes, new size, new fragment size. */
                size[k] = 1 + sponge_rng_below(&rng, MODEL_MAX);
                step[k] = 8 * (1 + sponge_rng_below(&rng, 100));
                fill(p, MODEL_MAX + 1024, salt++);
            }
            size_t i = sponge_rng_below(&rng, (size[k] + step[k] - 1) / step[k]);
            size_t off = i * step[k], len = size[k] - off < step[k] ? size[k] - off : step[k];
            bool mf = off + len < size[k];
            uint8_t data[1024];
            if (what < 20) { /* any aligned range, right MF: overlaps */
                off = 8 * sponge_rng_below(&rng, size[k] / 8 + 1);
                len = 1 + sponge_rng_below(&rng, 1000);
                mf = off + len < size[k];
                len = mf ? (len + 7) / 8 * 8 : len;
            } else if (what < 24) { /* wrong MF */
                mf = !mf;
            } else if (what < 28 && len > 1) { /* bad length */
                len--;
            }
            memcpy(data, p + off, len);
            if (what >= 28 && what < 34) { /* different bytes */
                data[sponge_rng_below(&rng, len)] ^= 0x5a;
            }
            STEP(&h, "op %d: key %d (%zu bytes), fragment [%zu, %zu) MF %d", op, k, size[k], off, off + len, mf);
            struct ipv4_datagram d = frag((uint16_t)k, data, 0, len, mf), out;
            d.header.frag_offset = (uint16_t)(off / 8);
            ipv4_datagram_seal(&d);
            size_t want_len = 0;
            bool model_done = model_push(m, k, off, data, len, mf, want, &want_len);
            bool done = ipv4_reassembler_push(&r, &d, &out);
            EXPECT_BOOL(&h, "datagram complete (as the model)", model_done, done);
            if (done) {
                EXPECT_EQ(&h, "id", k, out.header.id);
                EXPECT_EQ(&h, "total length", 20 + want_len, out.header.total_len);
                EXPECT_BYTES(&h, "payload", want, want_len, out.payload, out.payload_len);
            }
        }
        size_t in_progress = 0;
        for (int k = 0; k < KEYS; k++) {
            in_progress += m->d[k].used;
        }
        EXPECT_EQ(&h, "in progress (model)", in_progress, ipv4_reassembler_in_progress(&r));
        for (int d = 0; d < IPV4_REASM_DROP_COUNT; d++) {
            if (m->dropped[d] != ipv4_reassembler_dropped(&r, (enum ipv4_reasm_drop)d)) {
                expect_drops(&h, &r, (enum ipv4_reasm_drop)d, m->dropped[d]);
            }
        }
    }
    EXPECT_EQ(&h, "reassembled (model)", m->reassembled, ipv4_reassembler_reassembled(&r));
    STEP(&h, "%llu reassembled; drops: overlap %llu, duplicate %llu, timeout %llu, end_conflict %llu",
         (unsigned long long)m->reassembled, (unsigned long long)m->dropped[IPV4_REASM_DROP_OVERLAP],
         (unsigned long long)m->dropped[IPV4_REASM_DROP_DUPLICATE],
         (unsigned long long)m->dropped[IPV4_REASM_DROP_TIMEOUT],
         (unsigned long long)m->dropped[IPV4_REASM_DROP_END_CONFLICT]);
    EXPECT_TRUE(&h, "the run reassembled some and dropped some of each kind",
                m->reassembled > 50 && m->dropped[IPV4_REASM_DROP_OVERLAP] > 0 &&
                    m->dropped[IPV4_REASM_DROP_DUPLICATE] > 0 && m->dropped[IPV4_REASM_DROP_TIMEOUT] > 0 &&
                    m->dropped[IPV4_REASM_DROP_END_CONFLICT] > 0 && m->dropped[IPV4_REASM_DROP_BAD_LENGTH] > 0);
    free(m);
    free(src);
    free(want);
    ipv4_reassembler_destroy(&r);
    harness_end(&h);
}

int main(void) {
    unfragmented_pass_through();
    in_order_and_reverse();
    random_order();
    duplicates_tolerated();
    overlap_drops_datagram();
    timeout_drops_partial();
    memory_bound_evicts_oldest();
    too_big();
    bad_lengths();
    interleaved();
    random_against_model();
    return 0;
}
