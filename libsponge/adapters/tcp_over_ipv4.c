#include "adapters/tcp_over_ipv4.h"

#include "wire/ipv4.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

/* Largest datagram a TUN device hands us (IPv4 total length is 16 bits). */
#define READ_BUFFER_LEN 65536

enum sponge_err tcp_ipv4_adapter_init(struct tcp_ipv4_adapter *a, int tun_fd, const struct tcp_ipv4_config *cfg) {
    *a = (struct tcp_ipv4_adapter){.fd = tun_fd, .cfg = *cfg, .peer_known = !cfg->listen, .rcap = READ_BUFFER_LEN};
    a->rbuf = malloc(a->rcap);
    if (a->rbuf == NULL) {
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void tcp_ipv4_adapter_destroy(struct tcp_ipv4_adapter *a) {
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    free(a->rbuf);
    a->rbuf = NULL;
}

const char *tcp_ipv4_drop_name(enum tcp_ipv4_drop reason) {
    static const char *const names[TCP_IPV4_DROP_COUNT] = {
        "bad_ip",       "fragment",     "not_tcp",    "not_our_addr", "bad_tcp",
        "bad_checksum", "not_our_port", "other_peer", "not_syn",
    };
    return reason < TCP_IPV4_DROP_COUNT ? names[reason] : "?";
}

static enum sponge_err ipv4_send(void *self, const struct tcp_segment *seg) {
    struct tcp_ipv4_adapter *a = self;
    if (!a->peer_known) {
        /* Listening and nobody has sent a SYN yet: there is no one to send to. */
        a->send_dropped++;
        return SPONGE_OK;
    }
    struct tcp_segment out = *seg;
    out.header.sport = a->cfg.local_port;
    out.header.dport = a->cfg.remote_port;
    if (out.header.syn && a->cfg.syn_mss != 0 && !out.header.opts.has_mss) {
        out.header.opts.has_mss = true;
        out.header.opts.mss = a->cfg.syn_mss;
    }
    size_t payload_len = byte_view2_len(&seg->payload);
    size_t tcp_len = tcp_header_length(&out.header) + payload_len;
    assert(tcp_len <= UINT16_MAX - IPV4_MAX_HEADER_LEN); /* max_payload is the caller's choice */

    uint8_t headers[IPV4_MAX_HEADER_LEN + TCP_MAX_HEADER_LEN];
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_TCP, a->cfg.local_addr, a->cfg.remote_addr, (uint16_t)tcp_len);
    ip.id = a->next_id++;
    size_t ip_len = 0, th_len = 0;
    enum sponge_err err = ipv4_header_serialize(&ip, headers, sizeof headers, &ip_len);
    if (err == SPONGE_OK) {
        err = tcp_header_serialize(&out, a->cfg.local_addr, a->cfg.remote_addr, headers + ip_len,
                                   sizeof headers - ip_len, &th_len);
    }
    assert(err == SPONGE_OK); /* the buffer holds the largest headers */

    struct iovec iov[3] = {
        {headers, ip_len + th_len},
        {(void *)seg->payload.part[0].data, seg->payload.part[0].len},
        {(void *)seg->payload.part[1].data, seg->payload.part[1].len},
    };
    ssize_t n = writev(a->fd, iov, 3);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR || errno == EIO) {
            /* Queue full, or the device went down for a moment: a lost packet, TCP retransmits. */
            a->send_dropped++;
            return SPONGE_OK;
        }
        return SPONGE_ERR_SYSTEM;
    }
    a->sent++;
    return SPONGE_OK;
}

/* Checks one datagram in the read buffer; returns true if `seg` is for us. */
static bool accept_datagram(struct tcp_ipv4_adapter *a, size_t n, struct tcp_segment *seg) {
    struct ipv4_header ip;
    size_t off = 0;
    if (ipv4_header_parse(a->rbuf, n, &ip, &off) != SPONGE_OK) {
        a->dropped[TCP_IPV4_DROP_BAD_IP]++;
        return false;
    }
    if (ip.mf || ip.frag_offset != 0) {
        a->dropped[TCP_IPV4_DROP_FRAGMENT]++;
        return false;
    }
    if (ip.protocol != IPV4_PROTO_TCP) {
        a->dropped[TCP_IPV4_DROP_NOT_TCP]++;
        return false;
    }
    if (ip.dst != a->cfg.local_addr) {
        a->dropped[TCP_IPV4_DROP_NOT_OUR_ADDR]++;
        return false;
    }
    enum sponge_err err = tcp_segment_parse(a->rbuf + off, ip.total_len - off, ip.src, ip.dst, true, seg);
    if (err != SPONGE_OK) {
        a->dropped[err == SPONGE_ERR_BAD_CHECKSUM ? TCP_IPV4_DROP_BAD_CHECKSUM : TCP_IPV4_DROP_BAD_TCP]++;
        return false;
    }
    if (seg->header.dport != a->cfg.local_port) {
        a->dropped[TCP_IPV4_DROP_NOT_OUR_PORT]++;
        return false;
    }
    if (a->peer_known) {
        if (ip.src != a->cfg.remote_addr || seg->header.sport != a->cfg.remote_port) {
            a->dropped[TCP_IPV4_DROP_OTHER_PEER]++;
            return false;
        }
    } else {
        /* Listening: the first SYN (without RST) chooses the peer for the connection's life. */
        if (!seg->header.syn || seg->header.rst) {
            a->dropped[TCP_IPV4_DROP_NOT_SYN]++;
            return false;
        }
        a->cfg.remote_addr = ip.src;
        a->cfg.remote_port = seg->header.sport;
        a->peer_known = true;
    }
    return true;
}

static enum sponge_err ipv4_recv(void *self, struct tcp_segment *seg, bool *got) {
    struct tcp_ipv4_adapter *a = self;
    for (;;) {
        ssize_t n = read(a->fd, a->rbuf, a->rcap);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                *got = false;
                return SPONGE_OK;
            }
            return SPONGE_ERR_SYSTEM;
        }
        if (accept_datagram(a, (size_t)n, seg)) {
            a->received++;
            *got = true;
            return SPONGE_OK;
        }
    }
}

static int ipv4_fd(const void *self) {
    return ((const struct tcp_ipv4_adapter *)self)->fd;
}

static void ipv4_report(const void *self, FILE *out) {
    const struct tcp_ipv4_adapter *a = self;
    fprintf(out, "tcp_ipv4: sent %llu (dropped %llu), received %llu; dropped in:", (unsigned long long)a->sent,
            (unsigned long long)a->send_dropped, (unsigned long long)a->received);
    for (int r = 0; r < TCP_IPV4_DROP_COUNT; r++) {
        fprintf(out, " %s=%llu", tcp_ipv4_drop_name((enum tcp_ipv4_drop)r), (unsigned long long)a->dropped[r]);
    }
    fputc('\n', out);
}

static const struct tcp_adapter_ops ipv4_ops = {ipv4_send, ipv4_recv, ipv4_fd, ipv4_report};

struct tcp_adapter tcp_ipv4_adapter_as_adapter(struct tcp_ipv4_adapter *a) {
    return (struct tcp_adapter){&ipv4_ops, a};
}
