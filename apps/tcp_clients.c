/* tcp_clients: many outgoing connections at once from this project's TCP host over a TUN
 * device, each checked against an echo server (for example `conn_load -l`).
 *
 *   tcp_clients [-d TUNDEV] [-a ADDR] [-n CONNECTIONS] [-s SIZE] [-t RTO] HOST PORT [HOST PORT...]
 *
 * Opens CONNECTIONS (default 8) connections at once, spread over the servers HOST:PORT given
 * (round robin; ephemeral ports, RFC 6528 ISNs), sends SIZE bytes (default 100000) of a pattern unique to each, reads
 * the echo and checks it byte for byte, then closes (our side closes first, so each connection lingers in TIME_WAIT for
 * 10 x RTO, default RTO 100 ms) and exits once the host has freed them all. Exit 0 when every echo was exact and every
 * connection was freed; 1 otherwise, with the reason on stderr. Counters on stderr. */
#include "adapters/tun_host.h"
#include "wire/ipv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 64
#define EVENTS 64
#define DEADLINE_S 60

struct client {
    uint32_t handle;
    size_t sent, received;
    bool closed;
};

static uint8_t pattern(size_t conn, size_t i) {
    return (uint8_t)((conn * 131u + i * 7u + (i >> 9)) & 0xff);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sends what fits, reads and checks what came; returns false on a wrong byte. */
static bool step(struct tcp_host *h, struct client *c, size_t k, size_t size) {
    uint8_t buf[8192];
    while (!c->closed && c->sent < size) {
        size_t n = size - c->sent < sizeof buf ? size - c->sent : sizeof buf;
        for (size_t i = 0; i < n; i++) {
            buf[i] = pattern(k, c->sent + i);
        }
        size_t w = tcp_host_write(h, c->handle, buf, n);
        c->sent += w;
        if (w < n) {
            break;
        }
    }
    size_t r;
    while (!c->closed && (r = tcp_host_read(h, c->handle, buf, sizeof buf)) > 0) {
        for (size_t i = 0; i < r; i++) {
            if (c->received + i >= size || buf[i] != pattern(k, c->received + i)) {
                fprintf(stderr, "tcp_clients: connection %zu: wrong byte at offset %zu\n", k, c->received + i);
                return false;
            }
        }
        c->received += r;
    }
    if (!c->closed && (c->received == size || tcp_host_eof(h, c->handle))) {
        tcp_host_close(h, c->handle);
        c->closed = true;
    }
    return true;
}

static int usage(void) {
    fprintf(stderr,
            "usage: tcp_clients [-d TUNDEV] [-a ADDR] [-n CONNECTIONS] [-s SIZE] [-t RTO] HOST PORT [HOST PORT...]\n");
    return 1;
}

int main(int argc, char **argv) {
    const char *dev = "tun144", *addr = "169.254.144.9";
    unsigned long count = 8, size = 100000, rto = 100;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        const char *o = argv[i], *v = argv[i + 1];
        if (strcmp(o, "-d") == 0) {
            dev = v;
        } else if (strcmp(o, "-a") == 0) {
            addr = v;
        } else if (strcmp(o, "-n") == 0) {
            count = strtoul(v, NULL, 10);
        } else if (strcmp(o, "-s") == 0) {
            size = strtoul(v, NULL, 10);
        } else if (strcmp(o, "-t") == 0) {
            rto = strtoul(v, NULL, 10);
        } else {
            return usage();
        }
    }
    struct tcp_host_config cfg;
    tcp_host_config_default(&cfg);
    enum { MAX_SERVERS = 16 };
    uint32_t peer[MAX_SERVERS];
    uint16_t port[MAX_SERVERS];
    size_t servers = 0;
    for (; i + 1 < argc && servers < MAX_SERVERS; i += 2, servers++) {
        unsigned long p = strtoul(argv[i + 1], NULL, 10);
        if (!ipv4_parse_address(argv[i], &peer[servers]) || p == 0 || p > 65535) {
            return usage();
        }
        port[servers] = (uint16_t)p;
    }
    if (i != argc || servers == 0 || count == 0 || count > 60000 || rto == 0 ||
        !ipv4_parse_address(addr, &cfg.local_addr)) {
        return usage();
    }
    tcp_config_set_modern(&cfg.tcp, true);
    cfg.tcp.recv_capacity = cfg.tcp.send_capacity = 65536;
    cfg.tcp.rt_timeout = (uint32_t)rto;
    cfg.max_connections = (uint32_t)count;

    static struct tun_host th;
    char why[256];
    if (tun_host_open(&th, dev, &cfg, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "tcp_clients: %s\n", why);
        return 1;
    }
    struct tcp_host *h = &th.host;
    struct client *cl = calloc(count, sizeof *cl);
    if (!cl) {
        fprintf(stderr, "tcp_clients: out of memory\n");
        tun_host_close(&th);
        return 1;
    }
    /* handle -> client index: handles are slot numbers below max_connections */
    size_t *index_of = calloc(count, sizeof *index_of);
    int rc = 0;
    for (size_t k = 0; k < count && index_of; k++) {
        if (tcp_host_connect(h, peer[k % servers], port[k % servers], &cl[k].handle) != SPONGE_OK) {
            fprintf(stderr, "tcp_clients: connect %zu failed\n", k);
            rc = 1;
            break;
        }
        index_of[cl[k].handle] = k;
    }
    tcp_host_flush(h);
    size_t exact = 0, resets = 0;
    double deadline = now_s() + DEADLINE_S;
    while (rc == 0 && tcp_host_connection_count(h) > 0) {
        if (now_s() > deadline) {
            fprintf(stderr, "tcp_clients: deadline passed with %u connections left\n",
                    (unsigned)tcp_host_connection_count(h));
            rc = 1;
            break;
        }
        if (tun_host_pump(&th, BATCH, 5, -1) != SPONGE_OK) {
            perror("tcp_clients: TUN device");
            rc = 1;
            break;
        }
        struct tcp_host_event ev[EVENTS];
        size_t n;
        while (rc == 0 && (n = tcp_host_events(h, ev, EVENTS)) > 0) {
            for (size_t e = 0; e < n && rc == 0; e++) {
                size_t k = index_of[ev[e].id];
                struct client *c = &cl[k];
                if (c->closed) {
                    continue;
                }
                if (tcp_host_state(h, c->handle) == TCP_STATE_RESET) {
                    resets++;
                    tcp_host_close(h, c->handle);
                    c->closed = true;
                    continue;
                }
                if (!step(h, c, k, size)) {
                    rc = 1;
                }
                if (c->closed && c->received == size) {
                    exact++;
                }
            }
        }
        tcp_host_flush(h);
    }
    fprintf(stderr, "tcp_clients: %zu of %lu connections echoed %lu bytes exactly, %zu reset; ", exact, count, size,
            resets);
    tun_host_report(&th, stderr);
    fputc('\n', stderr);
    if (exact != count) {
        rc = 1;
    }
    tun_host_close(&th);
    free(cl);
    free(index_of);
    return rc;
}
