#include "adapters/ipv4_segment_out.h"

#include "wire/ipv4.h"

#include <assert.h>

enum sponge_err ipv4_segment_send(struct ipv4_carrier *c, uint32_t src, uint32_t dst, uint16_t ip_id,
                                  const struct tcp_segment *seg) {
    uint8_t headers[IPV4_MAX_HEADER_LEN + TCP_MAX_HEADER_LEN];
    size_t tcp_len = tcp_header_length(&seg->header) + byte_view2_len(&seg->payload);
    assert(tcp_len <= UINT16_MAX - IPV4_MAX_HEADER_LEN); /* max_payload is the caller's choice */
    struct ipv4_header ip;
    ipv4_header_init(&ip, IPV4_PROTO_TCP, src, dst, (uint16_t)tcp_len);
    ip.id = ip_id;
    size_t ip_len = 0, th_len = 0;
    enum sponge_err err = ipv4_header_serialize(&ip, headers, sizeof headers, &ip_len);
    if (err == SPONGE_OK) {
        err = tcp_header_serialize(seg, src, dst, headers + ip_len, sizeof headers - ip_len, &th_len);
    }
    assert(err == SPONGE_OK); /* the buffer holds the largest headers */
    const struct byte_view pieces[3] = {{headers, ip_len + th_len}, seg->payload.part[0], seg->payload.part[1]};
    return c->ops->send(c->self, pieces, seg->payload.part[1].len ? 3 : seg->payload.part[0].len ? 2 : 1);
}

void tcp_reset_for(const struct tcp_segment *seg, struct tcp_segment *rst) {
    assert(!seg->header.rst);
    *rst = (struct tcp_segment){0};
    rst->header.sport = seg->header.dport;
    rst->header.dport = seg->header.sport;
    rst->header.rst = true;
    if (seg->header.ack) {
        rst->header.seqno = seg->header.ackno;
    } else {
        rst->header.ack = true;
        rst->header.ackno = wrap32_add(seg->header.seqno, (uint32_t)tcp_segment_length_in_sequence_space(seg));
    }
}
