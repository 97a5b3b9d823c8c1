/* Router MTUs: a datagram longer than the outgoing interface's MTU is fragmented (RFC 791 3.2,
 * RFC 1812 5.2.6) unless DF is set, which gets ICMP Fragmentation Needed with the next-hop MTU
 * (RFC 1191 section 4, RFC 1812 4.3.3.1); limited broadcasts are not forwarded (RFC 1812
 * 5.3.5.1); ICMP errors are limited per destination as well as in all (RFC 1812 4.3.2.8). */

#include "net/icmp_reply.h"
#include "net/ipv4_fragmenter.h"
#include "topology.h"
#include "wire/icmp.h"

enum { LINK_A, LINK_B };

#define SMALL_MTU 576

/* Router 10.0.0.1 (link A, MTU 1500, hosts a 10.0.0.10 and c 10.0.0.20) / 10.1.0.1 (link B,
 * MTU 576, host b 10.1.0.10). */
static struct topo *mtu_net(struct harness *h, const struct router_config *cfg) {
    struct topo *t = topo_new(h);
    struct router *r = topo_router(t, cfg);
    topo_router_iface(t, r, ip4(10, 0, 0, 1), LINK_A);
    topo_router_iface_mtu(t, r, ip4(10, 1, 0, 1), SMALL_MTU, LINK_B);
    topo_host(t, "a", ip4(10, 0, 0, 10), 24, ip4(10, 0, 0, 1), LINK_A);
    topo_host(t, "b", ip4(10, 1, 0, 10), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_host(t, "c", ip4(10, 0, 0, 20), 24, ip4(10, 0, 0, 1), LINK_A);
    topo_route(t, r, ip4(10, 0, 0, 0), 24, false, 0, 0);
    topo_route(t, r, ip4(10, 1, 0, 0), 24, false, 0, 1);
    return t;
}

static struct router_config icmp_config(void) {
    struct router_config cfg = router_default_config();
    cfg.icmp = true;
    return cfg;
}

/* A UDP-numbered datagram a -> b of `total` bytes (20-byte header unless options are given),
 * payload byte i = i * 7 + 1 (so that every fragment's bytes are checkable), TTL 64. */
static struct ipv4_datagram big_dgram(uint32_t src, uint32_t dst, size_t total, bool df, const uint8_t *options,
                                      size_t options_len, uint8_t *payload) {
    size_t hlen = IPV4_MIN_HEADER_LEN + options_len;
    for (size_t i = 0; i < total - hlen; i++) {
        payload[i] = (uint8_t)(i * 7 + 1);
    }
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, src, dst, payload, total - hlen);
    d.header.df = df;
    d.header.id = 0x1234;
    if (options_len) {
        memcpy(d.header.options, options, options_len);
    }
    d.header.options_len = (uint8_t)options_len;
    d.header.ihl = (uint8_t)(hlen / 4);
    ipv4_datagram_seal(&d);
    return d;
}

/* One expected fragment: header length, payload length, offset (8-byte units), MF. */
struct want_frag {
    size_t hlen, payload, offset;
    bool mf;
};

/* Checks that b received `n` fragments of `sent` (after one hop), as `want` says, whose payloads
 * put together are sent's payload. */
static void expect_fragments(struct harness *h, const struct topo_host *b, size_t before,
                             const struct ipv4_datagram *sent, const struct want_frag *want, size_t n) {
    EXPECT_EQ(h, "fragments received by b", before + n, b->received);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        STEP(h, "fragment %zu: header %zu, payload %zu, offset %zu, MF %d", i, want[i].hlen, want[i].payload,
             want[i].offset, want[i].mf);
        struct ipv4_datagram got;
        EXPECT_EQ(h, "full parse (checksum verified)", SPONGE_OK,
                  ipv4_datagram_parse(b->bytes[before + i], b->len[before + i], &got));
        EXPECT_TRUE(h, "within the MTU", got.header.total_len <= SMALL_MTU);
        EXPECT_EQ(h, "header length", want[i].hlen, (size_t)got.header.ihl * 4);
        EXPECT_EQ(h, "total length", want[i].hlen + want[i].payload, got.header.total_len);
        EXPECT_EQ(h, "offset", want[i].offset, got.header.frag_offset);
        EXPECT_EQ(h, "MF", want[i].mf, got.header.mf);
        EXPECT_EQ(h, "identification copied", sent->header.id, got.header.id);
        EXPECT_EQ(h, "DF copied", sent->header.df, got.header.df);
        EXPECT_EQ(h, "TTL decremented once", sent->header.ttl - 1, got.header.ttl);
        EXPECT_EQ(h, "protocol", sent->header.protocol, got.header.protocol);
        EXPECT_EQ(h, "src", sent->header.src, got.header.src);
        EXPECT_EQ(h, "dst", sent->header.dst, got.header.dst);
        EXPECT_TRUE(h, "non-last fragments carry a multiple of 8 bytes", !got.header.mf || got.payload_len % 8 == 0);
        EXPECT_EQ(h, "offset matches the bytes before it", sent->header.frag_offset + at / 8, got.header.frag_offset);
        EXPECT_BYTES(h, "payload bytes", sent->payload + at, want[i].payload, got.payload, got.payload_len);
        at += got.payload_len;
    }
    EXPECT_EQ(h, "all the payload, once", sent->payload_len, at);
}

static void fragments_1500_onto_576(void) {
    struct harness h;
    harness_begin(&h, "router mtu: a 1500-byte datagram without DF leaves a 576-MTU link as 3 fragments");
    struct topo *t = mtu_net(&h, NULL);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    EXPECT_EQ(&h, "interface 0 MTU (the default)", 1500, router_interface_mtu(r, 0));
    EXPECT_EQ(&h, "interface 1 MTU", SMALL_MTU, router_interface_mtu(r, 1));
    uint8_t payload[1500];
    STEP(&h, "a sends 1500 bytes (1480 of payload) to b, DF clear");
    struct ipv4_datagram d = big_dgram(a->ip, b->ip, 1500, false, NULL, 0, payload);
    topo_send(a, &d);
    topo_run(t);
    /* (576 - 20) / 8 * 8 = 552 bytes a fragment: 552 + 552 + 376 = 1480. */
    const struct want_frag want[] = {{20, 552, 0, true}, {20, 552, 69, true}, {20, 376, 138, false}};
    expect_fragments(&h, b, 0, &d, want, 3);
    EXPECT_EQ(&h, "forwarded", 1, r->counters.forwarded);
    EXPECT_EQ(&h, "fragmented", 1, r->counters.fragmented);
    EXPECT_EQ(&h, "fragments sent", 3, r->counters.fragments_sent);
    STEP(&h, "a datagram of exactly 576 bytes goes through whole");
    d = big_dgram(a->ip, b->ip, SMALL_MTU, true, NULL, 0, payload);
    topo_send(a, &d);
    topo_run(t);
    expect_arrival(&h, b, 3, &d, 1);
    EXPECT_EQ(&h, "fragmented", 1, r->counters.fragmented);
    STEP(&h, "b -> a: from the small link to the large one, nothing to split");
    d = big_dgram(b->ip, a->ip, SMALL_MTU, false, NULL, 0, payload);
    topo_send(b, &d);
    topo_run(t);
    expect_arrival(&h, a, 0, &d, 1);
    topo_free(t);
    harness_end(&h);
}

static void fragments_keep_copied_options(void) {
    struct harness h;
    harness_begin(&h, "router mtu: options with the copy flag go in every fragment, the others in the first only");
    struct topo *t = mtu_net(&h, NULL);
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    /* Record route (type 7, not copied, 7 bytes), a NOP, router alert (type 0x94, copied, RFC
     * 2113): 12 bytes, a 32-byte header. */
    const uint8_t options[12] = {7, 7, 4, 0, 0, 0, 0, 1, 0x94, 4, 0, 0};
    uint8_t payload[1500];
    STEP(&h, "a sends 1200 bytes with a 32-byte header to b");
    struct ipv4_datagram d = big_dgram(a->ip, b->ip, 1200, false, options, sizeof options, payload);
    topo_send(a, &d);
    topo_run(t);
    /* First: (576 - 32) / 8 * 8 = 544. Later ones carry router alert only (24-byte header):
     * (576 - 24) / 8 * 8 = 552. 1168 = 544 + 552 + 72. */
    const struct want_frag want[] = {{32, 544, 0, true}, {24, 552, 68, true}, {24, 72, 137, false}};
    expect_fragments(&h, b, 0, &d, want, 3);
    struct ipv4_datagram first, second;
    ipv4_datagram_parse(b->bytes[0], b->len[0], &first);
    ipv4_datagram_parse(b->bytes[1], b->len[1], &second);
    EXPECT_BYTES(&h, "first fragment: all options", options, sizeof options, first.header.options,
                 first.header.options_len);
    EXPECT_BYTES(&h, "later fragments: router alert only", options + 8, 4, second.header.options,
                 second.header.options_len);
    topo_free(t);
    harness_end(&h);
}

static void fragment_of_a_fragment(void) {
    struct harness h;
    harness_begin(&h, "router mtu: a fragment is split again, keeping its offset and its MF");
    struct topo *t = mtu_net(&h, NULL);
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    uint8_t payload[1500];
    STEP(&h, "a sends a middle fragment (offset 185, MF) of 1020 bytes (1000 of payload) to b");
    struct ipv4_datagram d = big_dgram(a->ip, b->ip, 1020, false, NULL, 0, payload);
    d.header.frag_offset = 185;
    d.header.mf = true;
    ipv4_datagram_seal(&d);
    topo_send(a, &d);
    topo_run(t);
    const struct want_frag want[] = {{20, 552, 185, true}, {20, 448, 254, true}};
    expect_fragments(&h, b, 0, &d, want, 2);
    topo_free(t);
    harness_end(&h);
}

static void fragment_past_the_largest_offset(void) {
    struct harness h;
    harness_begin(&h, "router mtu: a fragment whose pieces would need offsets past 8191 is dropped, not split");
    struct topo *t = mtu_net(&h, NULL);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    uint8_t payload[1500];
    STEP(&h, "a sends a last fragment at offset 8190 with 1480 bytes (it ends past 65535) to b");
    struct ipv4_datagram d = big_dgram(a->ip, b->ip, 1500, false, NULL, 0, payload);
    d.header.frag_offset = 8190;
    ipv4_datagram_seal(&d);
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "b received nothing", 0, b->received);
    EXPECT_EQ(&h, "dropped: bad header", 1, r->counters.drop_bad_header);
    EXPECT_EQ(&h, "forwarded", 0, r->counters.forwarded);
    STEP(&h, "at offset 8000 its pieces fit (8000, 8069, 8138): forwarded in 3 fragments");
    d.header.frag_offset = 8000;
    ipv4_datagram_seal(&d);
    topo_send(a, &d);
    topo_run(t);
    const struct want_frag want[] = {{20, 552, 8000, true}, {20, 552, 8069, true}, {20, 376, 8138, false}};
    expect_fragments(&h, b, 0, &d, want, 3);
    topo_free(t);
    harness_end(&h);
}

static void fragmenter_smallest_mtu(void) {
    struct harness h;
    harness_begin(&h, "router mtu: the fragmenter at RFC 791's smallest MTU, 68, with a 60-byte header");
    uint8_t payload[64], options[40];
    memset(options, 1, sizeof options); /* 40 NOPs: none copied */
    for (size_t i = 0; i < sizeof payload; i++) {
        payload[i] = (uint8_t)i;
    }
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, ip4(10, 0, 0, 10), ip4(10, 1, 0, 10), payload, 20);
    memcpy(d.header.options, options, sizeof options);
    d.header.options_len = sizeof options;
    d.header.ihl = 15;
    d.header.df = false;
    ipv4_datagram_seal(&d);
    STEP(&h, "split 80 bytes (60 header, 20 payload) at MTU 68");
    struct ipv4_fragmenter f;
    EXPECT_TRUE(&h, "it can be split", ipv4_fragmenter_init(&f, &d, IPV4_MIN_MTU));
    struct ipv4_datagram frag;
    EXPECT_TRUE(&h, "first fragment", ipv4_fragmenter_next(&f, &frag));
    EXPECT_EQ(&h, "first: 60-byte header, 8 bytes", 68, frag.header.total_len);
    EXPECT_TRUE(&h, "second fragment", ipv4_fragmenter_next(&f, &frag));
    EXPECT_EQ(&h, "second: options dropped (NOPs are not copied), 20-byte header", 5, frag.header.ihl);
    EXPECT_EQ(&h, "second: the other 12 bytes", 12, frag.payload_len);
    EXPECT_EQ(&h, "second: offset 1", 1, frag.header.frag_offset);
    EXPECT_BOOL(&h, "second: last", false, frag.header.mf);
    EXPECT_BOOL(&h, "no third", false, ipv4_fragmenter_next(&f, &frag));
    harness_end(&h);
}

static void df_gets_frag_needed(void) {
    struct harness h;
    harness_begin(&h, "router mtu: DF and too long: dropped, ICMP Fragmentation Needed with MTU 576 (RFC 1191)");
    struct router_config cfg = icmp_config();
    struct topo *t = mtu_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    uint8_t payload[1500];
    STEP(&h, "a sends 1500 bytes with DF to b");
    struct ipv4_datagram d = big_dgram(a->ip, b->ip, 1500, true, NULL, 0, payload);
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "b received nothing", 0, b->received);
    EXPECT_EQ(&h, "a received the error", 1, a->received);
    struct ipv4_datagram err;
    EXPECT_EQ(&h, "IPv4 parse", SPONGE_OK, ipv4_datagram_parse(a->bytes[0], a->len[0], &err));
    EXPECT_EQ(&h, "from the receiving interface", ip4(10, 0, 0, 1), err.header.src);
    EXPECT_EQ(&h, "protocol", IPV4_PROTO_ICMP, err.header.protocol);
    EXPECT_TRUE(&h, "error within 576 bytes (RFC 1812 4.3.2.3)", err.header.total_len <= ICMP_ERROR_MAX_DATAGRAM);
    struct icmp_header ih;
    struct byte_view body;
    EXPECT_EQ(&h, "ICMP parse (checksum)", SPONGE_OK, icmp_message_parse(err.payload, err.payload_len, &ih, &body));
    EXPECT_EQ(&h, "type", ICMP_DEST_UNREACHABLE, ih.type);
    EXPECT_EQ(&h, "code: fragmentation needed and DF set", ICMP_UNREACH_FRAG_NEEDED, ih.code);
    EXPECT_EQ(&h, "next-hop MTU (RFC 1191 section 4)", SMALL_MTU, icmp_next_hop_mtu(&ih));
    EXPECT_EQ(&h, "unused high half of the word is zero", 0, ih.rest >> 16);
    struct ipv4_header quoted;
    struct byte_view first;
    EXPECT_EQ(&h, "quote parses", SPONGE_OK, icmp_quote_parse(body.data, body.len, &quoted, &first));
    EXPECT_EQ(&h, "quoted total length (as received)", 1500, quoted.total_len);
    EXPECT_EQ(&h, "quoted TTL (as received)", 64, quoted.ttl);
    EXPECT_EQ(&h, "quoted id", 0x1234, quoted.id);
    EXPECT_BYTES(&h, "quoted payload start", payload, 8, first.data, 8);
    EXPECT_EQ(&h, "dropped: fragmentation needed", 1, r->counters.drop_frag_needed);
    EXPECT_EQ(&h, "frag needed sent", 1, r->counters.icmp_frag_needed_sent);
    EXPECT_EQ(&h, "unreachable sent", 1, r->counters.icmp_unreachable_sent);
    EXPECT_EQ(&h, "forwarded", 0, r->counters.forwarded);
    topo_free(t);
    harness_end(&h);

    harness_begin(&h, "router mtu: DF and too long with ICMP off: a silent drop, counted");
    t = mtu_net(&h, NULL);
    r = &t->routers[0];
    a = &t->hosts[0];
    b = &t->hosts[1];
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "received anywhere", 0, topo_total_received(t));
    EXPECT_EQ(&h, "dropped: fragmentation needed", 1, r->counters.drop_frag_needed);
    topo_free(t);
    harness_end(&h);
}

static void limited_broadcast_not_forwarded(void) {
    struct harness h;
    harness_begin(&h,
                  "router mtu: the limited broadcast is not forwarded, even with a default route (RFC 1812 5.3.5.1)");
    struct router_config cfg = icmp_config();
    struct topo *t = mtu_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0];
    topo_route(t, r, 0, 0, false, 0, 1);
    STEP(&h, "a sends a UDP datagram to 255.255.255.255 by way of the router, and one with TTL 1");
    struct ipv4_datagram d = topo_dgram(a->ip, 0xffffffffu, 64, "everyone");
    topo_send(a, &d);
    d = topo_dgram(a->ip, 0xffffffffu, 1, "everyone, expiring");
    topo_send(a, &d);
    topo_run(t);
    topo_tick(t, 10000);
    topo_run(t);
    EXPECT_EQ(&h, "received anywhere (no ICMP either)", 0, topo_total_received(t));
    EXPECT_EQ(&h, "dropped: broadcast", 2, r->counters.drop_broadcast);
    EXPECT_EQ(&h, "forwarded", 0, r->counters.forwarded);
    EXPECT_EQ(&h, "TTL expired (not counted: a broadcast first)", 0, r->counters.drop_ttl_expired);
    STEP(&h, "a unicast datagram to 192.0.2.1 still takes the default route");
    d = topo_dgram(a->ip, ip4(192, 0, 2, 1), 64, "default");
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "forwarded", 1, r->counters.forwarded);
    topo_free(t);
    harness_end(&h);
}

/* Sends `n` TTL-1 datagrams from host `from` to b; returns how many errors `from` got back. */
static size_t expire(struct topo *t, struct topo_host *from, int n) {
    size_t before = from->received;
    struct ipv4_datagram d = topo_dgram(from->ip, ip4(10, 1, 0, 10), 1, "expiring");
    for (int i = 0; i < n; i++) {
        topo_send(from, &d);
    }
    topo_run(t);
    return from->received - before;
}

static void per_destination_limit(void) {
    struct harness h;
    harness_begin(&h, "router mtu: ICMP errors limited per destination (burst 3, one a second), bounded table");
    struct router_config cfg = icmp_config();
    cfg.icmp_error_burst = 100;
    cfg.icmp_dest_burst = 3;
    cfg.icmp_dest_interval_ms = 1000;
    cfg.icmp_dest_slots = 2;
    struct topo *t = mtu_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0], *c = &t->hosts[2];
    STEP(&h, "a sends 5 expiring datagrams: 3 errors, 2 limited for a");
    EXPECT_EQ(&h, "errors to a", 3, expire(t, a, 5));
    EXPECT_EQ(&h, "rate limited per destination", 2, r->counters.icmp_rate_limited_dest);
    EXPECT_EQ(&h, "rate limited in all", 0, r->counters.icmp_rate_limited);
    STEP(&h, "c's errors are not limited by a's");
    EXPECT_EQ(&h, "errors to c", 2, expire(t, c, 2));
    STEP(&h, "999 ms later a still has no token; 1 ms more, one");
    topo_tick(t, 999);
    EXPECT_EQ(&h, "errors to a", 0, expire(t, a, 1));
    topo_tick(t, 1);
    EXPECT_EQ(&h, "errors to a", 1, expire(t, a, 2));
    EXPECT_EQ(&h, "rate limited per destination", 4, r->counters.icmp_rate_limited_dest);
    STEP(&h, "a third destination (10.1.0.10, b) with two slots: the least recently used (c) gives way");
    struct topo_host *b = &t->hosts[1];
    struct ipv4_datagram d = topo_dgram(b->ip, ip4(10, 0, 0, 10), 1, "expiring");
    topo_send(b, &d);
    topo_run(t);
    EXPECT_EQ(&h, "errors to b", 1, b->received);
    EXPECT_EQ(&h, "a is still remembered: limited", 0, expire(t, a, 1));
    EXPECT_EQ(&h, "c was forgotten: a fresh burst", 3, expire(t, c, 3));
    topo_free(t);
    harness_end(&h);
}

int main(void) {
    fragments_1500_onto_576();
    fragments_keep_copied_options();
    fragment_of_a_fragment();
    fragment_past_the_largest_offset();
    fragmenter_smallest_mtu();
    df_gets_frag_needed();
    limited_broadcast_not_forwarded();
    per_destination_limit();
    return 0;
}
