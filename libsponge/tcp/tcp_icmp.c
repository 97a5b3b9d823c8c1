#include "tcp/tcp_icmp.h"

#include "tcp/connection_modern.h"
#include "tcp/sender_pmtu.h"
#include "wire/icmp.h"
#include "wire/tcp.h"

#include <stddef.h>

/* Bytes of IPv4 and TCP headers without options. */
#define HEADERS_LEN (IPV4_MIN_HEADER_LEN + 20)
/* The timestamps option as every segment carries it once negotiated (NOP NOP kind len TSval TSecr). */
#define TIMESTAMPS_LEN 12
/* Source Quench (RFC 792; deprecated by RFC 6633). */
#define ICMP_SOURCE_QUENCH 4

static const char *const result_names[TCP_ICMP_RESULT_COUNT] = {
    [TCP_ICMP_ABORTED] = "aborted",
    [TCP_ICMP_MSS_LOWERED] = "mss_lowered",
    [TCP_ICMP_SOFT_ERROR] = "soft_error",
    [TCP_ICMP_IGNORED_LAB_MODE] = "ignored_lab_mode",
    [TCP_ICMP_IGNORED_NOT_ACTIVE] = "ignored_not_active",
    [TCP_ICMP_IGNORED_SEQNO] = "ignored_seqno",
    [TCP_ICMP_IGNORED_MTU] = "ignored_mtu",
    [TCP_ICMP_IGNORED_TYPE] = "ignored_type",
};

const char *tcp_icmp_result_name(enum tcp_icmp_result r) {
    return r < TCP_ICMP_RESULT_COUNT ? result_names[r] : "?";
}

void tcp_icmp_report(const struct tcp_icmp_counters *k, FILE *out) {
    fputs(" icmp_errors:", out);
    for (int r = 0; r < TCP_ICMP_RESULT_COUNT; r++) {
        fprintf(out, " %s=%llu", result_names[r], (unsigned long long)k->results[r]);
    }
}

enum tcp_icmp_parse tcp_icmp_error_parse(const struct ipv4_datagram *d, struct tcp_icmp_error *e,
                                         struct tcp_four_tuple *tuple) {
    if (d->header.protocol != IPV4_PROTO_ICMP || d->payload_len == 0 || icmp_type_is_query(d->payload[0])) {
        return TCP_ICMP_PARSE_NOT_ERROR;
    }
    struct icmp_header ih;
    struct byte_view body, first;
    struct ipv4_header quoted;
    if (icmp_message_parse(d->payload, d->payload_len, &ih, &body) != SPONGE_OK ||
        icmp_quote_parse(body.data, body.len, &quoted, &first) != SPONGE_OK || first.len < ICMP_QUOTE_MIN_PAYLOAD) {
        return TCP_ICMP_PARSE_BAD;
    }
    /* Only the first fragment holds the TCP header; ours are never fragmented anyway (DF). */
    if (quoted.protocol != IPV4_PROTO_TCP || quoted.frag_offset != 0) {
        return TCP_ICMP_PARSE_NOT_TCP;
    }
    /* RFC 792: the 8 bytes quoted of TCP are the ports and the sequence number. */
    const uint8_t *t = first.data;
    *tuple = (struct tcp_four_tuple){
        .local_addr = quoted.src,
        .remote_addr = quoted.dst,
        .local_port = (uint16_t)(t[0] << 8 | t[1]),
        .remote_port = (uint16_t)(t[2] << 8 | t[3]),
    };
    *e = (struct tcp_icmp_error){
        .type = ih.type,
        .code = ih.code,
        .next_hop_mtu =
            ih.type == ICMP_DEST_UNREACHABLE && ih.code == ICMP_UNREACH_FRAG_NEEDED ? icmp_next_hop_mtu(&ih) : 0,
        .quoted_total_len = quoted.total_len,
        .seqno = wrap32_of((uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7]),
    };
    return TCP_ICMP_PARSE_OK;
}

/* RFC 1191 section 7's plateaus: an old router's report (no MTU) means the path carries less
 * than the datagram it refused; the next plateau below is the guess (section 5). */
static uint16_t plateau_below(uint16_t len) {
    static const uint16_t plateaus[] = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};
    for (size_t i = 0; i < sizeof plateaus / sizeof plateaus[0]; i++) {
        if (plateaus[i] < len) {
            return plateaus[i];
        }
    }
    return 68;
}

/* RFC 5927 4.1: the quoted segment must be one we sent that is not yet acknowledged. */
static bool about_unacknowledged(const struct tcp_connection *c, struct wrap32 seqno) {
    int64_t back = -(int64_t)seq_diff(seqno, tcp_sender_next_seqno(&c->sender));
    return back > 0 && (uint64_t)back <= tcp_connection_bytes_in_flight(c);
}

static enum tcp_icmp_result frag_needed(struct tcp_connection *c, const struct tcp_icmp_error *e) {
    uint16_t mtu = e->next_hop_mtu ? e->next_hop_mtu : plateau_below(e->quoted_total_len);
    /* RFC 1191 section 3: never an increase; a router refuses only datagrams longer than its MTU. */
    if (e->quoted_total_len != 0 && mtu >= e->quoted_total_len) {
        return TCP_ICMP_IGNORED_MTU;
    }
    size_t pmtu = mtu < TCP_ICMP_MIN_PMTU ? TCP_ICMP_MIN_PMTU : mtu;
    /* The negotiated limit already takes the timestamps out of the peer's MSS (RFC 6691); the
     * path's limit counts every byte of the datagram. c->ext is set: modern mode. */
    size_t payload = pmtu - HEADERS_LEN - (c->ext->neg.timestamps ? TIMESTAMPS_LEN : 0);
    size_t agreed = tcp_negotiation_max_payload(&c->ext->neg);
    if (agreed < payload) {
        payload = agreed;
    }
    if (payload >= tcp_sender_max_payload(&c->sender)) {
        return TCP_ICMP_IGNORED_MTU;
    }
    tcp_sender_path_mtu_lowered(&c->sender, payload);
    return TCP_ICMP_MSS_LOWERED;
}

enum tcp_icmp_result tcp_connection_icmp_error(struct tcp_connection *c, const struct tcp_icmp_error *e) {
    if (!c->cfg.modern) {
        return TCP_ICMP_IGNORED_LAB_MODE;
    }
    if (!tcp_connection_active(c)) {
        return TCP_ICMP_IGNORED_NOT_ACTIVE;
    }
    if (e->type == ICMP_SOURCE_QUENCH || icmp_type_is_query(e->type)) {
        return TCP_ICMP_IGNORED_TYPE;
    }
    if (!about_unacknowledged(c, e->seqno)) {
        return TCP_ICMP_IGNORED_SEQNO;
    }
    if (e->type != ICMP_DEST_UNREACHABLE) {
        return TCP_ICMP_SOFT_ERROR; /* Time Exceeded, Parameter Problem, ... */
    }
    if (e->code == ICMP_UNREACH_FRAG_NEEDED) {
        return frag_needed(c, e);
    }
    bool refused = e->code == ICMP_UNREACH_PORT || e->code == ICMP_UNREACH_PROTOCOL;
    if (refused && tcp_connection_state(c) == TCP_STATE_SYN_SENT) {
        /* RFC 1122 4.2.3.9 / RFC 5461: a hard error ends a connection attempt. Like a
         * RST in SYN-SENT, nothing goes to the peer (the RST abort queues is discarded). */
        tcp_connection_abort(c);
        struct tcp_segment discard;
        while (tcp_connection_segments_out(c, &discard)) {
        }
        return TCP_ICMP_ABORTED;
    }
    return TCP_ICMP_SOFT_ERROR;
}
