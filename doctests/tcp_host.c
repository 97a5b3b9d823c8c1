/* Two hosts joined by an in-memory wire: the server listens, the client connects, sends
 * "hello", the server echoes it and both close. Shows the carrier interface (send/receive
 * datagram), the event loop (receive, events, flush, tick) and handles. */
#include "adapters/tcp_host.h"

#include <stdio.h>
#include <string.h>

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "tcp_host doctest: %s failed (line %d)\n", #cond, __LINE__);                               \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

/* One direction of the wire: a queue of datagrams the sending host wrote. */
struct wire {
    uint8_t buf[16][1600];
    size_t len[16], head, count;
};

static enum sponge_err wire_send(void *self, const struct byte_view *pieces, size_t n) {
    struct wire *w = self;
    if (w->count == 16) {
        return SPONGE_OK; /* a full link loses the datagram; TCP retransmits */
    }
    size_t at = (w->head + w->count++) % 16, off = 0;
    for (size_t i = 0; i < n; off += pieces[i].len, i++) {
        memcpy(w->buf[at] + off, pieces[i].data, pieces[i].len);
    }
    w->len[at] = off;
    return SPONGE_OK;
}

static enum sponge_err wire_recv(void *self, struct byte_view *d, bool *got) {
    (void)self, (void)d;
    *got = false; /* this demo delivers by hand (deliver below) */
    return SPONGE_OK;
}

static const struct ipv4_carrier_ops wire_ops = {wire_send, wire_recv};

/* Hands everything `from` holds to host `to`, then lets `to` send its answers. */
static void deliver(struct wire *from, struct tcp_host *to) {
    for (; from->count > 0; from->count--, from->head = (from->head + 1) % 16) {
        tcp_host_datagram_received(to, from->buf[from->head], from->len[from->head]);
    }
    tcp_host_flush(to);
}

int main(void) {
    static struct wire to_client, to_server;
    struct tcp_host server, client;
    struct tcp_host_config scfg, ccfg;
    tcp_host_config_default(&scfg); /* 169.254.144.9 */
    tcp_host_config_default(&ccfg);
    ccfg.local_addr = 0xA9FE9001u; /* 169.254.144.1 */
    CHECK(tcp_host_init(&server, &scfg, (struct ipv4_carrier){&wire_ops, &to_client}) == SPONGE_OK);
    CHECK(tcp_host_init(&client, &ccfg, (struct ipv4_carrier){&wire_ops, &to_server}) == SPONGE_OK);

    uint32_t listener, c, s;
    CHECK(tcp_host_listen(&server, 7, 16, &listener) == SPONGE_OK);
    CHECK(tcp_host_connect(&client, scfg.local_addr, 7, &c) == SPONGE_OK);
    tcp_host_flush(&client);      /* SYN */
    deliver(&to_server, &server); /* SYN-ACK */
    deliver(&to_client, &client); /* ACK */
    deliver(&to_server, &server); /* handshake complete: the connection waits in the accept queue */
    struct tcp_host_event ev;
    CHECK(tcp_host_events(&server, &ev, 1) == 1 && ev.listener && (ev.events & TCP_HOST_EV_ACCEPTABLE));
    CHECK(tcp_host_accept(&server, listener, &s));

    CHECK(tcp_host_write(&client, c, "hello", 5) == 5);
    tcp_host_shutdown_write(&client, c); /* FIN after the data */
    tcp_host_flush(&client);
    deliver(&to_server, &server);
    char buf[16];
    size_t n = tcp_host_read(&server, s, buf, sizeof buf);
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0 && tcp_host_eof(&server, s));
    CHECK(tcp_host_write(&server, s, buf, n) == 5);
    tcp_host_close(&server, s); /* echo, then FIN: a passive close */
    tcp_host_flush(&server);
    deliver(&to_client, &client);
    n = tcp_host_read(&client, c, buf, sizeof buf);
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0 && tcp_host_eof(&client, c));
    tcp_host_close(&client, c);
    deliver(&to_server, &server); /* the last ACK: the server frees its connection */
    CHECK(tcp_host_connection_count(&server) == 0);
    CHECK(tcp_host_tick(&client, 10000) == SPONGE_OK); /* the client's TIME_WAIT (10 x RTO) ends */
    CHECK(tcp_host_connection_count(&client) == 0);
    tcp_host_destroy(&server);
    tcp_host_destroy(&client);
    puts("tcp_host doctest: ok");
    return 0;
}
