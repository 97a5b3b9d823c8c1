#ifndef SPONGE_TESTS_LAB4_HOST_STEPS_H
#define SPONGE_TESTS_LAB4_HOST_STEPS_H

/* Steps on a tcp_host, one line each: an in-memory carrier keeps every datagram the host
 * sends; PEER sends a segment from a peer (address, port) to the host; EXPECT_OUT pops the
 * next datagram the host sent and checks the fields a test names. */

#include "adapters/tcp_host.h"
#include "harness.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#include <stdio.h>
#include <string.h>

#define HOST_ADDR ((169u << 24) | (254u << 16) | (144u << 8) | 9u)
#define PEER_A ((169u << 24) | (254u << 16) | (144u << 8) | 1u)
#define PEER_B ((169u << 24) | (254u << 16) | (144u << 8) | 2u)
#define MEM_SLOTS 512
#define MEM_DGRAM 1600

/* The carrier: a ring of datagrams the host sent (bounded; overflowing fails the test). */
struct mem_carrier {
    uint8_t buf[MEM_SLOTS][MEM_DGRAM];
    size_t len[MEM_SLOTS];
    size_t head, count;
    bool overflow;
};

static enum sponge_err mem_send(void *self, const struct byte_view *pieces, size_t n) {
    struct mem_carrier *m = self;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        total += pieces[i].len;
    }
    if (m->count == MEM_SLOTS || total > MEM_DGRAM) {
        m->overflow = true;
        return SPONGE_OK;
    }
    size_t at = (m->head + m->count++) % MEM_SLOTS, off = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(m->buf[at] + off, pieces[i].data, pieces[i].len);
        off += pieces[i].len;
    }
    m->len[at] = total;
    return SPONGE_OK;
}

static enum sponge_err mem_recv(void *self, struct byte_view *d, bool *got) {
    (void)self;
    (void)d;
    *got = false; /* tests deliver with tcp_host_datagram_received */
    return SPONGE_OK;
}

static const struct ipv4_carrier_ops mem_ops = {.send = mem_send, .recv = mem_recv};

/* A datagram the host sent, parsed (payload copied out, so it outlives the ring slot). */
struct sent {
    struct ipv4_header ip;
    struct tcp_segment seg;
    uint8_t payload[MEM_DGRAM];
    size_t payload_len;
};

static inline bool mem_pop(struct mem_carrier *m, struct sent *out) {
    if (m->count == 0) {
        return false;
    }
    size_t at = m->head;
    m->head = (m->head + 1) % MEM_SLOTS;
    m->count--;
    size_t off = 0;
    if (ipv4_header_parse(m->buf[at], m->len[at], &out->ip, &off) != SPONGE_OK ||
        tcp_segment_parse(m->buf[at] + off, out->ip.total_len - off, out->ip.src, out->ip.dst, true, &out->seg) !=
            SPONGE_OK) {
        return false;
    }
    out->payload_len = byte_view2_len(&out->seg.payload);
    byte_view2_copy(&out->seg.payload, out->payload);
    out->seg.payload = byte_view2_of(out->payload, out->payload_len);
    return true;
}

static inline void host_cfg(struct tcp_host_config *cfg, uint32_t isn) {
    tcp_host_config_default(cfg);
    cfg->local_addr = HOST_ADDR;
    cfg->tcp.fixed_isn_set = true;
    cfg->tcp.fixed_isn = isn;
}

static inline void host_begin(struct harness *h, struct tcp_host *host, struct mem_carrier *m, const char *name,
                              const struct tcp_host_config *cfg) {
    harness_begin(h, name);
    memset(m, 0, sizeof *m);
    STEP(h, "host %u connections, %u half-open per listener", (unsigned)cfg->max_connections,
         (unsigned)cfg->max_half_open);
    if (tcp_host_init(host, cfg, (struct ipv4_carrier){&mem_ops, m}) != SPONGE_OK) {
        FAIL(h, "tcp_host_init failed");
    }
}

static inline int host_end(struct harness *h, struct tcp_host *host, struct mem_carrier *m) {
    tcp_host_destroy(host);
    if (m->overflow) {
        FAIL(h, "the test carrier overflowed");
    }
    return harness_end(h);
}

/* A segment from a peer: flags as letters ("S", "SA", "A", "F", "FA", "R", "RA", "PA"). */
struct peer_seg {
    uint32_t src;
    uint16_t sport;
    uint16_t dport;
    const char *flags;
    uint32_t seq;
    uint32_t ack;
    const char *data;
    uint16_t win;
};

/* The datagram of segment p to the host in dgram[0..MEM_DGRAM); returns its length (0 if the
 * segment does not fit); *seg gets the segment (its payload a view of p.data). */
static inline size_t peer_datagram(struct peer_seg p, uint8_t *dgram, struct tcp_segment *seg) {
    *seg = (struct tcp_segment){0};
    seg->header.sport = p.sport;
    seg->header.dport = p.dport;
    seg->header.seqno = wrap32_of(p.seq);
    seg->header.ackno = wrap32_of(p.ack);
    seg->header.win = p.win ? p.win : 65535;
    seg->header.syn = strchr(p.flags, 'S') != NULL;
    seg->header.ack = strchr(p.flags, 'A') != NULL;
    seg->header.fin = strchr(p.flags, 'F') != NULL;
    seg->header.rst = strchr(p.flags, 'R') != NULL;
    seg->header.psh = strchr(p.flags, 'P') != NULL;
    size_t dlen = p.data ? strlen(p.data) : 0;
    seg->payload = byte_view2_of(p.data, dlen);
    size_t tcp_len = 0;
    if (tcp_segment_serialize(seg, p.src, HOST_ADDR, dgram + IPV4_MIN_HEADER_LEN, MEM_DGRAM - IPV4_MIN_HEADER_LEN,
                              &tcp_len) != SPONGE_OK) {
        return 0;
    }
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_TCP, p.src, HOST_ADDR, (uint16_t)tcp_len);
    size_t ip_len = 0;
    ipv4_header_serialize(&ip, dgram, IPV4_MIN_HEADER_LEN, &ip_len);
    return ip_len + tcp_len;
}

static inline void peer_send(struct harness *h, const char *file, int line, struct tcp_host *host, struct peer_seg p) {
    uint8_t dgram[MEM_DGRAM];
    struct tcp_segment seg;
    size_t len = peer_datagram(p, dgram, &seg);
    if (len == 0) {
        harness_fail(h, file, line, "segment does not fit");
    }
    char desc[160];
    harness_step(h, file, line, "peer .%u:%u -> :%u sends %s", (unsigned)(p.src & 0xff), (unsigned)p.sport,
                 (unsigned)p.dport, tcp_segment_describe(&seg, desc, sizeof desc));
    tcp_host_datagram_received(host, dgram, len);
}

#define PEER(h, host, ...) peer_send((h), __FILE__, __LINE__, (host), (struct peer_seg){__VA_ARGS__})

/* What to check in the next datagram sent (unset fields are not checked). */
struct expect_out {
    uint32_t dst;
    uint16_t dport;
    enum tri syn, ack, rst, fin;
    struct opt_u64 seq, ackno, len;
    const char *data;
};

static inline void expect_out(struct harness *h, const char *file, int line, struct mem_carrier *m, struct expect_out e,
                              struct sent *got) {
    harness_step(h, file, line, "expect the host to send a segment");
    struct sent s;
    if (!mem_pop(m, &s)) {
        harness_fail(h, file, line, "the host sent nothing (or something that does not parse)");
    }
    char desc[160];
    harness_note(h, "  host sent to .%u:%u: %s", (unsigned)(s.ip.dst & 0xff), (unsigned)s.seg.header.dport,
                 tcp_segment_describe(&s.seg, desc, sizeof desc));
    const struct tcp_header *hd = &s.seg.header;
    if (e.dst) {
        harness_expect_u64(h, file, line, "destination address", e.dst, s.ip.dst);
    }
    if (e.dport) {
        harness_expect_u64(h, file, line, "destination port", e.dport, hd->dport);
    }
    harness_expect_tri(h, file, line, "SYN", e.syn, hd->syn);
    harness_expect_tri(h, file, line, "ACK", e.ack, hd->ack);
    harness_expect_tri(h, file, line, "RST", e.rst, hd->rst);
    harness_expect_tri(h, file, line, "FIN", e.fin, hd->fin);
    harness_expect_opt(h, file, line, "seqno", e.seq, hd->seqno.raw);
    harness_expect_opt(h, file, line, "ackno", e.ackno, hd->ackno.raw);
    harness_expect_opt(h, file, line, "payload length", e.len, s.payload_len);
    if (e.data) {
        harness_expect_bytes(h, file, line, "payload", e.data, strlen(e.data), s.payload, s.payload_len);
    }
    if (got) {
        *got = s;
    }
}

#define EXPECT_OUT(h, m, got, ...) expect_out((h), __FILE__, __LINE__, (m), (struct expect_out){__VA_ARGS__}, (got))
#define EXPECT_NOTHING(h, m) EXPECT_EQ((h), "datagrams sent", 0, (m)->count)

static inline void host_flush(struct harness *h, const char *file, int line, struct tcp_host *host) {
    harness_step(h, file, line, "flush");
    harness_expect_u64(h, file, line, "flush result", SPONGE_OK, tcp_host_flush(host));
}
#define FLUSH(h, host) host_flush((h), __FILE__, __LINE__, (host))

/* Pops events until one for `id` (listener or not) shows up; returns its bits (0 if none). */
static inline unsigned host_events_for(struct tcp_host *host, bool listener, uint32_t id) {
    struct tcp_host_event ev[64];
    unsigned bits = 0;
    size_t n;
    while ((n = tcp_host_events(host, ev, 64)) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (ev[i].listener == listener && ev[i].id == id) {
                bits |= ev[i].events;
            }
        }
    }
    return bits;
}

#endif
