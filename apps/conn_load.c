/* conn_load: the kernel side of the connection-rate benchmark and of the host's end-to-end
 * test. Written with the OS's TCP (epoll, non-blocking sockets), so it measures our host.
 *
 *   conn_load [-c CONCURRENT] [-n TOTAL] [-t SECONDS] [-s SIZE] [-b SRC_ADDR] HOST PORT
 *       keeps CONCURRENT connections open at once (default 1000); each connects, sends SIZE
 *       bytes (default 1024) of a pattern unique to the connection, reads SIZE bytes back,
 *       checks them byte for byte against what it sent (an echo), and closes; then a new one
 *       starts. Stops after TOTAL completed connections or SECONDS seconds, whichever first
 *       (default: 10000 connections). Prints on stdout
 *           conn_load: completed N failed F in T s: R conn/s
 *       where R counts, with -t, the connections completed within SECONDS (those still open
 *       then finish, uncounted); with -n, all N over the whole time T.
 *       A wrong byte ends the run at once with exit 2; failed connections (reset, refused,
 *       EOF before the whole reply) give exit 1; otherwise exit 0.
 *   conn_load -l [-a ADDR] PORT
 *       an echo server (epoll) on ADDR:PORT (default 0.0.0.0) until SIGTERM; prints
 *       "conn_load: served N" on stderr then.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define ECHO_BUF 65536

struct conn {
    int fd;
    uint64_t id; /* the connection's number: chooses its byte pattern */
    size_t sent, received;
};

struct load {
    struct sockaddr_in dst, src;
    bool bind_src;
    size_t size;
    int ep;
    struct conn *conns;
    uint64_t next_id, completed, failed;
};

/* Byte i of connection id's request: differs between connections and positions. */
static uint8_t pattern(uint64_t id, size_t i) {
    uint64_t x = (id * 0x9E3779B97F4A7C15ULL) ^ (i * 0xBF58476D1CE4E5B9ULL);
    return (uint8_t)(x >> 56);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int start(struct load *L, struct conn *c) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        perror("conn_load: socket");
        return -1;
    }
    if (L->bind_src) {
        int one = 1; /* pick the port at connect time, per 4-tuple (not per address) */
        setsockopt(c->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        if (bind(c->fd, (struct sockaddr *)&L->src, sizeof L->src) < 0) {
            perror("conn_load: bind");
            return -1;
        }
    }
    c->id = L->next_id++;
    c->sent = c->received = 0;
    if (connect(c->fd, (struct sockaddr *)&L->dst, sizeof L->dst) < 0 && errno != EINPROGRESS) {
        perror("conn_load: connect");
        return -1;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c};
    return epoll_ctl(L->ep, EPOLL_CTL_ADD, c->fd, &ev);
}

/* Sends what is left of the request, reads what came back. Returns 1 when the connection is
 * done (reply complete), -1 when it failed, 0 to wait; exits 2 on a wrong byte. */
static int progress(struct load *L, struct conn *c) {
    uint8_t buf[4096];
    while (c->sent < L->size) {
        size_t n = L->size - c->sent < sizeof buf ? L->size - c->sent : sizeof buf;
        for (size_t i = 0; i < n; i++) {
            buf[i] = pattern(c->id, c->sent + i);
        }
        ssize_t w = send(c->fd, buf, n, MSG_NOSIGNAL);
        if (w < 0) {
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOTCONN ? 0 : -1;
        }
        c->sent += (size_t)w;
    }
    for (;;) {
        ssize_t r = recv(c->fd, buf, sizeof buf, 0);
        if (r < 0) {
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        }
        if (r == 0) {
            return -1; /* EOF before the whole reply */
        }
        for (ssize_t i = 0; i < r; i++) {
            if (c->received + (size_t)i >= L->size || buf[i] != pattern(c->id, c->received + (size_t)i)) {
                fprintf(stderr, "conn_load: WRONG BYTE on connection %llu at offset %zu\n", (unsigned long long)c->id,
                        c->received + (size_t)i);
                exit(2);
            }
        }
        c->received += (size_t)r;
        if (c->received == L->size) {
            return 1;
        }
    }
}

static int run_client(struct load *L, unsigned concurrent, uint64_t total, double seconds) {
    L->ep = epoll_create1(EPOLL_CLOEXEC);
    L->conns = calloc(concurrent, sizeof *L->conns);
    if (L->ep < 0 || !L->conns) {
        perror("conn_load");
        return 1;
    }
    double t0 = now_s(), deadline = t0 + seconds;
    unsigned open = 0;
    for (unsigned i = 0; i < concurrent && (uint64_t)i < total; i++, open++) {
        if (start(L, &L->conns[i]) < 0) {
            return 1;
        }
    }
    struct epoll_event evs[MAX_EVENTS];
    bool stopping = false;
    uint64_t in_window = 0; /* completed within the timed window (-t) */
    while (open > 0) {
        int n = epoll_wait(L->ep, evs, MAX_EVENTS, 100);
        if (n < 0 && errno != EINTR) {
            perror("conn_load: epoll_wait");
            return 1;
        }
        if (!stopping && now_s() >= deadline) {
            stopping = true; /* let the open ones finish, start no more */
            in_window = L->completed;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            int r = evs[i].events & (EPOLLERR | EPOLLHUP) && !(evs[i].events & EPOLLIN) ? -1 : progress(L, c);
            if (r == 0) {
                continue;
            }
            close(c->fd);
            if (r > 0) {
                L->completed++;
            } else {
                L->failed++;
            }
            if (!stopping && L->next_id < total) {
                if (start(L, c) < 0) {
                    return 1;
                }
            } else {
                open--;
            }
        }
    }
    double elapsed = now_s() - t0;
    /* With a duration, the rate counts the connections completed within it (the last open
     * ones finish afterwards, uncounted in the rate); with a count, all of them. */
    double rate = stopping ? (double)in_window / seconds : (double)L->completed / elapsed;
    printf("conn_load: completed %llu failed %llu in %.3f s: %.0f conn/s\n", (unsigned long long)L->completed,
           (unsigned long long)L->failed, elapsed, rate);
    free(L->conns);
    close(L->ep);
    return L->failed ? 1 : 0;
}

/* The echo server: every byte read is written back; a peer's EOF closes the connection. */
static int run_server(struct sockaddr_in *addr) {
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ls < 0 || bind(ls, (struct sockaddr *)addr, sizeof *addr) < 0 || listen(ls, 4096) < 0) {
        perror("conn_load: listen");
        return 1;
    }
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    ev.data.fd = sfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
    static uint8_t buf[ECHO_BUF];
    uint64_t served = 0;
    for (;;) {
        struct epoll_event evs[MAX_EVENTS];
        int n = epoll_wait(ep, evs, MAX_EVENTS, -1);
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == sfd) {
                fprintf(stderr, "conn_load: served %llu\n", (unsigned long long)served);
                return 0;
            }
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            /* Level-triggered: read a bufferful, write it back whole (blocking briefly is fine
             * for a test peer: the socket's send buffer drains as our host ACKs). */
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                continue;
            }
            bool ok = r > 0;
            for (ssize_t off = 0; ok && off < r;) {
                ssize_t w = send(fd, buf + off, (size_t)(r - off), MSG_NOSIGNAL);
                if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                    struct timespec pause = {0, 100000};
                    nanosleep(&pause, NULL);
                    continue;
                }
                ok = w > 0;
                off += w > 0 ? w : 0;
            }
            if (!ok) {
                served += r == 0;
                close(fd);
            }
        }
    }
}

static void usage(void) {
    fprintf(stderr, "usage: conn_load [-c CONCURRENT] [-n TOTAL] [-t SECONDS] [-s SIZE] [-b SRC_ADDR] HOST PORT\n"
                    "       conn_load -l [-a ADDR] PORT\n");
    exit(1);
}

int main(int argc, char **argv) {
    struct load L = {.size = 1024};
    unsigned concurrent = 1000;
    uint64_t total = 10000;
    double seconds = 1e9;
    bool listen_mode = false;
    const char *bind_addr = "0.0.0.0";
    int opt;
    while ((opt = getopt(argc, argv, "c:n:t:s:b:la:")) != -1) {
        switch (opt) {
            case 'c':
                concurrent = (unsigned)strtoul(optarg, NULL, 10);
                break;
            case 'n':
                total = strtoull(optarg, NULL, 10);
                break;
            case 't':
                seconds = strtod(optarg, NULL);
                total = UINT64_MAX;
                break;
            case 's':
                L.size = strtoul(optarg, NULL, 10);
                break;
            case 'b':
                L.bind_src = true;
                if (inet_pton(AF_INET, optarg, &L.src.sin_addr) != 1) {
                    usage();
                }
                L.src.sin_family = AF_INET;
                break;
            case 'l':
                listen_mode = true;
                break;
            case 'a':
                bind_addr = optarg;
                break;
            default:
                usage();
        }
    }
    if (listen_mode) {
        if (optind + 1 != argc) {
            usage();
        }
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[optind]))};
        if (inet_pton(AF_INET, bind_addr, &a.sin_addr) != 1) {
            usage();
        }
        return run_server(&a);
    }
    if (optind + 2 != argc || concurrent == 0 || L.size == 0) {
        usage();
    }
    L.dst.sin_family = AF_INET;
    L.dst.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
    if (inet_pton(AF_INET, argv[optind], &L.dst.sin_addr) != 1) {
        usage();
    }
    return run_client(&L, concurrent, total, seconds);
}
