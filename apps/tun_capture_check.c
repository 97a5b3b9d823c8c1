/* tun_capture_check: checks our IPv4/TCP/UDP parsers against packets that the Linux kernel
 * wrote, not we. Used by tests/lab2/wire_kernel_packets.sh inside a private network namespace.
 *
 *   tun_capture_check DEV TCP_SPORT TCP_DPORT UDP_SPORT UDP_DPORT UDP_PAYLOAD
 *
 * Creates TUN device DEV (IFF_TUN | IFF_NO_PI), prints "ready" on stdout, and then reads
 * packets for up to 10 seconds while the script gives DEV the address 169.254.144.1/24 and
 * makes the kernel send a TCP SYN (TCP_SPORT -> 169.254.144.9:TCP_DPORT) and a UDP datagram
 * (UDP_SPORT -> 169.254.144.9:UDP_DPORT carrying UDP_PAYLOAD). Other packets are skipped.
 * Every header field of both packets is compared with what the kernel must have sent, both
 * checksums must verify (and stop verifying when a byte is changed), and re-serializing the
 * parsed headers must give back the kernel's bytes. One line per check on stderr; exit 0 only
 * if both packets arrived and every check passed. */

#include "capture_check.h"
#include "util/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_ADDR 0xa9fe9001u /* 169.254.144.1, the kernel's side of the TUN */
#define PEER_ADDR 0xa9fe9009u   /* 169.254.144.9, where the kernel sends */
#define WAIT_MS 10000

struct expectations {
    uint16_t tcp_sport, tcp_dport, udp_sport, udp_dport;
    const char *payload;
};

/* The IPv4 checks both packets share. */
static void check_ip(struct tally *t, const struct ipv4_header *ip, size_t n, uint8_t protocol, const uint8_t *pkt) {
    check(t, "ip version", 4, ip->version);
    check(t, "ip ihl", 5, ip->ihl);
    check(t, "ip total_len = bytes read", n, ip->total_len);
    check(t, "ip ttl", 64, ip->ttl);
    check(t, "ip protocol", protocol, ip->protocol);
    check(t, "ip src (169.254.144.1)", KERNEL_ADDR, ip->src);
    check(t, "ip dst (169.254.144.9)", PEER_ADDR, ip->dst);
    check(t, "ip mf", 0, ip->mf);
    check(t, "ip frag_offset", 0, ip->frag_offset);
    struct ipv4_header again = *ip;
    uint8_t out[IPV4_MAX_HEADER_LEN];
    size_t w = 0;
    check_true(t, "ip header re-serialized equals the kernel's bytes (checksum included)",
               ipv4_header_serialize(&again, out, sizeof out, &w) == SPONGE_OK && w == 20 && memcmp(out, pkt, w) == 0);
    uint8_t *copy = malloc(n);
    if (!copy) {
        check_true(t, "memory for a copy of the packet", false);
        return;
    }
    memcpy(copy, pkt, n);
    copy[8] ^= 0x01; /* the TTL */
    struct ipv4_header ignored;
    size_t off;
    check_true(t, "ip header with the ttl changed fails its checksum",
               ipv4_header_parse(copy, n, &ignored, &off) == SPONGE_ERR_BAD_CHECKSUM);
    free(copy);
}

static void check_syn(struct tally *t, const struct expectations *e, const struct ipv4_header *ip, const uint8_t *pkt,
                      size_t n) {
    fprintf(stderr, "TCP SYN from the kernel, %zu bytes:\n", n);
    check_ip(t, ip, n, IPV4_PROTO_TCP, pkt);
    check(t, "ip df (path MTU discovery)", 1, ip->df);
    const uint8_t *tcp = pkt + 20;
    size_t tcp_len = ip->total_len - 20u;
    struct tcp_segment seg;
    enum sponge_err err = tcp_segment_parse(tcp, tcp_len, ip->src, ip->dst, true, &seg);
    check_true(t, "tcp parses and its checksum verifies", err == SPONGE_OK);
    if (err != SPONGE_OK) {
        fprintf(stderr, "    (%s)\n", sponge_strerror(err));
        return;
    }
    char text[200];
    fprintf(stderr, "  tcp: %s\n", tcp_segment_describe(&seg, text, sizeof text));
    const struct tcp_header *h = &seg.header;
    const struct tcp_options *o = &h->opts;
    check(t, "tcp sport", e->tcp_sport, h->sport);
    check(t, "tcp dport", e->tcp_dport, h->dport);
    check(t, "tcp syn", 1, h->syn);
    check(t, "tcp ack", 0, h->ack);
    check(t, "tcp rst", 0, h->rst);
    check(t, "tcp fin", 0, h->fin);
    check(t, "tcp psh", 0, h->psh);
    check(t, "tcp urg", 0, h->urg);
    check(t, "tcp ackno (none on a bare SYN)", 0, h->ackno.raw);
    check_true(t, "tcp window > 0", h->win > 0);
    check(t, "tcp urgent_ptr", 0, h->urgent_ptr);
    /* Linux's SYN: MSS 4 + SACK-permitted 2 + timestamps 10 + NOP 1 + window scale 3. */
    check(t, "tcp data_offset (20 + 20 option bytes)", 10, h->data_offset);
    check(t, "tcp has_mss", 1, o->has_mss);
    check(t, "tcp mss (1500 MTU - 40)", 1460, o->mss);
    check(t, "tcp sack_permitted", 1, o->sack_permitted);
    check(t, "tcp has_timestamps", 1, o->has_timestamps);
    check(t, "tcp ts_ecr (nothing to echo yet)", 0, o->ts_ecr);
    check(t, "tcp has_window_scale", 1, o->has_window_scale);
    check_true(t, "tcp window_scale <= 14", o->window_scale <= 14);
    check(t, "tcp sack blocks", 0, o->sack_count);
    check(t, "tcp payload length", 0, byte_view2_len(&seg.payload));
    uint8_t out[TCP_MAX_HEADER_LEN];
    size_t w = 0;
    err = tcp_segment_serialize(&seg, ip->src, ip->dst, out, sizeof out, &w);
    check_true(t, "tcp re-serialized equals the kernel's bytes (same option layout, checksum)",
               err == SPONGE_OK && w == tcp_len && memcmp(out, tcp, w) == 0);
    memcpy(out, tcp, tcp_len);
    out[tcp_len - 1] ^= 0x40; /* in the window scale option */
    check_true(t, "tcp with one option byte changed fails its checksum",
               tcp_segment_parse(out, tcp_len, ip->src, ip->dst, true, &seg) == SPONGE_ERR_BAD_CHECKSUM);
}

static void check_udp(struct tally *t, const struct expectations *e, const struct ipv4_header *ip, const uint8_t *pkt,
                      size_t n) {
    fprintf(stderr, "UDP datagram from the kernel, %zu bytes:\n", n);
    size_t plen = strlen(e->payload);
    check_ip(t, ip, n, IPV4_PROTO_UDP, pkt);
    check(t, "ip total_len", 20 + 8 + plen, ip->total_len);
    const uint8_t *udp = pkt + 20;
    size_t udp_len = ip->total_len - 20u;
    struct udp_header u;
    struct byte_view payload;
    enum sponge_err err = udp_datagram_parse(udp, udp_len, ip->src, ip->dst, true, &u, &payload);
    check_true(t, "udp parses and its checksum verifies", err == SPONGE_OK);
    if (err != SPONGE_OK) {
        fprintf(stderr, "    (%s)\n", sponge_strerror(err));
        return;
    }
    check(t, "udp sport", e->udp_sport, u.sport);
    check(t, "udp dport", e->udp_dport, u.dport);
    check(t, "udp length", 8 + plen, u.length);
    check_true(t, "udp checksum present (non-zero)", u.checksum != 0);
    check_true(t, "udp payload is the one sent", payload.len == plen && memcmp(payload.data, e->payload, plen) == 0);
    uint8_t out[600];
    size_t w = 0;
    struct udp_header again = {.sport = u.sport, .dport = u.dport};
    struct byte_view2 pv = byte_view2_of(payload.data, payload.len);
    err = udp_datagram_serialize(&again, &pv, ip->src, ip->dst, out, sizeof out, &w);
    check_true(t, "udp re-serialized equals the kernel's bytes (checksum included)",
               err == SPONGE_OK && w == udp_len && memcmp(out, udp, w) == 0);
    memcpy(out, udp, udp_len);
    out[udp_len - 1] ^= 0x01;
    check_true(t, "udp with one payload bit changed fails its checksum",
               udp_datagram_parse(out, udp_len, ip->src, ip->dst, true, &u, &payload) == SPONGE_ERR_BAD_CHECKSUM);
}

static int open_tun(const char *name) {
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int main(int argc, char **argv) {
    struct expectations e;
    if (argc != 7 || !parse_port(argv[2], &e.tcp_sport) || !parse_port(argv[3], &e.tcp_dport) ||
        !parse_port(argv[4], &e.udp_sport) || !parse_port(argv[5], &e.udp_dport) || strlen(argv[6]) > 512) {
        fprintf(stderr, "usage: %s DEV TCP_SPORT TCP_DPORT UDP_SPORT UDP_DPORT UDP_PAYLOAD(<=512 bytes)\n", argv[0]);
        return 2;
    }
    e.payload = argv[6];
    int fd = open_tun(argv[1]);
    if (fd < 0) {
        fprintf(stderr, "tun_capture_check: cannot create TUN device %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    printf("ready\n");
    fflush(stdout);

    struct tally t = {0};
    bool seen_syn = false, seen_udp = false;
    long long deadline = now_ms() + WAIT_MS;
    uint8_t *pkt = malloc(65536);
    if (!pkt) {
        fprintf(stderr, "tun_capture_check: out of memory\n");
        return 2;
    }
    while (!(seen_syn && seen_udp)) {
        if (!wait_readable(fd, deadline)) {
            break;
        }
        ssize_t n = read(fd, pkt, 65536);
        if (n < 0) {
            fprintf(stderr, "tun_capture_check: read: %s\n", strerror(errno));
            break;
        }
        struct ipv4_header ip;
        size_t off = 0;
        enum sponge_err err = ipv4_header_parse(pkt, (size_t)n, &ip, &off);
        if (err == SPONGE_ERR_WRONG_IP_VERSION) {
            fprintf(stderr, "skipped a %zd-byte packet of IP version %u\n", n, pkt[0] >> 4);
            continue;
        }
        if (err != SPONGE_OK) {
            /* Everything this kernel sends is valid IPv4, so a refusal is our parser's fault. */
            fprintf(stderr, "FAIL: a %zd-byte IPv4 packet from the kernel did not parse: %s\n", n,
                    sponge_strerror(err));
            t.failed++;
            continue;
        }
        const uint8_t *l4 = pkt + off;
        size_t l4_len = ip.total_len - off;
        uint16_t dport = l4_len >= 4 ? (uint16_t)(l4[2] << 8 | l4[3]) : 0;
        if (!seen_syn && ip.protocol == IPV4_PROTO_TCP && dport == e.tcp_dport) {
            seen_syn = true;
            check_syn(&t, &e, &ip, pkt, (size_t)n);
        } else if (!seen_udp && ip.protocol == IPV4_PROTO_UDP && dport == e.udp_dport) {
            seen_udp = true;
            check_udp(&t, &e, &ip, pkt, (size_t)n);
        } else {
            char a[16], b[16];
            fprintf(stderr, "skipped: protocol %u %s -> %s, %zd bytes\n", ip.protocol, ipv4_format(ip.src, a),
                    ipv4_format(ip.dst, b), n);
        }
    }
    close(fd);
    free(pkt);
    if (!seen_syn || !seen_udp) {
        fprintf(stderr, "FAIL: within %d ms:%s%s\n", WAIT_MS, seen_syn ? "" : " no TCP SYN",
                seen_udp ? "" : " no UDP datagram");
        return 1;
    }
    fprintf(stderr, "%s: %u check%s failed\n", t.failed ? "FAIL" : "ok", t.failed, t.failed == 1 ? "" : "s");
    return t.failed ? 1 : 0;
}
