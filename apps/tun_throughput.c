/* tun_throughput: bulk TCP between our stack on a TUN device and the kernel's TCP, timed.
 *
 *   tun_throughput [OPTIONS] send HOST PORT BYTES   connect from 169.254.144.9, send BYTES, close
 *   tun_throughput [OPTIONS] recv PORT              listen on 169.254.144.9:PORT, read to the peer's FIN
 *
 * OPTIONS: -w BYTES  both streams' capacity, so the window (default 512 KiB with offloads, 128 KiB
 *                    without; size it to the bandwidth-delay product on a long path);
 *          --cc newreno|cubic|bbr  congestion control (default newreno);
 *          --lab     lab mode instead: tcp_config_default (64000-byte streams and window, no
 *                    window scaling, 1000-byte payloads, fixed 1 s RTO, no congestion control,
 *                    no MSS option), to compare the two modes of our TCP on the same path;
 *          --no-offload  plain datagrams (as SPONGE_TUN_OFFLOAD=0). By default modern mode opens
 *                    the device with offloads (virtio-net headers, TSO4, partial checksums):
 *                    the kernel hands us TCP super-segments of up to 64 KiB and we send such,
 *                    cut into MSS-sized segments by the kernel. Lab mode never offloads.
 *
 * With SPONGE_CC_TRACE=FILE, what congestion control did goes to FILE, a line per ms
 * (adapters/cc_trace.h).
 *
 * The TUN device named by $TUN_DEV (default tun144) must exist and be up. Prints `READY` once
 * listening (recv) and one line `RESULT stack=sponge mode=M offloads=on|off bytes=N elapsed_s=T gbps=G
 * sha256=HEX` at the end.
 * send times "connected" to "every byte acknowledged"; data are generated and hashed outside
 * that. recv times "accepted" to "FIN"; each payload byte is copied once into an application
 * buffer, hashed after the clock stops (inline only when the buffer wraps).
 *
 * One thread drives the TCPConnection and the TUN descriptor directly: read every waiting
 * datagram (bounded batch), feed it to the connection, then write what the connection queued
 * with one writev per datagram (headers, payload pieces straight from the outbound stream). */

#include "adapters/app_args.h"
#include "adapters/cc_trace.h"
#include "adapters/tcp_over_ipv4.h"
#include "adapters/tun.h"
#include "tcp/tcp_connection.h"
#include "util/resident.h"
#include "util/sha256.h"
#include "wire/ipv4.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define MSS 1460 /* 1500-byte MTU minus 40 bytes of IPv4 and TCP headers */
/* Both streams by default (-w for more; window scaling makes it the window). On the TUN path's
 * tens of microseconds of RTT 128 KiB is plenty, and it bounds the kernel's bursts towards us
 * to ~90 datagrams, under the TUN queue's 500: with 1 MiB the kernel sender burst past it
 * whenever we acknowledged less often (docs/BENCHMARKS.md, tun_recv). */
#define STREAM_CAPACITY (1u << 17)
/* With offloads the kernel's bursts are super-segments of up to 64 KiB, so 128 KiB would be two
 * of them in flight; 512 KiB (8) did best in an interleaved A/B of 128 KiB, 512 KiB and 1 MiB
 * (docs/BENCHMARKS.md, TUN offloads). */
#define OFFLOAD_STREAM_CAPACITY (1u << 19)
#define MAX_CAPACITY (1u << 30)  /* -w limit: RFC 7323 2.3 caps the scaled window at 2^30 */
#define READ_BATCH 64            /* datagrams read per wakeup before output is flushed */
#define ACK_EVERY (8 * MSS)      /* flush (one cumulative ACK) after this many payload bytes */
#define RECV_BUFFER (256u << 20) /* application buffer (pre-faulted), hashed when it wraps */
#define RUNNING_WAIT_MS 2000     /* how long to wait for the device to be IFF_RUNNING */
#define QDISC_SETTLE_MS 20       /* then a little longer: the qdisc comes up after the flag */
#define IDLE_POLL_MS 5           /* poll timeout when nothing is waiting (timer granularity) */
#define SPIN_NS 50000            /* before sleeping in poll, keep trying reads this long */
#define CLOSE_TIMEOUT_MS 5000    /* bound on the closing handshake after the timed part */
#define CONNECT_TIMEOUT_MS 15000 /* bound on the handshake */

/* What the command line chose. */
struct options {
    bool lab;                       /* --lab: the lab defaults, not the modern set */
    size_t capacity;                /* -w: both streams (modern mode; 0: the default) */
    enum tcp_congestion congestion; /* --cc (modern mode) */
    bool no_offload;                /* --no-offload (modern mode) */
};

struct xfer {
    struct tcp_connection conn;
    struct cc_trace trace; /* SPONGE_CC_TRACE */
    size_t capacity;       /* of the outbound stream */
    struct tcp_ipv4_adapter ipv4;
    struct tcp_adapter carrier;
    bool offloads;
    uint64_t last_tick_ms;
    size_t data_since_flush; /* payload bytes received since the last flush */
    uint64_t idle_since_ns;  /* when the last read found nothing (0: input was seen since) */
    uint64_t blocked_ns;     /* time spent asleep in poll */
};

/* CPU time and time blocked over the timed part, for the anchor's run.sh (it shows
 * `blocked_s= cpu_user_s= cpu_sys_s=` from stderr next to each result). */
struct usage_mark {
    struct rusage ru;
    uint64_t blocked_ns;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Feeds elapsed wall time to the connection in whole milliseconds. */
static void tick(struct xfer *x) {
    uint64_t ms = now_ns() / 1000000u;
    if (ms > x->last_tick_ms) {
        tcp_connection_tick(&x->conn, ms - x->last_tick_ms);
        x->last_tick_ms = ms;
        cc_trace_sample(&x->trace, &x->conn);
    }
}

static bool bare_ack(const struct tcp_segment *seg) {
    const struct tcp_header *h = &seg->header;
    return !h->syn && !h->fin && !h->rst && byte_view2_len(&seg->payload) == 0;
}

/* Writes everything the connection queued. Acknowledgment number and window are stamped when
 * a segment is popped, so a bare ACK followed by any other segment says nothing new: it is
 * held back and only the last one of a run goes out (a cumulative ACK, RFC 9293 3.8.6.3). */
static enum sponge_err flush(struct xfer *x) {
    struct tcp_segment seg, ack;
    bool ack_pending = false;
    while (tcp_connection_segments_out(&x->conn, &seg)) {
        if (bare_ack(&seg)) {
            ack = seg;
            ack_pending = true;
            continue;
        }
        ack_pending = false;
        enum sponge_err err = tcp_adapter_send(&x->carrier, &seg);
        if (err != SPONGE_OK) {
            return err;
        }
    }
    x->data_since_flush = 0;
    return ack_pending ? tcp_adapter_send(&x->carrier, &ack) : SPONGE_OK;
}

/* Reads up to READ_BATCH datagrams, handing each to the connection; between them the caller's
 * `drain` runs and output is flushed every ACK_EVERY payload bytes (a super-segment counts as
 * the MSS-sized segments it stands for) so the peer's ACK clock keeps ticking. Sets *got_any if
 * anything arrived. */
static enum sponge_err pump_input(struct xfer *x, void (*drain)(void *), void *arg, bool *got_any) {
    *got_any = false;
    for (int i = 0; i < READ_BATCH; i++) {
        struct tcp_segment seg;
        bool got = false;
        enum sponge_err err = tcp_adapter_recv(&x->carrier, &seg, &got);
        if (err != SPONGE_OK) {
            return err;
        }
        if (!got) {
            break;
        }
        *got_any = true;
        tcp_connection_segment_received(&x->conn, &seg);
        x->data_since_flush += byte_view2_len(&seg.payload);
        if (x->data_since_flush >= ACK_EVERY) {
            if (drain) {
                drain(arg);
            }
            err = flush(x);
            if (err != SPONGE_OK) {
                return err;
            }
        }
    }
    if (drain) {
        drain(arg);
    }
    return flush(x);
}

static void wait_input(struct xfer *x) {
    struct pollfd p = {.fd = tcp_adapter_fd(&x->carrier), .events = POLLIN};
    uint64_t t = now_ns();
    uint64_t pacing = tcp_connection_pacing_delay(&x->conn); /* a paced segment waits for a tick */
    poll(&p, 1, pacing < IDLE_POLL_MS ? (int)pacing : IDLE_POLL_MS);
    x->blocked_ns += now_ns() - t;
}

static void usage_mark(const struct xfer *x, struct usage_mark *m) {
    getrusage(RUSAGE_SELF, &m->ru);
    m->blocked_ns = x->blocked_ns;
}

static double tv_diff(struct timeval a, struct timeval b) {
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_usec - a.tv_usec) / 1e6;
}

static void usage_report(const struct xfer *x, const struct usage_mark *start) {
    struct usage_mark end;
    usage_mark(x, &end);
    fprintf(stderr, "tun_throughput: timed part: blocked_s=%.3f cpu_user_s=%.3f cpu_sys_s=%.3f\n",
            (double)(end.blocked_ns - start->blocked_ns) / 1e9, tv_diff(start->ru.ru_utime, end.ru.ru_utime),
            tv_diff(start->ru.ru_stime, end.ru.ru_stime));
}

/* One round of the loop: input (with drain), timers, output. When nothing arrives it spins
 * (non-blocking reads) for SPIN_NS before sleeping in poll: the peer's next packet is usually
 * microseconds away, and a sleep plus wakeup costs more than that. */
static enum sponge_err step(struct xfer *x, void (*drain)(void *), void *arg) {
    bool got_any = false;
    tick(x); /* first: an ACK read after a sleep must not be timed with the clock from before it */
    enum sponge_err err = pump_input(x, drain, arg, &got_any);
    if (err != SPONGE_OK) {
        return err;
    }
    tick(x);
    err = flush(x);
    if (err != SPONGE_OK || got_any) {
        x->idle_since_ns = 0;
        return err;
    }
    uint64_t now = now_ns();
    if (x->idle_since_ns == 0) {
        x->idle_since_ns = now;
    } else if (now - x->idle_since_ns > SPIN_NS) {
        wait_input(x);
        x->idle_since_ns = 0;
    }
    return SPONGE_OK;
}

static bool connected(const struct xfer *x) {
    enum tcp_state s = tcp_connection_state(&x->conn);
    return s != TCP_STATE_LISTEN && s != TCP_STATE_SYN_SENT && s != TCP_STATE_SYN_RCVD;
}

static enum sponge_err failed(const struct xfer *x) {
    return tcp_connection_state(&x->conn) == TCP_STATE_RESET ? SPONGE_ERR_RESET : SPONGE_ERR_TIMEOUT;
}

/* Opens the device and sets up adapter and connection. */
static int setup(struct xfer *x, struct tcp_ipv4_config *icfg, const struct options *o) {
    memset(x, 0, sizeof *x);
    if (!cc_trace_open(&x->trace, "tun_throughput")) {
        return -1;
    }
    const char *dev = getenv("TUN_DEV");
    char why[160];
    int fd = -1;
    const char *name = dev && dev[0] ? dev : "tun144";
    bool offloads = false;
    enum sponge_err err = !o->lab && !o->no_offload && tun_offload_wanted()
                              ? tun_open_offload(name, RUNNING_WAIT_MS, &fd, &offloads, why, sizeof why)
                              : tun_open(name, RUNNING_WAIT_MS, &fd, why, sizeof why);
    if (err != SPONGE_OK) {
        fprintf(stderr, "tun_throughput: %s\n", why);
        return -1;
    }
    poll(NULL, 0, QDISC_SETTLE_MS);
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    if (o->lab) {
        icfg->syn_mss = 0; /* lab mode sends no MSS option: the peer assumes 536 (RFC 9293 3.7.1) */
    } else {
        /* Modern options where they pay for themselves in bulk transfer: the MSS option, window
         * scaling (RFC 7323 section 2) so the receive stream is the window, RTT-based RTO,
         * congestion control and SACK (RFC 2018; costs nothing on a clean path, and saves the
         * recovery on a lossy one). Left off: timestamps (12 bytes in every segment; lwIP runs
         * without them too), delayed ACKs (this loop sends one cumulative ACK per ACK_EVERY
         * segments) and Nagle (writes are large). */
        tcp_config_set_modern(&cfg, true);
        cfg.opt_timestamps = false;
        cfg.delayed_ack = false;
        cfg.nagle = false;
        cfg.congestion = o->congestion;
        size_t capacity = o->capacity ? o->capacity : offloads ? OFFLOAD_STREAM_CAPACITY : STREAM_CAPACITY;
        cfg.recv_capacity = capacity;
        cfg.send_capacity = capacity;
        cfg.max_payload = MSS;
    }
    x->capacity = cfg.send_capacity;
    if (tcp_ipv4_adapter_init(&x->ipv4, fd, offloads, icfg) != SPONGE_OK) {
        fprintf(stderr, "tun_throughput: out of memory\n");
        tun_close(fd);
        return -1;
    }
    cfg.max_segment = tcp_ipv4_adapter_max_segment(&x->ipv4); /* super-segments when offloading */
    x->offloads = offloads;
    x->carrier = tcp_ipv4_adapter_as_adapter(&x->ipv4);
    if (tcp_connection_init(&x->conn, &cfg) != SPONGE_OK) {
        fprintf(stderr, "tun_throughput: cannot create the connection\n");
        tcp_ipv4_adapter_destroy(&x->ipv4);
        return -1;
    }
    x->last_tick_ms = now_ns() / 1000000u;
    return 0;
}

/* Frees everything. A connection given up on gets its RST out; one in TIME-WAIT has closed
 * cleanly (we leave without lingering: this process is the only user of the port), so the
 * RST that destroy queues for a still-active connection is not sent. */
static void teardown(struct xfer *x) {
    bool clean = tcp_connection_state(&x->conn) == TCP_STATE_TIME_WAIT;
    tcp_connection_destroy(&x->conn);
    struct tcp_segment rst;
    if (tcp_connection_segments_out(&x->conn, &rst) && !clean) {
        tcp_adapter_send(&x->carrier, &rst);
    }
    tcp_ipv4_adapter_destroy(&x->ipv4);
    cc_trace_close(&x->trace);
}

static void print_result(const struct xfer *x, const char *mode, uint64_t bytes, uint64_t ns, struct sha256 *h) {
    char hex[2 * SHA256_DIGEST_LEN + 1];
    sha256_final_hex(h, hex);
    double s = (double)ns / 1e9;
    printf("RESULT stack=sponge mode=%s offloads=%s bytes=%llu elapsed_s=%.6f gbps=%.3f sha256=%s\n", mode,
           x->offloads ? "on" : "off", (unsigned long long)bytes, s, s > 0 ? (double)bytes * 8 / s / 1e9 : 0.0, hex);
    fflush(stdout);
}

/* Runs the loop until the connection is done or `ms` have passed. */
static enum sponge_err finish_close(struct xfer *x, void (*drain)(void *), void *arg, uint64_t ms) {
    uint64_t end = now_ns() + ms * 1000000u;
    while (tcp_connection_active(&x->conn) && tcp_connection_state(&x->conn) != TCP_STATE_TIME_WAIT && now_ns() < end) {
        enum sponge_err err = step(x, drain, arg);
        if (err != SPONGE_OK) {
            return err;
        }
    }
    return tcp_connection_state(&x->conn) == TCP_STATE_RESET ? SPONGE_ERR_RESET : SPONGE_OK;
}

/* ---- send ---- */

/* splitmix64: a fast, fixed pseudo-random stream so the data are not trivially compressible. */
static void generate(uint8_t *buf, size_t len) {
    uint64_t s = 0x5eed5eed5eed5eedu;
    for (size_t i = 0; i < len; i += 8) {
        uint64_t z = (s += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        z ^= z >> 31;
        size_t n = len - i < 8 ? len - i : 8;
        memcpy(buf + i, &z, n);
    }
}

static int run_send(const struct options *o, uint32_t host, uint16_t port, uint64_t bytes) {
    uint8_t *data = malloc(bytes ? bytes : 1);
    if (data == NULL) {
        fprintf(stderr, "tun_throughput: cannot allocate %llu bytes\n", (unsigned long long)bytes);
        return 1;
    }
    generate(data, bytes);
    struct sha256 h;
    sha256_init(&h);
    sha256_update(&h, data, bytes);

    struct tcp_ipv4_config icfg = {
        .local_port = app_ephemeral_port(), .remote_addr = host, .remote_port = port, .syn_mss = MSS};
    ipv4_parse_address(TCP_IPV4_DEFAULT_ADDRESS, &icfg.local_addr);
    struct xfer x;
    if (setup(&x, &icfg, o) != 0) {
        free(data);
        return 1;
    }
    enum sponge_err err = SPONGE_OK;
    tcp_connection_connect(&x.conn);
    uint64_t deadline = now_ns() + (uint64_t)CONNECT_TIMEOUT_MS * 1000000u;
    while (err == SPONGE_OK && tcp_connection_active(&x.conn) && !connected(&x) && now_ns() < deadline) {
        err = step(&x, NULL, NULL);
    }
    if (err == SPONGE_OK && !(tcp_connection_active(&x.conn) && connected(&x))) {
        err = failed(&x);
    }
    struct usage_mark mark;
    usage_mark(&x, &mark);
    uint64_t t0 = now_ns(), t1 = t0, off = 0;
    /* Timed: write what fits, move segments; done when every byte is acknowledged. */
    while (err == SPONGE_OK && tcp_connection_active(&x.conn)) {
        if (off < bytes && tcp_connection_remaining_outbound_capacity(&x.conn) >= x.capacity / 4) {
            off += tcp_connection_write(&x.conn, data + off, bytes - off);
        }
        if (off == bytes && tcp_connection_bytes_in_flight(&x.conn) == 0 &&
            tcp_connection_remaining_outbound_capacity(&x.conn) == x.capacity) {
            t1 = now_ns();
            usage_report(&x, &mark);
            break;
        }
        err = step(&x, NULL, NULL);
    }
    if (err == SPONGE_OK && !tcp_connection_active(&x.conn)) {
        err = failed(&x);
    }
    if (err == SPONGE_OK) {
        tcp_connection_end_input_stream(&x.conn);
        err = finish_close(&x, NULL, NULL, CLOSE_TIMEOUT_MS);
    }
    if (err == SPONGE_OK) {
        print_result(&x, "send", bytes, t1 - t0, &h);
    } else {
        fprintf(stderr, "tun_throughput: send failed: %s\n", sponge_strerror(err));
    }
    tcp_adapter_report(&x.carrier, stderr);
    teardown(&x);
    free(data);
    return err == SPONGE_OK ? 0 : 1;
}

/* ---- recv ---- */

struct sink {
    struct xfer *x;
    uint8_t *buf;
    size_t fill;
    uint64_t total;
    struct sha256 h;
};

/* Copies every readable inbound byte into the application buffer (the one stream->app copy). */
static void drain_inbound(void *arg) {
    struct sink *k = arg;
    struct byte_stream *in = tcp_connection_inbound_stream(&k->x->conn);
    while (!byte_stream_buffer_empty(in)) {
        if (k->fill == RECV_BUFFER) {
            sha256_update(&k->h, k->buf, k->fill);
            k->fill = 0;
        }
        size_t n = byte_stream_read(in, k->buf + k->fill, RECV_BUFFER - k->fill);
        k->fill += n;
        k->total += n;
    }
}

static int run_recv(const struct options *o, uint16_t port) {
    struct sink k = {.buf = resident_alloc(RECV_BUFFER)}; /* no page faults in the timed part */
    if (k.buf == NULL) {
        fprintf(stderr, "tun_throughput: cannot allocate the receive buffer\n");
        return 1;
    }
    sha256_init(&k.h);
    struct tcp_ipv4_config icfg = {.local_port = port, .listen = true, .syn_mss = MSS};
    ipv4_parse_address(TCP_IPV4_DEFAULT_ADDRESS, &icfg.local_addr);
    struct xfer x;
    if (setup(&x, &icfg, o) != 0) {
        free(k.buf);
        return 1;
    }
    k.x = &x;
    printf("READY\n");
    fflush(stdout);
    enum sponge_err err = SPONGE_OK;
    while (err == SPONGE_OK && tcp_connection_active(&x.conn) && !connected(&x)) {
        err = step(&x, drain_inbound, &k);
    }
    struct usage_mark mark;
    usage_mark(&x, &mark);
    uint64_t t0 = now_ns(), t1 = t0;
    struct byte_stream *in = tcp_connection_inbound_stream(&x.conn);
    while (err == SPONGE_OK && tcp_connection_active(&x.conn)) {
        if (byte_stream_eof(in)) {
            t1 = now_ns();
            usage_report(&x, &mark);
            break;
        }
        err = step(&x, drain_inbound, &k);
    }
    if (err == SPONGE_OK && !byte_stream_eof(in)) {
        err = failed(&x);
    }
    if (err == SPONGE_OK) {
        tcp_connection_end_input_stream(&x.conn);
        err = finish_close(&x, drain_inbound, &k, CLOSE_TIMEOUT_MS);
    }
    if (err == SPONGE_OK) {
        sha256_update(&k.h, k.buf, k.fill);
        print_result(&x, "recv", k.total, t1 - t0, &k.h);
    } else {
        fprintf(stderr, "tun_throughput: recv failed: %s\n", sponge_strerror(err));
    }
    tcp_adapter_report(&x.carrier, stderr);
    teardown(&x);
    free(k.buf);
    return err == SPONGE_OK ? 0 : 1;
}

static int usage(void) {
    fprintf(stderr, "usage: tun_throughput [--lab] [-w BYTES] [--cc newreno|cubic|bbr] [--no-offload] send HOST PORT "
                    "BYTES | "
                    "tun_throughput [OPTIONS] recv PORT   (env TUN_DEV)\n");
    return 2;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* Parses the options before the command; returns the index of the command, or 0 if bad. */
static int parse_options(int argc, char **argv, struct options *o) {
    *o = (struct options){.capacity = 0, .congestion = TCP_CC_NEWRENO}; /* 0: the default for the mode */
    bool modern_only = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        uint64_t n = 0;
        if (strcmp(argv[i], "--lab") == 0) {
            o->lab = true;
            continue;
        }
        if (strcmp(argv[i], "--no-offload") == 0) {
            o->no_offload = true;
            modern_only = true;
            continue;
        }
        if (i + 1 == argc) {
            return 0;
        }
        if (strcmp(argv[i], "-w") == 0 && parse_u64(argv[i + 1], MAX_CAPACITY, &n) && n >= MSS) {
            o->capacity = (size_t)n;
        } else if (strcmp(argv[i], "--cc") == 0 && strcmp(argv[i + 1], "newreno") == 0) {
            o->congestion = TCP_CC_NEWRENO;
        } else if (strcmp(argv[i], "--cc") == 0 && strcmp(argv[i + 1], "cubic") == 0) {
            o->congestion = TCP_CC_CUBIC;
        } else if (strcmp(argv[i], "--cc") == 0 && strcmp(argv[i + 1], "bbr") == 0) {
            o->congestion = TCP_CC_BBR;
        } else {
            return 0;
        }
        modern_only = true;
        i++;
    }
    return o->lab && modern_only ? 0 : i; /* -w, --cc and --no-offload describe modern mode */
}

int main(int argc, char **argv) {
    struct options o;
    int c = parse_options(argc, argv, &o);
    uint64_t port = 0, bytes = 0;
    uint32_t host = 0;
    if (c > 0 && argc - c == 4 && strcmp(argv[c], "send") == 0) {
        if (!ipv4_parse_address(argv[c + 1], &host) || !parse_u64(argv[c + 2], UINT16_MAX, &port) || port == 0 ||
            !parse_u64(argv[c + 3], SIZE_MAX / 2, &bytes)) {
            return usage();
        }
        return run_send(&o, host, (uint16_t)port, bytes);
    }
    if (c > 0 && argc - c == 2 && strcmp(argv[c], "recv") == 0) {
        if (!parse_u64(argv[c + 1], UINT16_MAX, &port) || port == 0) {
            return usage();
        }
        return run_recv(&o, (uint16_t)port);
    }
    return usage();
}
