#include "adapters/tun_host.h"

#include "adapters/tun.h"

#include <poll.h>
#include <stdio.h>
#include <time.h>

#define RUNNING_WAIT_MS 2000 /* how long to wait for the device to be up */
/* Time reaches the connections in steps of at least this: a tick visits every connection, and
 * the timers (RTO >= 200 ms in modern mode, delayed ACK 40 ms) need no finer grain. */
#define TICK_MS 5

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

enum sponge_err tun_host_open(struct tun_host *t, const char *dev, const struct tcp_host_config *cfg, char *why,
                              size_t why_len) {
    int fd = -1;
    bool offloads = false; /* modern mode only: lab mode keeps plain datagrams */
    enum sponge_err err = cfg->tcp.modern && tun_offload_wanted()
                              ? tun_open_offload(dev, RUNNING_WAIT_MS, &fd, &offloads, why, why_len)
                              : tun_open(dev, RUNNING_WAIT_MS, &fd, why, why_len);
    if (err != SPONGE_OK) {
        return err;
    }
    err = tun_carrier_init(&t->tun, fd, offloads);
    if (err != SPONGE_OK) {
        tun_close(fd);
        snprintf(why, why_len, "out of memory");
        return err;
    }
    err = tcp_host_init(&t->host, cfg, tun_carrier_as_carrier(&t->tun));
    if (err != SPONGE_OK) {
        snprintf(why, why_len, "host setup failed: %s", sponge_strerror(err));
        tun_carrier_destroy(&t->tun);
        return err;
    }
    t->last_ms = now_ms();
    return SPONGE_OK;
}

enum sponge_err tun_host_pump(struct tun_host *t, size_t batch, int wait_ms, int extra_fd) {
    uint64_t ms = now_ms();
    enum sponge_err err = SPONGE_OK;
    if (ms >= t->last_ms + TICK_MS) {
        err = tcp_host_tick(&t->host, ms - t->last_ms);
        t->last_ms = ms;
    }
    size_t n = 0;
    if (err == SPONGE_OK) {
        err = tcp_host_receive(&t->host, batch, &n);
    }
    if (err == SPONGE_OK && n == 0 && wait_ms > 0) {
        struct pollfd p[2] = {{.fd = tun_carrier_fd(&t->tun), .events = POLLIN}, {.fd = extra_fd, .events = POLLIN}};
        poll(p, extra_fd >= 0 ? 2 : 1, wait_ms);
        err = tcp_host_receive(&t->host, batch, &n);
    }
    return err;
}

void tun_host_close(struct tun_host *t) {
    tcp_host_destroy(&t->host);
    tun_carrier_destroy(&t->tun);
}

void tun_host_report(const struct tun_host *t, FILE *out) {
    const struct tcp_host_counters *k = &t->host.counters;
    fprintf(out,
            "host: received %llu sent %llu, passive %llu active %llu freed %llu, rst_sent %llu window_updates %llu "
            "icmp_echo_replied=%llu; dropped:",
            (unsigned long long)k->datagrams_received, (unsigned long long)k->datagrams_sent,
            (unsigned long long)k->passive_opens, (unsigned long long)k->active_opens, (unsigned long long)k->freed,
            (unsigned long long)k->rst_sent, (unsigned long long)k->window_updates,
            (unsigned long long)k->icmp_echo_replied);
    static const char *const names[TCP_HOST_DROP_COUNT] = {
        "bad_ip",        "not_our_addr",   "not_tcp",        "icmp",       "bad_tcp", "bad_checksum",
        "no_connection", "listen_not_syn", "listener_limit", "queue_full", "no_slot",
    };
    for (int i = 0; i < TCP_HOST_DROP_COUNT; i++) {
        fprintf(out, " %s=%llu", names[i], (unsigned long long)k->dropped[i]);
    }
    fputc(';', out);
    tcp_icmp_report(&k->icmp, out);
    fputc(';', out);
    ipv4_reassembler_report(tcp_host_reassembler(&t->host), out);
    fputs("; ", out);
    tun_carrier_report(&t->tun, out);
}
