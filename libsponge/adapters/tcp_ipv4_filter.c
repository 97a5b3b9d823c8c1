#include "adapters/tcp_ipv4_filter.h"

#include <assert.h>

void tcp_ipv4_filter_init(struct tcp_ipv4_filter *f, const struct tcp_ipv4_config *cfg) {
    *f = (struct tcp_ipv4_filter){.cfg = *cfg, .peer_known = !cfg->listen};
}

const char *tcp_ipv4_drop_name(enum tcp_ipv4_drop reason) {
    static const char *const names[TCP_IPV4_DROP_COUNT] = {
        "bad_ip",       "fragment",     "not_tcp",    "not_our_addr", "bad_tcp",
        "bad_checksum", "not_our_port", "other_peer", "not_syn",
    };
    return reason < TCP_IPV4_DROP_COUNT ? names[reason] : "?";
}

uint64_t tcp_ipv4_filter_dropped(const struct tcp_ipv4_filter *f, enum tcp_ipv4_drop reason) {
    assert(reason < TCP_IPV4_DROP_COUNT);
    return f->dropped[reason];
}

bool tcp_ipv4_filter_address(struct tcp_ipv4_filter *f, const struct tcp_segment *seg, struct tcp_segment *out,
                             struct ipv4_header *ip) {
    if (!f->peer_known) {
        return false;
    }
    *out = *seg;
    out->header.sport = f->cfg.local_port;
    out->header.dport = f->cfg.remote_port;
    if (out->header.syn && f->cfg.syn_mss != 0 && !out->header.opts.has_mss) {
        out->header.opts.has_mss = true;
        out->header.opts.mss = f->cfg.syn_mss;
    }
    size_t tcp_len = tcp_header_length(&out->header) + byte_view2_len(&seg->payload);
    assert(tcp_len <= UINT16_MAX - IPV4_MAX_HEADER_LEN); /* max_payload is the caller's choice */
    ipv4_header_init(ip, IPV4_PROTO_TCP, f->cfg.local_addr, f->cfg.remote_addr, (uint16_t)tcp_len);
    ip->id = f->next_id++;
    return true;
}

static bool drop(struct tcp_ipv4_filter *f, enum tcp_ipv4_drop reason) {
    f->dropped[reason]++;
    return false;
}

/* The checks every segment for us passes, whoever sent it: not a fragment, TCP, our address
 * and port, a header that parses (with a good checksum if `verify_checksum`). */
static bool for_us(struct tcp_ipv4_filter *f, const struct ipv4_header *ip, const uint8_t *buf, size_t len,
                   bool verify_checksum, struct tcp_segment *seg) {
    if (ip->mf || ip->frag_offset != 0) {
        return drop(f, TCP_IPV4_DROP_FRAGMENT);
    }
    if (ip->protocol != IPV4_PROTO_TCP) {
        return drop(f, TCP_IPV4_DROP_NOT_TCP);
    }
    if (ip->dst != f->cfg.local_addr) {
        return drop(f, TCP_IPV4_DROP_NOT_OUR_ADDR);
    }
    enum sponge_err err = tcp_segment_parse(buf, len, ip->src, ip->dst, verify_checksum, seg);
    if (err != SPONGE_OK) {
        return drop(f, err == SPONGE_ERR_BAD_CHECKSUM ? TCP_IPV4_DROP_BAD_CHECKSUM : TCP_IPV4_DROP_BAD_TCP);
    }
    if (seg->header.dport != f->cfg.local_port) {
        return drop(f, TCP_IPV4_DROP_NOT_OUR_PORT);
    }
    return true;
}

bool tcp_ipv4_filter_accept(struct tcp_ipv4_filter *f, const struct ipv4_header *ip, const uint8_t *buf, size_t len,
                            struct tcp_segment *seg) {
    return tcp_ipv4_filter_accept_checked(f, ip, buf, len, true, seg);
}

bool tcp_ipv4_filter_accept_checked(struct tcp_ipv4_filter *f, const struct ipv4_header *ip, const uint8_t *buf,
                                    size_t len, bool verify_checksum, struct tcp_segment *seg) {
    if (!for_us(f, ip, buf, len, verify_checksum, seg)) {
        return false;
    }
    if (f->peer_known) {
        if (ip->src != f->cfg.remote_addr || seg->header.sport != f->cfg.remote_port) {
            return drop(f, TCP_IPV4_DROP_OTHER_PEER);
        }
        return true;
    }
    /* Listening: the first SYN (without RST) chooses the peer for the connection's life. */
    if (!seg->header.syn || seg->header.rst) {
        return drop(f, TCP_IPV4_DROP_NOT_SYN);
    }
    tcp_ipv4_filter_set_peer(f, ip->src, seg->header.sport);
    return true;
}

bool tcp_ipv4_filter_accept_any_peer(struct tcp_ipv4_filter *f, const struct ipv4_header *ip, const uint8_t *buf,
                                     size_t len, bool verify_checksum, struct tcp_segment *seg) {
    return for_us(f, ip, buf, len, verify_checksum, seg);
}

void tcp_ipv4_filter_set_peer(struct tcp_ipv4_filter *f, uint32_t remote_addr, uint16_t remote_port) {
    f->cfg.remote_addr = remote_addr;
    f->cfg.remote_port = remote_port;
    f->peer_known = true;
}

void tcp_ipv4_filter_count_drop(struct tcp_ipv4_filter *f, enum tcp_ipv4_drop reason) {
    drop(f, reason);
}

bool tcp_ipv4_filter_take_icmp(struct tcp_ipv4_filter *f, const struct ipv4_datagram *d) {
    struct tcp_four_tuple t;
    struct tcp_icmp_error e;
    if (!f->peer_known || d->header.dst != f->cfg.local_addr || tcp_icmp_error_parse(d, &e, &t) != TCP_ICMP_PARSE_OK ||
        t.local_addr != f->cfg.local_addr || t.local_port != f->cfg.local_port || t.remote_addr != f->cfg.remote_addr ||
        t.remote_port != f->cfg.remote_port) {
        return false;
    }
    f->icmp = e;
    f->icmp_pending = true;
    f->icmp_errors++;
    return true;
}

bool tcp_ipv4_filter_pop_icmp(struct tcp_ipv4_filter *f, struct tcp_icmp_error *out) {
    if (!f->icmp_pending) {
        return false;
    }
    *out = f->icmp;
    f->icmp_pending = false;
    return true;
}

bool tcp_ipv4_filter_parse(struct tcp_ipv4_filter *f, const uint8_t *buf, size_t len, struct ipv4_datagram *d) {
    return ipv4_datagram_parse(buf, len, d) == SPONGE_OK || drop(f, TCP_IPV4_DROP_BAD_IP);
}

bool tcp_ipv4_filter_accept_bytes(struct tcp_ipv4_filter *f, const uint8_t *buf, size_t len, struct tcp_segment *seg) {
    struct ipv4_header ip;
    size_t off = 0;
    if (ipv4_header_parse(buf, len, &ip, &off) != SPONGE_OK) {
        return drop(f, TCP_IPV4_DROP_BAD_IP);
    }
    return tcp_ipv4_filter_accept(f, &ip, buf + off, ip.total_len - off, seg);
}

void tcp_ipv4_filter_report(const struct tcp_ipv4_filter *f, FILE *out) {
    fprintf(out, " icmp_errors=%llu dropped in:", (unsigned long long)f->icmp_errors);
    for (int r = 0; r < TCP_IPV4_DROP_COUNT; r++) {
        fprintf(out, " %s=%llu", tcp_ipv4_drop_name((enum tcp_ipv4_drop)r), (unsigned long long)f->dropped[r]);
    }
}
