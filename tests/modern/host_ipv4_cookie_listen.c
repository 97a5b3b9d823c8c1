/* The modern single-connection listener's stateless listen (tcp_ipv4_adapter_accept_cookie,
 * what `tcp_ipv4 -l` runs before its connection exists), step by step over a datagram
 * socketpair standing in for the TUN device: every SYN gets a cookie SYN+ACK and nothing is
 * kept; a SYN that never completes does not fix the peer; the first valid cookie ACK does, and
 * the connection made from it (tcp_connection_init_from_cookie) is ESTABLISHED with its data. */
#include "../lab4/host_steps.h"
#include "adapters/tcp_over_ipv4.h"
#include "tcp/tcp_connection_cookie.h"

#include <sys/socket.h>
#include <unistd.h>

static const uint8_t KEY[SIPHASH_KEY_LEN] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};

/* Writes peer segment p to the device end `fd` (as the kernel would hand it to us). */
static void to_device(struct harness *h, int fd, struct peer_seg p) {
    uint8_t dgram[MEM_DGRAM];
    struct tcp_segment seg;
    size_t len = peer_datagram(p, dgram, &seg);
    char desc[160];
    STEP(h, "peer .%u:%u sends %s", (unsigned)(p.src & 0xff), (unsigned)p.sport,
         tcp_segment_describe(&seg, desc, sizeof desc));
    if (write(fd, dgram, len) != (ssize_t)len) {
        FAIL(h, "could not write the datagram");
    }
}

/* Reads what our side wrote to the device: a SYN+ACK to `dst`:`dport`; returns its seqno. */
static uint32_t from_device_synack(struct harness *h, int fd, uint32_t dst, uint16_t dport, uint32_t ackno) {
    uint8_t buf[MEM_DGRAM];
    ssize_t n = read(fd, buf, sizeof buf);
    STEP(h, "expect a SYN+ACK to .%u:%u", (unsigned)(dst & 0xff), (unsigned)dport);
    struct ipv4_header ip;
    struct tcp_segment seg;
    size_t off = 0;
    if (n <= 0 || ipv4_header_parse(buf, (size_t)n, &ip, &off) != SPONGE_OK ||
        tcp_segment_parse(buf + off, ip.total_len - off, ip.src, ip.dst, true, &seg) != SPONGE_OK) {
        FAIL(h, "nothing (or nothing that parses) was written");
        return 0;
    }
    EXPECT_EQ(h, "destination", dst, ip.dst);
    EXPECT_EQ(h, "destination port", dport, seg.header.dport);
    EXPECT_TRUE(h, "SYN+ACK", seg.header.syn && seg.header.ack);
    EXPECT_EQ(h, "ackno", ackno, seg.header.ackno.raw);
    return seg.header.seqno.raw;
}

static int stateless_listen(void) {
    struct harness h;
    harness_begin(&h, "tcp_ipv4 -l (modern): SYN cookies until the first handshake completes");
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) != 0) {
        FAIL(&h, "socketpair failed");
        return harness_end(&h);
    }
    int dev = sv[1];
    struct tcp_ipv4_config icfg = {.local_addr = HOST_ADDR, .local_port = 80, .listen = true};
    struct tcp_ipv4_adapter a;
    EXPECT_EQ(&h, "adapter init", SPONGE_OK, tcp_ipv4_adapter_init(&a, sv[0], false, &icfg));
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    tcp_config_set_modern(&cfg, true);

    STEP(&h, "two SYNs (A never completes), a stray ACK, then B's ACK with the right cookie");
    to_device(&h, dev, (struct peer_seg){.src = PEER_A, .sport = 5000, .dport = 80, .flags = "S", .seq = 7000});
    to_device(&h, dev, (struct peer_seg){.src = PEER_B, .sport = 6000, .dport = 80, .flags = "S", .seq = 30000});
    to_device(&h, dev, (struct peer_seg){.src = PEER_B, .sport = 6001, .dport = 80, .flags = "A", .seq = 1, .ack = 2});
    /* The caller chooses the key, so the test knows B's cookie (slot 0, no MSS option: 536). */
    struct syn_cookies sc;
    syn_cookies_init(&sc, KEY);
    struct tcp_four_tuple tb = {HOST_ADDR, PEER_B, 80, 6000};
    uint32_t cookie_b = syn_cookie_make(&sc, &tb, 30000, syn_cookie_mss_index(536));
    to_device(
        &h, dev,
        (struct peer_seg){
            .src = PEER_B, .sport = 6000, .dport = 80, .flags = "PA", .seq = 30001, .ack = cookie_b + 1, .data = "hi"});
    struct syn_cookie_syn syn;
    struct tcp_segment ack;
    EXPECT_EQ(&h, "accept_cookie", SPONGE_OK, tcp_ipv4_adapter_accept_cookie(&a, &cfg, KEY, &syn, &ack));
    EXPECT_EQ(&h, "taken: B's ACK", 6000, ack.header.sport);
    EXPECT_EQ(&h, "its cookie", cookie_b, syn.our_isn.raw);
    EXPECT_EQ(&h, "MSS kept", 536, syn.mss);
    from_device_synack(&h, dev, PEER_A, 5000, 7001);
    EXPECT_EQ(&h, "B's SYN+ACK carries the cookie", cookie_b, from_device_synack(&h, dev, PEER_B, 6000, 30001));
    EXPECT_EQ(&h, "cookies sent", 2, a.cookies_sent);
    EXPECT_EQ(&h, "cookie ACKs rejected (the stray one)", 1, a.cookie_acks_rejected);
    EXPECT_EQ(&h, "cookies validated", 1, a.cookies_validated);

    STEP(&h, "the connection made from it: ESTABLISHED, B's data taken");
    struct tcp_connection c;
    EXPECT_EQ(&h, "init from cookie", SPONGE_OK, tcp_connection_init_from_cookie(&c, &cfg, &syn, &ack));
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_connection_state(&c));
    EXPECT_EQ(&h, "data", 2, byte_stream_buffer_size(tcp_connection_inbound_stream(&c)));
    tcp_connection_destroy(&c);
    struct tcp_segment discard;
    while (tcp_connection_segments_out(&c, &discard)) {
    }

    STEP(&h, "the peer is now B: A's late ACK is another peer's");
    struct tcp_adapter ad = tcp_ipv4_adapter_as_adapter(&a);
    to_device(&h, dev,
              (struct peer_seg){.src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 7001, .ack = 1});
    struct tcp_segment seg;
    bool got = true;
    EXPECT_EQ(&h, "recv", SPONGE_OK, tcp_adapter_recv(&ad, &seg, &got));
    EXPECT_BOOL(&h, "nothing for the connection", false, got);
    EXPECT_EQ(&h, "other_peer drops", 1, tcp_ipv4_filter_dropped(&a.filter, TCP_IPV4_DROP_OTHER_PEER));
    tcp_ipv4_adapter_destroy(&a);
    close(dev);
    return harness_end(&h);
}

int main(void) {
    stateless_listen();
    return 0;
}
