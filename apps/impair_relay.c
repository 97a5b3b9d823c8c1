/* impair_relay: forwards IP packets between two TUN devices, impairing them the way Linux's
 * netem would (the kernels here have no netem qdisc; docs/labs/units.md section 3).
 *
 *     impair_relay [-s SEED] [-l LOSS%] [-u DUP%] [-d DELAY_MS] [-j JITTER_MS] [-r REORDER%] [-q PACKETS]
 *                  [-b MBIT -Q PACKETS] [-T] DEV_A DEV_B
 *
 * Every packet read from one device is written to the other, after, in this order (netem's
 * meanings, applied alike in both directions with one seeded generator per direction):
 *   loss      dropped with probability LOSS%;
 *   duplicate with probability DUP% sent twice (the copy impaired like the original);
 *   reorder   with probability REORDER% sent at once while the others wait DELAY_MS: those
 *             overtake the delayed ones (netem's "reorder P" with no gap: every packet may be
 *             picked); only meaningful with a delay, as in netem;
 *   bottleneck with -b, a link of MBIT Mbit/s (per direction) in front of the delay, fed by a
 *             FIFO of at most -Q packets (default 1000; the one being sent counts): each packet
 *             leaves it after its serialization time (8 x length / rate), and one arriving at a
 *             full queue is dropped and counted (queue_drops); as tbf/netem's "rate" with a
 *             "limit" would, a shallow buffer at a known bottleneck;
 *   delay     held DELAY_MS, plus a uniform jitter in [-JITTER_MS, JITTER_MS] (which can itself
 *             reorder, as in netem).
 * With -T the devices are TAP devices carrying Ethernet frames (created if missing, and brought
 * up), so that the relay can sit inside an Ethernet link: the topology runner
 * (etc/topology_run.sh) bridges each end of an impaired link to one of them.
 * The same SEED gives the same decisions for the same packet sequence. On SIGTERM or SIGINT it
 * prints one line per direction on stderr and exits 0:
 *   impair_relay: a->b received N forwarded N dropped N duplicated N reordered N delayed N overflow N
 *                 queue_drops N queue_max N
 * (reordered: sent at once past delayed ones; delayed: held before sending; overflow: dropped
 * because the delay queue was full or the device did not take the packet; queue_drops: dropped at
 * the bottleneck's full queue; queue_max: the most packets its queue held.) The delay queue
 * holds PACKETS per direction (default 4096; netem's "limit"): a delay of D ms at R bit/s
 * needs R * D / 12,000,000 slots for 1500-byte packets, so 20 ms and 2 Gbit/s need ~3,400.
 *
 * Topology used by tests/lab4/impaired_*.sh: our TCP (tcp_ipv4) on tun144 in namespace A; A's
 * kernel forwards 169.254.145.0/24 to tun145, whose other end is this relay's DEV_A. The relay's
 * DEV_B is a second TUN device created in A, attached to by the relay, then moved into namespace
 * B (a TUN descriptor stays bound to its device across the move) and renamed tun145 there; the
 * kernel TCP peer (socat) listens on 169.254.145.1 in B. So every packet between our TCP and the
 * kernel's crosses the relay, and the two kernels' stacks never see each other directly. */
#include "adapters/tap.h"
#include "adapters/tun.h"
#include "util/rng.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* Packets waiting in one direction's delay queue by default (-q); more are dropped (counted
 * as overflow). Slots are numbered in 16 bits. */
#define QUEUE_SLOTS 4096
#define MAX_QUEUE_SLOTS 65535
/* The bottleneck's queue by default (-Q), and the fastest bottleneck (-b, Mbit/s). */
#define BOTTLENECK_QUEUE 1000
#define MAX_RATE_MBIT 100000
/* Largest packet kept (the TUN devices' MTU is 1500). */
#define SLOT_BYTES 2048
#define TUN_WAIT_MS 10000 /* a loaded machine delays the carrier (linkwatch) */

struct impairment {
    double loss, dup, reorder; /* probabilities in [0, 1] */
    uint64_t delay_ns, jitter_ns;
    double rate_bps;      /* the bottleneck's rate, bits per second (0: none) */
    size_t queue_packets; /* its queue's limit */
};

struct counters {
    uint64_t received, forwarded, dropped, duplicated, reordered, delayed, overflow, queue_drops, queue_max;
};

/* One delayed packet: when it is due, and a sequence number that keeps equal times in order. */
struct pending {
    uint64_t due_ns, order;
    uint16_t slot, len;
};

/* One direction: packets read from `in` go to `out`. */
struct direction {
    const char *name;
    int in, out;
    struct sponge_rng rng;
    struct counters n;
    uint8_t (*slots)[SLOT_BYTES];
    uint16_t *free_slots;
    size_t nfree;
    struct pending *heap; /* min-heap on (due_ns, order) */
    size_t nheap;
    uint64_t next_order;
    /* the bottleneck: when each queued packet leaves it (a FIFO ring), and when the link is free */
    uint64_t *departs;
    size_t dhead, dcount, dcap;
    uint64_t link_free_ns;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool earlier(const struct pending *a, const struct pending *b) {
    return a->due_ns != b->due_ns ? a->due_ns < b->due_ns : a->order < b->order;
}

static void heap_push(struct direction *d, struct pending p) {
    size_t i = d->nheap++;
    while (i > 0 && earlier(&p, &d->heap[(i - 1) / 2])) {
        d->heap[i] = d->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    d->heap[i] = p;
}

static struct pending heap_pop(struct direction *d) {
    struct pending top = d->heap[0], last = d->heap[--d->nheap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->nheap) {
            break;
        }
        if (c + 1 < d->nheap && earlier(&d->heap[c + 1], &d->heap[c])) {
            c++;
        }
        if (!earlier(&d->heap[c], &last)) {
            break;
        }
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (d->nheap > 0) {
        d->heap[i] = last;
    }
    return top;
}

static bool direction_init(struct direction *d, const char *name, int in, int out, uint64_t seed, size_t nslots,
                           size_t queue_packets) {
    *d = (struct direction){.name = name, .in = in, .out = out, .dcap = queue_packets};
    sponge_rng_seed(&d->rng, seed);
    d->slots = malloc(sizeof *d->slots * nslots);
    d->free_slots = malloc(sizeof *d->free_slots * nslots);
    d->heap = malloc(sizeof *d->heap * nslots);
    d->departs = malloc(sizeof *d->departs * queue_packets);
    if (d->slots == NULL || d->free_slots == NULL || d->heap == NULL || d->departs == NULL) {
        return false;
    }
    for (size_t i = 0; i < nslots; i++) {
        d->free_slots[i] = (uint16_t)i;
    }
    d->nfree = nslots;
    return true;
}

static void direction_destroy(struct direction *d) {
    free(d->slots);
    free(d->free_slots);
    free(d->heap);
    free(d->departs);
}

static void emit(struct direction *d, const uint8_t *pkt, size_t len) {
    if (write(d->out, pkt, len) == (ssize_t)len) {
        d->n.forwarded++;
    } else {
        d->n.overflow++; /* the device's queue is full: a lost packet, as on a real link */
    }
}

/* The bottleneck: when a packet of `len` bytes arriving `now` leaves it, or false (counted) if
 * its queue is full. */
static bool bottleneck(struct direction *d, const struct impairment *imp, size_t len, uint64_t now, uint64_t *depart) {
    while (d->dcount && d->departs[d->dhead] <= now) {
        d->dhead = (d->dhead + 1) % d->dcap;
        d->dcount--;
    }
    if (d->dcount >= d->dcap) {
        d->n.queue_drops++;
        return false;
    }
    uint64_t start = d->link_free_ns > now ? d->link_free_ns : now;
    d->link_free_ns = start + (uint64_t)((double)len * 8e9 / imp->rate_bps);
    d->departs[(d->dhead + d->dcount++) % d->dcap] = d->link_free_ns;
    d->n.queue_max = d->dcount > d->n.queue_max ? d->dcount : d->n.queue_max;
    *depart = d->link_free_ns;
    return true;
}

/* Sends one copy now (reordered) or queues it until its time. */
static void schedule(struct direction *d, const struct impairment *imp, const uint8_t *pkt, size_t len, uint64_t now) {
    if (imp->delay_ns == 0 && imp->jitter_ns == 0 && imp->rate_bps == 0) {
        emit(d, pkt, len);
        return;
    }
    if (imp->reorder > 0 && sponge_rng_unit(&d->rng) < imp->reorder) {
        d->n.reordered++;
        emit(d, pkt, len);
        return;
    }
    int64_t delay = (int64_t)imp->delay_ns;
    if (imp->jitter_ns > 0) {
        delay += (int64_t)sponge_rng_below(&d->rng, 2 * imp->jitter_ns + 1) - (int64_t)imp->jitter_ns;
    }
    if (d->nfree == 0 || len > SLOT_BYTES) {
        d->n.overflow++;
        return;
    }
    if (imp->rate_bps > 0 && !bottleneck(d, imp, len, now, &now)) {
        return; /* from here on `now` is when the packet leaves the bottleneck */
    }
    uint16_t slot = d->free_slots[--d->nfree];
    memcpy(d->slots[slot], pkt, len);
    d->n.delayed++;
    heap_push(d, (struct pending){now + (uint64_t)(delay > 0 ? delay : 0), d->next_order++, slot, (uint16_t)len});
}

/* Reads what `in` has (a bounded number per wakeup) and impairs each packet. */
static bool take_input(struct direction *d, const struct impairment *imp, uint8_t *buf, size_t cap) {
    for (int i = 0; i < 64; i++) {
        ssize_t n = read(d->in, buf, cap);
        if (n < 0) {
            /* EIO: the device is down for a moment (being moved to another namespace). */
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == EIO;
        }
        d->n.received++;
        if (imp->loss > 0 && sponge_rng_unit(&d->rng) < imp->loss) {
            d->n.dropped++;
            continue;
        }
        uint64_t now = now_ns();
        int copies = 1;
        if (imp->dup > 0 && sponge_rng_unit(&d->rng) < imp->dup) {
            d->n.duplicated++;
            copies = 2;
        }
        for (int c = 0; c < copies; c++) {
            schedule(d, imp, buf, (size_t)n, now);
        }
    }
    return true;
}

/* Sends the delayed packets that are due; returns ns until the next one (UINT64_MAX: none). */
static uint64_t release_due(struct direction *d, uint64_t now) {
    while (d->nheap > 0 && d->heap[0].due_ns <= now) {
        struct pending p = heap_pop(d);
        emit(d, d->slots[p.slot], p.len);
        d->free_slots[d->nfree++] = p.slot;
    }
    return d->nheap == 0 ? UINT64_MAX : d->heap[0].due_ns - now;
}

static void report(const struct direction *d) {
    const struct counters *n = &d->n;
    fprintf(stderr,
            "impair_relay: %s received %llu forwarded %llu dropped %llu duplicated %llu reordered %llu delayed %llu "
            "overflow %llu queue_drops %llu queue_max %llu\n",
            d->name, (unsigned long long)n->received, (unsigned long long)n->forwarded, (unsigned long long)n->dropped,
            (unsigned long long)n->duplicated, (unsigned long long)n->reordered, (unsigned long long)n->delayed,
            (unsigned long long)n->overflow, (unsigned long long)n->queue_drops, (unsigned long long)n->queue_max);
}

static bool parse_percent(const char *s, double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= 0 && v <= 100)) {
        return false;
    }
    *out = v / 100;
    return true;
}

static bool parse_ms(const char *s, uint64_t *ns) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > 60000) {
        return false;
    }
    *ns = v * 1000000u;
    return true;
}

/* A packet count for -q or -Q: 1 to MAX_QUEUE_SLOTS. */
static bool parse_count(const char *s, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    *out = (size_t)v;
    return errno == 0 && end != s && *end == '\0' && s[0] != '-' && v >= 1 && v <= MAX_QUEUE_SLOTS;
}

/* A TUN device that must exist, or with `tap` a TAP device, created if missing and brought up. */
static enum sponge_err open_device(const char *name, bool tap, int *fd, char *why, size_t why_len) {
    if (!tap) {
        return tun_open(name, TUN_WAIT_MS, fd, why, why_len);
    }
    enum sponge_err err = tap_open(name, TAP_CREATE_OR_ATTACH, fd, why, why_len);
    if (err == SPONGE_OK) {
        err = tap_set_up(name, why, why_len);
    }
    return err == SPONGE_OK ? tap_wait_running(name, TUN_WAIT_MS, why, why_len) : err;
}

static int usage(const char *why) {
    fprintf(stderr,
            "impair_relay: %s; usage: impair_relay [-s SEED] [-l LOSS%%] [-u DUP%%] [-d DELAY_MS] [-j JITTER_MS] "
            "[-r REORDER%%] [-q PACKETS] [-b MBIT -Q PACKETS] [-T] DEV_A DEV_B\n",
            why);
    return 2;
}

int main(int argc, char **argv) {
    struct impairment imp = {0};
    uint64_t seed = 1;
    size_t nslots = QUEUE_SLOTS;
    imp.queue_packets = BOTTLENECK_QUEUE;
    int opt;
    bool tap = false;
    while ((opt = getopt(argc, argv, "s:l:u:d:j:r:q:b:Q:T")) != -1) {
        bool good = true;
        switch (opt) {
            case 'T':
                tap = true;
                break;
            case 's': {
                char *end;
                seed = strtoull(optarg, &end, 10);
                good = end != optarg && *end == '\0';
                break;
            }
            case 'l':
                good = parse_percent(optarg, &imp.loss);
                break;
            case 'u':
                good = parse_percent(optarg, &imp.dup);
                break;
            case 'r':
                good = parse_percent(optarg, &imp.reorder);
                break;
            case 'd':
                good = parse_ms(optarg, &imp.delay_ns);
                break;
            case 'j':
                good = parse_ms(optarg, &imp.jitter_ns);
                break;
            case 'q':
                good = parse_count(optarg, &nslots);
                break;
            case 'Q':
                good = parse_count(optarg, &imp.queue_packets);
                break;
            case 'b': {
                char *end;
                errno = 0;
                double mbit = strtod(optarg, &end);
                good = errno == 0 && end != optarg && *end == '\0' && mbit > 0 && mbit <= MAX_RATE_MBIT;
                imp.rate_bps = mbit * 1e6;
                break;
            }
            default:
                return usage("unknown option");
        }
        if (!good) {
            return usage("bad value for an option");
        }
    }
    if (argc - optind != 2) {
        return usage("two devices needed");
    }
    if (imp.jitter_ns > imp.delay_ns) {
        return usage("jitter larger than the delay");
    }

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigprocmask(SIG_BLOCK, &sigs, NULL);
    int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
    int fa = -1, fb = -1;
    char why[256];
    if (sfd < 0 || open_device(argv[optind], tap, &fa, why, sizeof why) != SPONGE_OK ||
        open_device(argv[optind + 1], tap, &fb, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "impair_relay: %s\n", sfd < 0 ? strerror(errno) : why);
        return 1;
    }
    struct direction dirs[2];
    uint8_t *buf = malloc(65536);
    /* Independent streams per direction, both from the one seed. */
    bool ok = direction_init(&dirs[0], "a->b", fa, fb, seed * 2 + 1, nslots, imp.queue_packets);
    ok = direction_init(&dirs[1], "b->a", fb, fa, seed * 2 + 2, nslots, imp.queue_packets) && ok && buf != NULL;
    int rc = 0;
    if (!ok) {
        fprintf(stderr, "impair_relay: out of memory\n");
        rc = 1;
    }
    fprintf(stderr, "impair_relay: %s <-> %s, seed %llu\n", argv[optind], argv[optind + 1], (unsigned long long)seed);
    while (rc == 0) {
        uint64_t now = now_ns();
        uint64_t wait0 = release_due(&dirs[0], now), wait1 = release_due(&dirs[1], now);
        uint64_t wait = wait0 < wait1 ? wait0 : wait1;
        /* ns precision: a bottleneck's packets are due every few tens of microseconds */
        struct timespec ts = {.tv_sec = (time_t)(wait / 1000000000u), .tv_nsec = (long)(wait % 1000000000u)};
        struct pollfd pfd[3] = {{fa, POLLIN, 0}, {fb, POLLIN, 0}, {sfd, POLLIN, 0}};
        if (ppoll(pfd, 3, wait == UINT64_MAX ? NULL : &ts, NULL) < 0 && errno != EINTR) {
            rc = 1;
            break;
        }
        if (pfd[2].revents & POLLIN) {
            break;
        }
        for (int i = 0; i < 2; i++) {
            if ((pfd[i].revents & POLLIN) && !take_input(&dirs[i], &imp, buf, 65536)) {
                fprintf(stderr, "impair_relay: reading %s: %s\n", argv[optind + i], strerror(errno));
                rc = 1;
            }
        }
    }
    report(&dirs[0]);
    report(&dirs[1]);
    direction_destroy(&dirs[0]);
    direction_destroy(&dirs[1]);
    free(buf);
    close(fa);
    close(fb);
    close(sfd);
    return rc;
}
