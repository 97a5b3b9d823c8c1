/* router: our Router (lab 6) on real TAP devices (lab 7's wire).
 *
 *   router [--no-icmp] -c FILE
 *
 * FILE says which interfaces and routes the router has (format: libsponge/adapters/router_setup.h):
 *
 *   interface tapA 02:00:00:00:01:01 169.254.1.1    # name, our MAC, our IP
 *   interface tapL 02:00:00:00:0c:01 169.254.12.1 mtu 576   # a link with a smaller MTU
 *   route 169.254.1.0/24 tapA                       # directly attached
 *   route 169.254.2.0/24 tapL via 169.254.12.2      # through a next hop
 *   route 0.0.0.0/0 tapL via 169.254.12.2
 *
 * Each interface's TAP device is created (or attached to, if it exists) in the router's network
 * namespace, given the interface's MTU (1500 unless the line says otherwise) and brought up; when all are up and
 * running the router prints READY on stdout. The devices may then be moved to other namespaces (`ip link set tapA netns
 * NS`): the router keeps their descriptors. Frames read from a device go to router_recv_frame, router_route forwards
 * what they carried, and every frame the interfaces queue is written to its device. Time for
 * the ARP timers comes from CLOCK_MONOTONIC (the only clock, read here). On SIGTERM or SIGINT
 * the router stops, prints its counters on stderr (datagrams forwarded, drops by reason, each
 * interface's frames and drops by reason) and exits 0. A bad configuration gives one line
 * "router: FILE:LINE: what is wrong" (or "router: FILE: what is wrong" when no single line is
 * to blame) on stderr and exit 1, as does a device that cannot be set up; bad arguments exit 2.
 *
 * The router speaks ICMP (net/router.h: echo replies, Time Exceeded, Destination Unreachable,
 * rate-limited), so that ping and traceroute work across it; --no-icmp gives the lab's silent
 * drops. A datagram longer than the MTU of the interface it leaves by is fragmented, or, with
 * DF set, answered with ICMP Fragmentation Needed (path MTU discovery, RFC 1191). */

#include "net/router.h"
#include "adapters/router_setup.h"
#include "adapters/tap.h"
#include "adapters/text_file.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONFIG_BYTES (1 << 20)
#define RUNNING_WAIT_MS 5000
#define TICK_MS 100    /* the longest poll: ARP timers are seconds long */
#define READ_BURST 64u /* frames taken from one device before looking at the others */

/* The one piece of global mutable state: the signal handler can reach nothing else. It is only
 * set by the handler and read by the loop (C11 7.14.1.1 allows exactly this). */
static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig) {
    (void)sig;
    stop_requested = 1;
}

/* What the program adds to the router's own counters, per interface. */
struct device_counters {
    uint64_t read_errors;
    uint64_t write_errors; /* frames the device refused (down, full): not sent */
};

struct app {
    struct router_setup setup;
    struct router router;
    int fds[ROUTER_SETUP_MAX_INTERFACES];
    struct device_counters dev[ROUTER_SETUP_MAX_INTERFACES];
    uint8_t *frame; /* TAP_MAX_FRAME_LEN bytes, for reads */
};

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Writes every frame the interfaces have queued to their devices. */
static void flush_frames(struct app *a) {
    for (size_t i = 0; i < a->setup.interface_count; i++) {
        struct network_interface *ni = router_interface(&a->router, i);
        struct byte_view frame;
        while (network_interface_frames_out(ni, &frame)) {
            if (tap_write_frame(a->fds[i], frame.data, frame.len) != SPONGE_OK) {
                a->dev[i].write_errors++;
            }
        }
    }
}

/* Takes up to READ_BURST frames from device i, routing after each so that no queue fills up
 * behind a burst. Returns false if the device cannot be read any more (it was deleted). */
static bool drain_device(struct app *a, size_t i) {
    for (unsigned k = 0; k < READ_BURST; k++) {
        size_t len = 0;
        if (tap_read_frame(a->fds[i], a->frame, TAP_MAX_FRAME_LEN, &len) != SPONGE_OK) {
            a->dev[i].read_errors++;
            fprintf(stderr, "router: %s: read: %s; no longer reading this device\n", a->setup.interfaces[i].name,
                    strerror(errno));
            return false;
        }
        if (len == 0) {
            return true;
        }
        router_recv_frame(&a->router, i, a->frame, len);
        router_route(&a->router);
        flush_frames(a);
    }
    return true;
}

static int open_devices(struct app *a) {
    char why[256];
    for (size_t i = 0; i < a->setup.interface_count; i++) {
        const char *name = a->setup.interfaces[i].name;
        if (tap_open(name, TAP_CREATE_OR_ATTACH, &a->fds[i], why, sizeof why) != SPONGE_OK) {
            fprintf(stderr, "router: %s\n", why);
            return -1;
        }
        if (tap_set_mtu(name, (unsigned)a->setup.interfaces[i].mtu, why, sizeof why) != SPONGE_OK ||
            tap_set_up(name, why, sizeof why) != SPONGE_OK) {
            fprintf(stderr, "router: %s\n", why);
            return -1;
        }
    }
    for (size_t i = 0; i < a->setup.interface_count; i++) {
        if (tap_wait_running(a->setup.interfaces[i].name, RUNNING_WAIT_MS, why, sizeof why) != SPONGE_OK) {
            fprintf(stderr, "router: %s\n", why);
            return -1;
        }
    }
    return 0;
}

/* Runs until SIGTERM or SIGINT. Those signals stay blocked except inside ppoll, so a signal
 * can never slip in between the flag test and the wait. */
static int run(struct app *a, const sigset_t *wait_mask) {
    size_t n = a->setup.interface_count;
    struct pollfd pfds[ROUTER_SETUP_MAX_INTERFACES];
    for (size_t i = 0; i < n; i++) {
        pfds[i] = (struct pollfd){.fd = a->fds[i], .events = POLLIN};
    }
    uint64_t last_tick = now_ms();
    while (!stop_requested) {
        struct timespec timeout = {.tv_sec = 0, .tv_nsec = TICK_MS * 1000000L};
        int ready = ppoll(pfds, n, &timeout, wait_mask);
        if (ready < 0 && errno != EINTR) {
            fprintf(stderr, "router: poll: %s\n", strerror(errno));
            return -1;
        }
        for (size_t i = 0; ready > 0 && i < n; i++) {
            /* A negative fd is skipped by ppoll: a device that failed is not polled again. */
            if ((pfds[i].revents & (POLLIN | POLLERR | POLLHUP)) && !drain_device(a, i)) {
                pfds[i].fd = -1;
            }
        }
        uint64_t now = now_ms();
        if (now > last_tick) {
            router_tick(&a->router, now - last_tick);
            last_tick = now;
            flush_frames(a);
        }
    }
    return 0;
}

static void print_counters(struct app *a) {
    const struct router_counters *rc = router_counters(&a->router);
    fprintf(stderr,
            "router: forwarded %llu; dropped: ttl_expired %llu no_route %llu bad_header %llu queue_full %llu "
            "broadcast %llu frag_needed %llu; fragmented %llu fragments_sent %llu\n",
            (unsigned long long)rc->forwarded, (unsigned long long)rc->drop_ttl_expired,
            (unsigned long long)rc->drop_no_route, (unsigned long long)rc->drop_bad_header,
            (unsigned long long)rc->drop_queue_full, (unsigned long long)rc->drop_broadcast,
            (unsigned long long)rc->drop_frag_needed, (unsigned long long)rc->fragmented,
            (unsigned long long)rc->fragments_sent);
    fprintf(stderr,
            "router: icmp: echo_replied %llu time_exceeded_sent %llu unreachable_sent %llu (frag_needed %llu); not "
            "sent: not_allowed %llu rate_limited %llu rate_limited_dest %llu no_route %llu; dropped: for_us %llu\n",
            (unsigned long long)rc->icmp_echo_replied, (unsigned long long)rc->icmp_time_exceeded_sent,
            (unsigned long long)rc->icmp_unreachable_sent, (unsigned long long)rc->icmp_frag_needed_sent,
            (unsigned long long)rc->icmp_not_allowed, (unsigned long long)rc->icmp_rate_limited,
            (unsigned long long)rc->icmp_rate_limited_dest, (unsigned long long)rc->icmp_no_route,
            (unsigned long long)rc->drop_for_us);
    for (size_t i = 0; i < a->setup.interface_count; i++) {
        const struct network_interface_counters *c = network_interface_counters(router_interface(&a->router, i));
        fprintf(stderr,
                "router: %s: frames_in %llu datagrams_in %llu arp_in %llu frames_out %llu arp_requests %llu "
                "arp_replies %llu read_errors %llu write_errors %llu; dropped: not_for_us %llu bad_ethernet %llu "
                "bad_ipv4 %llu bad_arp %llu bad_ethertype %llu oversize %llu pending_full %llu arp_timeout %llu "
                "frames_out_full %llu\n",
                a->setup.interfaces[i].name, (unsigned long long)c->frames_received,
                (unsigned long long)c->datagrams_received, (unsigned long long)c->arp_received,
                (unsigned long long)c->frames_sent, (unsigned long long)c->arp_requests_sent,
                (unsigned long long)c->arp_replies_sent, (unsigned long long)a->dev[i].read_errors,
                (unsigned long long)a->dev[i].write_errors, (unsigned long long)c->drop_not_for_us,
                (unsigned long long)c->drop_bad_ethernet, (unsigned long long)c->drop_bad_ipv4,
                (unsigned long long)c->drop_bad_arp, (unsigned long long)c->drop_bad_ethertype,
                (unsigned long long)c->drop_oversize, (unsigned long long)c->drop_pending_full,
                (unsigned long long)c->drop_arp_timeout, (unsigned long long)c->drop_frames_out_full);
    }
}

/* Blocks SIGTERM and SIGINT (delivered only inside ppoll, with *wait_mask) and installs the handler. */
static int setup_signals(sigset_t *wait_mask) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    if (sigprocmask(SIG_BLOCK, &block, wait_mask) != 0 || sigaction(SIGTERM, &sa, NULL) != 0 ||
        sigaction(SIGINT, &sa, NULL) != 0) {
        return -1;
    }
    sigdelset(wait_mask, SIGTERM);
    sigdelset(wait_mask, SIGINT);
    return 0;
}

static int parse_args(int argc, char **argv, const char **config, bool *icmp) {
    static const struct option long_options[] = {{"no-icmp", no_argument, NULL, 'I'}, {NULL, 0, NULL, 0}};
    *config = NULL;
    *icmp = true;
    int opt;
    while ((opt = getopt_long(argc, argv, "c:h", long_options, NULL)) != -1) {
        if (opt == 'c') {
            *config = optarg;
        } else if (opt == 'I') {
            *icmp = false;
        } else {
            return -1;
        }
    }
    return *config && optind == argc ? 0 : -1;
}

int main(int argc, char **argv) {
    const char *config;
    bool icmp;
    if (parse_args(argc, argv, &config, &icmp) != 0) {
        fprintf(stderr, "usage: router [--no-icmp] -c CONFIG_FILE\n");
        return 2;
    }
    char why[256];
    char *text = text_file_read(config, MAX_CONFIG_BYTES, why, sizeof why);
    if (!text) {
        fprintf(stderr, "router: %s\n", why);
        return 1;
    }
    struct app *a = calloc(1, sizeof *a);
    size_t line = 0;
    enum sponge_err err = a ? router_setup_parse(text, &a->setup, &line, why, sizeof why) : SPONGE_ERR_NO_MEMORY;
    free(text);
    if (err != SPONGE_OK) {
        if (err == SPONGE_ERR_NO_MEMORY) {
            fprintf(stderr, "router: out of memory\n");
        } else if (line == 0) { /* about the whole file */
            fprintf(stderr, "router: %s: %s\n", config, why);
        } else {
            fprintf(stderr, "router: %s:%zu: %s\n", config, line, why);
        }
        free(a);
        return 1;
    }
    for (size_t i = 0; i < ROUTER_SETUP_MAX_INTERFACES; i++) {
        a->fds[i] = -1;
    }
    struct router_config rcfg = router_default_config();
    rcfg.icmp = icmp;
    int rc = 1;
    sigset_t wait_mask;
    bool made = router_init(&a->router, &rcfg) == SPONGE_OK; /* destroy is safe either way */
    a->frame = malloc(TAP_MAX_FRAME_LEN);
    if (!made || !a->frame || router_setup_apply(&a->setup, &a->router) != SPONGE_OK) {
        fprintf(stderr, "router: out of memory\n");
    } else if (setup_signals(&wait_mask) != 0) {
        fprintf(stderr, "router: cannot set up signal handling: %s\n", strerror(errno));
    } else if (open_devices(a) == 0) {
        printf("READY\n");
        fflush(stdout);
        rc = run(a, &wait_mask) == 0 ? 0 : 1;
        print_counters(a);
    }
    router_destroy(&a->router);
    for (size_t i = 0; i < a->setup.interface_count; i++) {
        if (a->fds[i] >= 0) {
            close(a->fds[i]);
        }
    }
    free(a->frame);
    free(a);
    return rc;
}
