#include "adapters/tcp_over_udp.h"

#include "util/checksum.h"
#include "wire/ipv4.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Largest UDP payload. */
#define READ_BUFFER_LEN 65536

static struct sockaddr_in make_addr(uint32_t addr, uint16_t port) {
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(addr);
    sa.sin_port = htons(port);
    return sa;
}

static enum sponge_err sys_fail(struct tcp_udp_adapter *a, char *why, size_t why_len, const char *what, uint32_t addr,
                                uint16_t port) {
    char text[16];
    snprintf(why, why_len, "cannot %s %s:%u: %s", what, ipv4_format(addr, text), (unsigned)port, strerror(errno));
    tcp_udp_adapter_destroy(a);
    return SPONGE_ERR_SYSTEM;
}

enum sponge_err tcp_udp_adapter_init(struct tcp_udp_adapter *a, const struct tcp_udp_config *cfg, char *why,
                                     size_t why_len) {
    *a = (struct tcp_udp_adapter){.fd = -1, .cfg = *cfg, .peer_known = !cfg->listen, .rcap = READ_BUFFER_LEN};
    a->rbuf = malloc(a->rcap);
    if (a->rbuf == NULL) {
        snprintf(why, why_len, "out of memory");
        return SPONGE_ERR_NO_MEMORY;
    }
    a->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (a->fd < 0) {
        return sys_fail(a, why, why_len, "create a UDP socket for", cfg->local_addr, cfg->local_port);
    }
    if (cfg->listen || cfg->local_port != 0 || cfg->local_addr != 0) {
        struct sockaddr_in local = make_addr(cfg->local_addr, cfg->local_port);
        if (bind(a->fd, (struct sockaddr *)&local, sizeof local) != 0) {
            return sys_fail(a, why, why_len, "bind", cfg->local_addr, cfg->local_port);
        }
    }
    if (!cfg->listen) {
        struct sockaddr_in remote = make_addr(cfg->remote_addr, cfg->remote_port);
        if (connect(a->fd, (struct sockaddr *)&remote, sizeof remote) != 0) {
            return sys_fail(a, why, why_len, "connect to", cfg->remote_addr, cfg->remote_port);
        }
    }
    struct sockaddr_in bound;
    socklen_t bound_len = sizeof bound;
    if (getsockname(a->fd, (struct sockaddr *)&bound, &bound_len) == 0) {
        a->cfg.local_port = ntohs(bound.sin_port);
    }
    pcap_file_open_from_env(&a->pcap, PCAP_LINK_IPV4);
    return SPONGE_OK;
}

void tcp_udp_adapter_destroy(struct tcp_udp_adapter *a) {
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    free(a->rbuf);
    a->rbuf = NULL;
    pcap_file_close(&a->pcap);
}

uint16_t tcp_udp_adapter_local_port(const struct tcp_udp_adapter *a) {
    return a->cfg.local_port;
}

/* Writes one datagram (`first`, then the pieces `rest`) to the capture as a TCP segment in IPv4
 * from `src` to `dst` (host order). The segment's checksum covers a pseudo-header with zero
 * addresses; RFC 1624 updates move it to the real ones. A datagram too short to be TCP, or
 * longer than IPv4 allows, is not captured. */
static void capture(struct tcp_udp_adapter *a, uint32_t src, uint32_t dst, const uint8_t *first, size_t first_len,
                    const struct byte_view rest[2]) {
    size_t len = first_len + rest[0].len + rest[1].len;
    if (first_len < TCP_MIN_HEADER_LEN || len > UINT16_MAX - IPV4_MAX_HEADER_LEN) {
        return;
    }
    uint8_t th[TCP_MIN_HEADER_LEN];
    memcpy(th, first, sizeof th);
    uint16_t sum = (uint16_t)(th[16] << 8 | th[17]);
    const uint16_t words[4] = {(uint16_t)(src >> 16), (uint16_t)src, (uint16_t)(dst >> 16), (uint16_t)dst};
    for (int i = 0; i < 4; i++) {
        sum = checksum_update16(sum, 0, words[i]);
    }
    th[16] = (uint8_t)(sum >> 8);
    th[17] = (uint8_t)sum;
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_TCP, src, dst, (uint16_t)len);
    uint8_t iph[IPV4_MAX_HEADER_LEN];
    size_t ip_len = 0;
    if (ipv4_header_serialize(&ip, iph, sizeof iph, &ip_len) != SPONGE_OK) {
        return;
    }
    const struct byte_view pieces[5] = {
        {iph, ip_len}, {th, sizeof th}, {first + sizeof th, first_len - sizeof th}, rest[0], rest[1]};
    pcap_file_write(&a->pcap, pieces, 5);
}

/* Our address as the peer sees it (the connected socket's local address). */
static uint32_t local_addr(const struct tcp_udp_adapter *a) {
    struct sockaddr_in sa;
    socklen_t sa_len = sizeof sa;
    if (getsockname(a->fd, (struct sockaddr *)&sa, &sa_len) != 0) {
        return a->cfg.local_addr;
    }
    return ntohl(sa.sin_addr.s_addr);
}

static enum sponge_err udp_send(void *self, const struct tcp_segment *seg) {
    struct tcp_udp_adapter *a = self;
    if (!a->peer_known) {
        a->send_dropped++;
        return SPONGE_OK;
    }
    struct tcp_segment out = *seg;
    out.header.sport = a->cfg.local_port;
    out.header.dport = a->cfg.remote_port;
    uint8_t header[TCP_MAX_HEADER_LEN];
    size_t header_len = 0;
    if (tcp_header_serialize(&out, 0, 0, header, sizeof header, &header_len) != SPONGE_OK) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    struct iovec iov[3] = {
        {header, header_len},
        {(void *)seg->payload.part[0].data, seg->payload.part[0].len},
        {(void *)seg->payload.part[1].data, seg->payload.part[1].len},
    };
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 3};
    if (sendmsg(a->fd, &msg, MSG_NOSIGNAL) < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR || errno == ECONNREFUSED) {
            /* A full queue, or an ICMP error from an earlier datagram: this one is lost. */
            a->send_dropped++;
            return SPONGE_OK;
        }
        return SPONGE_ERR_SYSTEM;
    }
    a->sent++;
    if (pcap_file_is_open(&a->pcap)) {
        const struct byte_view rest[2] = {seg->payload.part[0], seg->payload.part[1]};
        capture(a, local_addr(a), a->cfg.remote_addr, header, header_len, rest);
    }
    return SPONGE_OK;
}

static bool accept_datagram(struct tcp_udp_adapter *a, size_t n, const struct sockaddr_in *from,
                            struct tcp_segment *seg) {
    enum sponge_err err = tcp_segment_parse(a->rbuf, n, 0, 0, true, seg);
    if (err != SPONGE_OK) {
        a->dropped[err == SPONGE_ERR_BAD_CHECKSUM ? TCP_UDP_DROP_BAD_CHECKSUM : TCP_UDP_DROP_BAD_TCP]++;
        return false;
    }
    if (!a->peer_known) {
        if (!seg->header.syn || seg->header.rst) {
            a->dropped[TCP_UDP_DROP_NOT_SYN]++;
            return false;
        }
        /* The first SYN chooses the peer; from now on the kernel filters for us. */
        if (connect(a->fd, (const struct sockaddr *)from, sizeof *from) != 0) {
            a->dropped[TCP_UDP_DROP_NOT_SYN]++;
            return false;
        }
        a->cfg.remote_addr = ntohl(from->sin_addr.s_addr);
        a->cfg.remote_port = ntohs(from->sin_port);
        a->peer_known = true;
    }
    return true;
}

static enum sponge_err udp_recv(void *self, struct tcp_segment *seg, bool *got) {
    struct tcp_udp_adapter *a = self;
    for (;;) {
        struct sockaddr_in from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(a->fd, a->rbuf, a->rcap, 0, (struct sockaddr *)&from, &from_len);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                *got = false;
                return SPONGE_OK;
            }
            if (errno == ECONNREFUSED) {
                a->dropped[TCP_UDP_DROP_ICMP_ERROR]++;
                continue;
            }
            return SPONGE_ERR_SYSTEM;
        }
        if (pcap_file_is_open(&a->pcap)) {
            const struct byte_view none[2] = {{NULL, 0}, {NULL, 0}};
            capture(a, ntohl(from.sin_addr.s_addr), local_addr(a), a->rbuf, (size_t)n, none);
        }
        if (accept_datagram(a, (size_t)n, &from, seg)) {
            a->received++;
            *got = true;
            return SPONGE_OK;
        }
    }
}

static int udp_fd(const void *self) {
    return ((const struct tcp_udp_adapter *)self)->fd;
}

static void udp_report(const void *self, FILE *out) {
    const struct tcp_udp_adapter *a = self;
    fprintf(
        out,
        "tcp_udp: sent %llu (dropped %llu), received %llu; dropped in: bad_tcp=%llu bad_checksum=%llu "
        "not_syn=%llu icmp_error=%llu\n",
        (unsigned long long)a->sent, (unsigned long long)a->send_dropped, (unsigned long long)a->received,
        (unsigned long long)a->dropped[TCP_UDP_DROP_BAD_TCP], (unsigned long long)a->dropped[TCP_UDP_DROP_BAD_CHECKSUM],
        (unsigned long long)a->dropped[TCP_UDP_DROP_NOT_SYN], (unsigned long long)a->dropped[TCP_UDP_DROP_ICMP_ERROR]);
}

static const struct tcp_adapter_ops udp_ops = {.send = udp_send, .recv = udp_recv, .fd = udp_fd, .report = udp_report};

struct tcp_adapter tcp_udp_adapter_as_adapter(struct tcp_udp_adapter *a) {
    return (struct tcp_adapter){&udp_ops, a};
}
