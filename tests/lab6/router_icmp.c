/* Router with ICMP switched on (RFC 1812 4.3): echo replies from every interface address,
 * Time Exceeded, Destination Unreachable (net, host after ARP fails, port, protocol), the
 * RFC 1812 4.3.2.7 rules (each one), the token bucket, and ICMP off by default (CS144). */

#include "net/icmp_reply.h"
#include "topology.h"
#include "wire/icmp.h"

enum { LINK_A, LINK_B, LINK_C };

static struct router_config icmp_config(void) {
    struct router_config cfg = router_default_config();
    cfg.icmp = true;
    return cfg;
}

/* Router 10.0.0.1 (link A, host a 10.0.0.10) / 10.1.0.1 (link B, host b 10.1.0.10). */
static struct topo *small_net(struct harness *h, const struct router_config *cfg) {
    struct topo *t = topo_new(h);
    struct router *r = topo_router(t, cfg);
    topo_router_iface(t, r, ip4(10, 0, 0, 1), LINK_A);
    topo_router_iface(t, r, ip4(10, 1, 0, 1), LINK_B);
    topo_host(t, "a", ip4(10, 0, 0, 10), 24, ip4(10, 0, 0, 1), LINK_A);
    topo_host(t, "b", ip4(10, 1, 0, 10), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_route(t, r, ip4(10, 0, 0, 0), 24, false, 0, 0);
    topo_route(t, r, ip4(10, 1, 0, 0), 24, false, 0, 1);
    return t;
}

/* An ICMP datagram src -> dst: header `ih`, body `data`, in caller storage buf (64 bytes). */
static struct ipv4_datagram icmp_dgram(uint32_t src, uint32_t dst, uint8_t ttl, struct icmp_header ih, const char *data,
                                       uint8_t *buf) {
    struct byte_view2 body = byte_view2_of(data, strlen(data));
    size_t n = 0;
    icmp_message_serialize(&ih, &body, buf, 64, &n);
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_ICMP, src, dst, buf, n);
    d.header.ttl = ttl;
    ipv4_datagram_seal(&d);
    return d;
}

/* What a host got as datagram number `i`, read as ICMP (with the quoted header for errors). */
struct arrived {
    struct ipv4_datagram ip;
    struct icmp_header icmp;
    struct byte_view body;
    struct ipv4_header quoted;
    struct byte_view quoted_first;
};

static struct arrived expect_icmp(struct harness *h, const struct topo_host *host, size_t i, uint8_t type, uint8_t code,
                                  uint32_t from) {
    struct arrived a;
    memset(&a, 0, sizeof a);
    char what[64];
    snprintf(what, sizeof what, "datagrams received by %s", host->name);
    EXPECT_EQ(h, what, i + 1, host->received);
    EXPECT_EQ(h, "IPv4 parse", SPONGE_OK, ipv4_datagram_parse(host->bytes[i], host->len[i], &a.ip));
    EXPECT_EQ(h, "protocol ICMP", IPV4_PROTO_ICMP, a.ip.header.protocol);
    EXPECT_EQ(h, "ICMP parse (checksum)", SPONGE_OK,
              icmp_message_parse(a.ip.payload, a.ip.payload_len, &a.icmp, &a.body));
    EXPECT_EQ(h, "ICMP type", type, a.icmp.type);
    EXPECT_EQ(h, "ICMP code", code, a.icmp.code);
    EXPECT_EQ(h, "from", from, a.ip.header.src);
    EXPECT_EQ(h, "to the host", host->ip, a.ip.header.dst);
    if (type != ICMP_ECHO_REPLY) {
        EXPECT_EQ(h, "quote parses", SPONGE_OK, icmp_quote_parse(a.body.data, a.body.len, &a.quoted, &a.quoted_first));
    }
    return a;
}

static void off_by_default(void) {
    struct harness h;
    harness_begin(&h, "router icmp: off by default (CS144): silent drops, no replies");
    struct topo *t = small_net(&h, NULL);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0];
    uint8_t buf[64];
    STEP(&h, "a pings 10.0.0.1, sends TTL 1 to b, sends to 192.0.2.1");
    struct ipv4_datagram d =
        icmp_dgram(a->ip, ip4(10, 0, 0, 1), 64, icmp_echo_header(ICMP_ECHO_REQUEST, 1, 1), "hi", buf);
    topo_send(a, &d);
    d = topo_dgram(a->ip, ip4(10, 1, 0, 10), 1, "expiring");
    topo_send(a, &d);
    d = topo_dgram(a->ip, ip4(192, 0, 2, 1), 64, "nowhere");
    topo_send(a, &d);
    topo_run(t);
    topo_tick(t, 10000);
    topo_run(t);
    EXPECT_EQ(&h, "datagrams received anywhere", 0, topo_total_received(t));
    EXPECT_EQ(&h, "TTL expired", 1, r->counters.drop_ttl_expired);
    EXPECT_EQ(&h, "no route", 1, r->counters.drop_no_route);
    EXPECT_EQ(&h, "echo replied", 0, r->counters.icmp_echo_replied);
    EXPECT_EQ(&h, "time exceeded sent", 0, r->counters.icmp_time_exceeded_sent);
    EXPECT_EQ(&h, "unreachable sent", 0, r->counters.icmp_unreachable_sent);
    topo_free(t);
    harness_end(&h);
}

static void echo(void) {
    struct harness h;
    harness_begin(&h, "router icmp: echo requests to either interface address are answered");
    struct router_config cfg = icmp_config();
    struct topo *t = small_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    uint8_t buf[64];
    const uint32_t targets[] = {ip4(10, 0, 0, 1), ip4(10, 1, 0, 1)};
    for (size_t i = 0; i < 2; i++) {
        char text[16];
        STEP(&h, "a pings %s (id 77, seq %zu), TTL 1: for the router, so not expired", ipv4_format(targets[i], text),
             i);
        struct ipv4_datagram d =
            icmp_dgram(a->ip, targets[i], 1, icmp_echo_header(ICMP_ECHO_REQUEST, 77, (uint16_t)i), "payload!", buf);
        topo_send(a, &d);
        topo_run(t);
        struct arrived got = expect_icmp(&h, a, i, ICMP_ECHO_REPLY, 0, targets[i]);
        EXPECT_EQ(&h, "id", 77, icmp_echo_id(&got.icmp));
        EXPECT_EQ(&h, "seq", i, icmp_echo_seq(&got.icmp));
        EXPECT_BYTES(&h, "data echoed", "payload!", 8, got.body.data, got.body.len);
        EXPECT_EQ(&h, "reply TTL (fresh)", 64, got.ip.header.ttl);
        EXPECT_EQ(&h, "echo replied", i + 1, r->counters.icmp_echo_replied);
    }
    STEP(&h, "an echo reply and a bad-checksum request to the router: dropped, counted");
    struct ipv4_datagram d =
        icmp_dgram(a->ip, ip4(10, 0, 0, 1), 64, icmp_echo_header(ICMP_ECHO_REPLY, 1, 1), "stray", buf);
    topo_send(a, &d);
    d = icmp_dgram(a->ip, ip4(10, 0, 0, 1), 64, icmp_echo_header(ICMP_ECHO_REQUEST, 1, 1), "broken", buf);
    buf[9] ^= 0xff;
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "a received nothing more", 2, a->received);
    EXPECT_EQ(&h, "dropped, for us", 2, r->counters.drop_for_us);
    STEP(&h, "echo requests between hosts are forwarded, not answered by the router");
    d = icmp_dgram(a->ip, b->ip, 64, icmp_echo_header(ICMP_ECHO_REQUEST, 5, 5), "through", buf);
    topo_send(a, &d);
    topo_run(t);
    expect_arrival(&h, b, 0, &d, 1);
    EXPECT_EQ(&h, "echo replied", 2, r->counters.icmp_echo_replied);
    topo_free(t);
    harness_end(&h);
}

static void time_exceeded(void) {
    struct harness h;
    harness_begin(&h, "router icmp: TTL expiry sends Time Exceeded from the receiving interface");
    struct router_config cfg = icmp_config();
    struct topo *t = small_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0], *b = &t->hosts[1];
    STEP(&h, "a sends a UDP datagram to b with TTL 1");
    struct ipv4_datagram d = topo_dgram(a->ip, b->ip, 1, "probe-12345");
    topo_send(a, &d);
    topo_run(t);
    struct arrived got = expect_icmp(&h, a, 0, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, ip4(10, 0, 0, 1));
    EXPECT_EQ(&h, "b received", 0, b->received);
    EXPECT_EQ(&h, "quoted src", a->ip, got.quoted.src);
    EXPECT_EQ(&h, "quoted dst", b->ip, got.quoted.dst);
    EXPECT_EQ(&h, "quoted TTL (as received)", 1, got.quoted.ttl);
    EXPECT_EQ(&h, "quoted checksum (as received)", d.header.checksum, got.quoted.checksum);
    EXPECT_BYTES(&h, "quoted payload: all of it (RFC 1812 4.3.2.3)", "probe-12345", 11, got.quoted_first.data,
                 got.quoted_first.len);
    EXPECT_EQ(&h, "dropped, TTL expired", 1, r->counters.drop_ttl_expired);
    EXPECT_EQ(&h, "time exceeded sent", 1, r->counters.icmp_time_exceeded_sent);
    STEP(&h, "b sends TTL 0 to a: Time Exceeded from 10.1.0.1");
    d = topo_dgram(b->ip, a->ip, 0, "zero");
    topo_send(b, &d);
    topo_run(t);
    expect_icmp(&h, b, 0, ICMP_TIME_EXCEEDED, ICMP_TIME_EXCEEDED_TTL, ip4(10, 1, 0, 1));
    EXPECT_EQ(&h, "time exceeded sent", 2, r->counters.icmp_time_exceeded_sent);
    topo_free(t);
    harness_end(&h);
}

static void unreachable(void) {
    struct harness h;
    harness_begin(&h, "router icmp: net, host, port and protocol unreachable");
    struct router_config cfg = icmp_config();
    struct topo *t = small_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0];
    STEP(&h, "a sends to 192.0.2.1: no route");
    struct ipv4_datagram d = topo_dgram(a->ip, ip4(192, 0, 2, 1), 64, "nowhere");
    topo_send(a, &d);
    topo_run(t);
    struct arrived got = expect_icmp(&h, a, 0, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_NET, ip4(10, 0, 0, 1));
    EXPECT_EQ(&h, "quoted dst", ip4(192, 0, 2, 1), got.quoted.dst);
    EXPECT_EQ(&h, "dropped, no route", 1, r->counters.drop_no_route);

    STEP(&h, "a sends to 10.1.0.99, which never answers ARP");
    d = topo_dgram(a->ip, ip4(10, 1, 0, 99), 64, "absent");
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "nothing back yet", 1, a->received);
    topo_tick(t, NETWORK_INTERFACE_ARP_REQUEST_MS - 1);
    topo_run(t);
    EXPECT_EQ(&h, "nothing back before the ARP timeout", 1, a->received);
    topo_tick(t, 1);
    topo_run(t);
    got = expect_icmp(&h, a, 1, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_HOST, ip4(10, 0, 0, 1));
    EXPECT_EQ(&h, "quoted dst", ip4(10, 1, 0, 99), got.quoted.dst);
    EXPECT_EQ(&h, "quoted TTL (as forwarded)", 63, got.quoted.ttl);
    EXPECT_BYTES(&h, "quoted payload", "absent", 6, got.quoted_first.data, got.quoted_first.len);
    EXPECT_EQ(&h, "interface's ARP timeout drop", 1,
              network_interface_counters(router_interface(r, 1))->drop_arp_timeout);

    STEP(&h, "UDP to the router's address: port unreachable");
    d = topo_dgram(a->ip, ip4(10, 1, 0, 1), 64, "to the router");
    topo_send(a, &d);
    topo_run(t);
    expect_icmp(&h, a, 2, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PORT, ip4(10, 1, 0, 1));
    STEP(&h, "TCP (protocol 6) to the router's address: protocol unreachable");
    d = topo_dgram(a->ip, ip4(10, 0, 0, 1), 64, "pretend TCP");
    d.header.protocol = IPV4_PROTO_TCP;
    ipv4_datagram_seal(&d);
    topo_send(a, &d);
    topo_run(t);
    expect_icmp(&h, a, 3, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_PROTOCOL, ip4(10, 0, 0, 1));
    EXPECT_EQ(&h, "unreachable sent", 4, r->counters.icmp_unreachable_sent);
    EXPECT_EQ(&h, "dropped, for us", 2, r->counters.drop_for_us);
    topo_free(t);
    harness_end(&h);
}

static void rules(void) {
    struct harness h;
    harness_begin(&h, "router icmp: RFC 1812 4.3.2.7, no error about each excluded datagram");
    struct router_config cfg = icmp_config();
    struct topo *t = small_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0];
    uint8_t buf[64];
    struct {
        const char *what;
        uint32_t src, dst;
        uint8_t ttl;
        int icmp_type; /* -1: UDP */
        uint16_t frag_offset;
    } cases[] = {
        /* (The limited broadcast is dropped before any error is considered: router_mtu.) */
        {"a Time Exceeded with TTL 1", ip4(10, 0, 0, 10), ip4(10, 1, 0, 10), 1, ICMP_TIME_EXCEEDED, 0},
        {"a Destination Unreachable to nowhere", ip4(10, 0, 0, 10), ip4(192, 0, 2, 1), 64, ICMP_DEST_UNREACHABLE, 0},
        {"a later fragment with TTL 1", ip4(10, 0, 0, 10), ip4(10, 1, 0, 10), 1, -1, 64},
        {"to a multicast group with TTL 1", ip4(10, 0, 0, 10), ip4(224, 0, 0, 9), 1, -1, 0},
        {"from 0.0.0.0 with TTL 1", 0, ip4(10, 1, 0, 10), 1, -1, 0},
        {"from 127.0.0.1 to nowhere", ip4(127, 0, 0, 1), ip4(192, 0, 2, 1), 64, -1, 0},
        {"from 240.0.0.1 with TTL 1", ip4(240, 0, 0, 1), ip4(10, 1, 0, 10), 1, -1, 0},
    };
    size_t n = sizeof cases / sizeof cases[0];
    for (size_t i = 0; i < n; i++) {
        STEP(&h, "a sends %s", cases[i].what);
        struct ipv4_datagram d =
            cases[i].icmp_type < 0
                ? topo_dgram(cases[i].src, cases[i].dst, cases[i].ttl, "excluded")
                : icmp_dgram(cases[i].src, cases[i].dst, cases[i].ttl,
                             (struct icmp_header){.type = (uint8_t)cases[i].icmp_type}, "quote", buf);
        d.header.frag_offset = cases[i].frag_offset;
        ipv4_datagram_seal(&d);
        topo_send(a, &d);
        topo_run(t);
        EXPECT_EQ(&h, "errors not allowed", i + 1, r->counters.icmp_not_allowed);
    }
    EXPECT_EQ(&h, "datagrams received anywhere", 0, topo_total_received(t));
    EXPECT_EQ(&h, "errors sent", 0, r->counters.icmp_time_exceeded_sent + r->counters.icmp_unreachable_sent);
    EXPECT_EQ(&h, "still counted as dropped (TTL, no route)", n,
              r->counters.drop_ttl_expired + r->counters.drop_no_route);
    STEP(&h, "an echo request with TTL 1 to b is a query: Time Exceeded is allowed");
    struct ipv4_datagram d =
        icmp_dgram(a->ip, ip4(10, 1, 0, 10), 1, icmp_echo_header(ICMP_ECHO_REQUEST, 3, 3), "q", buf);
    topo_send(a, &d);
    topo_run(t);
    expect_icmp(&h, a, 0, ICMP_TIME_EXCEEDED, 0, ip4(10, 0, 0, 1));
    STEP(&h, "from 172.16.0.5 (no route back) with TTL 1: the error cannot be sent");
    d = topo_dgram(ip4(172, 16, 0, 5), ip4(10, 1, 0, 10), 1, "lost");
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "no route for our ICMP", 1, r->counters.icmp_no_route);
    EXPECT_EQ(&h, "a received nothing more", 1, a->received);
    topo_free(t);
    harness_end(&h);
}

static void rate_limit(void) {
    struct harness h;
    harness_begin(&h, "router icmp: errors limited by a token bucket (burst 3, one per second)");
    struct router_config cfg = icmp_config();
    cfg.icmp_error_burst = 3;
    cfg.icmp_error_interval_ms = 1000;
    struct topo *t = small_net(&h, &cfg);
    struct router *r = &t->routers[0];
    struct topo_host *a = &t->hosts[0];
    struct ipv4_datagram d = topo_dgram(a->ip, ip4(10, 1, 0, 10), 1, "burst");
    STEP(&h, "5 expiring datagrams at once: 3 errors, 2 suppressed");
    for (int i = 0; i < 5; i++) {
        topo_send(a, &d);
    }
    topo_run(t);
    EXPECT_EQ(&h, "a received", 3, a->received);
    EXPECT_EQ(&h, "rate limited", 2, r->counters.icmp_rate_limited);
    STEP(&h, "999 ms later: still no token");
    topo_tick(t, 999);
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "a received", 3, a->received);
    EXPECT_EQ(&h, "rate limited", 3, r->counters.icmp_rate_limited);
    STEP(&h, "1 ms more: one token");
    topo_tick(t, 1);
    topo_send(a, &d);
    topo_send(a, &d);
    topo_run(t);
    EXPECT_EQ(&h, "a received", 4, a->received);
    EXPECT_EQ(&h, "rate limited", 4, r->counters.icmp_rate_limited);
    STEP(&h, "an hour later the bucket holds only the burst");
    topo_tick(t, 3600 * 1000);
    for (int i = 0; i < 5; i++) {
        topo_send(a, &d);
    }
    topo_run(t);
    EXPECT_EQ(&h, "a received", 7, a->received);
    EXPECT_EQ(&h, "rate limited", 6, r->counters.icmp_rate_limited);
    STEP(&h, "echo replies are not limited");
    uint8_t buf[64];
    struct ipv4_datagram ping =
        icmp_dgram(a->ip, ip4(10, 0, 0, 1), 64, icmp_echo_header(ICMP_ECHO_REQUEST, 9, 9), "ping", buf);
    for (int i = 0; i < 5; i++) {
        topo_send(a, &ping);
    }
    topo_run(t);
    EXPECT_EQ(&h, "a received", 12, a->received);
    EXPECT_EQ(&h, "time exceeded sent", 7, r->counters.icmp_time_exceeded_sent);
    topo_free(t);
    harness_end(&h);
}

static void traceroute(void) {
    struct harness h;
    harness_begin(&h, "router icmp: two routers, as traceroute sees them");
    struct router_config cfg = icmp_config();
    struct topo *t = topo_new(&h);
    struct router *r1 = topo_router(t, &cfg), *r2 = topo_router(t, &cfg);
    /* a (10.0.0.10) - A - r1 (10.0.0.1 | 10.9.0.1) - C - r2 (10.9.0.2 | 10.1.0.1) - B - b (10.1.0.10) */
    topo_router_iface(t, r1, ip4(10, 0, 0, 1), LINK_A);
    topo_router_iface(t, r1, ip4(10, 9, 0, 1), LINK_C);
    topo_router_iface(t, r2, ip4(10, 9, 0, 2), LINK_C);
    topo_router_iface(t, r2, ip4(10, 1, 0, 1), LINK_B);
    struct topo_host *a = topo_host(t, "a", ip4(10, 0, 0, 10), 24, ip4(10, 0, 0, 1), LINK_A);
    struct topo_host *b = topo_host(t, "b", ip4(10, 1, 0, 10), 24, ip4(10, 1, 0, 1), LINK_B);
    topo_route(t, r1, ip4(10, 0, 0, 0), 24, false, 0, 0);
    topo_route(t, r1, ip4(10, 9, 0, 0), 24, false, 0, 1);
    topo_route(t, r1, 0, 0, true, ip4(10, 9, 0, 2), 1);
    topo_route(t, r2, ip4(10, 1, 0, 0), 24, false, 0, 1);
    topo_route(t, r2, ip4(10, 9, 0, 0), 24, false, 0, 0);
    topo_route(t, r2, ip4(10, 0, 0, 0), 24, true, ip4(10, 9, 0, 1), 0);
    const uint32_t hops[] = {ip4(10, 0, 0, 1), ip4(10, 9, 0, 2)};
    for (unsigned ttl = 1; ttl <= 2; ttl++) {
        STEP(&h, "a sends a UDP probe to b with TTL %u", ttl);
        struct ipv4_datagram d = topo_dgram(a->ip, b->ip, (uint8_t)ttl, "probe");
        topo_send(a, &d);
        topo_run(t);
        expect_icmp(&h, a, ttl - 1, ICMP_TIME_EXCEEDED, 0, hops[ttl - 1]);
    }
    STEP(&h, "TTL 3 reaches b");
    struct ipv4_datagram d = topo_dgram(a->ip, b->ip, 3, "probe");
    topo_send(a, &d);
    topo_run(t);
    expect_arrival(&h, b, 0, &d, 2);
    STEP(&h, "a pings r2's far address 10.1.0.1: the reply crosses r1 (TTL 63)");
    uint8_t buf[64];
    d = icmp_dgram(a->ip, ip4(10, 1, 0, 1), 64, icmp_echo_header(ICMP_ECHO_REQUEST, 1, 42), "far", buf);
    topo_send(a, &d);
    topo_run(t);
    struct arrived got = expect_icmp(&h, a, 2, ICMP_ECHO_REPLY, 0, ip4(10, 1, 0, 1));
    EXPECT_EQ(&h, "TTL", 63, got.ip.header.ttl);
    EXPECT_EQ(&h, "seq", 42, icmp_echo_seq(&got.icmp));
    EXPECT_EQ(&h, "r2 echo replied", 1, r2->counters.icmp_echo_replied);
    STEP(&h, "a sends to 192.0.2.1: r1's default leads to r2, which has no route");
    d = topo_dgram(a->ip, ip4(192, 0, 2, 1), 64, "off the map");
    topo_send(a, &d);
    topo_run(t);
    got = expect_icmp(&h, a, 3, ICMP_DEST_UNREACHABLE, ICMP_UNREACH_NET, ip4(10, 9, 0, 2));
    EXPECT_EQ(&h, "TTL", 63, got.ip.header.ttl);
    EXPECT_EQ(&h, "quoted TTL (as r2 received it)", 63, got.quoted.ttl);
    EXPECT_EQ(&h, "r2 unreachable sent", 1, r2->counters.icmp_unreachable_sent);
    topo_free(t);
    harness_end(&h);
}

int main(void) {
    off_by_default();
    echo();
    time_exceeded();
    unreachable();
    rules();
    rate_limit();
    traceroute();
    return 0;
}
