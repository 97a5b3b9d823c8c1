/* tcp_host with many connections at once: simulated peers open connections to an echo
 * service, send random data in random chunks (now and then a duplicate), and close, all
 * interleaved at random; every echo must come back exact on its own connection, and every
 * connection must be freed at the end. Replay a failure with SPONGE_SEED. */
#include "host_steps.h"
#include "util/rng.h"

#include <stdlib.h>

#define ISN 1000
#define PEERS 40
#define MAX_DATA 3000
#define CHUNK 400

enum peer_state { P_IDLE, P_SYN_SENT, P_OPEN, P_FIN_SENT, P_DONE };

struct peer {
    enum peer_state state;
    uint32_t addr;
    uint16_t port;
    uint32_t isn;
    bool synack_seen, fin_seen, need_ack;
    uint32_t rcv_nxt; /* next host seqno expected */
    size_t size, sent, echoed;
    uint8_t data[MAX_DATA];
    uint8_t echo[MAX_DATA];
};

struct world {
    struct harness h;
    struct tcp_host host;
    struct mem_carrier m;
    struct sponge_rng rng;
    uint32_t listener;
    struct peer peers[PEERS];
};

static void send_from(struct world *w, struct peer *p, const char *flags, uint32_t seq, const uint8_t *data,
                      size_t len) {
    char text[CHUNK + 1];
    if (len) {
        memcpy(text, data, len);
    }
    text[len] = 0;
    PEER(&w->h, &w->host, .src = p->addr, .sport = p->port, .dport = 80, .flags = flags, .seq = seq, .ack = p->rcv_nxt,
         .data = len ? text : NULL);
}

/* The peer's next move. Data bytes are printable and never 0, so the text helper carries them. */
static void act(struct world *w, struct peer *p) {
    switch (p->state) {
        case P_IDLE:
            send_from(w, p, "S", p->isn, NULL, 0);
            p->state = P_SYN_SENT;
            break;
        case P_SYN_SENT:
            if (p->synack_seen) {
                send_from(w, p, "A", p->isn + 1, NULL, 0);
                p->state = P_OPEN;
            }
            break;
        case P_OPEN:
            if (p->sent > 0 && sponge_rng_below(&w->rng, 8) == 0) {
                /* a duplicate of bytes already sent: acknowledged, not delivered twice */
                size_t from = (size_t)sponge_rng_below(&w->rng, p->sent), n = p->sent - from;
                n = n > CHUNK ? CHUNK : n;
                send_from(w, p, "A", p->isn + 1 + (uint32_t)from, p->data + from, n);
            } else if (p->sent < p->size) {
                size_t n = 1 + (size_t)sponge_rng_below(&w->rng, CHUNK);
                n = n > p->size - p->sent ? p->size - p->sent : n;
                send_from(w, p, "PA", p->isn + 1 + (uint32_t)p->sent, p->data + p->sent, n);
                p->sent += n;
            } else {
                send_from(w, p, "FA", p->isn + 1 + (uint32_t)p->size, NULL, 0);
                p->state = P_FIN_SENT;
            }
            break;
        case P_FIN_SENT:
            if (p->fin_seen) {
                p->state = P_DONE;
            }
            break;
        case P_DONE:
            break;
    }
}

static struct peer *peer_of(struct world *w, const struct sent *s) {
    for (int i = 0; i < PEERS; i++) {
        if (w->peers[i].addr == s->ip.dst && w->peers[i].port == s->seg.header.dport) {
            return &w->peers[i];
        }
    }
    FAIL(&w->h, "the host sent to an unknown peer");
}

/* Every datagram the host sent reaches its peer, which checks it and owes an ACK. */
static void deliver(struct world *w) {
    struct sent s;
    while (mem_pop(&w->m, &s)) {
        struct peer *p = peer_of(w, &s);
        const struct tcp_header *hd = &s.seg.header;
        if (hd->rst) {
            FAIL(&w->h, "peer %u got a RST", (unsigned)p->port);
        }
        if (hd->syn) {
            if (hd->seqno.raw != ISN || !hd->ack || hd->ackno.raw != p->isn + 1) {
                FAIL(&w->h, "peer %u: bad SYN-ACK", (unsigned)p->port);
            }
            p->synack_seen = true;
            p->rcv_nxt = ISN + 1;
            continue;
        }
        if (!p->synack_seen) {
            FAIL(&w->h, "peer %u: a segment before the SYN-ACK", (unsigned)p->port);
        }
        if (s.payload_len > 0 || hd->fin) {
            if (hd->seqno.raw != p->rcv_nxt) {
                FAIL(&w->h, "peer %u: host segment at seqno %u, expected %u (no loss here)", (unsigned)p->port,
                     (unsigned)hd->seqno.raw, (unsigned)p->rcv_nxt);
            }
            if (p->echoed + s.payload_len > p->size) {
                FAIL(&w->h, "peer %u: more echoed than sent", (unsigned)p->port);
            }
            memcpy(p->echo + p->echoed, s.payload, s.payload_len);
            p->echoed += s.payload_len;
            p->rcv_nxt += (uint32_t)s.payload_len + hd->fin;
            p->fin_seen |= hd->fin;
            p->need_ack = true;
        }
    }
}

/* The application: echo what arrived, close after the peer's EOF. */
static void serve(struct world *w, uint32_t c) {
    uint8_t buf[MAX_DATA];
    size_t r = tcp_host_read(&w->host, c, buf, sizeof buf);
    if (tcp_host_write(&w->host, c, buf, r) != r) {
        FAIL(&w->h, "echo did not fit the outbound stream");
    }
    if (tcp_host_eof(&w->host, c)) {
        tcp_host_close(&w->host, c);
    }
}

/* Accepts everything waiting and serves every handle with news. */
static void app(struct world *w) {
    struct tcp_host_event ev[32];
    size_t n;
    while ((n = tcp_host_events(&w->host, ev, 32)) > 0) {
        for (size_t i = 0; i < n; i++) {
            uint32_t c = ev[i].id;
            if (!ev[i].listener) {
                serve(w, c);
                continue;
            }
            while (tcp_host_accept(&w->host, w->listener, &c)) {
                serve(w, c); /* data or a FIN may have come before the accept */
            }
        }
    }
}

int main(void) {
    static struct world w;
    struct tcp_host_config cfg;
    host_cfg(&cfg, ISN);
    cfg.max_connections = PEERS;
    cfg.max_half_open = PEERS;
    host_begin(&w.h, &w.host, &w.m, "random: 40 connections interleaved, echo checked [L4.R21]", &cfg);
    sponge_rng_seed(&w.rng, harness_seed(&w.h));
    EXPECT_EQ(&w.h, "listen", SPONGE_OK, tcp_host_listen(&w.host, 80, PEERS, &w.listener));
    for (int i = 0; i < PEERS; i++) {
        struct peer *p = &w.peers[i];
        p->addr = i % 2 ? PEER_A : PEER_B;
        p->port = (uint16_t)(10000 + i);
        p->isn = (uint32_t)sponge_rng_next(&w.rng);
        p->size = (size_t)sponge_rng_below(&w.rng, MAX_DATA + 1);
        for (size_t k = 0; k < p->size; k++) {
            p->data[k] = (uint8_t)('!' + sponge_rng_below(&w.rng, 94));
        }
    }
    for (int round = 0; round < 200000; round++) {
        int done = 0;
        for (int i = 0; i < PEERS; i++) {
            done += w.peers[i].state == P_DONE;
        }
        if (done == PEERS) {
            break;
        }
        /* a few peers move, in random order, before the host's output is delivered */
        int moves = 1 + (int)sponge_rng_below(&w.rng, 4);
        for (int k = 0; k < moves; k++) {
            act(&w, &w.peers[sponge_rng_below(&w.rng, PEERS)]);
        }
        app(&w);
        FLUSH(&w.h, &w.host);
        deliver(&w);
        for (int i = 0; i < PEERS; i++) {
            struct peer *p = &w.peers[i];
            if (p->need_ack && sponge_rng_below(&w.rng, 2) == 0) {
                send_from(&w, p, "A", p->isn + 1 + (uint32_t)p->sent + (p->state >= P_FIN_SENT), NULL, 0);
                p->need_ack = false;
            }
        }
        if (sponge_rng_below(&w.rng, 10) == 0) {
            tcp_host_tick(&w.host, 1 + sponge_rng_below(&w.rng, 5));
        }
        app(&w);
        FLUSH(&w.h, &w.host);
        deliver(&w);
    }
    STEP(&w.h, "every peer done; final ACKs of the host's FINs");
    for (int i = 0; i < PEERS; i++) {
        struct peer *p = &w.peers[i];
        if (p->state != P_DONE) {
            FAIL(&w.h, "peer %u did not finish (state %d)", (unsigned)p->port, (int)p->state);
        }
        EXPECT_BYTES(&w.h, "echo", p->data, p->size, p->echo, p->echoed);
        if (p->need_ack) {
            send_from(&w, p, "A", p->isn + 2 + (uint32_t)p->size, NULL, 0);
        }
    }
    FLUSH(&w.h, &w.host);
    EXPECT_EQ(&w.h, "connections left", 0, tcp_host_connection_count(&w.host));
    EXPECT_EQ(&w.h, "connections freed", PEERS, w.host.counters.freed);
    EXPECT_EQ(&w.h, "RSTs", 0, w.host.counters.rst_sent);
    return host_end(&w.h, &w.host, &w.m);
}
