/* udp_tcpdump: captures TCP-in-UDP traffic (as tcp_udp sends it) with libpcap and prints one
 * decoded line per segment:
 *
 *     12.345678 127.0.0.1:5000 > 127.0.0.1:6000 SA seq=100 ack=200 win=4000 len=5
 *
 * Usage: udp_tcpdump [-i IFACE | -r FILE] [-c COUNT] [FILTER...]
 *   -i IFACE   capture live on IFACE (default "lo")
 *   -r FILE    read a pcap file instead (raw IPv4, Ethernet, or Linux cooked captures)
 *   -c COUNT   stop after COUNT decoded segments
 *   FILTER     a pcap filter expression (default "udp")
 * Segments go to stdout, one line each; datagrams that are not UDP carrying a TCP segment are
 * counted and summarised on stderr at exit, also when a live capture is stopped by SIGINT or
 * SIGTERM (exit status 0). */
#include "wire/ipv4.h"
#include "wire/tcp.h"
#include "wire/udp.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <pcap/sll.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct dump_state {
    pcap_t *pcap;
    int linktype;
    long limit;      /* segments to print, or -1 */
    long printed;    /* segments printed */
    long undecoded;  /* packets that were not TCP in UDP in IPv4 */
    double first_ts; /* timestamps print relative to the first packet */
    int have_first;
};

/* The offset of the IPv4 header in a captured packet, or -1 if this link type/packet is not IPv4. */
static long ipv4_offset(int linktype, const uint8_t *p, size_t len) {
    switch (linktype) {
        case DLT_RAW:
        case DLT_IPV4:
            return 0;
        case DLT_EN10MB:
            return len >= 14 && p[12] == 0x08 && p[13] == 0x00 ? 14 : -1;
        case DLT_LINUX_SLL:
            return len >= SLL_HDR_LEN && p[14] == 0x08 && p[15] == 0x00 ? SLL_HDR_LEN : -1;
        case DLT_NULL:
            return len >= 4 && (p[0] == 2 || p[3] == 2) ? 4 : -1;
        default:
            return -1;
    }
}

static void on_packet(u_char *user, const struct pcap_pkthdr *hdr, const u_char *bytes) {
    struct dump_state *s = (struct dump_state *)user;
    size_t len = hdr->caplen;
    long off = ipv4_offset(s->linktype, bytes, len);
    struct ipv4_header ip;
    size_t ip_payload;
    struct udp_header udp;
    struct byte_view udp_payload;
    struct tcp_segment seg;
    /* Checksums are not verified: outgoing packets are captured before the kernel (or the NIC)
     * fills in the UDP checksum, and TCP carried in UDP has no pseudo-header of its own. */
    if (off < 0 || ipv4_header_parse(bytes + off, len - (size_t)off, &ip, &ip_payload) != SPONGE_OK ||
        ip.protocol != IPV4_PROTO_UDP ||
        udp_datagram_parse(bytes + off + ip_payload, ip.total_len - ip_payload, ip.src, ip.dst, false, &udp,
                           &udp_payload) != SPONGE_OK ||
        tcp_segment_parse(udp_payload.data, udp_payload.len, 0, 0, false, &seg) != SPONGE_OK) {
        s->undecoded++;
        return;
    }
    double ts = (double)hdr->ts.tv_sec + (double)hdr->ts.tv_usec * 1e-6;
    if (!s->have_first) {
        s->first_ts = ts;
        s->have_first = 1;
    }
    char src[16], dst[16], text[256];
    printf("%.6f %s:%u > %s:%u %s\n", ts - s->first_ts, ipv4_format(ip.src, src), udp.sport, ipv4_format(ip.dst, dst),
           udp.dport, tcp_segment_describe(&seg, text, sizeof text));
    fflush(stdout);
    if (++s->printed == s->limit) {
        pcap_breakloop(s->pcap);
    }
}

/* A live capture until COUNT segments or SIGINT/SIGTERM, which arrive as readable data on a
 * descriptor (no handler, no global flag). Packets already captured are decoded before a
 * signal is looked at. Returns pcap_dispatch's error, or 0. */
static int capture_live(pcap_t *p, struct dump_state *s) {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    int sfd = -1;
    if (sigprocmask(SIG_BLOCK, &stop, NULL) != 0 || (sfd = signalfd(-1, &stop, SFD_CLOEXEC)) < 0 ||
        pcap_setnonblock(p, 1, (char[PCAP_ERRBUF_SIZE]){0}) != 0 || pcap_get_selectable_fd(p) < 0) {
        fprintf(stderr, "udp_tcpdump: cannot wait for packets and signals together: %s\n", strerror(errno));
        if (sfd >= 0) {
            close(sfd);
        }
        return PCAP_ERROR;
    }
    int rc = 0;
    for (;;) {
        struct pollfd fds[2] = {{pcap_get_selectable_fd(p), POLLIN, 0}, {sfd, POLLIN, 0}};
        if (poll(fds, 2, -1) < 0 && errno != EINTR) {
            rc = PCAP_ERROR;
            break;
        }
        rc = pcap_dispatch(p, -1, on_packet, (u_char *)s);
        if (rc == PCAP_ERROR || rc == PCAP_ERROR_BREAK || (fds[1].revents & POLLIN)) {
            break;
        }
    }
    close(sfd);
    return rc == PCAP_ERROR ? PCAP_ERROR : 0;
}

static void usage(void) {
    fprintf(stderr, "usage: udp_tcpdump [-i IFACE | -r FILE] [-c COUNT] [FILTER...]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *iface = "lo", *file = NULL;
    long limit = -1;
    int opt;
    while ((opt = getopt(argc, argv, "i:r:c:")) != -1) {
        switch (opt) {
            case 'i':
                iface = optarg;
                break;
            case 'r':
                file = optarg;
                break;
            case 'c': {
                char *end;
                limit = strtol(optarg, &end, 10);
                if (*end || limit <= 0) {
                    fprintf(stderr, "udp_tcpdump: -c needs a positive count, not '%s'\n", optarg);
                    return 2;
                }
                break;
            }
            default:
                usage();
        }
    }
    char filter[1024] = "";
    for (int i = optind; i < argc; i++) {
        if (strlen(filter) + strlen(argv[i]) + 2 > sizeof filter) {
            fprintf(stderr, "udp_tcpdump: filter expression too long\n");
            return 2;
        }
        strcat(filter, i > optind ? " " : "");
        strcat(filter, argv[i]);
    }
    if (!filter[0]) {
        strcpy(filter, "udp");
    }

    char err[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = file ? pcap_open_offline(file, err) : pcap_create(iface, err);
    if (!p) {
        fprintf(stderr, "udp_tcpdump: %s: %s\n", file ? file : iface, err);
        return 1;
    }
    /* Live: deliver each packet as it arrives (immediate mode), not in buffered batches. */
    if (!file && (pcap_set_snaplen(p, 65535) != 0 || pcap_set_immediate_mode(p, 1) != 0 || pcap_activate(p) < 0)) {
        fprintf(stderr, "udp_tcpdump: %s: %s\n", iface, pcap_geterr(p));
        pcap_close(p);
        return 1;
    }
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0 || pcap_setfilter(p, &prog) != 0) {
        fprintf(stderr, "udp_tcpdump: bad filter '%s': %s\n", filter, pcap_geterr(p));
        pcap_close(p);
        return 2;
    }
    pcap_freecode(&prog);
    struct dump_state s = {.pcap = p, .linktype = pcap_datalink(p), .limit = limit};
    if (s.linktype != DLT_RAW && s.linktype != DLT_IPV4 && s.linktype != DLT_EN10MB && s.linktype != DLT_LINUX_SLL &&
        s.linktype != DLT_NULL) {
        fprintf(stderr, "udp_tcpdump: unsupported link type %s\n", pcap_datalink_val_to_name(s.linktype));
        pcap_close(p);
        return 1;
    }
    fprintf(stderr, "udp_tcpdump: %s %s, filter '%s'\n", file ? "reading" : "listening on", file ? file : iface,
            filter);
    int rc = file ? pcap_loop(p, -1, on_packet, (u_char *)&s) : capture_live(p, &s);
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "udp_tcpdump: %s\n", pcap_geterr(p));
    }
    fprintf(stderr, "udp_tcpdump: %ld segments, %ld packets not TCP-in-UDP\n", s.printed, s.undecoded);
    pcap_close(p);
    return rc == PCAP_ERROR ? 1 : 0;
}
