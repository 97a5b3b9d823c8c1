#include "adapters/tcp_over_ipv4.h"

#include "adapters/reassembly_config.h"
#include "net/icmp_reply.h"
#include "wire/ipv4.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Largest datagram a TUN device hands us (IPv4 total length is 16 bits). */
#define READ_BUFFER_LEN 65536

enum sponge_err tcp_ipv4_adapter_init(struct tcp_ipv4_adapter *a, int tun_fd, const struct tcp_ipv4_config *cfg) {
    *a = (struct tcp_ipv4_adapter){.fd = tun_fd, .rcap = READ_BUFFER_LEN, .local_addr = cfg->local_addr};
    tcp_ipv4_filter_init(&a->filter, cfg);
    struct ipv4_reassembler_config rcfg = reassembly_config_from_env();
    if (ipv4_reassembler_init(&a->reasm, &rcfg) != SPONGE_OK) {
        return SPONGE_ERR_NO_MEMORY;
    }
    a->rbuf = malloc(a->rcap);
    if (a->rbuf == NULL) {
        ipv4_reassembler_destroy(&a->reasm);
        return SPONGE_ERR_NO_MEMORY;
    }
    pcap_file_open_from_env(&a->pcap, PCAP_LINK_IPV4);
    return SPONGE_OK;
}

void tcp_ipv4_adapter_destroy(struct tcp_ipv4_adapter *a) {
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    free(a->rbuf);
    a->rbuf = NULL;
    ipv4_reassembler_destroy(&a->reasm);
    pcap_file_close(&a->pcap);
}

/* Writes segment `out` (ports set) in the IPv4 header `ip` (its checksum filled in) to the
 * device: the headers in one piece, the payload's two pieces as they are. A full device queue
 * is a counted drop. */
static enum sponge_err write_segment(struct tcp_ipv4_adapter *a, const struct tcp_segment *out,
                                     struct ipv4_header *ip) {
    uint8_t headers[IPV4_MAX_HEADER_LEN + TCP_MAX_HEADER_LEN];
    size_t ip_len = 0, th_len = 0;
    enum sponge_err err = ipv4_header_serialize(ip, headers, sizeof headers, &ip_len);
    if (err == SPONGE_OK) {
        err = tcp_header_serialize(out, ip->src, ip->dst, headers + ip_len, sizeof headers - ip_len, &th_len);
    }
    assert(err == SPONGE_OK); /* the buffer holds the largest headers */

    struct iovec iov[3] = {
        {headers, ip_len + th_len},
        {(void *)out->payload.part[0].data, out->payload.part[0].len},
        {(void *)out->payload.part[1].data, out->payload.part[1].len},
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
    const struct byte_view pieces[3] = {{headers, ip_len + th_len}, out->payload.part[0], out->payload.part[1]};
    pcap_file_write(&a->pcap, pieces, 3);
    return SPONGE_OK;
}

static enum sponge_err ipv4_send(void *self, const struct tcp_segment *seg) {
    struct tcp_ipv4_adapter *a = self;
    struct tcp_segment out;
    struct ipv4_header ip;
    if (!tcp_ipv4_filter_address(&a->filter, seg, &out, &ip)) {
        /* Listening and nobody has sent a SYN yet: there is no one to send to. */
        a->send_dropped++;
        return SPONGE_OK;
    }
    return write_segment(a, &out, &ip);
}

/* The receive path for one datagram read: parse, reassemble (RFC 791 3.2: a fragment waits for
 * the rest of its datagram), then the connection's checks. The segment's payload is a view into
 * the read buffer or the reassembler, valid until the next read. */
static bool take_datagram(struct tcp_ipv4_adapter *a, size_t len, struct tcp_segment *seg) {
    struct ipv4_datagram d;
    return tcp_ipv4_filter_parse(&a->filter, a->rbuf, len, &d) && ipv4_reassembler_push(&a->reasm, &d, &d) &&
           !tcp_ipv4_filter_take_icmp(&a->filter, &d) &&
           tcp_ipv4_filter_accept(&a->filter, &d.header, d.payload, d.payload_len, seg);
}

/* RFC 1122 3.2.2.6: a host answers echo requests to its address. Apart from the TCP path:
 * true if buf[0..len) (the read buffer) was such a request, now answered (the reply's headers
 * and the request's data written at once; a full device loses it, counted in send_dropped). */
static bool answer_echo(struct tcp_ipv4_adapter *a, const uint8_t *buf, size_t len) {
    struct ipv4_datagram d;
    uint8_t headers[ICMP_ECHO_REPLY_HEADERS_LEN];
    struct byte_view data;
    if (len < IPV4_MIN_HEADER_LEN || buf[9] != IPV4_PROTO_ICMP || ipv4_datagram_parse(buf, len, &d) != SPONGE_OK ||
        !icmp_echo_reply_headers(&d, a->local_addr, headers, &data)) {
        return false;
    }
    const struct byte_view pieces[2] = {{headers, sizeof headers}, data};
    struct iovec iov[2] = {{headers, sizeof headers}, {(void *)data.data, data.len}};
    if (writev(a->fd, iov, 2) >= 0) {
        a->icmp_echo_replied++;
        pcap_file_write(&a->pcap, pieces, 2);
    } else {
        a->send_dropped++;
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
        pcap_file_write_bytes(&a->pcap, a->rbuf, (size_t)n);
        if (answer_echo(a, a->rbuf, (size_t)n)) {
            continue;
        }
        if (take_datagram(a, (size_t)n, seg)) {
            a->received++;
            *got = true;
            return SPONGE_OK;
        }
        if (a->filter.icmp_pending) { /* an ICMP error, for the caller to pop */
            *got = false;
            return SPONGE_OK;
        }
    }
}

/* How often the stateless listen wakes without input, to advance its clocks. */
#define COOKIE_POLL_MS 100

static uint64_t monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Answers a SYN (from ip->src) at once with its cookie SYN+ACK; nothing is kept. */
static enum sponge_err send_cookie(struct tcp_ipv4_adapter *a, const struct tcp_config *cfg,
                                   const struct syn_cookies *cookies, const struct ipv4_header *ip,
                                   const struct tcp_segment *syn) {
    struct tcp_four_tuple t = {ip->dst, ip->src, syn->header.dport, syn->header.sport};
    struct tcp_segment sa;
    syn_cookie_answer(cookies, cfg, &t, &syn->header, &sa);
    struct ipv4_header out;
    ipv4_header_init(&out, IPV4_PROTO_TCP, ip->dst, ip->src, (uint16_t)tcp_header_length(&sa.header));
    out.id = (uint16_t)a->cookies_sent;
    a->cookies_sent++;
    return write_segment(a, &sa, &out);
}

/* One datagram of the stateless listen (in the read buffer): true if it was the ACK of a valid
 * cookie, which then fixes the peer. */
static bool cookie_listen_datagram(struct tcp_ipv4_adapter *a, size_t len, const struct tcp_config *cfg,
                                   const struct syn_cookies *cookies, struct syn_cookie_syn *syn,
                                   struct tcp_segment *seg, enum sponge_err *err) {
    struct ipv4_datagram d;
    if (answer_echo(a, a->rbuf, len) || !tcp_ipv4_filter_parse(&a->filter, a->rbuf, len, &d) ||
        !ipv4_reassembler_push(&a->reasm, &d, &d) ||
        !tcp_ipv4_filter_accept_any_peer(&a->filter, &d.header, d.payload, d.payload_len, seg)) {
        return false;
    }
    const struct tcp_header *hd = &seg->header;
    if (hd->syn && !hd->ack && !hd->rst) {
        *err = send_cookie(a, cfg, cookies, &d.header, seg);
        return false;
    }
    if (!hd->ack || hd->syn || hd->rst) {
        /* RFC 9293 3.10.7.2: in LISTEN a RST is ignored; other segments are dropped here. */
        tcp_ipv4_filter_count_drop(&a->filter, TCP_IPV4_DROP_NOT_SYN);
        return false;
    }
    struct tcp_four_tuple t = {d.header.dst, d.header.src, hd->dport, hd->sport};
    switch (syn_cookie_check(cookies, &t, hd, syn)) {
        case SYN_COOKIE_OK:
            a->cookies_validated++;
            a->received++;
            tcp_ipv4_filter_set_peer(&a->filter, d.header.src, hd->sport);
            return true;
        case SYN_COOKIE_BAD:
            a->cookie_acks_rejected++;
            return false;
        case SYN_COOKIE_BAD_TIMESTAMP:
            a->cookie_acks_bad_ts++;
            return false;
    }
    return false;
}

enum sponge_err tcp_ipv4_adapter_accept_cookie(struct tcp_ipv4_adapter *a, const struct tcp_config *cfg,
                                               const uint8_t key[SIPHASH_KEY_LEN], struct syn_cookie_syn *syn,
                                               struct tcp_segment *ack) {
    struct syn_cookies cookies;
    syn_cookies_init(&cookies, key);
    a->cookie_listen = true;
    uint64_t last = monotonic_ms();
    for (;;) {
        struct pollfd p = {a->fd, POLLIN, 0};
        if (poll(&p, 1, COOKIE_POLL_MS) < 0 && errno != EINTR) {
            return SPONGE_ERR_SYSTEM;
        }
        uint64_t now = monotonic_ms();
        syn_cookies_tick(&cookies, now - last);
        ipv4_reassembler_tick(&a->reasm, now - last);
        last = now;
        for (;;) {
            ssize_t n = read(a->fd, a->rbuf, a->rcap);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    break;
                }
                return SPONGE_ERR_SYSTEM;
            }
            pcap_file_write_bytes(&a->pcap, a->rbuf, (size_t)n);
            enum sponge_err err = SPONGE_OK;
            if (cookie_listen_datagram(a, (size_t)n, cfg, &cookies, syn, ack, &err)) {
                return SPONGE_OK;
            }
            if (err != SPONGE_OK) {
                return err;
            }
        }
    }
}

static bool ipv4_icmp_error(void *self, struct tcp_icmp_error *out) {
    return tcp_ipv4_filter_pop_icmp(&((struct tcp_ipv4_adapter *)self)->filter, out);
}

static int ipv4_fd(const void *self) {
    return ((const struct tcp_ipv4_adapter *)self)->fd;
}

static void ipv4_report(const void *self, FILE *out) {
    const struct tcp_ipv4_adapter *a = self;
    fprintf(out, "tcp_ipv4: sent %llu (dropped %llu), received %llu; icmp_echo_replied=%llu;",
            (unsigned long long)a->sent, (unsigned long long)a->send_dropped, (unsigned long long)a->received,
            (unsigned long long)a->icmp_echo_replied);
    tcp_ipv4_filter_report(&a->filter, out);
    if (a->cookie_listen) {
        fprintf(out, "; cookies: sent=%llu validated=%llu rejected=%llu bad_ts=%llu",
                (unsigned long long)a->cookies_sent, (unsigned long long)a->cookies_validated,
                (unsigned long long)a->cookie_acks_rejected, (unsigned long long)a->cookie_acks_bad_ts);
    }
    ipv4_reassembler_report(&a->reasm, out);
    fputc('\n', out);
}

/* The reassembly timeout runs on the loop's clock. */
static enum sponge_err ipv4_tick(void *self, uint64_t ms) {
    ipv4_reassembler_tick(&((struct tcp_ipv4_adapter *)self)->reasm, ms);
    return SPONGE_OK;
}

static const struct tcp_adapter_ops ipv4_ops = {.send = ipv4_send,
                                                .recv = ipv4_recv,
                                                .fd = ipv4_fd,
                                                .report = ipv4_report,
                                                .tick = ipv4_tick,
                                                .icmp_error = ipv4_icmp_error};

struct tcp_adapter tcp_ipv4_adapter_as_adapter(struct tcp_ipv4_adapter *a) {
    return (struct tcp_adapter){&ipv4_ops, a};
}

const struct ipv4_reassembler *tcp_ipv4_adapter_reassembler(const struct tcp_ipv4_adapter *a) {
    return &a->reasm;
}
