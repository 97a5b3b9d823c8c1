/* Adapters without root: two TCP-over-UDP adapters on the loopback. A client adapter sends a
 * SYN with a payload in two pieces (as a ring buffer hands it out); the listening adapter
 * receives it, learns its peer from it and answers. A lossy wrapper with uplink rate 1 loses
 * everything it is given. */
#include "adapters/lossy_adapter.h"
#include "adapters/tcp_over_udp.h"

#include <poll.h>
#include <stdio.h>
#include <string.h>

#define LOOPBACK 0x7f000001u

/* Doctests run in Release builds too, where CHECK() is compiled out. */
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "adapters doctest: %s failed (line %d)\n", #cond, __LINE__);                               \
            return 1;                                                                                                  \
        }                                                                                                              \
    } while (0)

/* Waits (bounded) for the adapter's descriptor, then receives one segment. */
static bool receive(struct tcp_adapter *a, struct tcp_segment *seg) {
    struct pollfd pfd = {tcp_adapter_fd(a), POLLIN, 0};
    bool got = false;
    return poll(&pfd, 1, 2000) == 1 && tcp_adapter_recv(a, seg, &got) == SPONGE_OK && got;
}

int main(void) {
    char why[200];
    struct tcp_udp_adapter server, client;
    struct tcp_udp_config scfg = {.local_addr = LOOPBACK, .local_port = 0, .listen = true};
    if (tcp_udp_adapter_init(&server, &scfg, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    struct tcp_udp_config ccfg = {.remote_addr = LOOPBACK, .remote_port = tcp_udp_adapter_local_port(&server)};
    if (tcp_udp_adapter_init(&client, &ccfg, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "%s\n", why);
        return 1;
    }
    struct tcp_adapter s = tcp_udp_adapter_as_adapter(&server), c = tcp_udp_adapter_as_adapter(&client);

    /* Payload "hello, world" handed over in two pieces; the adapter sends it without copying. */
    struct tcp_segment syn = {.header = {.syn = true, .seqno = wrap32_of(1000), .win = 500}};
    syn.payload.part[0] = (struct byte_view){(const uint8_t *)"hello, ", 7};
    syn.payload.part[1] = (struct byte_view){(const uint8_t *)"world", 5};
    CHECK(tcp_adapter_send(&c, &syn) == SPONGE_OK);

    struct tcp_segment got;
    CHECK(receive(&s, &got));
    CHECK(got.header.syn && got.header.seqno.raw == 1000 && got.header.win == 500);
    CHECK(byte_view2_len(&got.payload) == 12 && got.payload.part[1].len == 0);
    CHECK(memcmp(got.payload.part[0].data, "hello, world", 12) == 0);

    /* The server now knows its peer and can answer. */
    struct tcp_segment synack = {.header = {.syn = true, .ack = true, .ackno = wrap32_of(1013)}};
    CHECK(tcp_adapter_send(&s, &synack) == SPONGE_OK);
    CHECK(receive(&c, &got));
    CHECK(got.header.syn && got.header.ack && got.header.ackno.raw == 1013);

    /* Uplink loss 1: nothing the lossy client sends arrives. */
    struct lossy_adapter lossy;
    lossy_adapter_init(&lossy, c, 1.0, 0.0, 42);
    struct tcp_adapter l = lossy_adapter_as_adapter(&lossy);
    CHECK(tcp_adapter_send(&l, &syn) == SPONGE_OK);
    struct pollfd pfd = {tcp_adapter_fd(&s), POLLIN, 0};
    CHECK(poll(&pfd, 1, 100) == 0);

    tcp_adapter_report(&l, stdout);
    tcp_adapter_report(&s, stdout);
    tcp_udp_adapter_destroy(&client);
    tcp_udp_adapter_destroy(&server);
    return 0;
}
