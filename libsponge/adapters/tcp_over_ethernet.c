#include "adapters/tcp_over_ethernet.h"

#include "adapters/reassembly_config.h"
#include "adapters/tap.h"
#include "net/icmp_reply.h"
#include "wire/ipv4_datagram.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

enum sponge_err tcp_eth_adapter_init(struct tcp_eth_adapter *a, int frame_fd, const struct tcp_eth_config *cfg) {
    *a = (struct tcp_eth_adapter){.fd = frame_fd, .next_hop = cfg->next_hop, .rcap = TAP_MAX_FRAME_LEN};
    tcp_ipv4_filter_init(&a->filter, &cfg->ip);
    if (network_interface_init(&a->ni, cfg->eth, cfg->ip.local_addr, &cfg->iface) != SPONGE_OK) {
        return SPONGE_ERR_NO_MEMORY;
    }
    struct ipv4_reassembler_config rcfg = reassembly_config_from_env();
    if (ipv4_reassembler_init(&a->reasm, &rcfg) != SPONGE_OK) {
        network_interface_destroy(&a->ni);
        return SPONGE_ERR_NO_MEMORY;
    }
    a->ocap = cfg->iface.max_datagram_len - IPV4_MIN_HEADER_LEN;
    a->rbuf = malloc(a->rcap);
    a->obuf = malloc(a->ocap);
    if (a->rbuf == NULL || a->obuf == NULL) {
        free(a->rbuf);
        free(a->obuf);
        ipv4_reassembler_destroy(&a->reasm);
        network_interface_destroy(&a->ni);
        return SPONGE_ERR_NO_MEMORY;
    }
    pcap_file_open_from_env(&a->pcap, PCAP_LINK_ETHERNET);
    return SPONGE_OK;
}

void tcp_eth_adapter_destroy(struct tcp_eth_adapter *a) {
    if (a->fd >= 0) {
        close(a->fd);
        a->fd = -1;
    }
    network_interface_destroy(&a->ni);
    ipv4_reassembler_destroy(&a->reasm);
    free(a->rbuf);
    free(a->obuf);
    a->rbuf = a->obuf = NULL;
    pcap_file_close(&a->pcap);
}

struct eth_addr tcp_eth_random_address(void) {
    struct eth_addr e;
    if (getrandom(e.b, sizeof e.b, 0) != (ssize_t)sizeof e.b) {
        uint64_t v = (uint64_t)getpid() * 0x9E3779B97F4A7C15ULL; /* no entropy: still varies per process */
        for (size_t i = 0; i < sizeof e.b; i++) {
            e.b[i] = (uint8_t)(v >> (8 * i));
        }
    }
    e.b[0] = (uint8_t)((e.b[0] & 0xfe) | 0x02);
    return e;
}

/* Writes every frame the interface has queued. A full or briefly down device loses the frame
 * (counted; TCP retransmits, ARP asks again); anything else is a broken descriptor. */
static enum sponge_err flush_frames(struct tcp_eth_adapter *a) {
    struct byte_view frame;
    while (network_interface_frames_out(&a->ni, &frame)) {
        if (tap_write_frame(a->fd, frame.data, frame.len) == SPONGE_OK) {
            a->frames_written++;
            pcap_file_write_bytes(&a->pcap, frame.data, frame.len);
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS && errno != EINTR && errno != EIO) {
            return SPONGE_ERR_SYSTEM;
        }
        a->frames_write_dropped++;
    }
    return SPONGE_OK;
}

static enum sponge_err eth_send(void *self, const struct tcp_segment *seg) {
    struct tcp_eth_adapter *a = self;
    struct tcp_segment out;
    struct ipv4_datagram d;
    size_t tcp_len = 0;
    if (!tcp_ipv4_filter_address(&a->filter, seg, &out, &d.header) ||
        tcp_segment_serialize(&out, d.header.src, d.header.dst, a->obuf, a->ocap, &tcp_len) != SPONGE_OK) {
        /* Nobody to send to yet (listening), or a segment larger than the link's MTU. */
        a->send_dropped++;
        return SPONGE_OK;
    }
    /* The interface takes a contiguous payload, so header and payload meet in obuf. */
    d.payload = a->obuf;
    d.payload_len = tcp_len;
    ipv4_datagram_seal(&d);
    network_interface_send_datagram(&a->ni, &d, a->next_hop);
    a->sent++;
    return flush_frames(a);
}

/* RFC 1122 3.2.2.6: a host answers echo requests to its address. Apart from the TCP path:
 * true if `d` (its payload a view into the read buffer) was such a request, now answered
 * (made in place, sent through the interface, which may wait for ARP). */
static bool answer_echo(struct tcp_eth_adapter *a, const struct ipv4_datagram *d) {
    struct ipv4_datagram reply;
    if (d->header.protocol != IPV4_PROTO_ICMP || d->header.dst != network_interface_ip(&a->ni) ||
        icmp_echo_answer(&d->header, a->rbuf + (d->payload - a->rbuf), d->payload_len, &reply) != SPONGE_OK) {
        return false;
    }
    network_interface_send_datagram(&a->ni, &reply, a->next_hop);
    a->icmp_echo_replied++;
    return true;
}

static enum sponge_err eth_recv(void *self, struct tcp_segment *seg, bool *got) {
    struct tcp_eth_adapter *a = self;
    *got = false;
    for (;;) {
        size_t n = 0;
        if (tap_read_frame(a->fd, a->rbuf, a->rcap, &n) != SPONGE_OK) {
            return SPONGE_ERR_SYSTEM;
        }
        if (n == 0) {
            return SPONGE_OK;
        }
        a->frames_read++;
        pcap_file_write_bytes(&a->pcap, a->rbuf, n);
        struct ipv4_datagram d;
        bool is_datagram = network_interface_recv_frame(&a->ni, a->rbuf, n, &d);
        if (is_datagram && answer_echo(a, &d)) {
            is_datagram = false;
        }
        /* ARP replies, echo replies, and datagrams that waited for the mapping just learned. */
        enum sponge_err err = flush_frames(a);
        if (err != SPONGE_OK) {
            return err;
        }
        /* A fragment waits in the reassembler for the rest of its datagram (RFC 791 3.2). */
        if (is_datagram && ipv4_reassembler_push(&a->reasm, &d, &d) && !tcp_ipv4_filter_take_icmp(&a->filter, &d) &&
            tcp_ipv4_filter_accept(&a->filter, &d.header, d.payload, d.payload_len, seg)) {
            a->received++;
            *got = true;
            return SPONGE_OK;
        }
        if (a->filter.icmp_pending) { /* an ICMP error, for the caller to pop */
            return SPONGE_OK;
        }
    }
}

static bool eth_icmp_error(void *self, struct tcp_icmp_error *out) {
    return tcp_ipv4_filter_pop_icmp(&((struct tcp_eth_adapter *)self)->filter, out);
}

static int eth_fd(const void *self) {
    return ((const struct tcp_eth_adapter *)self)->fd;
}

static enum sponge_err eth_tick(void *self, uint64_t ms) {
    struct tcp_eth_adapter *a = self;
    network_interface_tick(&a->ni, ms);
    ipv4_reassembler_tick(&a->reasm, ms);
    return flush_frames(a);
}

static void eth_report(const void *self, FILE *out) {
    const struct tcp_eth_adapter *a = self;
    const struct network_interface_counters *c = &a->ni.counters;
    fprintf(out,
            "tcp_eth: sent %llu (dropped %llu), received %llu; frames written %llu (dropped %llu), read %llu; "
            "arp requests %llu, replies %llu, received %llu; iface drops: not_for_us=%llu bad_ethernet=%llu "
            "bad_ipv4=%llu bad_arp=%llu ethertype=%llu oversize=%llu pending_full=%llu arp_timeout=%llu "
            "frames_out_full=%llu; icmp_echo_replied=%llu;",
            (unsigned long long)a->sent, (unsigned long long)a->send_dropped, (unsigned long long)a->received,
            (unsigned long long)a->frames_written, (unsigned long long)a->frames_write_dropped,
            (unsigned long long)a->frames_read, (unsigned long long)c->arp_requests_sent,
            (unsigned long long)c->arp_replies_sent, (unsigned long long)c->arp_received,
            (unsigned long long)c->drop_not_for_us, (unsigned long long)c->drop_bad_ethernet,
            (unsigned long long)c->drop_bad_ipv4, (unsigned long long)c->drop_bad_arp,
            (unsigned long long)c->drop_bad_ethertype, (unsigned long long)c->drop_oversize,
            (unsigned long long)c->drop_pending_full, (unsigned long long)c->drop_arp_timeout,
            (unsigned long long)c->drop_frames_out_full, (unsigned long long)a->icmp_echo_replied);
    tcp_ipv4_filter_report(&a->filter, out);
    ipv4_reassembler_report(&a->reasm, out);
    fputc('\n', out);
}

static const struct tcp_adapter_ops eth_ops = {.send = eth_send,
                                               .recv = eth_recv,
                                               .fd = eth_fd,
                                               .report = eth_report,
                                               .tick = eth_tick,
                                               .icmp_error = eth_icmp_error};

struct tcp_adapter tcp_eth_adapter_as_adapter(struct tcp_eth_adapter *a) {
    return (struct tcp_adapter){&eth_ops, a};
}

const struct network_interface_counters *tcp_eth_adapter_iface_counters(const struct tcp_eth_adapter *a) {
    return &a->ni.counters;
}

const struct tcp_ipv4_filter *tcp_eth_adapter_filter(const struct tcp_eth_adapter *a) {
    return &a->filter;
}

const struct ipv4_reassembler *tcp_eth_adapter_reassembler(const struct tcp_eth_adapter *a) {
    return &a->reasm;
}
