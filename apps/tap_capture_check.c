/* tap_capture_check: checks our Ethernet, ARP, IPv4 and UDP code against frames that the Linux
 * kernel wrote, not we. Used by tests/lab5/wire_kernel_frames.sh inside a private network
 * namespace.
 *
 *   tap_capture_check DEV UDP_SPORT UDP_DPORT UDP_PAYLOAD
 *
 * Creates TAP device DEV, prints "ready" on stdout and reads one line from stdin: the device's
 * Ethernet address as the script read it with `ip link` ("aa:bb:cc:dd:ee:ff"). Meanwhile the script
 * gives DEV the address 169.254.10.1/24 and makes the kernel send a UDP datagram
 * (UDP_SPORT -> 169.254.10.9:UDP_DPORT carrying UDP_PAYLOAD). Then, within 10 seconds:
 *   1. the kernel's ARP request for 169.254.10.9 must arrive; every Ethernet and ARP field is
 *      checked, both against the raw bytes and through our parsers, and mangled copies must be
 *      refused;
 *   2. we answer with an ARP reply built by our serializers (169.254.10.9 is at OUR_ETH);
 *   3. the kernel's IPv4 frame must arrive, addressed to OUR_ETH: Ethernet, IPv4 (header
 *      checksum) and UDP (checksum, payload) checked the same way.
 * Other frames are skipped. One line per check on stderr. When all passed, prints "checked" and
 * keeps the device until stdin closes (at most 10 s more), so that the script can see what the
 * kernel learned from our reply. Exit 0 only if both frames arrived and every check passed,
 * 1 if a check failed, 2 on a usage or system error. */

#include "adapters/tap.h"
#include "capture_check.h"
#include "wire/arp.h"
#include "wire/ethernet.h"
#include "wire/ipv4_datagram.h"
#include "wire/udp.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_IP 0xa9fe0a01u /* 169.254.10.1, the kernel's side of the TAP */
#define PEER_IP 0xa9fe0a09u   /* 169.254.10.9, where the kernel sends: us */
#define WAIT_MS 10000
#define ARP_FRAME_LEN (ETH_HEADER_LEN + ARP_MESSAGE_LEN)

static const struct eth_addr OUR_ETH = {{0x02, 0x00, 0x00, 0x00, 0x10, 0x09}};

struct expectations {
    uint16_t udp_sport, udp_dport;
    const char *payload;
    struct eth_addr kernel_eth; /* from `ip link`, via the script */
};

static void check_eth(struct tally *t, const char *what, struct eth_addr expected, struct eth_addr actual) {
    char a[18], b[18];
    bool ok = eth_addr_equal(expected, actual);
    fprintf(stderr, "  %s %s = %s", ok ? "ok  " : "FAIL", what, eth_addr_format(actual, a));
    if (!ok) {
        fprintf(stderr, " (expected %s)", eth_addr_format(expected, b));
        t->failed++;
    }
    fprintf(stderr, "\n");
}

/* Raw big-endian fields, read without our parsers, so that a parser and a serializer that are
 * wrong in the same way cannot agree with each other and pass. */
static unsigned raw16(const uint8_t *p) {
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned long raw32(const uint8_t *p) {
    return (unsigned long)raw16(p) << 16 | raw16(p + 2);
}

static void check_ethernet(struct tally *t, const uint8_t *f, size_t n, struct eth_addr dst, struct eth_addr src,
                           uint16_t type) {
    struct ethernet_header eh;
    enum sponge_err err = ethernet_header_parse(f, n, &eh);
    check_true(t, "ethernet header parses", err == SPONGE_OK);
    if (err != SPONGE_OK) {
        return;
    }
    check_eth(t, "ethernet dst", dst, eh.dst);
    check_eth(t, "ethernet src", src, eh.src);
    check(t, "ethernet type", type, eh.ethertype);
    check(t, "ethernet type, raw bytes 12-13", type, raw16(f + 12));
    check_true(t, "ethernet dst, raw bytes 0-5", memcmp(f, dst.b, ETH_ADDR_LEN) == 0);
    check_true(t, "ethernet src, raw bytes 6-11", memcmp(f + 6, src.b, ETH_ADDR_LEN) == 0);
    uint8_t out[ETH_HEADER_LEN];
    check_true(t, "ethernet header re-serialized equals the kernel's bytes",
               ethernet_header_serialize(&eh, out, sizeof out) == SPONGE_OK && memcmp(out, f, sizeof out) == 0);
    check(t, "ethernet header parse of 13 bytes", SPONGE_ERR_PACKET_TOO_SHORT,
          ethernet_header_parse(f, ETH_HEADER_LEN - 1, &eh));
}

static void check_arp_request(struct tally *t, const struct expectations *e, const uint8_t *f, size_t n) {
    fprintf(stderr, "ARP request from the kernel, %zu bytes:\n", n);
    check_true(t, "frame holds an Ethernet header and an ARP message", n >= ARP_FRAME_LEN);
    if (n < ARP_FRAME_LEN) {
        return;
    }
    check_ethernet(t, f, n, eth_broadcast(), e->kernel_eth, ETHERTYPE_ARP);
    const uint8_t *a = f + ETH_HEADER_LEN;
    size_t alen = n - ETH_HEADER_LEN;
    /* RFC 826 layout: htype, ptype, hlen, plen, opcode, sha, spa, tha, tpa. */
    check(t, "arp htype, raw", ARP_HTYPE_ETHERNET, raw16(a));
    check(t, "arp ptype, raw", ETHERTYPE_IPV4, raw16(a + 2));
    check(t, "arp hlen, raw", ETH_ADDR_LEN, a[4]);
    check(t, "arp plen, raw", 4, a[5]);
    check(t, "arp opcode, raw", ARP_OPCODE_REQUEST, raw16(a + 6));
    check(t, "arp sender ip, raw", KERNEL_IP, raw32(a + 14));
    check(t, "arp target ip, raw", PEER_IP, raw32(a + 24));
    struct arp_message m;
    enum sponge_err err = arp_message_parse(a, alen, &m);
    check_true(t, "arp message parses", err == SPONGE_OK);
    if (err != SPONGE_OK) {
        fprintf(stderr, "    (%s)\n", sponge_strerror(err));
        return;
    }
    check(t, "arp opcode", ARP_OPCODE_REQUEST, m.opcode);
    check_eth(t, "arp sender eth", e->kernel_eth, m.sender_eth);
    check(t, "arp sender ip (169.254.10.1)", KERNEL_IP, m.sender_ip);
    /* Linux leaves the target hardware address of a request zero (RFC 826: "don't care"). */
    struct eth_addr zero = {{0}};
    check_eth(t, "arp target eth", zero, m.target_eth);
    check(t, "arp target ip (169.254.10.9)", PEER_IP, m.target_ip);
    uint8_t out[ARP_MESSAGE_LEN];
    check_true(t, "arp message re-serialized equals the kernel's bytes",
               arp_message_serialize(&m, out, sizeof out) == SPONGE_OK && memcmp(out, a, sizeof out) == 0);
    /* Mangled copies must be refused. */
    memcpy(out, a, sizeof out);
    out[7] = 3; /* opcode 3 (RARP request) */
    check(t, "arp with opcode 3 refused", SPONGE_ERR_UNSUPPORTED, arp_message_parse(out, sizeof out, &m));
    memcpy(out, a, sizeof out);
    out[3] = 0xdd; /* protocol type 0x08dd */
    check(t, "arp with protocol type 0x08dd refused", SPONGE_ERR_UNSUPPORTED, arp_message_parse(out, sizeof out, &m));
    check(t, "arp of 27 bytes refused", SPONGE_ERR_PACKET_TOO_SHORT, arp_message_parse(a, ARP_MESSAGE_LEN - 1, &m));
}

/* Our answer: 169.254.10.9 is at OUR_ETH, sent to the kernel's address (RFC 826 reply). */
static bool send_arp_reply(int fd, const struct expectations *e) {
    uint8_t frame[ARP_FRAME_LEN];
    struct ethernet_header eh = {.dst = e->kernel_eth, .src = OUR_ETH, .ethertype = ETHERTYPE_ARP};
    struct arp_message m = {
        .opcode = ARP_OPCODE_REPLY,
        .sender_eth = OUR_ETH,
        .sender_ip = PEER_IP,
        .target_eth = e->kernel_eth,
        .target_ip = KERNEL_IP,
    };
    if (ethernet_header_serialize(&eh, frame, sizeof frame) != SPONGE_OK ||
        arp_message_serialize(&m, frame + ETH_HEADER_LEN, sizeof frame - ETH_HEADER_LEN) != SPONGE_OK) {
        return false;
    }
    bool ok = tap_write_frame(fd, frame, sizeof frame) == SPONGE_OK;
    fprintf(stderr, "%s our ARP reply (%zu bytes) to the kernel%s%s\n", ok ? "sent" : "FAIL: could not send",
            sizeof frame, ok ? "" : ": ", ok ? "" : strerror(errno));
    return ok;
}

static void check_ipv4_udp(struct tally *t, const struct expectations *e, const uint8_t *f, size_t n) {
    fprintf(stderr, "IPv4 frame from the kernel, %zu bytes:\n", n);
    size_t plen = strlen(e->payload);
    check_ethernet(t, f, n, OUR_ETH, e->kernel_eth, ETHERTYPE_IPV4);
    const uint8_t *p = f + ETH_HEADER_LEN;
    size_t len = n - ETH_HEADER_LEN;
    check(t, "frame length (Ethernet + IPv4 + UDP + payload)", ETH_HEADER_LEN + 20 + 8 + plen, n);
    if (len < 20 + 8) {
        check_true(t, "frame holds IPv4 and UDP headers", false);
        return;
    }
    check(t, "ip version and ihl, raw byte 0", 0x45, p[0]);
    check(t, "ip total length, raw", 20 + 8 + plen, raw16(p + 2));
    check(t, "ip src, raw", KERNEL_IP, raw32(p + 12));
    check(t, "ip dst, raw", PEER_IP, raw32(p + 16));
    struct ipv4_datagram d;
    enum sponge_err err = ipv4_datagram_parse(p, len, &d);
    check_true(t, "ipv4 parses and its header checksum verifies", err == SPONGE_OK);
    if (err != SPONGE_OK) {
        fprintf(stderr, "    (%s)\n", sponge_strerror(err));
        return;
    }
    const struct ipv4_header *ip = &d.header;
    check(t, "ip version", 4, ip->version);
    check(t, "ip ihl", 5, ip->ihl);
    check(t, "ip tos", 0, ip->tos);
    check(t, "ip total_len", 20 + 8 + plen, ip->total_len);
    check(t, "ip id, raw", raw16(p + 4), ip->id);
    /* Linux sets DF on UDP (path MTU discovery on by default, ip_no_pmtu_disc = 0). */
    check(t, "ip df", 1, ip->df);
    check(t, "ip mf", 0, ip->mf);
    check(t, "ip frag_offset", 0, ip->frag_offset);
    check(t, "ip ttl", 64, ip->ttl);
    check(t, "ip protocol", IPV4_PROTO_UDP, ip->protocol);
    check(t, "ip checksum, raw", raw16(p + 10), ip->checksum);
    check(t, "ip src (169.254.10.1)", KERNEL_IP, ip->src);
    check(t, "ip dst (169.254.10.9)", PEER_IP, ip->dst);
    check(t, "ip options_len", 0, ip->options_len);
    uint8_t out[600];
    check_true(t, "ipv4 datagram re-serialized equals the kernel's bytes",
               len <= sizeof out && ipv4_datagram_serialize(&d, out, sizeof out) == SPONGE_OK &&
                   memcmp(out, p, len) == 0);
    memcpy(out, p, len);
    out[8] ^= 0x01; /* the TTL */
    struct ipv4_datagram ignored;
    check(t, "ipv4 with the ttl changed fails its checksum", SPONGE_ERR_BAD_CHECKSUM,
          ipv4_datagram_parse(out, len, &ignored));
    struct udp_header u;
    struct byte_view payload;
    err = udp_datagram_parse(d.payload, d.payload_len, ip->src, ip->dst, true, &u, &payload);
    check_true(t, "udp parses and its checksum verifies", err == SPONGE_OK);
    if (err != SPONGE_OK) {
        fprintf(stderr, "    (%s)\n", sponge_strerror(err));
        return;
    }
    check(t, "udp sport", e->udp_sport, u.sport);
    check(t, "udp dport", e->udp_dport, u.dport);
    check(t, "udp length", 8 + plen, u.length);
    check(t, "udp checksum, raw", raw16(d.payload + 6), u.checksum);
    check_true(t, "udp checksum present (non-zero)", u.checksum != 0);
    check_true(t, "udp payload is the one sent", payload.len == plen && memcmp(payload.data, e->payload, plen) == 0);
    memcpy(out, d.payload, d.payload_len);
    out[d.payload_len - 1] ^= 0x01;
    check(t, "udp with one payload bit changed fails its checksum", SPONGE_ERR_BAD_CHECKSUM,
          udp_datagram_parse(out, d.payload_len, ip->src, ip->dst, true, &u, &payload));
}

/* Reads "aa:bb:cc:dd:ee:ff" (as `ip link` spells it) from stdin, waiting at most WAIT_MS. */
static bool read_kernel_eth(struct eth_addr *eth) {
    struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
    if (poll(&pfd, 1, WAIT_MS) <= 0) {
        return false;
    }
    char line[64];
    unsigned v[ETH_ADDR_LEN];
    char extra;
    if (!fgets(line, sizeof line, stdin) ||
        sscanf(line, "%2x:%2x:%2x:%2x:%2x:%2x %c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &extra) != ETH_ADDR_LEN) {
        return false;
    }
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        eth->b[i] = (uint8_t)v[i];
    }
    return true;
}

/* Reads frames until both expected ones were checked or the time is up. */
static int capture(int fd, const struct expectations *e, uint8_t *frame) {
    struct tally t = {0};
    bool seen_arp = false, seen_ip = false;
    long long deadline = now_ms() + WAIT_MS;
    while (!(seen_arp && seen_ip)) {
        if (!wait_readable(fd, deadline)) {
            break;
        }
        size_t n = 0;
        if (tap_read_frame(fd, frame, TAP_MAX_FRAME_LEN, &n) != SPONGE_OK) {
            fprintf(stderr, "tap_capture_check: read: %s\n", strerror(errno));
            return 2;
        }
        uint16_t type = n >= ETH_HEADER_LEN ? (uint16_t)raw16(frame + 12) : 0;
        if (!seen_arp && type == ETHERTYPE_ARP) {
            seen_arp = true;
            check_arp_request(&t, e, frame, n);
            if (!send_arp_reply(fd, e)) {
                return 2;
            }
        } else if (!seen_ip && type == ETHERTYPE_IPV4) {
            check_true(&t, "the IPv4 frame comes after the ARP exchange", seen_arp);
            seen_ip = true;
            check_ipv4_udp(&t, e, frame, n);
        } else {
            fprintf(stderr, "skipped a %zu-byte frame of type %#06x\n", n, type);
        }
    }
    if (!seen_arp || !seen_ip) {
        fprintf(stderr, "FAIL: within %d ms:%s%s\n", WAIT_MS, seen_arp ? "" : " no ARP request",
                seen_ip ? "" : " no IPv4 frame");
        return 1;
    }
    fprintf(stderr, "%s: %u check%s failed\n", t.failed ? "FAIL" : "ok", t.failed, t.failed == 1 ? "" : "s");
    return t.failed ? 1 : 0;
}

int main(int argc, char **argv) {
    struct expectations e;
    if (argc != 5 || !parse_port(argv[2], &e.udp_sport) || !parse_port(argv[3], &e.udp_dport) || strlen(argv[4]) == 0 ||
        strlen(argv[4]) > 512) {
        fprintf(stderr, "usage: %s DEV UDP_SPORT UDP_DPORT UDP_PAYLOAD(1..512 bytes)\n", argv[0]);
        return 2;
    }
    e.payload = argv[4];
    char why[256] = "";
    int fd;
    if (tap_open(argv[1], TAP_CREATE_OR_ATTACH, &fd, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "tap_capture_check: %s\n", why);
        return 2;
    }
    printf("ready\n");
    fflush(stdout);
    struct eth_addr ioctl_eth;
    if (!read_kernel_eth(&e.kernel_eth) || tap_hw_addr(argv[1], &ioctl_eth, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "tap_capture_check: no device address on stdin, or %s\n", why);
        close(fd);
        return 2;
    }
    if (!eth_addr_equal(e.kernel_eth, ioctl_eth)) {
        fprintf(stderr, "tap_capture_check: ip link and SIOCGIFHWADDR disagree on %s's address\n", argv[1]);
        close(fd);
        return 2;
    }
    uint8_t *frame = malloc(TAP_MAX_FRAME_LEN);
    if (!frame) {
        fprintf(stderr, "tap_capture_check: out of memory\n");
        close(fd);
        return 2;
    }
    int rc = capture(fd, &e, frame);
    free(frame);
    if (rc == 0) {
        /* Keep the device (and the kernel's neighbour entry for us) while the script looks. */
        printf("checked\n");
        fflush(stdout);
        struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
        poll(&pfd, 1, WAIT_MS);
    }
    close(fd);
    return rc;
}
