/* tcp_host with SYN cookies (RFC 4987 3.6, libsponge/tcp/syn_cookie.h): once a listener's
 * half-open places are taken, SYNs get cookie SYN+ACKs and no state; a valid cookie ACK makes
 * an ESTABLISHED connection in the accept queue; bad, expired and unqueueable ones are counted.
 * Host ISN fixed at 1000 (cookie connections take the cookie as ISN). */
#include "../lab4/host_steps.h"

#define ISN 1000

static struct tcp_host_config cookie_cfg(uint32_t half_open, bool cookies) {
    struct tcp_host_config cfg;
    host_cfg(&cfg, ISN);
    cfg.max_half_open = half_open;
    cfg.syn_cookies = cookies;
    return cfg;
}

/* A SYN from PEER_B:sport that must be answered with a cookie; returns the cookie. */
static uint32_t cookie_for(struct harness *h, struct tcp_host *host, struct mem_carrier *m, uint16_t sport,
                           uint32_t peer_isn) {
    PEER(h, host, .src = PEER_B, .sport = sport, .dport = 80, .flags = "S", .seq = peer_isn);
    struct sent s = {0};
    EXPECT_OUT(h, m, &s, .dst = PEER_B, .dport = sport, .syn = TRI_YES, .ack = TRI_YES, .ackno = OPT_U64(peer_isn + 1));
    return s.seg.header.seqno.raw;
}

/* Listens on port 80 (accept queue `backlog`), and a SYN from PEER_A:5000 that never completes
 * takes the one half-open place (max_half_open 1 in these tests). Returns the listener. */
static uint32_t listen_half_open_taken(struct harness *h, struct tcp_host *host, struct mem_carrier *m,
                                       uint32_t backlog) {
    uint32_t l = 0;
    EXPECT_EQ(h, "listen on 80", SPONGE_OK, tcp_host_listen(host, 80, backlog, &l));
    STEP(h, "a SYN that never completes takes the one half-open place");
    PEER(h, host, .src = PEER_A, .sport = 5000, .dport = 80, .flags = "S", .seq = 7000);
    FLUSH(h, host);
    EXPECT_OUT(h, m, NULL, .dst = PEER_A, .syn = TRI_YES, .ack = TRI_YES, .seq = OPT_U64(ISN));
    return l;
}

static int cookie_when_half_open_full(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cookie_cfg(1, true);
    host_begin(&h, &host, &m, "cookies: half-open place taken -> SYN cookie, no state; its ACK -> accept", &cfg);
    uint32_t c;
    uint32_t l = listen_half_open_taken(&h, &host, &m, 4);
    STEP(&h, "the next SYN is answered at once with a cookie");
    uint32_t cookie = cookie_for(&h, &host, &m, 6000, 30000);
    EXPECT_TRUE(&h, "the cookie is not the fixed ISN", cookie != ISN);
    EXPECT_EQ(&h, "connections (nothing kept for it)", 1, tcp_host_connection_count(&host));
    EXPECT_EQ(&h, "cookies_sent", 1, tcp_host_listener_counters(&host, l)->cookies_sent);
    EXPECT_EQ(&h, "syn_drop_half_open (none: cookies instead)", 0,
              tcp_host_listener_counters(&host, l)->syn_drop_half_open);
    STEP(&h, "its ACK, with data, returns the cookie: ESTABLISHED, in the accept queue");
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "PA", .seq = 30001, .ack = cookie + 1,
         .data = "hello");
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dst = PEER_B, .ack = TRI_YES, .syn = TRI_NO, .rst = TRI_NO, .seq = OPT_U64(cookie + 1),
               .ackno = OPT_U64(30006));
    EXPECT_EQ(&h, "cookies_validated", 1, tcp_host_listener_counters(&host, l)->cookies_validated);
    EXPECT_EQ(&h, "cookie_opens", 1, host.counters.cookie_opens);
    EXPECT_EQ(&h, "half-open (the first SYN's only)", 1, tcp_listener_half_open(tcp_host_listener(&host, l)));
    EXPECT_EQ(&h, "listener event", TCP_HOST_EV_ACCEPTABLE, host_events_for(&host, true, l));
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_host_state(&host, c));
    EXPECT_EQ(&h, "remote port", 6000, tcp_host_tuple(&host, c).remote_port);
    char buf[16];
    EXPECT_EQ(&h, "read the ACK's data", 5, tcp_host_read(&host, c, buf, sizeof buf));
    EXPECT_EQ(&h, "write a reply", 2, tcp_host_write(&host, c, "ok", 2));
    FLUSH(&h, &host);
    EXPECT_OUT(&h, &m, NULL, .dst = PEER_B, .seq = OPT_U64(cookie + 1), .data = "ok");
    STEP(&h, "the ACK repeated now belongs to the connection (no second one)");
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 30006, .ack = cookie + 3);
    FLUSH(&h, &host);
    EXPECT_EQ(&h, "cookies_validated still", 1, tcp_host_listener_counters(&host, l)->cookies_validated);
    EXPECT_EQ(&h, "connections", 2, tcp_host_connection_count(&host));
    tcp_host_close(&host, c);
    return host_end(&h, &host, &m);
}

static int bad_cookies(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cookie_cfg(1, true);
    host_begin(&h, &host, &m, "cookies: a wrong or expired cookie gets the RST of RFC 9293 3.10.7.2, counted", &cfg);
    uint32_t l = listen_half_open_taken(&h, &host, &m, 4);
    uint32_t cookie = cookie_for(&h, &host, &m, 6000, 30000);
    STEP(&h, "an ACK whose ackno is not the cookie + 1");
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 30001, .ack = cookie + 9);
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES, .seq = OPT_U64(cookie + 9));
    STEP(&h, "the right cookie from another port (another tuple)");
    PEER(&h, &host, .src = PEER_B, .sport = 6001, .dport = 80, .flags = "A", .seq = 30001, .ack = cookie + 1);
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES);
    STEP(&h, "the right cookie with another seqno (another peer ISN)");
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 30002, .ack = cookie + 1);
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES);
    EXPECT_EQ(&h, "cookie_acks_rejected", 3, tcp_host_listener_counters(&host, l)->cookie_acks_rejected);
    EXPECT_EQ(&h, "host listen_not_syn drops", 3, host.counters.dropped[TCP_HOST_DROP_LISTEN_NOT_SYN]);
    STEP(&h, "the right cookie after two 64 s slots: expired");
    EXPECT_EQ(&h, "tick", SPONGE_OK, tcp_host_tick(&host, 2 * SYN_COOKIE_SLOT_MS));
    struct sent s;
    while (mem_pop(&m, &s)) { /* the half-open connection's SYN-ACK retransmissions */
    }
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 30001, .ack = cookie + 1);
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES, .seq = OPT_U64(cookie + 1));
    EXPECT_EQ(&h, "cookie_acks_rejected", 4, tcp_host_listener_counters(&host, l)->cookie_acks_rejected);
    EXPECT_EQ(&h, "cookies_validated", 0, tcp_host_listener_counters(&host, l)->cookies_validated);
    EXPECT_EQ(&h, "connections", 0, tcp_host_connection_count(&host));
    return host_end(&h, &host, &m);
}

static int cookie_still_valid_next_slot(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cookie_cfg(1, true);
    host_begin(&h, &host, &m, "cookies: a cookie from the previous 64 s slot still opens", &cfg);
    uint32_t c;
    uint32_t l = listen_half_open_taken(&h, &host, &m, 4);
    uint32_t cookie = cookie_for(&h, &host, &m, 6000, 30000);
    EXPECT_EQ(&h, "tick into the next slot", SPONGE_OK, tcp_host_tick(&host, SYN_COOKIE_SLOT_MS));
    struct sent s;
    while (mem_pop(&m, &s)) {
    }
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 30001, .ack = cookie + 1);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "state", TCP_STATE_ESTABLISHED, tcp_host_state(&host, c));
    tcp_host_close(&host, c);
    FLUSH(&h, &host);
    return host_end(&h, &host, &m);
}

static int cookie_queue_full(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cookie_cfg(1, true);
    host_begin(&h, &host, &m, "cookies: a valid cookie ACK while the accept queue is full is dropped, silently", &cfg);
    uint32_t c;
    uint32_t l = listen_half_open_taken(&h, &host, &m, 1);
    uint32_t c1 = cookie_for(&h, &host, &m, 6000, 30000);
    uint32_t c2 = cookie_for(&h, &host, &m, 6001, 40000);
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 30001, .ack = c1 + 1);
    FLUSH(&h, &host);
    EXPECT_EQ(&h, "queued", 1, tcp_listener_pending(tcp_host_listener(&host, l)));
    STEP(&h, "queue full: the second cookie ACK is dropped without a RST (the peer retransmits)");
    PEER(&h, &host, .src = PEER_B, .sport = 6001, .dport = 80, .flags = "A", .seq = 40001, .ack = c2 + 1);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "cookie_drop_queue_full", 1, tcp_host_listener_counters(&host, l)->cookie_drop_queue_full);
    EXPECT_EQ(&h, "host queue_full drops", 1, host.counters.dropped[TCP_HOST_DROP_QUEUE_FULL]);
    STEP(&h, "SYNs meanwhile are dropped (queue full), not cookied");
    PEER(&h, &host, .src = PEER_B, .sport = 6002, .dport = 80, .flags = "S", .seq = 1);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "cookies_sent", 2, tcp_host_listener_counters(&host, l)->cookies_sent);
    STEP(&h, "accept the first; the second's repeated ACK now gets in");
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    PEER(&h, &host, .src = PEER_B, .sport = 6001, .dport = 80, .flags = "A", .seq = 40001, .ack = c2 + 1);
    FLUSH(&h, &host);
    uint32_t c_second;
    EXPECT_TRUE(&h, "accept the second", tcp_host_accept(&host, l, &c_second));
    EXPECT_EQ(&h, "it is port 6001", 6001, tcp_host_tuple(&host, c_second).remote_port);
    tcp_host_close(&host, c);
    tcp_host_close(&host, c_second);
    FLUSH(&h, &host);
    return host_end(&h, &host, &m);
}

static int flood_bounded(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cookie_cfg(4, true);
    host_begin(&h, &host, &m, "cookies: 2000 unanswered SYNs keep 4 connections; a late client still gets in", &cfg);
    uint32_t l, c;
    EXPECT_EQ(&h, "listen on 80", SPONGE_OK, tcp_host_listen(&host, 80, 16, &l));
    struct sent s;
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t dgram[MEM_DGRAM];
        struct tcp_segment seg;
        size_t len = peer_datagram(
            (struct peer_seg){
                .src = PEER_A, .sport = (uint16_t)(1024 + i), .dport = 80, .flags = "S", .seq = i * 7919u},
            dgram, &seg);
        tcp_host_datagram_received(&host, dgram, len);
        while (mem_pop(&m, &s)) {
        }
    }
    FLUSH(&h, &host);
    while (mem_pop(&m, &s)) {
    }
    EXPECT_EQ(&h, "connections", 4, tcp_host_connection_count(&host));
    EXPECT_EQ(&h, "cookies_sent", 1996, tcp_host_listener_counters(&host, l)->cookies_sent);
    STEP(&h, "a legitimate client (another address) completes through its cookie");
    uint32_t cookie = cookie_for(&h, &host, &m, 443, 123456);
    PEER(&h, &host, .src = PEER_B, .sport = 443, .dport = 80, .flags = "A", .seq = 123457, .ack = cookie + 1);
    FLUSH(&h, &host);
    EXPECT_TRUE(&h, "accept", tcp_host_accept(&host, l, &c));
    EXPECT_EQ(&h, "its address", PEER_B, tcp_host_tuple(&host, c).remote_addr);
    tcp_host_close(&host, c);
    FLUSH(&h, &host);
    return host_end(&h, &host, &m);
}

static int cookies_off(void) {
    struct harness h;
    struct tcp_host host;
    static struct mem_carrier m;
    struct tcp_host_config cfg = cookie_cfg(1, false);
    host_begin(&h, &host, &m, "cookies off (the default): SYNs beyond the half-open limit are dropped", &cfg);
    uint32_t l = listen_half_open_taken(&h, &host, &m, 4);
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "S", .seq = 30000);
    FLUSH(&h, &host);
    EXPECT_NOTHING(&h, &m);
    EXPECT_EQ(&h, "syn_drop_half_open", 1, tcp_host_listener_counters(&host, l)->syn_drop_half_open);
    EXPECT_EQ(&h, "cookies_sent", 0, tcp_host_listener_counters(&host, l)->cookies_sent);
    STEP(&h, "an ACK to the port is not checked as a cookie");
    PEER(&h, &host, .src = PEER_B, .sport = 6000, .dport = 80, .flags = "A", .seq = 30001, .ack = 5);
    EXPECT_OUT(&h, &m, NULL, .rst = TRI_YES);
    EXPECT_EQ(&h, "cookie_acks_rejected", 0, tcp_host_listener_counters(&host, l)->cookie_acks_rejected);
    struct tcp_host_config def;
    tcp_host_config_default(&def);
    EXPECT_BOOL(&h, "tcp_host_config_default: off", false, def.syn_cookies);
    return host_end(&h, &host, &m);
}

int main(void) {
    cookie_when_half_open_full();
    bad_cookies();
    cookie_still_valid_next_slot();
    cookie_queue_full();
    flood_bounded();
    cookies_off();
    return 0;
}
