/* tcp_host with a listener: handshakes, the accept queue and its limits, RSTs for closed ports,
 * several connections kept apart, connections freed when they end. Host ISN fixed at 1000. */
#include "host_steps.h"

#define ISN 1000

static struct tcp_host_config cfg_with(uint32_t half_open) {
    struct tcp_host_config cfg;
    host_cfg(&cfg, ISN);
    cfg.max_half_open = half_open;
    return cfg;
}

/* SYN from PEER_A:sport with ISN `peer_isn`, the SYN-ACK, the ACK; returns nothing. */
static void handshake(struct harness *h, struct tcp_host *host, struct mem_carrier *m, uint16_t sport,
                      uint32_t peer_isn) {
    PEER(h, host, .src = PEER_A, .sport = sport, .dport = 80, .flags = "S", .seq = peer_isn);
    FLUSH(h, host);
    EXPECT_OUT(h, m, NULL, .dst = PEER_A, .dport = sport, .syn = TRI_YES, .ack = TRI_YES, .seq = OPT_U64(ISN),
               .ackno = OPT_U64(peer_isn + 1));
    PEER(h, host, .src = PEER_A, .sport = sport, .dport = 80, .flags = "A", .seq = peer_isn + 1, .ack = ISN + 1);
    FLUSH(h, host);
}

static int syn_accept(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "listener: SYN -> SYN-ACK, handshake -> accept [L4.R21]", &cfg);
    uint32_t l, c;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 4, &l));
    EXPECT_EQ(&h, "listen on 80 twice", SPONGE_ERR_INVALID_ARGUMENT, tcp_host_listen(&host, 80, 4, &l));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "S", .seq = 7000);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dst = PEER_A, .dport = 5000, .syn = TRI_YES, .ack = TRI_YES, .seq = OPT_U64(ISN),
               .ackno = OPT_U64(7001));
    EXPECT_EQ(&h, "half-open", 1, tcp_listener_half_open(tcp_host_listener(&host, l)));
    EXPECT_BOOL(&h, "accept before the handshake completes", false, tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "connections", 1, tcp_host_connection_count(&host));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 7001, .ack = ISN + 1);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "waiting in the accept queue", 1, tcp_listener_pending(tcp_host_listener(&host, l)));
    EXPECT_EQ(&h, "half-open", 0, tcp_listener_half_open(tcp_host_listener(&host, l)));
    EXPECT_EQ(&h, "listener event", TCP_HOST_EV_ACCEPTABLE, host_events_for(&host, true, l));
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_host_state(&host, c));
    struct tcp_four_tuple t = tcp_host_tuple(&host, c);
    EXPECT_EQ(&h, "tuple remote port", 5000, t.remote_port);
    EXPECT_EQ(&h, "tuple remote address", PEER_A, t.remote_addr);
    EXPECT_EQ(&h, "tuple local port", 80, t.local_port);
    EXPECT_BOOL(&h, "accept again", false, tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "accepted counter", 1, tcp_host_listener_counters(&host, l)->accepted);
    return host_end(&h, &host, &m);
}

static int backlog_full(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "listener: backlog full drops SYNs and completing ACKs [L4.R21]", &cfg);
    uint32_t l, c;
    EXPECT_EQ(&h, "listen on 80, backlog 1", SPONGE_OK, tcp_host_listen(&host, 80, 1, &l));
    STEP(&h, "second peer's SYN arrives while the queue is still empty");
    PEER(&h, &host, .src = PEER_A, .sport = 5001, .dport = 80, .flags = "S", .seq = 9000);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .syn = TRI_YES, .ack = TRI_YES);
    handshake(&h, &host, &m, 5000, 7000);
    STEP(&h, "queue full (1 waiting): a new SYN is dropped, silently");
    PEER(&h, &host, .src = PEER_A, .sport = 5002, .dport = 80, .flags = "S", .seq = 11000);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "syn_drop_queue_full", 1, tcp_host_listener_counters(&host, l)->syn_drop_queue_full);
    STEP(&h, "the half-open connection's ACK is dropped too (it stays SYN_RCVD)");
    PEER(&h, &host, .src = PEER_A, .sport = 5001, .dport = 80, .flags = "A", .seq = 9001, .ack = ISN + 1);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "ack_drop_queue_full", 1, tcp_host_listener_counters(&host, l)->ack_drop_queue_full);
    EXPECT_EQ(&h, "host drop counter", 1, host.counters.dropped[TCP_HOST_DROP_QUEUE_FULL]);
    EXPECT_TRUE(&h, "accept the first", tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "it is port 5000", 5000, tcp_host_tuple(&host, c).remote_port);
    STEP(&h, "the peer repeats its ACK: now it completes");
    PEER(&h, &host, .src = PEER_A, .sport = 5001, .dport = 80, .flags = "A", .seq = 9001, .ack = ISN + 1);
    FLUSH(&h, &host);
    EXPECT_TRUE(&h, "accept the second", tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "it is port 5001", 5001, tcp_host_tuple(&host, c).remote_port);
    return host_end(&h, &host, &m);
}

static int half_open_limit(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(2);
    cfg.half_open_timeout_ms = 3000;
    host_begin(&h, &host, &m, "listener: at most 2 half-open connections, for at most 3 s [L4.R21]", &cfg);
    uint32_t l;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    for (uint16_t p = 0; p < 5; p++) {
        PEER(&h, &host, .src = PEER_B, .sport = (uint16_t)(6000 + p), .dport = 80, .flags = "S", .seq = 100u * p);
    }
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 6000, .syn = TRI_YES, .ack = TRI_YES);
    EXPECT_OUT(&h, &m, NULL, .dport = 6001, .syn = TRI_YES, .ack = TRI_YES);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "syn_drop_half_open", 3, tcp_host_listener_counters(&host, l)->syn_drop_half_open);
    EXPECT_EQ(&h, "connections (memory bounded)", 2, tcp_host_connection_count(&host));
    STEP(&h, "one completes: room for another SYN");
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 1, .ack = ISN + 1);
    PEER(&h, &host, .src = PEER_B, .sport = 6009, .dport = 80, .flags = "S", .seq = 900);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 6009, .syn = TRI_YES, .ack = TRI_YES);
    STEP(&h, "half-open connections that never complete are dropped after half_open_timeout_ms");
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_host_tick(&host, 2999));
    EXPECT_EQ(&h, "half-open", 2, tcp_listener_half_open(tcp_host_listener(&host, l)));
    struct sent s;
    while (mem_pop(&m, &s)) { /* SYN-ACK retransmissions */
    }
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_host_tick(&host, 1));
    EXPECT_EQ(&h, "half-open left", 0, tcp_listener_half_open(tcp_host_listener(&host, l)));
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES);
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES);
    EXPECT_EQ(&h, "connections left (the accepted-to-be one)", 1, tcp_host_connection_count(&host));
    return host_end(&h, &host, &m);
}

static int closed_port_rst(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "no connection: RST as RFC 9293 3.10.7.1 says [L4.R21]", &cfg);
    uint32_t l;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 81, .flags = "S", .seq = 500);
    EXPECT_OUT(&h, &m, NULL, .dst = PEER_A, .dport = 5000, .rst = TRI_YES, .ack = TRI_YES, .seq = OPT_U64(0),
               .ackno = OPT_U64(501));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 81, .flags = "PA", .seq = 500, .ack = 3333, .data = "hi");
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES, .ack = TRI_NO, .seq = OPT_U64(3333));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 81, .flags = "F", .seq = 500, .data = "abc");
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES, .ack = TRI_YES, .seq = OPT_U64(0), .ackno = OPT_U64(504));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 81, .flags = "R", .seq = 500);
    EXPECT_NOTHING(&h, &m);
    STEP(&h, "to the listening port: an ACK gets a RST, a RST nothing");
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 500, .ack = 4444);
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES, .seq = OPT_U64(4444));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "R", .seq = 500);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "rst_sent", 4, host.counters.rst_sent);
    EXPECT_EQ(&h, "no_connection drops", 4, host.counters.dropped[TCP_HOST_DROP_NO_CONNECTION]);
    EXPECT_EQ(&h, "connections", 0, tcp_host_connection_count(&host));
    return host_end(&h, &host, &m);
}

static int two_connections_apart(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "same peer, two ports: data kept apart [L4.R21]", &cfg);
    uint32_t l, a, b;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    handshake(&h, &host, &m, 5000, 100);
    handshake(&h, &host, &m, 5001, 200);
    EXPECT_TRUE(&h, "accept a", tcp_host_accept(&host, l, &a));
    EXPECT_TRUE(&h, "accept b", tcp_host_accept(&host, l, &b));
    PEER(&h, &host, .src = PEER_A, .sport = 5001, .dport = 80, .flags = "PA", .seq = 201, .ack = ISN + 1,
         .data = "world");
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "PA", .seq = 101, .ack = ISN + 1,
         .data = "hello");
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .ack = TRI_YES, .ackno = OPT_U64(206), .len = OPT_U64(0));
    EXPECT_OUT(&h, &m, NULL, .dport = 5000, .ack = TRI_YES, .ackno = OPT_U64(106), .len = OPT_U64(0));
    EXPECT_EQ(&h, "a readable", TCP_HOST_EV_READABLE, host_events_for(&host, false, a));
    char buf[16];
    size_t n = tcp_host_read(&host, a, buf, sizeof buf);
    EXPECT_BYTES(&h, "a reads", "hello", 5, buf, n);
    n = tcp_host_read(&host, b, buf, sizeof buf);
    EXPECT_BYTES(&h, "b reads", "world", 5, buf, n);
    EXPECT_EQ(&h, "write on b", 3, tcp_host_write(&host, b, "bbb", 3));
    EXPECT_EQ(&h, "write on a", 2, tcp_host_write(&host, a, "aa", 2));
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .seq = OPT_U64(ISN + 1), .data = "bbb");
    EXPECT_OUT(&h, &m, NULL, .dport = 5000, .seq = OPT_U64(ISN + 1), .data = "aa");
    return host_end(&h, &host, &m);
}

static int time_wait_freed(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "active close: TIME_WAIT, freed after the linger [L4.R21 L4.R9 L4.R14]", &cfg);
    uint32_t l, c;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    handshake(&h, &host, &m, 5000, 100);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    STEP(&h, "application closes: FIN");
    tcp_host_close(&host, c);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .fin = TRI_YES, .seq = OPT_U64(ISN + 1));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "FA", .seq = 101, .ack = ISN + 2);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .ack = TRI_YES, .ackno = OPT_U64(102));
    EXPECT_EQ(&h, "still there (TIME_WAIT)", 1, tcp_host_connection_count(&host));
    STEP(&h, "a new SYN on the same tuple is not a new connection yet: it is acknowledged like any segment");
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "S", .seq = 90000);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .syn = TRI_NO, .ack = TRI_YES, .ackno = OPT_U64(102));
    STEP(&h, "tick through the linger (10 x RTO)");
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_host_tick(&host, 9999));
    EXPECT_EQ(&h, "still lingering", 1, tcp_host_connection_count(&host));
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_host_tick(&host, 1));
    EXPECT_EQ(&h, "freed", 0, tcp_host_connection_count(&host));
    EXPECT_EQ(&h, "freed counter", 1, host.counters.freed);
    EXPECT_NOTHING(&h, &m);
    STEP(&h, "the tuple is free again: a SYN opens a new connection");
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "S", .seq = 90000);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .syn = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(90001));
    return host_end(&h, &host, &m);
}

static int passive_close_and_rst_on_unread(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "passive close frees at once; close with unread data sends RST [L4.R21 L4.R13]", &cfg);
    uint32_t l, a, b;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    handshake(&h, &host, &m, 5000, 100);
    handshake(&h, &host, &m, 5001, 200);
    EXPECT_TRUE(&h, "accept a", tcp_host_accept(&host, l, &a));
    EXPECT_TRUE(&h, "accept b", tcp_host_accept(&host, l, &b));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "FA", .seq = 101, .ack = ISN + 1);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5000, .ack = TRI_YES, .ackno = OPT_U64(102));
    EXPECT_EQ(&h, "a readable (EOF)", TCP_HOST_EV_READABLE, host_events_for(&host, false, a));
    EXPECT_BOOL(&h, "a at EOF", true, tcp_host_eof(&host, a));
    tcp_host_close(&host, a);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5000, .fin = TRI_YES);
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 102, .ack = ISN + 2);
    FLUSH(&h, &host);
    EXPECT_EQ(&h, "a freed (no linger after a passive close)", 1, tcp_host_connection_count(&host));
    STEP(&h, "b has unread data when closed: RST");
    PEER(&h, &host, .src = PEER_A, .sport = 5001, .dport = 80, .flags = "PA", .seq = 201, .ack = ISN + 1,
         .data = "unread");
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .ack = TRI_YES);
    tcp_host_close(&host, b);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .rst = TRI_YES);
    EXPECT_EQ(&h, "b freed", 0, tcp_host_connection_count(&host));
    return host_end(&h, &host, &m);
}

static int connect_two_peers(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "connect to two peers at once, and twice to one [L4.R21]", &cfg);
    uint32_t a, b, a2;
    EXPECT_EQ(&h, "connect to A:7", SPONGE_OK, tcp_host_connect(&host, PEER_A, 7, &a));
    EXPECT_EQ(&h, "connect to B:7", SPONGE_OK, tcp_host_connect(&host, PEER_B, 7, &b));
    EXPECT_EQ(&h, "connect to A:7 again", SPONGE_OK, tcp_host_connect(&host, PEER_A, 7, &a2));
    FLUSH(&h, &host);
    struct sent sa, sb, sa2;
    EXPECT_OUT(&h, &m, &sa, .dst = PEER_A, .dport = 7, .syn = TRI_YES, .ack = TRI_NO, .seq = OPT_U64(ISN));
    EXPECT_OUT(&h, &m, &sb, .dst = PEER_B, .dport = 7, .syn = TRI_YES, .ack = TRI_NO);
    EXPECT_OUT(&h, &m, &sa2, .dst = PEER_A, .dport = 7, .syn = TRI_YES, .ack = TRI_NO);
    uint16_t pa = sa.seg.header.sport, pb = sb.seg.header.sport, pa2 = sa2.seg.header.sport;
    EXPECT_TRUE(&h, "ephemeral ports in range", pa >= 32768 && pb >= 32768 && pa2 >= 32768 && pa <= 60999);
    EXPECT_TRUE(&h, "two connections to A use two ports", pa != pa2);
    EXPECT_EQ(&h, "tuple's port is the SYN's", pa, tcp_host_tuple(&host, a).local_port);
    PEER(&h, &host, .src = PEER_B, .sport = 7, .dport = pb, .flags = "SA", .seq = 300, .ack = ISN + 1);
    PEER(&h, &host, .src = PEER_A, .sport = 7, .dport = pa, .flags = "SA", .seq = 100, .ack = ISN + 1);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dst = PEER_B, .dport = 7, .ack = TRI_YES, .ackno = OPT_U64(301));
    EXPECT_OUT(&h, &m, NULL, .dst = PEER_A, .dport = 7, .ack = TRI_YES, .ackno = OPT_U64(101));
    EXPECT_EQ(&h, "a writable (connected)", TCP_HOST_EV_WRITABLE, host_events_for(&host, false, a));
    EXPECT_EQ(&h, "b state", TCP_STATE_ESTABLISHED, tcp_host_state(&host, b));
    EXPECT_EQ(&h, "a2 state", TCP_STATE_SYN_SENT, tcp_host_state(&host, a2));
    STEP(&h, "A refuses the second one: RST, the handle reports CLOSED");
    PEER(&h, &host, .src = PEER_A, .sport = 7, .dport = pa2, .flags = "RA", .seq = 0, .ack = ISN + 1);
    FLUSH(&h, &host);
    EXPECT_EQ(&h, "a2 closed", TCP_HOST_EV_CLOSED | TCP_HOST_EV_READABLE, host_events_for(&host, false, a2));
    EXPECT_EQ(&h, "a2 state", TCP_STATE_RESET, tcp_host_state(&host, a2));
    tcp_host_close(&host, a2);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "connections", 2, tcp_host_connection_count(&host));
    return host_end(&h, &host, &m);
}

static int window_update(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    cfg.tcp.recv_capacity = 2000;
    host_begin(&h, &host, &m, "a read that reopens a closed window sends a window update [L4.R21 L4.R20]", &cfg);
    uint32_t l, c;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    handshake(&h, &host, &m, 5000, 100);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    static char fill[1001];
    memset(fill, 'x', 1000);
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 101, .ack = ISN + 1, .data = fill);
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 1101, .ack = ISN + 1, .data = fill);
    FLUSH(&h, &host);
    struct sent s;
    EXPECT_OUT(&h, &m, &s, .ack = TRI_YES, .ackno = OPT_U64(2101));
    EXPECT_EQ(&h, "window closed", 0, s.seg.header.win);
    static char buf[1500];
    EXPECT_EQ(&h, "read 1500", 1500, tcp_host_read(&host, c, buf, sizeof buf));
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, &s, .ack = TRI_YES, .ackno = OPT_U64(2101), .seq = OPT_U64(ISN + 1), .len = OPT_U64(0));
    EXPECT_EQ(&h, "window reopened", 1500, s.seg.header.win);
    EXPECT_EQ(&h, "read 100 more (the window was open already: no update)", 100, tcp_host_read(&host, c, buf, 100));
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "window_updates", 1, host.counters.window_updates);
    return host_end(&h, &host, &m);
}

static int orphans(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    cfg.orphan_timeout_ms = 5000;
    host_begin(&h, &host, &m, "closed handles: FIN_WAIT_2 times out; close in SYN_SENT sends nothing [L4.R21]", &cfg);
    uint32_t l, c, d;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    handshake(&h, &host, &m, 5000, 100);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    tcp_host_close(&host, c);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .fin = TRI_YES);
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "A", .seq = 101, .ack = ISN + 2);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    STEP(&h, "FIN_WAIT_2, the peer never closes");
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_host_tick(&host, 4999));
    EXPECT_EQ(&h, "still there", 1, tcp_host_connection_count(&host));
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_host_tick(&host, 1));
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES);
    EXPECT_EQ(&h, "freed", 0, tcp_host_connection_count(&host));
    STEP(&h, "data for a closed handle: nobody can read it, RST");
    handshake(&h, &host, &m, 5001, 200);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    tcp_host_close(&host, c);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .fin = TRI_YES);
    PEER(&h, &host, .src = PEER_A, .sport = 5001, .dport = 80, .flags = "PA", .seq = 201, .ack = ISN + 2,
         .data = "late");
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .rst = TRI_YES);
    EXPECT_EQ(&h, "freed", 0, tcp_host_connection_count(&host));
    STEP(&h, "a connect closed while in SYN_SENT sends no RST");
    EXPECT_EQ(&h, "connect", SPONGE_OK, tcp_host_connect(&host, PEER_B, 7, &d));
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .syn = TRI_YES);
    tcp_host_close(&host, d);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "freed", 0, tcp_host_connection_count(&host));
    return host_end(&h, &host, &m);
}

static int stale_events(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "a handle closed with news not yet popped: its slot is reused safely [L4.R21]", &cfg);
    uint32_t l, c, c2;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    handshake(&h, &host, &m, 5000, 100);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "PA", .seq = 101, .ack = ISN + 1, .data = "x");
    tcp_host_close(&host, c);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5000, .rst = TRI_YES);
    EXPECT_EQ(&h, "freed", 0, tcp_host_connection_count(&host));
    handshake(&h, &host, &m, 5001, 200);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c2));
    EXPECT_EQ(&h, "the slot is reused", c, c2);
    PEER(&h, &host, .src = PEER_A, .sport = 5001, .dport = 80, .flags = "PA", .seq = 201, .ack = ISN + 1, .data = "y");
    STEP(&h, "pop all events: the listener has nothing waiting, the handle has the new data");
    struct tcp_host_event ev[8];
    EXPECT_EQ(&h, "events", 1, tcp_host_events(&host, ev, 8));
    EXPECT_BOOL(&h, "the event is the new connection's", true,
                !ev[0].listener && ev[0].id == c2 && ev[0].events == TCP_HOST_EV_READABLE);
    EXPECT_EQ(&h, "no more events", 0, tcp_host_events(&host, ev, 8));
    return host_end(&h, &host, &m);
}

static int unlisten(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cfg_with(16);
    host_begin(&h, &host, &m, "unlisten: half-open and queued connections reset, accepted ones go on [L4.R21]", &cfg);
    uint32_t l, a, l2;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l));
    handshake(&h, &host, &m, 5000, 100);
    EXPECT_TRUE(&h, "accept the first", tcp_host_accept(&host, l, &a));
    handshake(&h, &host, &m, 5001, 200);
    EXPECT_EQ(&h, "listener event (one waiting)", TCP_HOST_EV_ACCEPTABLE, host_events_for(&host, true, l));
    handshake(&h, &host, &m, 5002, 300);
    PEER(&h, &host, .src = PEER_A, .sport = 5003, .dport = 80, .flags = "S", .seq = 400);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5003, .syn = TRI_YES, .ack = TRI_YES);
    EXPECT_EQ(&h, "waiting in the accept queue", 2, tcp_listener_pending(tcp_host_listener(&host, l)));
    EXPECT_EQ(&h, "half-open", 1, tcp_listener_half_open(tcp_host_listener(&host, l)));
    EXPECT_EQ(&h, "connections", 4, tcp_host_connection_count(&host));
    STEP(&h, "unlisten: the two queued and the half-open one are reset");
    tcp_host_unlisten(&host, l);
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5001, .rst = TRI_YES, .seq = OPT_U64(ISN + 1));
    EXPECT_OUT(&h, &m, NULL, .dport = 5002, .rst = TRI_YES, .seq = OPT_U64(ISN + 1));
    EXPECT_OUT(&h, &m, NULL, .dport = 5003, .rst = TRI_YES, .seq = OPT_U64(ISN + 1));
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "connections (the accepted one)", 1, tcp_host_connection_count(&host));
    EXPECT_EQ(&h, "no listener event left", 0, host_events_for(&host, true, l));
    STEP(&h, "the accepted connection goes on");
    PEER(&h, &host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "PA", .seq = 101, .ack = ISN + 1, .data = "hi");
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5000, .ack = TRI_YES, .ackno = OPT_U64(103), .rst = TRI_NO);
    EXPECT_EQ(&h, "write", 2, tcp_host_write(&host, a, "ok", 2));
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dport = 5000, .data = "ok");
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_host_state(&host, a));
    STEP(&h, "the port is closed now: a new SYN and the half-open one's ACK get RSTs");
    PEER(&h, &host, .src = PEER_A, .sport = 5004, .dport = 80, .flags = "S", .seq = 500);
    EXPECT_OUT(&h, &m, NULL, .dport = 5004, .rst = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(501));
    PEER(&h, &host, .src = PEER_A, .sport = 5003, .dport = 80, .flags = "A", .seq = 401, .ack = ISN + 1);
    EXPECT_OUT(&h, &m, NULL, .dport = 5003, .rst = TRI_YES, .seq = OPT_U64(ISN + 1));
    STEP(&h, "listening again (the listener id is reused) serves new connections");
    EXPECT_EQ(&h, "listen on 80 again", SPONGE_OK, tcp_host_listen(&host, 80, 8, &l2));
    EXPECT_EQ(&h, "the same id", l, l2);
    EXPECT_EQ(&h, "a fresh accept queue", 0, tcp_listener_pending(tcp_host_listener(&host, l2)));
    handshake(&h, &host, &m, 5005, 600);
    uint32_t b;
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l2, &b));
    EXPECT_EQ(&h, "it is port 5005", 5005, tcp_host_tuple(&host, b).remote_port);
    EXPECT_EQ(&h, "half-open", 0, tcp_listener_half_open(tcp_host_listener(&host, l2)));
    EXPECT_EQ(&h, "connections", 2, tcp_host_connection_count(&host));
    return host_end(&h, &host, &m);
}

int main(void) {
    syn_accept();
    backlog_full();
    half_open_limit();
    closed_port_rst();
    two_connections_apart();
    time_wait_freed();
    passive_close_and_rst_on_unread();
    connect_two_peers();
    window_update();
    orphans();
    stale_events();
    unlisten();
    return 0;
}
