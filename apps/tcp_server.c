/* tcp_server: an echo server for many clients at once, on this project's TCP host over a TUN
 * device (a listening socket with an accept queue; see libsponge/adapters/tcp_host.h).
 *
 *   tcp_server [-d TUNDEV] [-a ADDR] [-b BACKLOG] [-c MAXCONN] [-w WIN] [-H MS] [--lab] PORT
 *
 * Every byte a client sends is sent back; when the client closes its side, the server closes
 * too. Defaults: tun144, 169.254.144.9, backlog 1024, 4096 connections, 64 KiB streams, modern
 * TCP (--lab: the lab configuration). BACKLOG also bounds the half-open connections, each
 * dropped after MS ms in SYN_RCVD (default 63000); in modern mode SYNs beyond them are answered
 * with SYN cookies (RFC 4987 3.6). Prints READY on stderr once listening; on SIGTERM or
 * SIGINT prints its counters and CPU time on stderr and exits 0. */
#include "adapters/tun_host.h"
#include "wire/ipv4.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define BATCH 64
#define EVENTS 256
#define IDLE_WAIT_MS 1

struct server {
    struct tun_host th;
    uint32_t listener;
    uint64_t accepted, completed, ended_unclean, bytes;
};

/* Echoes what fits; closes once the client's EOF has been read and everything went back. */
static void serve(struct server *s, uint32_t c) {
    struct tcp_host *h = &s->th.host;
    uint8_t buf[16384];
    for (;;) {
        size_t room = tcp_host_writable(h, c), ready = tcp_host_readable(h, c);
        size_t n = ready < room ? ready : room;
        n = n < sizeof buf ? n : sizeof buf;
        if (n == 0) {
            if (ready > 0) {
                tcp_host_write(h, c, buf, 1); /* returns 0: asks for WRITABLE when room frees up */
                return;
            }
            break;
        }
        tcp_host_read(h, c, buf, n);
        tcp_host_write(h, c, buf, n);
        s->bytes += n;
    }
    enum tcp_state st = tcp_host_state(h, c);
    if (tcp_host_eof(h, c) || st == TCP_STATE_CLOSED || st == TCP_STATE_RESET) {
        if (st == TCP_STATE_RESET) {
            s->ended_unclean++;
        } else {
            s->completed++;
        }
        tcp_host_close(h, c);
    }
}

static int usage(void) {
    fprintf(stderr,
            "usage: tcp_server [-d TUNDEV] [-a ADDR] [-b BACKLOG] [-c MAXCONN] [-w WIN] [-H MS] [--lab] PORT\n");
    return 1;
}

int main(int argc, char **argv) {
    const char *dev = "tun144", *addr = "169.254.144.9";
    unsigned long backlog = 1024, maxconn = 4096, win = 65536, half_open_ms = 63000;
    bool lab = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *o = argv[i];
        if (strcmp(o, "--lab") == 0) {
            lab = true;
            continue;
        }
        if (i + 1 >= argc) {
            return usage();
        }
        const char *v = argv[++i];
        if (strcmp(o, "-d") == 0) {
            dev = v;
        } else if (strcmp(o, "-a") == 0) {
            addr = v;
        } else if (strcmp(o, "-b") == 0) {
            backlog = strtoul(v, NULL, 10);
        } else if (strcmp(o, "-c") == 0) {
            maxconn = strtoul(v, NULL, 10);
        } else if (strcmp(o, "-w") == 0) {
            win = strtoul(v, NULL, 10);
        } else if (strcmp(o, "-H") == 0) {
            half_open_ms = strtoul(v, NULL, 10);
        } else {
            return usage();
        }
    }
    if (i + 1 != argc || backlog == 0 || maxconn == 0 || win == 0 || half_open_ms == 0 || half_open_ms > UINT32_MAX) {
        return usage();
    }
    unsigned long port = strtoul(argv[i], NULL, 10);
    struct tcp_host_config cfg;
    tcp_host_config_default(&cfg);
    if (!ipv4_parse_address(addr, &cfg.local_addr) || port == 0 || port > 65535) {
        return usage();
    }
    tcp_config_set_modern(&cfg.tcp, !lab);
    cfg.tcp.recv_capacity = cfg.tcp.send_capacity = win;
    cfg.max_connections = (uint32_t)maxconn;
    cfg.max_half_open = (uint32_t)(backlog < maxconn ? backlog : maxconn);
    cfg.half_open_timeout_ms = (uint32_t)half_open_ms;
    cfg.syn_cookies = !lab; /* beyond the half-open limit, SYN cookies (RFC 4987 3.6) */

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);

    static struct server s;
    char why[256];
    if (tun_host_open(&s.th, dev, &cfg, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "tcp_server: %s\n", why);
        return 1;
    }
    struct tcp_host *h = &s.th.host;
    if (tcp_host_listen(h, (uint16_t)port, (uint32_t)backlog, &s.listener) != SPONGE_OK) {
        fprintf(stderr, "tcp_server: cannot listen on %lu\n", port);
        tun_host_close(&s.th);
        return 1;
    }
    fprintf(stderr, "READY\n");
    int rc = 0;
    for (;;) {
        struct signalfd_siginfo si;
        if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
            break;
        }
        if (tun_host_pump(&s.th, BATCH, IDLE_WAIT_MS, sfd) != SPONGE_OK) {
            perror("tcp_server: TUN device");
            rc = 1;
            break;
        }
        struct tcp_host_event ev[EVENTS];
        size_t n;
        while ((n = tcp_host_events(h, ev, EVENTS)) > 0) {
            for (size_t k = 0; k < n; k++) {
                uint32_t c;
                if (ev[k].listener) {
                    while (tcp_host_accept(h, ev[k].id, &c)) {
                        s.accepted++;
                        serve(&s, c);
                    }
                } else {
                    serve(&s, ev[k].id);
                }
            }
        }
        tcp_host_flush(h);
    }
    const struct tcp_listener_counters *lc = tcp_host_listener_counters(h, s.listener);
    fprintf(stderr,
            "tcp_server: accepted %llu completed %llu reset %llu echoed %llu bytes; listener: syns %llu "
            "syn_drop_half_open %llu syn_drop_queue_full %llu ack_drop_queue_full %llu cookies_sent %llu "
            "cookies_validated %llu cookie_acks_rejected %llu cookie_acks_bad_ts %llu cookie_drop_queue_full %llu "
            "cookie_drop_no_slot %llu\n",
            (unsigned long long)s.accepted, (unsigned long long)s.completed, (unsigned long long)s.ended_unclean,
            (unsigned long long)s.bytes, (unsigned long long)lc->syns, (unsigned long long)lc->syn_drop_half_open,
            (unsigned long long)lc->syn_drop_queue_full, (unsigned long long)lc->ack_drop_queue_full,
            (unsigned long long)lc->cookies_sent, (unsigned long long)lc->cookies_validated,
            (unsigned long long)lc->cookie_acks_rejected, (unsigned long long)lc->cookie_acks_bad_ts,
            (unsigned long long)lc->cookie_drop_queue_full, (unsigned long long)lc->cookie_drop_no_slot);
    tun_host_report(&s.th, stderr);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* CPU time, for a figure that does not depend on what else the machine runs */
    fprintf(stderr, "\ntcp_server: cpu_user_s=%.3f cpu_sys_s=%.3f\n",
            (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6,
            (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
    tun_host_close(&s.th);
    close(sfd);
    return rc;
}
