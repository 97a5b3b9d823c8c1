/* udp_relay [-L RATE] ADDR PORT_A PORT_B
 *
 * Lab 7's "internet": carries UDP datagrams between two sides, losing some on purpose. Side a
 * sends to ADDR:PORT_A, side b to ADDR:PORT_B; the relay learns each side's address from what
 * it sends there (an empty datagram is a hello: learned from, never forwarded) and forwards
 * every other datagram to the other side, dropping each with probability RATE (default 0),
 * independently, from a generator seeded with SPONGE_SEED (or a fresh seed, printed).
 * A datagram for a side not heard from yet is dropped and counted apart.
 *
 * stderr: the seed, and one line when a side is first heard from ("udp_relay: side a is
 * 127.0.0.1:40000"). On SIGTERM or SIGINT it prints its counters on stdout, one line per
 * direction, and exits 0:
 *   a->b received N forwarded N lost N no_peer N send_failed N
 * Meant for a private namespace's loopback (tests/lab7); it has no other use. */

#include "adapters/app_args.h"
#include "util/rng.h"
#include "wire/ipv4.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DATAGRAM 65536
#define DATAGRAMS_PER_WAKEUP 64

struct relay_side {
    int fd;
    char name;
    bool known;
    struct sockaddr_in peer;
    /* what came in on this side, bound for the other */
    uint64_t received, forwarded, lost, no_peer, send_failed, hellos;
};

struct relay {
    struct relay_side side[2];
    double loss;
    struct sponge_rng rng;
    uint8_t *buf;
};

static bool parse_port(const char *text, uint16_t *port) {
    char *end = NULL;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < 1 || v > 65535) {
        return false;
    }
    *port = (uint16_t)v;
    return true;
}

static int bind_udp(uint32_t addr, uint16_t port) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {htonl(addr)}};
    if (fd >= 0 && bind(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Reads what side `from` sent and forwards it to side `to` (see the top of the file). */
static void relay_from(struct relay *r, struct relay_side *from, struct relay_side *to) {
    for (int i = 0; i < DATAGRAMS_PER_WAKEUP; i++) {
        struct sockaddr_in src;
        socklen_t src_len = sizeof src;
        ssize_t n = recvfrom(from->fd, r->buf, MAX_DATAGRAM, 0, (struct sockaddr *)&src, &src_len);
        if (n < 0) {
            return; /* EAGAIN: nothing more now; anything else is a lost datagram */
        }
        if (!from->known || from->peer.sin_port != src.sin_port || from->peer.sin_addr.s_addr != src.sin_addr.s_addr) {
            char a[16];
            fprintf(stderr, "udp_relay: side %c is %s:%u\n", from->name, ipv4_format(ntohl(src.sin_addr.s_addr), a),
                    (unsigned)ntohs(src.sin_port));
        }
        from->peer = src;
        from->known = true;
        if (n == 0) {
            from->hellos++;
            continue;
        }
        from->received++;
        if (!to->known) {
            from->no_peer++;
        } else if (r->loss > 0 && sponge_rng_unit(&r->rng) < r->loss) {
            from->lost++;
        } else if (sendto(to->fd, r->buf, (size_t)n, MSG_DONTWAIT, (const struct sockaddr *)&to->peer,
                          sizeof to->peer) == n) {
            from->forwarded++;
        } else {
            from->send_failed++;
        }
    }
}

static void report(const struct relay *r) {
    for (int i = 0; i < 2; i++) {
        const struct relay_side *s = &r->side[i];
        printf("%c->%c received %llu forwarded %llu lost %llu no_peer %llu send_failed %llu\n", s->name,
               r->side[1 - i].name, (unsigned long long)s->received, (unsigned long long)s->forwarded,
               (unsigned long long)s->lost, (unsigned long long)s->no_peer, (unsigned long long)s->send_failed);
    }
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *prog = app_name(argc > 0 ? argv[0] : NULL);
    double loss = 0;
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "-L") == 0) {
        char *end = NULL;
        loss = strtod(argv[2], &end);
        if (*argv[2] == '\0' || *end != '\0' || !(loss >= 0 && loss <= 1)) {
            fprintf(stderr, "%s: bad loss rate \"%s\" (usage: %s [-L RATE] ADDR PORT_A PORT_B)\n", prog, argv[2], prog);
            return 2;
        }
        i = 3;
    }
    uint32_t addr = 0;
    uint16_t ports[2];
    if (argc - i != 3 || !ipv4_parse_address(argv[i], &addr) || !parse_port(argv[i + 1], &ports[0]) ||
        !parse_port(argv[i + 2], &ports[1])) {
        fprintf(stderr, "%s: usage: %s [-L RATE] ADDR PORT_A PORT_B\n", prog, prog);
        return 2;
    }
    struct relay r = {.loss = loss};
    uint64_t seed = app_seed();
    sponge_rng_seed(&r.rng, seed);
    fprintf(stderr, "udp_relay: loss %g, seed %llu (set SPONGE_SEED to replay)\n", loss, (unsigned long long)seed);

    /* SIGTERM/SIGINT arrive as readable data on a descriptor: no handler, no global flag. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    int sfd = signalfd(-1, &stop, SFD_CLOEXEC);
    r.buf = malloc(MAX_DATAGRAM);
    for (int s = 0; s < 2; s++) {
        r.side[s].name = (char)('a' + s);
        r.side[s].fd = bind_udp(addr, ports[s]);
        if (r.side[s].fd < 0) {
            fprintf(stderr, "%s: cannot bind %s:%u: %s\n", prog, argv[i], (unsigned)ports[s], strerror(errno));
            return 1;
        }
    }
    if (sfd < 0 || r.buf == NULL) {
        fprintf(stderr, "%s: %s\n", prog, sfd < 0 ? strerror(errno) : "out of memory");
        return 1;
    }
    for (;;) {
        struct pollfd pfd[3] = {{r.side[0].fd, POLLIN, 0}, {r.side[1].fd, POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(pfd, 3, -1) < 0 && errno != EINTR) {
            fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
            return 1;
        }
        if (pfd[2].revents & POLLIN) {
            break;
        }
        if (pfd[0].revents & POLLIN) {
            relay_from(&r, &r.side[0], &r.side[1]);
        }
        if (pfd[1].revents & POLLIN) {
            relay_from(&r, &r.side[1], &r.side[0]);
        }
    }
    report(&r);
    close(r.side[0].fd);
    close(r.side[1].fd);
    close(sfd);
    free(r.buf);
    return 0;
}
