#include "adapters/tcp_host.h"

#include "adapters/ipv4_segment_out.h"
#include "adapters/isn.h"
#include "adapters/reassembly_config.h"
#include "net/icmp_reply.h"
#include "tcp/byte_stream.h"
#include "tcp/tcp_connection_cookie.h"
#include "wire/ipv4_datagram.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define NONE CONNECTION_TABLE_NONE

/* One connection slot. A slot is taken from the SYN (or connect) until the connection has
 * ended and nobody holds its handle. */
struct tcp_host_conn {
    struct tcp_connection conn;
    struct tcp_four_tuple tuple;
    uint32_t listener; /* the listener that made it, or NONE */
    uint32_t next_free, next_dirty, next_event, live_pos;
    bool used, in_table, half_open, in_accept_queue, app_owned, app_closed;
    bool dirty, event_queued, want_write, connected_reported, closed_reported;
    unsigned pending_events;
    uint64_t rx_seen;      /* inbound progress last reported READABLE (see rx_progress) */
    uint64_t orphan_ms;    /* time since the handle was closed with the connection active */
    uint64_t half_open_ms; /* time in SYN_RCVD */
};

void tcp_host_config_default(struct tcp_host_config *cfg) {
    *cfg = (struct tcp_host_config){
        .local_addr = (169u << 24) | (254u << 16) | (144u << 8) | 9u,
        .max_connections = 1024,
        .max_listeners = 8,
        .max_half_open = 256,
        .ephemeral_min = 32768,
        .ephemeral_max = 60999,
        .orphan_timeout_ms = 60000,
        .half_open_timeout_ms = 63000,
        .reassembly = reassembly_config_from_env(),
    };
    tcp_config_default(&cfg->tcp);
}

static struct tcp_host_conn *slot(const struct tcp_host *h, uint32_t id) {
    assert(id < h->cfg.max_connections && h->slots[id].used);
    return &h->slots[id];
}

/* A handle the application holds (asserted: using another is a caller bug). */
static struct tcp_host_conn *handle(const struct tcp_host *h, uint32_t id) {
    struct tcp_host_conn *s = slot(h, id);
    assert(s->app_owned && !s->app_closed);
    return s;
}

static uint32_t slot_id(const struct tcp_host *h, const struct tcp_host_conn *s) {
    return (uint32_t)(s - h->slots);
}

enum sponge_err tcp_host_init(struct tcp_host *h, const struct tcp_host_config *cfg, struct ipv4_carrier carrier) {
    assert(cfg->max_connections > 0 && cfg->max_listeners > 0 && cfg->max_half_open > 0);
    *h = (struct tcp_host){.cfg = *cfg,
                           .carrier = carrier,
                           .dirty_head = NONE,
                           .dirty_tail = NONE,
                           .event_head = NONE,
                           .event_tail = NONE};
    uint8_t keys[4 * SIPHASH_KEY_LEN];
    if (getrandom(keys, sizeof keys, 0) != (ssize_t)sizeof keys) {
        return SPONGE_ERR_SYSTEM;
    }
    memcpy(h->isn_key, keys + 2 * SIPHASH_KEY_LEN, SIPHASH_KEY_LEN);
    syn_cookies_init(&h->cookies, keys + 3 * SIPHASH_KEY_LEN);
    ephemeral_ports_init(&h->ports, cfg->ephemeral_min, cfg->ephemeral_max, keys + SIPHASH_KEY_LEN);
    if (connection_table_init(&h->table, cfg->max_connections, keys) != SPONGE_OK) {
        return SPONGE_ERR_NO_MEMORY;
    }
    uint32_t n = cfg->max_connections, l = cfg->max_listeners;
    h->slots = calloc(n, sizeof *h->slots);
    h->live = calloc(n, sizeof *h->live);
    h->listeners = calloc(l, sizeof *h->listeners);
    h->listener_used = calloc(l, sizeof *h->listener_used);
    h->listener_next_event = calloc(l, sizeof *h->listener_next_event);
    h->listener_event_queued = calloc(l, sizeof *h->listener_event_queued);
    if (!h->slots || !h->live || !h->listeners || !h->listener_used || !h->listener_next_event ||
        !h->listener_event_queued || ipv4_reassembler_init(&h->reasm, &cfg->reassembly) != SPONGE_OK) {
        tcp_host_destroy(h);
        return SPONGE_ERR_NO_MEMORY;
    }
    for (uint32_t i = 0; i < n; i++) {
        h->slots[i].next_free = i + 1 < n ? i + 1 : NONE;
    }
    h->free_head = 0;
    return SPONGE_OK;
}

/* --- lists: dirty slots (output to flush) and news (events) --------------------------- */

static void mark_dirty(struct tcp_host *h, struct tcp_host_conn *s) {
    if (s->dirty) {
        return;
    }
    s->dirty = true;
    s->next_dirty = NONE;
    uint32_t id = slot_id(h, s);
    if (h->dirty_tail == NONE) {
        h->dirty_head = id;
    } else {
        h->slots[h->dirty_tail].next_dirty = id;
    }
    h->dirty_tail = id;
}

/* Event queue entries: slot ids, and listeners as max_connections + listener. */
static uint32_t *event_next(struct tcp_host *h, uint32_t e) {
    return e < h->cfg.max_connections ? &h->slots[e].next_event : &h->listener_next_event[e - h->cfg.max_connections];
}

static void queue_event(struct tcp_host *h, uint32_t e) {
    *event_next(h, e) = NONE;
    if (h->event_tail == NONE) {
        h->event_head = e;
    } else {
        *event_next(h, h->event_tail) = e;
    }
    h->event_tail = e;
}

static void listener_news(struct tcp_host *h, uint32_t l) {
    if (!h->listener_event_queued[l]) {
        h->listener_event_queued[l] = true;
        queue_event(h, h->cfg.max_connections + l);
    }
}

/* Inbound progress: bytes that arrived, plus whether the stream ended or failed. */
static uint64_t rx_progress(struct tcp_host_conn *s) {
    struct byte_stream *in = tcp_connection_inbound_stream(&s->conn);
    return byte_stream_bytes_written(in) * 4 + (byte_stream_input_ended(in) ? 1 : 0) + (byte_stream_error(in) ? 2 : 0);
}

static bool handshake_done(enum tcp_state st) {
    return st != TCP_STATE_LISTEN && st != TCP_STATE_SYN_SENT && st != TCP_STATE_SYN_RCVD;
}

/* Works out what is new for the application on this handle and queues it. */
static void update_events(struct tcp_host *h, struct tcp_host_conn *s) {
    if (!s->app_owned || s->app_closed) {
        return;
    }
    unsigned ev = 0;
    uint64_t rx = rx_progress(s);
    if (rx != s->rx_seen) {
        s->rx_seen = rx;
        ev |= TCP_HOST_EV_READABLE;
    }
    bool active = tcp_connection_active(&s->conn);
    if (!s->connected_reported && active && handshake_done(tcp_connection_state(&s->conn))) {
        s->connected_reported = true;
        ev |= TCP_HOST_EV_WRITABLE;
    }
    if (s->want_write && active && tcp_connection_remaining_outbound_capacity(&s->conn) > 0) {
        s->want_write = false;
        ev |= TCP_HOST_EV_WRITABLE;
    }
    if (!active && !s->closed_reported) {
        s->closed_reported = true;
        ev |= TCP_HOST_EV_CLOSED;
    }
    s->pending_events |= ev;
    if (s->pending_events && !s->event_queued) {
        s->event_queued = true;
        queue_event(h, slot_id(h, s));
    }
}

/* --- slots ------------------------------------------------------------------------------ */

/* The listener on `port`, or NONE (a linear search: a host has a few listeners). */
static uint32_t listener_for(const struct tcp_host *h, uint16_t port) {
    for (uint32_t l = 0; l < h->cfg.max_listeners; l++) {
        if (h->listener_used[l] && tcp_listener_port(&h->listeners[l]) == port) {
            return l;
        }
    }
    return NONE;
}

static bool port_listening(const struct tcp_host *h, uint16_t port) {
    return listener_for(h, port) != NONE;
}

/* A connection that a valid SYN cookie vouches for: what the cookie kept, the ACK that brought it. */
struct cookie_open {
    const struct syn_cookie_syn *syn;
    const struct tcp_segment *ack;
};

/* Takes a free slot for a new connection on `tuple` and enters it in the table: a fresh one, or
 * with `ck` one made ESTABLISHED from a cookie. */
static enum sponge_err open_slot(struct tcp_host *h, const struct tcp_four_tuple *tuple, const struct cookie_open *ck,
                                 struct tcp_host_conn **out) {
    if (h->free_head == NONE) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    uint32_t id = h->free_head;
    struct tcp_host_conn *s = &h->slots[id];
    struct tcp_config cfg = h->cfg.tcp;
    if (!cfg.fixed_isn_set && !ck) {
        /* RFC 6528: M is the host's clock (the sum of ticks) in 4 us units. */
        struct isn_secret secret;
        memcpy(secret.key, h->isn_key, sizeof secret.key);
        cfg.fixed_isn = isn_compute(&secret, tuple->local_addr, tuple->local_port, tuple->remote_addr,
                                    tuple->remote_port, h->clock_ms * 1000u);
        cfg.fixed_isn_set = true;
    }
    /* A freed slot may still sit in the event queue (its news never popped): keep its link,
     * tcp_host_events skips it unless the new connection has news of its own. */
    uint32_t next_free = s->next_free, next_event = s->next_event;
    bool event_queued = s->event_queued;
    memset(s, 0, sizeof *s);
    s->next_event = next_event;
    s->event_queued = event_queued;
    enum sponge_err err =
        ck ? tcp_connection_init_from_cookie(&s->conn, &cfg, ck->syn, ck->ack) : tcp_connection_init(&s->conn, &cfg);
    if (err != SPONGE_OK) {
        s->next_free = next_free;
        return err;
    }
    h->free_head = next_free;
    s->used = true;
    s->tuple = *tuple;
    s->listener = NONE;
    s->in_table = connection_table_insert(&h->table, tuple, id);
    assert(s->in_table); /* the table has a place for every slot */
    s->live_pos = h->live_count;
    h->live[h->live_count++] = id;
    *out = s;
    return SPONGE_OK;
}

static void leave_table(struct tcp_host *h, struct tcp_host_conn *s) {
    if (s->in_table) {
        connection_table_remove(&h->table, &s->tuple);
        s->in_table = false;
    }
    if (s->half_open) {
        s->half_open = false;
        tcp_listener_half_open_done(&h->listeners[s->listener]);
    }
}

static void free_slot(struct tcp_host *h, struct tcp_host_conn *s) {
    leave_table(h, s);
    tcp_connection_destroy(&s->conn);
    uint32_t id = slot_id(h, s), last = h->live[--h->live_count];
    h->live[s->live_pos] = last;
    h->slots[last].live_pos = s->live_pos;
    s->used = false;
    s->next_free = h->free_head;
    h->free_head = id;
    h->counters.freed++;
}

/* After anything happened to a connection: handshake completion (accept queue), the end of
 * the connection (its tuple leaves the table), news for the application; output is due. */
static void after_activity(struct tcp_host *h, struct tcp_host_conn *s) {
    mark_dirty(h, s);
    bool active = tcp_connection_active(&s->conn);
    if (s->half_open && active && handshake_done(tcp_connection_state(&s->conn))) {
        struct tcp_listener *l = &h->listeners[s->listener];
        s->half_open = false;
        tcp_listener_half_open_done(l);
        if (tcp_listener_enqueue(l, slot_id(h, s))) {
            s->in_accept_queue = true;
            listener_news(h, s->listener);
        } else {
            /* admit_ack checked for room first, so only a segment that skipped it gets here */
            tcp_connection_abort(&s->conn);
        }
    }
    if (active && s->app_closed && !byte_stream_buffer_empty(tcp_connection_inbound_stream(&s->conn))) {
        /* Data for a closed handle can never be read: reset, as Linux does (RFC 2525 2.17). */
        tcp_connection_abort(&s->conn);
    }
    if (!tcp_connection_active(&s->conn)) {
        leave_table(h, s);
    }
    update_events(h, s);
}

/* --- output ----------------------------------------------------------------------------- */

static bool bare_ack(const struct tcp_segment *seg) {
    const struct tcp_header *hd = &seg->header;
    return !hd->syn && !hd->fin && !hd->rst && byte_view2_len(&seg->payload) == 0;
}

static enum sponge_err send_segment(struct tcp_host *h, struct tcp_host_conn *s, const struct tcp_segment *seg) {
    struct tcp_segment out = *seg;
    out.header.sport = s->tuple.local_port;
    out.header.dport = s->tuple.remote_port;
    if (out.header.syn && !out.header.opts.has_mss && h->cfg.tcp.max_payload <= UINT16_MAX) {
        /* Without an MSS option the peer would assume 536 bytes (RFC 9293 3.7.1). */
        out.header.opts.has_mss = true;
        out.header.opts.mss = (uint16_t)h->cfg.tcp.max_payload;
    }
    h->counters.datagrams_sent++;
    return ipv4_segment_send(&h->carrier, s->tuple.local_addr, s->tuple.remote_addr, h->next_ip_id++, &out);
}

/* Sends what one connection queued. Acknowledgment number and window are stamped when a
 * segment is popped, so a bare ACK followed by any other segment tells nothing new: only the
 * last of a run goes out (a cumulative ACK, RFC 9293 3.8.6.3). */
static enum sponge_err drain(struct tcp_host *h, struct tcp_host_conn *s) {
    struct tcp_segment seg, ack;
    bool ack_pending = false;
    enum sponge_err err = SPONGE_OK;
    while (err == SPONGE_OK && tcp_connection_segments_out(&s->conn, &seg)) {
        if (bare_ack(&seg)) {
            ack = seg;
            ack_pending = true;
            continue;
        }
        ack_pending = false;
        err = send_segment(h, s, &seg);
    }
    if (err == SPONGE_OK && ack_pending) {
        err = send_segment(h, s, &ack);
    }
    return err;
}

/* A slot is free to go once its connection ended and no handle or accept queue refers to it. */
static bool disposable(const struct tcp_host_conn *s) {
    return !tcp_connection_active(&s->conn) && (s->app_closed || (!s->app_owned && !s->in_accept_queue));
}

enum sponge_err tcp_host_flush(struct tcp_host *h) {
    enum sponge_err err = SPONGE_OK;
    while (h->dirty_head != NONE) {
        struct tcp_host_conn *s = &h->slots[h->dirty_head];
        h->dirty_head = s->next_dirty;
        s->dirty = false;
        enum sponge_err e = drain(h, s);
        if (err == SPONGE_OK) {
            err = e;
        }
        if (disposable(s)) {
            free_slot(h, s);
        }
    }
    h->dirty_tail = NONE;
    return err;
}

/* --- input ------------------------------------------------------------------------------ */

static void drop(struct tcp_host *h, enum tcp_host_drop why) {
    h->counters.dropped[why]++;
}

/* RFC 9293 3.10.7.1 (CLOSED): anything but a RST gets a RST. */
static void reset_reply(struct tcp_host *h, const struct ipv4_header *ip, const struct tcp_segment *seg) {
    if (seg->header.rst) {
        return;
    }
    struct tcp_segment rst;
    tcp_reset_for(seg, &rst);
    h->counters.rst_sent++;
    h->counters.datagrams_sent++;
    ipv4_segment_send(&h->carrier, ip->dst, ip->src, h->next_ip_id++, &rst);
}

/* An ACK to a listening port with no connection, with SYN cookies on: true if it returned a
 * valid cookie and became a connection in the accept queue (or was dropped for lack of room,
 * counted); false if the cookie did not check (the listener counted it). */
static bool cookie_ack(struct tcp_host *h, uint32_t l, const struct tcp_four_tuple *t, const struct tcp_segment *seg) {
    struct tcp_listener *lis = &h->listeners[l];
    struct syn_cookie_syn syn;
    enum syn_cookie_result r = syn_cookie_check(&h->cookies, t, &seg->header, &syn);
    if (!tcp_listener_cookie_ack(lis, r)) {
        if (r == SYN_COOKIE_OK) {
            drop(h, TCP_HOST_DROP_QUEUE_FULL); /* the peer retransmits, as after a lost ACK */
        }
        return r == SYN_COOKIE_OK;
    }
    struct cookie_open ck = {&syn, seg};
    struct tcp_host_conn *s;
    if (h->free_head == NONE || open_slot(h, t, &ck, &s) != SPONGE_OK) {
        tcp_listener_cookie_no_slot(lis);
        drop(h, TCP_HOST_DROP_NO_SLOT);
        return true;
    }
    h->counters.passive_opens++;
    h->counters.cookie_opens++;
    s->listener = l;
    bool queued = tcp_listener_enqueue(lis, slot_id(h, s));
    assert(queued); /* tcp_listener_cookie_ack saw room */
    (void)queued;
    s->in_accept_queue = true;
    listener_news(h, l);
    after_activity(h, s);
    return true;
}

/* A SYN that finds the listener's half-open places taken, with cookies on: the cookie SYN+ACK
 * goes out at once and nothing is kept (RFC 4987 3.6). */
static void send_cookie(struct tcp_host *h, const struct tcp_four_tuple *t, const struct tcp_segment *syn) {
    struct tcp_segment synack;
    syn_cookie_answer(&h->cookies, &h->cfg.tcp, t, &syn->header, &synack);
    h->counters.datagrams_sent++;
    ipv4_segment_send(&h->carrier, t->local_addr, t->remote_addr, h->next_ip_id++, &synack);
}

/* A segment for no connection, to a listening port (RFC 9293 3.10.7.2). */
static void to_listener(struct tcp_host *h, uint32_t l, const struct ipv4_header *ip, const struct tcp_four_tuple *t,
                        const struct tcp_segment *seg) {
    const struct tcp_header *hd = &seg->header;
    if (h->cfg.syn_cookies && hd->ack && !hd->syn && !hd->rst && cookie_ack(h, l, t, seg)) {
        return;
    }
    if (!hd->syn || hd->ack || hd->rst) {
        /* A RST is ignored, an ACK gets <SEQ=SEG.ACK><CTL=RST>, anything else is dropped. */
        drop(h, TCP_HOST_DROP_LISTEN_NOT_SYN);
        if (hd->ack) {
            reset_reply(h, ip, seg);
        }
        return;
    }
    if (h->free_head == NONE) {
        drop(h, TCP_HOST_DROP_NO_SLOT);
        return;
    }
    switch (tcp_listener_admit_syn(&h->listeners[l], h->cfg.syn_cookies)) {
        case TCP_LISTENER_ADMIT:
            break;
        case TCP_LISTENER_COOKIE:
            send_cookie(h, t, seg);
            return;
        case TCP_LISTENER_DROP:
            drop(h, TCP_HOST_DROP_LISTENER_LIMIT);
            return;
    }
    struct tcp_host_conn *s;
    if (open_slot(h, t, NULL, &s) != SPONGE_OK) {
        tcp_listener_half_open_done(&h->listeners[l]);
        drop(h, TCP_HOST_DROP_NO_SLOT);
        return;
    }
    h->counters.passive_opens++;
    s->listener = l;
    s->half_open = true;
    tcp_connection_segment_received(&s->conn, seg);
    after_activity(h, s);
}

/* RFC 1122 3.2.2.6: a host answers an echo request to its address. True if `d` was one; the
 * reply (a fresh header, the request's data as it is) goes out at once, not through a flush. */
static bool answer_echo(struct tcp_host *h, const struct ipv4_datagram *d) {
    uint8_t headers[ICMP_ECHO_REPLY_HEADERS_LEN];
    struct byte_view data;
    if (!icmp_echo_reply_headers(d, h->cfg.local_addr, headers, &data)) {
        return false;
    }
    const struct byte_view pieces[2] = {{headers, sizeof headers}, data};
    h->counters.icmp_echo_replied++;
    h->counters.datagrams_sent++;
    h->carrier.ops->send(h->carrier.self, pieces, data.len ? 2 : 1);
    return true;
}

/* An ICMP error about a segment of one of our connections goes to that connection (RFC 1122
 * 4.2.3.9; what it does: tcp/tcp_icmp.h). False if `d` is no such error. */
static bool icmp_error(struct tcp_host *h, const struct ipv4_datagram *d) {
    struct tcp_icmp_error e;
    struct tcp_four_tuple t;
    if (tcp_icmp_error_parse(d, &e, &t) != TCP_ICMP_PARSE_OK) {
        return false;
    }
    uint32_t id = connection_table_lookup(&h->table, &t);
    if (id == NONE) {
        return false;
    }
    struct tcp_host_conn *s = &h->slots[id];
    tcp_icmp_count(&h->counters.icmp, tcp_connection_icmp_error(&s->conn, &e));
    after_activity(h, s);
    return true;
}

void tcp_host_datagram_received(struct tcp_host *h, const uint8_t *buf, size_t len) {
    h->counters.datagrams_received++;
    struct ipv4_datagram d;
    if (ipv4_datagram_parse(buf, len, &d) != SPONGE_OK) {
        drop(h, TCP_HOST_DROP_BAD_IP);
        return;
    }
    if (d.header.dst != h->cfg.local_addr) {
        drop(h, TCP_HOST_DROP_NOT_OUR_ADDR);
        return;
    }
    /* RFC 791 3.2, RFC 1122 3.3.2: a fragment waits for the rest of its datagram (counted by
     * the reassembler); the whole datagram goes on from here, its payload in the reassembler
     * until the next fragment. An unfragmented datagram pays this test and nothing else. */
    if ((d.header.mf || d.header.frag_offset != 0) && !ipv4_reassembler_push(&h->reasm, &d, &d)) {
        return;
    }
    if (d.header.protocol != IPV4_PROTO_TCP) {
        if (!answer_echo(h, &d) && !icmp_error(h, &d)) {
            drop(h, d.header.protocol == IPV4_PROTO_ICMP ? TCP_HOST_DROP_ICMP : TCP_HOST_DROP_NOT_TCP);
        }
        return;
    }
    const struct ipv4_header *ip = &d.header;
    struct tcp_segment seg;
    enum sponge_err err = tcp_segment_parse(d.payload, d.payload_len, ip->src, ip->dst, true, &seg);
    if (err != SPONGE_OK) {
        drop(h, err == SPONGE_ERR_BAD_CHECKSUM ? TCP_HOST_DROP_BAD_CHECKSUM : TCP_HOST_DROP_BAD_TCP);
        return;
    }
    struct tcp_four_tuple t = {ip->dst, ip->src, seg.header.dport, seg.header.sport};
    uint32_t id = connection_table_lookup(&h->table, &t);
    if (id != NONE) {
        struct tcp_host_conn *s = &h->slots[id];
        const struct tcp_header *hd = &seg.header;
        if (s->half_open && hd->ack && !hd->rst && !hd->syn && tcp_connection_state(&s->conn) == TCP_STATE_SYN_RCVD &&
            !tcp_listener_admit_ack(&h->listeners[s->listener])) {
            drop(h, TCP_HOST_DROP_QUEUE_FULL);
            return;
        }
        tcp_connection_segment_received(&s->conn, &seg);
        after_activity(h, s);
        return;
    }
    uint32_t l = listener_for(h, t.local_port);
    if (l != NONE) {
        to_listener(h, l, ip, &t, &seg);
        return;
    }
    drop(h, TCP_HOST_DROP_NO_CONNECTION);
    reset_reply(h, ip, &seg);
}

enum sponge_err tcp_host_receive(struct tcp_host *h, size_t max, size_t *n) {
    *n = 0;
    while (*n < max) {
        struct byte_view d;
        bool got = false;
        enum sponge_err err = h->carrier.ops->recv(h->carrier.self, &d, &got);
        if (err != SPONGE_OK || !got) {
            return err;
        }
        tcp_host_datagram_received(h, d.data, d.len);
        (*n)++;
    }
    return SPONGE_OK;
}

enum sponge_err tcp_host_tick(struct tcp_host *h, uint64_t ms) {
    h->clock_ms += ms;
    syn_cookies_tick(&h->cookies, ms);
    ipv4_reassembler_tick(&h->reasm, ms);
    for (uint32_t i = 0; i < h->live_count; i++) {
        struct tcp_host_conn *s = &h->slots[h->live[i]];
        if (!tcp_connection_active(&s->conn)) {
            continue;
        }
        tcp_connection_tick(&s->conn, ms);
        if (s->half_open) {
            /* A SYN flood fills the half-open places with connections that never complete:
             * they must go well before the SYN-ACK retransmissions (up to 8, backed off) end. */
            s->half_open_ms += ms;
            if (s->half_open_ms >= h->cfg.half_open_timeout_ms && tcp_connection_active(&s->conn)) {
                tcp_connection_abort(&s->conn);
            }
        }
        if (s->app_closed && tcp_connection_active(&s->conn) &&
            tcp_connection_state(&s->conn) == TCP_STATE_FIN_WAIT_2) {
            /* Our FIN is acknowledged and nobody can read any more: if the peer never sends its
             * FIN, give up after orphan_timeout_ms (Linux's tcp_fin_timeout), so that a peer
             * cannot hold the slot forever. The other states end by retransmission limits. */
            s->orphan_ms += ms;
            if (s->orphan_ms >= h->cfg.orphan_timeout_ms) {
                tcp_connection_abort(&s->conn);
            }
        }
        after_activity(h, s);
    }
    return tcp_host_flush(h);
}

/* --- listeners and handles --------------------------------------------------------------- */

enum sponge_err tcp_host_listen(struct tcp_host *h, uint16_t port, uint32_t backlog, uint32_t *listener) {
    if (port_listening(h, port)) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    for (uint32_t l = 0; l < h->cfg.max_listeners; l++) {
        if (!h->listener_used[l]) {
            enum sponge_err err = tcp_listener_init(&h->listeners[l], port, backlog, h->cfg.max_half_open);
            if (err != SPONGE_OK) {
                return err;
            }
            h->listener_used[l] = true;
            *listener = l;
            return SPONGE_OK;
        }
    }
    return SPONGE_ERR_INVALID_ARGUMENT;
}

void tcp_host_unlisten(struct tcp_host *h, uint32_t listener) {
    assert(listener < h->cfg.max_listeners && h->listener_used[listener]);
    /* Its connections not yet accepted can never be: Linux resets them when a listening socket
     * closes (inet_csk_listen_stop). They leave the table and the listener's counts now
     * (after_activity) and are freed by the next flush, which sends their RSTs. A rare call:
     * a scan of the live connections is fine. */
    for (uint32_t i = 0; i < h->live_count; i++) {
        struct tcp_host_conn *s = &h->slots[h->live[i]];
        if (s->listener != listener || (!s->half_open && !s->in_accept_queue)) {
            continue;
        }
        s->in_accept_queue = false;
        tcp_connection_abort(&s->conn);
        after_activity(h, s);
    }
    tcp_listener_destroy(&h->listeners[listener]);
    h->listener_used[listener] = false; /* a queued event for it is skipped by tcp_host_events */
}

const struct tcp_listener_counters *tcp_host_listener_counters(const struct tcp_host *h, uint32_t listener) {
    assert(listener < h->cfg.max_listeners && h->listener_used[listener]);
    return &h->listeners[listener].counters;
}

const struct tcp_listener *tcp_host_listener(const struct tcp_host *h, uint32_t listener) {
    assert(listener < h->cfg.max_listeners && h->listener_used[listener]);
    return &h->listeners[listener];
}

bool tcp_host_accept(struct tcp_host *h, uint32_t listener, uint32_t *out) {
    assert(listener < h->cfg.max_listeners && h->listener_used[listener]);
    uint32_t id;
    if (!tcp_listener_accept(&h->listeners[listener], &id)) {
        return false;
    }
    struct tcp_host_conn *s = slot(h, id);
    s->in_accept_queue = false;
    s->app_owned = true;
    s->connected_reported = true; /* accept itself says so */
    update_events(h, s);          /* data or a FIN that came while it waited */
    *out = id;
    return true;
}

/* The candidate port of tcp_host_connect: usable if no connection has the 4-tuple it would
 * make and no listener has the port (RFC 6056 section 2.3: avoid ports in use). */
struct port_probe {
    const struct tcp_host *host;
    struct tcp_four_tuple tuple;
};

static bool port_usable(void *arg, uint16_t port) {
    struct port_probe *p = arg;
    p->tuple.local_port = port;
    return connection_table_lookup(&p->host->table, &p->tuple) == NONE && !port_listening(p->host, port);
}

enum sponge_err tcp_host_connect(struct tcp_host *h, uint32_t remote_addr, uint16_t remote_port, uint32_t *out) {
    if (h->free_head == NONE) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    struct port_probe probe = {h, {h->cfg.local_addr, remote_addr, 0, remote_port}};
    uint16_t port;
    if (!ephemeral_ports_pick(&h->ports, h->cfg.local_addr, remote_addr, remote_port, port_usable, &probe, &port)) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    probe.tuple.local_port = port;
    struct tcp_host_conn *s;
    enum sponge_err err = open_slot(h, &probe.tuple, NULL, &s);
    if (err != SPONGE_OK) {
        return err;
    }
    h->counters.active_opens++;
    s->app_owned = true;
    tcp_connection_connect(&s->conn);
    after_activity(h, s);
    *out = slot_id(h, s);
    return SPONGE_OK;
}

size_t tcp_host_read(struct tcp_host *h, uint32_t id, void *buf, size_t len) {
    struct tcp_host_conn *s = handle(h, id);
    /* The connection queues a window update when this read reopens the window (RFC 9293
     * 3.8.6.2.2); the next flush sends it. */
    uint64_t updates = tcp_connection_counters(&s->conn)->window_updates;
    size_t n = tcp_connection_read(&s->conn, buf, len);
    if (tcp_connection_counters(&s->conn)->window_updates != updates) {
        h->counters.window_updates++;
        mark_dirty(h, s);
    }
    return n;
}

size_t tcp_host_readable(struct tcp_host *h, uint32_t id) {
    return byte_stream_buffer_size(tcp_connection_inbound_stream(&handle(h, id)->conn));
}

bool tcp_host_eof(struct tcp_host *h, uint32_t id) {
    const struct byte_stream *in = tcp_connection_inbound_stream(&handle(h, id)->conn);
    return byte_stream_eof(in) || byte_stream_error(in);
}

size_t tcp_host_write(struct tcp_host *h, uint32_t id, const void *data, size_t len) {
    struct tcp_host_conn *s = handle(h, id);
    size_t n = tcp_connection_write(&s->conn, data, len);
    if (n < len) {
        s->want_write = true;
    }
    mark_dirty(h, s);
    return n;
}

size_t tcp_host_writable(struct tcp_host *h, uint32_t id) {
    struct tcp_host_conn *s = handle(h, id);
    return tcp_connection_active(&s->conn) ? tcp_connection_remaining_outbound_capacity(&s->conn) : 0;
}

void tcp_host_shutdown_write(struct tcp_host *h, uint32_t id) {
    struct tcp_host_conn *s = handle(h, id);
    tcp_connection_end_input_stream(&s->conn);
    mark_dirty(h, s);
}

void tcp_host_close(struct tcp_host *h, uint32_t id) {
    struct tcp_host_conn *s = handle(h, id);
    s->app_closed = true;
    if (tcp_connection_active(&s->conn)) {
        if (!handshake_done(tcp_connection_state(&s->conn))) {
            /* RFC 9293 3.10.4, CLOSE in SYN-SENT: delete the TCB; nothing goes to the peer. */
            tcp_connection_abort(&s->conn);
            struct tcp_segment discard;
            while (tcp_connection_segments_out(&s->conn, &discard)) {
            }
        } else if (!byte_stream_buffer_empty(tcp_connection_inbound_stream(&s->conn))) {
            tcp_connection_abort(&s->conn); /* unread data: RST (RFC 2525 2.17) */
        } else {
            tcp_connection_end_input_stream(&s->conn);
        }
    }
    after_activity(h, s); /* freed by the next flush once it has ended */
}

enum tcp_state tcp_host_state(const struct tcp_host *h, uint32_t id) {
    return tcp_connection_state(&slot(h, id)->conn);
}

struct tcp_four_tuple tcp_host_tuple(const struct tcp_host *h, uint32_t id) {
    return slot(h, id)->tuple;
}

size_t tcp_host_events(struct tcp_host *h, struct tcp_host_event *out, size_t max) {
    size_t n = 0;
    while (n < max && h->event_head != NONE) {
        uint32_t e = h->event_head;
        h->event_head = *event_next(h, e);
        if (h->event_head == NONE) {
            h->event_tail = NONE;
        }
        if (e >= h->cfg.max_connections) {
            uint32_t l = e - h->cfg.max_connections;
            h->listener_event_queued[l] = false;
            if (h->listener_used[l] && tcp_listener_pending(&h->listeners[l]) > 0) {
                out[n++] = (struct tcp_host_event){.listener = true, .id = l, .events = TCP_HOST_EV_ACCEPTABLE};
            }
            continue;
        }
        struct tcp_host_conn *s = &h->slots[e];
        s->event_queued = false;
        unsigned ev = s->pending_events;
        s->pending_events = 0;
        if (s->used && s->app_owned && !s->app_closed && ev) {
            out[n++] = (struct tcp_host_event){.listener = false, .id = e, .events = ev};
        }
    }
    return n;
}

const struct ipv4_reassembler *tcp_host_reassembler(const struct tcp_host *h) {
    return &h->reasm;
}

uint32_t tcp_host_connection_count(const struct tcp_host *h) {
    return h->live_count;
}

void tcp_host_destroy(struct tcp_host *h) {
    if (h->slots) {
        while (h->live_count > 0) {
            struct tcp_host_conn *s = &h->slots[h->live[h->live_count - 1]];
            drain(h, s);
            tcp_connection_destroy(&s->conn); /* an active one queues its RST: send it */
            struct tcp_segment rst;
            if (tcp_connection_segments_out(&s->conn, &rst)) {
                send_segment(h, s, &rst);
            }
            free_slot(h, s);
        }
    }
    if (h->listeners) {
        for (uint32_t l = 0; l < h->cfg.max_listeners; l++) {
            if (h->listener_used[l]) {
                tcp_listener_destroy(&h->listeners[l]);
            }
        }
    }
    connection_table_destroy(&h->table);
    ipv4_reassembler_destroy(&h->reasm);
    free(h->slots);
    free(h->live);
    free(h->listeners);
    free(h->listener_used);
    free(h->listener_next_event);
    free(h->listener_event_queued);
    *h = (struct tcp_host){0};
}
