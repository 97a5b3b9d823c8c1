#include "adapters/tcp_over_udp.h"

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
    return SPONGE_OK;
}

void tcp_udp_adapter_destroy(struct tcp_udp_adapter *a) {
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    free(a->rbuf);
    a->rbuf = NULL;
}

uint16_t tcp_udp_adapter_local_port(const struct tcp_udp_adapter *a) {
    return a->cfg.local_port;
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
