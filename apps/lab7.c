/* lab7 [-l] [-t RTO] [-w WIN] [-Lu RATE] [-Ld RATE] RELAY_HOST RELAY_PORT
 *
 * Lab 7, putting it all together: one whole stack of ours in one process, talking to another
 * such process through a UDP relay. stdin goes to the TCP connection and the connection to
 * stdout, as in tcp_udp (stdout carries the payload only; logs and counters go to stderr).
 *
 *   TCP --- tcp_eth adapter (NetworkInterface, ARP) === LAN === Router === WAN ~~~ UDP relay
 *
 * The LAN is a seqpacket socketpair between the connection's loop thread and a router thread;
 * the router's WAN interface sends each Ethernet frame as one UDP datagram to
 * RELAY_HOST:RELAY_PORT, which carries it to the other process's router. So every frame
 * between the two hosts crosses both routers, and ARP runs on both LANs and on the WAN.
 *
 * -l: this side is the server (host 169.254.20.9 behind router 169.254.20.1 / 169.254.30.2),
 * listening on TCP port 1234; without -l the client (host 169.254.21.9 behind router
 * 169.254.21.1 / 169.254.30.1) connects to 169.254.20.9:1234. These addresses exist only inside
 * the frames. The router thread says hello (an empty datagram) to the relay at once and every
 * second, so that the relay learns where this side is before any frame flows.
 *
 * The WAN may lose frames, ARP included, and a lost ARP message costs a 5-second wait
 * (NETWORK_INTERFACE_ARP_REQUEST_MS): the connection gives up only after LAB7_MAX_RETX
 * consecutive retransmissions, so that several lost ARP rounds in a row do not end it. */

#include "adapters/app_args.h"
#include "adapters/lossy_adapter.h"
#include "adapters/stream_copy.h"
#include "adapters/tcp_app.h"
#include "adapters/tcp_over_ethernet.h"
#include "adapters/tcp_socket.h"
#include "net/router.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LAB7_TCP_PORT 1234
#define LAB7_MAX_RETX 12
#define ROUTER_POLL_MS 10
#define HELLO_INTERVAL_MS 1000
#define FRAMES_PER_WAKEUP 64
#define PREFIX_LEN 24

#define ADDR(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

/* One side's addresses (host order). */
struct side {
    uint32_t host, lan_router, wan_router, other_lan, other_wan_router;
};

static struct side side_of(bool server) {
    struct side s = {ADDR(169, 254, 20, 9), ADDR(169, 254, 20, 1), ADDR(169, 254, 30, 2), ADDR(169, 254, 21, 0),
                     ADDR(169, 254, 30, 1)};
    if (!server) {
        s = (struct side){ADDR(169, 254, 21, 9), ADDR(169, 254, 21, 1), ADDR(169, 254, 30, 1), ADDR(169, 254, 20, 0),
                          ADDR(169, 254, 30, 2)};
    }
    return s;
}

/* The router and its two links; the router thread owns all of it while it runs. */
struct router_box {
    struct router router;
    size_t lan, wan; /* interface numbers */
    int lan_fd;      /* our end of the LAN socketpair: one message = one frame */
    int wan_fd;      /* UDP socket connected to the relay: one datagram = one frame */
    uint8_t *buf;
    size_t cap;
    pthread_t thread;
    enum sponge_err result;
    uint64_t lan_in, lan_out, lan_out_dropped, wan_in, wan_out, wan_out_dropped, hellos;
};

static uint64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static bool transient(int e) {
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ENOBUFS || e == ECONNREFUSED;
}

/* Routes what arrived and sends every frame the interfaces queued. A link that cannot take a
 * frame now loses it (counted): TCP retransmits and ARP asks again. */
static void forward(struct router_box *b) {
    router_route(&b->router);
    struct byte_view f;
    while (network_interface_frames_out(router_interface(&b->router, b->lan), &f)) {
        if (send(b->lan_fd, f.data, f.len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)f.len) {
            b->lan_out++;
        } else {
            b->lan_out_dropped++;
        }
    }
    while (network_interface_frames_out(router_interface(&b->router, b->wan), &f)) {
        if (send(b->wan_fd, f.data, f.len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)f.len) {
            b->wan_out++;
        } else {
            b->wan_out_dropped++;
        }
    }
}

/* Reads up to FRAMES_PER_WAKEUP frames from one link into interface n. Returns 1 when the LAN
 * has ended (the host closed its end), -1 on a broken descriptor, else 0. */
static int take_frames(struct router_box *b, int fd, size_t n, uint64_t *count) {
    for (int i = 0; i < FRAMES_PER_WAKEUP; i++) {
        ssize_t got = recv(fd, b->buf, b->cap, MSG_DONTWAIT);
        if (got < 0 && fd == b->lan_fd && errno == ECONNRESET) {
            return 1; /* the host closed its end with frames of ours unread: it is done too */
        }
        if (got < 0) {
            return transient(errno) ? 0 : -1;
        }
        if (got == 0) {
            if (fd == b->lan_fd) {
                return 1;
            }
            continue; /* a hello on the WAN: not a frame */
        }
        (*count)++;
        router_recv_frame(&b->router, n, b->buf, (size_t)got);
        forward(b);
    }
    return 0;
}

static void *router_thread(void *arg) {
    struct router_box *b = arg;
    uint64_t last = monotonic_ms(), next_hello = last;
    for (;;) {
        if (last >= next_hello) {
            if (send(b->wan_fd, "", 0, MSG_DONTWAIT | MSG_NOSIGNAL) == 0) {
                b->hellos++;
            }
            next_hello = last + HELLO_INTERVAL_MS;
        }
        struct pollfd pfd[2] = {{b->lan_fd, POLLIN, 0}, {b->wan_fd, POLLIN, 0}};
        if (poll(pfd, 2, ROUTER_POLL_MS) < 0 && errno != EINTR) {
            b->result = SPONGE_ERR_SYSTEM;
            return NULL;
        }
        uint64_t now = monotonic_ms();
        if (now > last) {
            router_tick(&b->router, now - last);
            last = now;
        }
        int lan = take_frames(b, b->lan_fd, b->lan, &b->lan_in);
        int wan = lan == 0 ? take_frames(b, b->wan_fd, b->wan, &b->wan_in) : 0;
        if (lan == 1) {
            return NULL; /* the host is done */
        }
        if (lan < 0 || wan < 0) {
            b->result = SPONGE_ERR_SYSTEM;
            return NULL;
        }
        forward(b);
    }
}

/* Two interfaces (LAN 0, WAN 1) and three routes: our LAN direct, the WAN direct, the other
 * side's LAN via the other router's WAN address. */
static enum sponge_err router_box_init(struct router_box *b, const struct side *s, uint32_t relay_addr,
                                       uint16_t relay_port, int lan_fd, char *why, size_t why_len) {
    memset(b, 0, sizeof *b);
    b->lan_fd = lan_fd;
    struct router_config cfg = router_default_config();
    b->cap = cfg.iface.max_datagram_len + ETH_HEADER_LEN;
    b->buf = malloc(b->cap);
    if (b->buf == NULL) {
        snprintf(why, why_len, "out of memory");
        return SPONGE_ERR_NO_MEMORY;
    }
    enum sponge_err err = router_init(&b->router, &cfg);
    uint32_t wan_prefix = s->wan_router & ~0xffu, lan_prefix = s->host & ~0xffu;
    if (err == SPONGE_OK) {
        err = router_add_interface(&b->router, tcp_eth_random_address(), s->lan_router, &b->lan);
    }
    if (err == SPONGE_OK) {
        err = router_add_interface(&b->router, tcp_eth_random_address(), s->wan_router, &b->wan);
    }
    if (err == SPONGE_OK) {
        err = router_add_route(&b->router, lan_prefix, PREFIX_LEN, false, 0, b->lan);
    }
    if (err == SPONGE_OK) {
        err = router_add_route(&b->router, wan_prefix, PREFIX_LEN, false, 0, b->wan);
    }
    if (err == SPONGE_OK) {
        err = router_add_route(&b->router, s->other_lan, PREFIX_LEN, true, s->other_wan_router, b->wan);
    }
    if (err != SPONGE_OK) {
        snprintf(why, why_len, "out of memory");
    } else {
        b->wan_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        struct sockaddr_in relay = {
            .sin_family = AF_INET, .sin_port = htons(relay_port), .sin_addr = {htonl(relay_addr)}};
        if (b->wan_fd < 0 || connect(b->wan_fd, (const struct sockaddr *)&relay, sizeof relay) != 0) {
            snprintf(why, why_len, "cannot reach the relay: %s", strerror(errno));
            err = SPONGE_ERR_SYSTEM;
            if (b->wan_fd >= 0) {
                close(b->wan_fd);
            }
        }
    }
    if (err != SPONGE_OK) {
        router_destroy(&b->router);
        free(b->buf);
    }
    return err;
}

/* Frees what init made and closes both links. */
static void router_box_destroy(struct router_box *b) {
    router_destroy(&b->router);
    free(b->buf);
    close(b->wan_fd);
    close(b->lan_fd);
}

static void router_box_report(struct router_box *b, FILE *out) {
    const struct router_counters *c = router_counters(&b->router);
    fprintf(out,
            "router: forwarded %llu; dropped ttl=%llu no_route=%llu bad_header=%llu queue_full=%llu; "
            "lan frames in %llu, out %llu (dropped %llu); wan frames in %llu, out %llu (dropped %llu); hellos %llu\n",
            (unsigned long long)c->forwarded, (unsigned long long)c->drop_ttl_expired,
            (unsigned long long)c->drop_no_route, (unsigned long long)c->drop_bad_header,
            (unsigned long long)c->drop_queue_full, (unsigned long long)b->lan_in, (unsigned long long)b->lan_out,
            (unsigned long long)b->lan_out_dropped, (unsigned long long)b->wan_in, (unsigned long long)b->wan_out,
            (unsigned long long)b->wan_out_dropped, (unsigned long long)b->hellos);
    const char *names[2] = {"lan", "wan"};
    size_t ifs[2] = {b->lan, b->wan};
    for (int i = 0; i < 2; i++) {
        const struct network_interface_counters *n = network_interface_counters(router_interface(&b->router, ifs[i]));
        fprintf(out, "router %s interface: arp requests %llu, replies %llu, received %llu; arp_timeout drops %llu\n",
                names[i], (unsigned long long)n->arp_requests_sent, (unsigned long long)n->arp_replies_sent,
                (unsigned long long)n->arp_received, (unsigned long long)n->drop_arp_timeout);
    }
}

/* The host: the connection over the tcp_eth adapter on the LAN socketpair, copying stdin and
 * stdout. Returns the exit status. */
static int run_host(const struct app_args *args, const struct side *s, int lan_fd, const char *prog) {
    struct tcp_eth_config ecfg = {
        .ip = {.local_addr = s->host, .listen = args->listen},
        .eth = tcp_eth_random_address(),
        .next_hop = s->lan_router,
        .iface = network_interface_default_config(),
    };
    if (args->listen) {
        ecfg.ip.local_port = LAB7_TCP_PORT;
    } else {
        ecfg.ip.local_port = app_ephemeral_port();
        ecfg.ip.remote_addr = side_of(true).host;
        ecfg.ip.remote_port = LAB7_TCP_PORT;
    }
    struct tcp_eth_adapter eth;
    if (tcp_eth_adapter_init(&eth, lan_fd, &ecfg) != SPONGE_OK) {
        close(lan_fd);
        fprintf(stderr, "%s: out of memory\n", prog);
        return 1;
    }
    struct tcp_adapter adapter = tcp_eth_adapter_as_adapter(&eth);
    struct lossy_adapter lossy;
    if (args->loss_up > 0 || args->loss_down > 0) {
        uint64_t seed = app_seed();
        fprintf(stderr, "DEBUG: loss uplink %g downlink %g, seed %llu\n", args->loss_up, args->loss_down,
                (unsigned long long)seed);
        lossy_adapter_init(&lossy, adapter, args->loss_up, args->loss_down, seed);
        adapter = lossy_adapter_as_adapter(&lossy);
    }
    struct tcp_config cfg = args->cfg;
    cfg.max_retx_attempts = LAB7_MAX_RETX;
    struct tcp_socket sock;
    enum sponge_err err = args->listen ? tcp_socket_listen_and_accept(&sock, adapter, &cfg, stderr)
                                       : tcp_socket_connect(&sock, adapter, &cfg, stderr);
    if (err != SPONGE_OK) {
        fprintf(stderr, "%s: %s failed: %s\n", prog, args->listen ? "accept" : "connect", tcp_app_describe(err));
        tcp_eth_adapter_destroy(&eth);
        return 1;
    }
    enum sponge_err copy = stream_copy(STDIN_FILENO, STDOUT_FILENO, tcp_socket_fd(&sock));
    int copy_errno = errno;
    err = tcp_socket_wait_until_closed(&sock);
    tcp_eth_adapter_destroy(&eth); /* closes the LAN: the router thread ends */
    if (err != SPONGE_OK) {
        fprintf(stderr, "%s: %s\n", prog, tcp_app_describe(err));
        return 1;
    }
    if (copy != SPONGE_OK) {
        fprintf(stderr, "%s: copying failed: %s\n", prog, strerror(copy_errno));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    const char *prog = app_name(argc > 0 ? argv[0] : NULL);
    char why[320];
    struct app_args args;
    if (app_args_parse(argc, argv, APP_OPT_TCP, &args, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "%s: %s (HOST PORT: the relay)\n", prog, why);
        return 2;
    }
    struct side s = side_of(args.listen);
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) != 0) {
        fprintf(stderr, "%s: socketpair: %s\n", prog, strerror(errno));
        return 1;
    }
    struct router_box box;
    if (router_box_init(&box, &s, args.host, args.port, pair[1], why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "%s: %s\n", prog, why);
        close(pair[0]);
        close(pair[1]);
        return 1;
    }
    if (pthread_create(&box.thread, NULL, router_thread, &box) != 0) {
        fprintf(stderr, "%s: cannot start the router thread\n", prog);
        router_box_destroy(&box);
        close(pair[0]);
        return 1;
    }
    int status = run_host(&args, &s, pair[0], prog);
    pthread_join(box.thread, NULL);
    router_box_report(&box, stderr);
    if (box.result != SPONGE_OK && status == 0) {
        fprintf(stderr, "%s: router: %s\n", prog, sponge_strerror(box.result));
        status = 1;
    }
    router_box_destroy(&box);
    return status;
}
