#include "adapters/tcp_over_ipv4.h"

#include "adapters/reassembly_config.h"
#include "adapters/tun.h"
#include "net/icmp_reply.h"
#include "wire/ipv4.h"
#include "wire/virtio_net.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* Largest datagram a TUN device hands us (IPv4 total length is 16 bits), after the virtio-net
 * header when offloads are on. */
#define READ_BUFFER_LEN (VIRTIO_NET_HEADER_LEN + 65536)

enum sponge_err tcp_ipv4_adapter_init(struct tcp_ipv4_adapter *a, int tun_fd, bool offloads,
                                      const struct tcp_ipv4_config *cfg) {
    *a = (struct tcp_ipv4_adapter){
        .fd = tun_fd, .rcap = READ_BUFFER_LEN, .local_addr = cfg->local_addr, .offloads = offloads};
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
    tun_close(a->fd);
    a->fd = -1;
    free(a->rbuf);
    a->rbuf = NULL;
    ipv4_reassembler_destroy(&a->reasm);
    pcap_file_close(&a->pcap);
}

size_t tcp_ipv4_adapter_max_segment(const struct tcp_ipv4_adapter *a) {
    return a->offloads ? TCP_IPV4_OFFLOAD_MAX_PAYLOAD : 0;
}

/* With offloads: the TCP header without its pass over the payload, the checksum field holding
 * the pseudo-header's partial sum (the kernel finishes it, or every piece's when it cuts a
 * super-segment), and the virtio-net header saying so. A SPONGE_PCAP capture gets the headers
 * with the full checksum instead, so that the file verifies in Wireshark: a super-segment is
 * recorded as one large packet, as the kernel's own capture on the device shows it. */
static size_t offload_headers(struct tcp_ipv4_adapter *a, const struct tcp_segment *out, const struct ipv4_header *ip,
                              uint8_t *headers, size_t ip_len, uint8_t vnet[VIRTIO_NET_HEADER_LEN],
                              uint8_t *pcap_headers) {
    struct tcp_segment bare = *out;
    bare.payload = (struct byte_view2){0};
    size_t th_len = 0, payload_len = byte_view2_len(&out->payload);
    enum sponge_err err = tcp_header_serialize(&bare, ip->src, ip->dst, headers + ip_len, TCP_MAX_HEADER_LEN, &th_len);
    uint16_t partial = virtio_net_tcp4_partial_checksum(ip->src, ip->dst, (uint16_t)(th_len + payload_len));
    headers[ip_len + VIRTIO_NET_TCP_CSUM_OFFSET] = (uint8_t)(partial >> 8);
    headers[ip_len + VIRTIO_NET_TCP_CSUM_OFFSET + 1] = (uint8_t)partial;
    struct virtio_net_header v = virtio_net_tcp4_header(ip_len, th_len, payload_len, out->tso_mss);
    virtio_net_header_serialize(&v, vnet);
    a->super_sent += v.gso_type != VIRTIO_NET_GSO_NONE;
    if (pcap_file_is_open(&a->pcap)) {
        memcpy(pcap_headers, headers, ip_len);
        err = tcp_header_serialize(out, ip->src, ip->dst, pcap_headers + ip_len, TCP_MAX_HEADER_LEN, &th_len);
    }
    assert(err == SPONGE_OK); /* the buffers hold the largest headers */
    (void)err;
    return th_len;
}

/* Writes segment `out` (ports set) in the IPv4 header `ip` to the device: the headers in one
 * piece (behind the virtio-net header with offloads), the payload's two pieces as they are. A
 * full device queue is a counted drop. */
static enum sponge_err write_segment(struct tcp_ipv4_adapter *a, const struct tcp_segment *out,
                                     struct ipv4_header *ip) {
    /* Only a carrier with offloads gets segments longer than the MSS (tcp_config.max_segment). */
    assert(out->tso_mss == 0 || a->offloads);
    uint8_t headers[IPV4_MAX_HEADER_LEN + TCP_MAX_HEADER_LEN], pcap_headers[sizeof headers];
    uint8_t vnet[VIRTIO_NET_HEADER_LEN];
    size_t ip_len = 0, th_len = 0;
    enum sponge_err err = ipv4_header_serialize(ip, headers, sizeof headers, &ip_len);
    if (a->offloads) {
        th_len = offload_headers(a, out, ip, headers, ip_len, vnet, pcap_headers);
    } else if (err == SPONGE_OK) {
        err = tcp_header_serialize(out, ip->src, ip->dst, headers + ip_len, sizeof headers - ip_len, &th_len);
    }
    assert(err == SPONGE_OK); /* the buffer holds the largest headers */
    (void)err;
    struct iovec iov[4] = {
        {vnet, VIRTIO_NET_HEADER_LEN},
        {headers, ip_len + th_len},
        {(void *)out->payload.part[0].data, out->payload.part[0].len},
        {(void *)out->payload.part[1].data, out->payload.part[1].len},
    };
    ssize_t n = a->offloads ? writev(a->fd, iov, 4) : writev(a->fd, iov + 1, 3);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR || errno == EIO) {
            /* Queue full, or the device went down for a moment: a lost packet, TCP retransmits. */
            a->send_dropped++;
            return SPONGE_OK;
        }
        return SPONGE_ERR_SYSTEM;
    }
    a->sent++;
    const struct byte_view pieces[3] = {
        {a->offloads ? pcap_headers : headers, ip_len + th_len}, out->payload.part[0], out->payload.part[1]};
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

/* The receive path for one datagram buf[0..len) read: parse, reassemble (RFC 791 3.2: a fragment
 * waits for the rest of its datagram), then the connection's checks (the TCP checksum verified
 * unless `trusted`). The segment's payload is a view into the read buffer or the reassembler,
 * valid until the next read. */
static bool take_datagram(struct tcp_ipv4_adapter *a, const uint8_t *buf, size_t len, bool trusted,
                          struct tcp_segment *seg) {
    struct ipv4_datagram d;
    return tcp_ipv4_filter_parse(&a->filter, buf, len, &d) && ipv4_reassembler_push(&a->reasm, &d, &d) &&
           !tcp_ipv4_filter_take_icmp(&a->filter, &d) &&
           tcp_ipv4_filter_accept_checked(&a->filter, &d.header, d.payload, d.payload_len, !trusted, seg);
}

/* Offloads: strips the virtio-net header from the n bytes read; *pkt and *len are the datagram
 * after it. The TCP checksum is trusted only as the header allows: DATA_VALID (the kernel
 * verified it), or NEEDS_CSUM over exactly the TCP segment (the kernel made the segment and left
 * the sum undone: the field holds only the pseudo-header's sum). A NEEDS_CSUM anywhere else
 * (another protocol, another offset) is finished here as a device would, then verified as
 * usual; so is any NEEDS_CSUM while capturing, so that the capture verifies. False for a header
 * that does not parse (counted). */
static bool strip_vnet(struct tcp_ipv4_adapter *a, size_t n, uint8_t **pkt, size_t *len, bool *trusted) {
    struct virtio_net_header v;
    if (virtio_net_header_parse(a->rbuf, n, &v) != SPONGE_OK) {
        a->vnet_dropped++;
        return false;
    }
    *pkt = a->rbuf + VIRTIO_NET_HEADER_LEN;
    *len = n - VIRTIO_NET_HEADER_LEN;
    size_t ihl = *len >= IPV4_MIN_HEADER_LEN ? (size_t)((*pkt)[0] & 0x0f) * 4 : 0;
    bool tcp_whole = *len >= IPV4_MIN_HEADER_LEN && (*pkt)[9] == IPV4_PROTO_TCP && v.csum_start == ihl &&
                     v.csum_offset == VIRTIO_NET_TCP_CSUM_OFFSET;
    *trusted = v.data_valid || (v.needs_csum && tcp_whole);
    if (v.needs_csum && (!tcp_whole || pcap_file_is_open(&a->pcap))) {
        virtio_net_finish_checksum(&v, *pkt, *len);
    }
    a->super_received += v.gso_type != VIRTIO_NET_GSO_NONE;
    return true;
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
    uint8_t vnet[VIRTIO_NET_HEADER_LEN] = {0}; /* offloads: a plain packet, its checksums done */
    struct iovec iov[3] = {{vnet, sizeof vnet}, {headers, sizeof headers}, {(void *)data.data, data.len}};
    if ((a->offloads ? writev(a->fd, iov, 3) : writev(a->fd, iov + 1, 2)) >= 0) {
        a->icmp_echo_replied++;
        pcap_file_write(&a->pcap, pieces, 2);
    } else {
        a->send_dropped++;
    }
    return true;
}

/* Reads the next datagram into the read buffer: *got = false if none is waiting. *pkt and *len
 * are the datagram (after the virtio-net header, stripped with offloads; one with a bad header
 * is counted and skipped), *trusted whether its TCP checksum needs no verifying (strip_vnet).
 * It is also written to the capture. */
static enum sponge_err read_datagram(struct tcp_ipv4_adapter *a, uint8_t **pkt, size_t *len, bool *trusted, bool *got) {
    for (;;) {
        ssize_t n = read(a->fd, a->rbuf, a->rcap);
        if (n < 0) {
            *got = false;
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? SPONGE_OK : SPONGE_ERR_SYSTEM;
        }
        *pkt = a->rbuf;
        *len = (size_t)n;
        *trusted = false;
        if (a->offloads && !strip_vnet(a, (size_t)n, pkt, len, trusted)) {
            continue;
        }
        pcap_file_write_bytes(&a->pcap, *pkt, *len);
        *got = true;
        return SPONGE_OK;
    }
}

static enum sponge_err ipv4_recv(void *self, struct tcp_segment *seg, bool *got) {
    struct tcp_ipv4_adapter *a = self;
    for (;;) {
        uint8_t *pkt = NULL;
        size_t len = 0;
        bool trusted = false;
        enum sponge_err err = read_datagram(a, &pkt, &len, &trusted, got);
        if (err != SPONGE_OK || !*got) {
            return err;
        }
        if (answer_echo(a, pkt, len)) {
            continue;
        }
        if (take_datagram(a, pkt, len, trusted, seg)) {
            a->received++;
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

/* One datagram of the stateless listen, pkt[0..len) (read_datagram; its TCP checksum verified
 * unless `trusted`): true if it was the ACK of a valid cookie, which then fixes the peer. */
static bool cookie_listen_datagram(struct tcp_ipv4_adapter *a, uint8_t *pkt, size_t len, bool trusted,
                                   const struct tcp_config *cfg, const struct syn_cookies *cookies,
                                   struct syn_cookie_syn *syn, struct tcp_segment *seg, enum sponge_err *err) {
    struct ipv4_datagram d;
    if (answer_echo(a, pkt, len) || !tcp_ipv4_filter_parse(&a->filter, pkt, len, &d) ||
        !ipv4_reassembler_push(&a->reasm, &d, &d) ||
        !tcp_ipv4_filter_accept_any_peer(&a->filter, &d.header, d.payload, d.payload_len, !trusted, seg)) {
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
            uint8_t *pkt = NULL;
            size_t len = 0;
            bool trusted = false, got = false;
            enum sponge_err err = read_datagram(a, &pkt, &len, &trusted, &got);
            if (err != SPONGE_OK) {
                return err;
            }
            if (!got) {
                break;
            }
            if (cookie_listen_datagram(a, pkt, len, trusted, cfg, &cookies, syn, ack, &err)) {
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
    fprintf(out,
            "tcp_ipv4: sent %llu (dropped %llu, super-segments %llu), received %llu (super-segments %llu, bad "
            "virtio-net headers %llu); offloads %s; icmp_echo_replied=%llu;",
            (unsigned long long)a->sent, (unsigned long long)a->send_dropped, (unsigned long long)a->super_sent,
            (unsigned long long)a->received, (unsigned long long)a->super_received, (unsigned long long)a->vnet_dropped,
            a->offloads ? "on" : "off", (unsigned long long)a->icmp_echo_replied);
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
