/* The TCP parser (with options), then serialize + parse again with checksum verification:
 * every field and option we understand survives the round trip (SACK blocks that do not fit
 * next to the other options may be left out, the last first), and the payload is unchanged. */
#include "fuzz_targets.h"
#include "wire/tcp.h"

#include <string.h>

#define SRC 0xa9fe9001u
#define DST 0xa9fe9002u

static void check_same_options(const struct tcp_options *a, const struct tcp_options *b) {
    FUZZ_CHECK(a->has_mss == b->has_mss && (!a->has_mss || a->mss == b->mss));
    FUZZ_CHECK(a->has_window_scale == b->has_window_scale &&
               (!a->has_window_scale || a->window_scale == b->window_scale));
    FUZZ_CHECK(a->sack_permitted == b->sack_permitted);
    FUZZ_CHECK(a->has_timestamps == b->has_timestamps &&
               (!a->has_timestamps || (a->ts_val == b->ts_val && a->ts_ecr == b->ts_ecr)));
    /* b is the reparsed copy: a prefix of a's SACK blocks. */
    FUZZ_CHECK(b->sack_count <= a->sack_count);
    for (unsigned i = 0; i < b->sack_count; i++) {
        FUZZ_CHECK(seq_eq(a->sack[i].left, b->sack[i].left) && seq_eq(a->sack[i].right, b->sack[i].right));
    }
}

int fuzz_tcp_parse(const uint8_t *data, size_t len) {
    if (len > 65535) {
        len = 65535; /* the parser's precondition: an IPv4 payload */
    }
    struct tcp_segment seg;
    if (tcp_segment_parse(data, len, SRC, DST, false, &seg) != SPONGE_OK) {
        return 0;
    }
    const struct tcp_header *h = &seg.header;
    size_t hlen = (size_t)h->data_offset * 4;
    FUZZ_CHECK(hlen >= TCP_MIN_HEADER_LEN && hlen <= len);
    FUZZ_CHECK(seg.payload.part[0].data == data + hlen && byte_view2_len(&seg.payload) == len - hlen);
    FUZZ_CHECK(h->opts.sack_count <= TCP_MAX_SACK_BLOCKS);
    char line[40];
    tcp_segment_describe(&seg, line, sizeof line);
    FUZZ_CHECK(strlen(line) < sizeof line);

    size_t new_hlen = tcp_header_length(h);
    if (new_hlen + byte_view2_len(&seg.payload) > 65535) {
        return 0; /* serialize's precondition; a longer header cannot be re-sent with this payload */
    }
    static const size_t cap = 65536 + TCP_MAX_HEADER_LEN;
    uint8_t out[65536 + TCP_MAX_HEADER_LEN];
    size_t written = 0;
    FUZZ_CHECK(tcp_segment_serialize(&seg, SRC, DST, out, cap, &written) == SPONGE_OK);
    FUZZ_CHECK(written == new_hlen + byte_view2_len(&seg.payload) && new_hlen % 4 == 0);
    struct tcp_segment again;
    FUZZ_CHECK(tcp_segment_parse(out, written, SRC, DST, true, &again) == SPONGE_OK);
    const struct tcp_header *g = &again.header;
    FUZZ_CHECK((size_t)g->data_offset * 4 == new_hlen);
    FUZZ_CHECK(g->sport == h->sport && g->dport == h->dport && seq_eq(g->seqno, h->seqno) &&
               seq_eq(g->ackno, h->ackno) && g->win == h->win && g->urgent_ptr == h->urgent_ptr);
    FUZZ_CHECK(g->urg == h->urg && g->ack == h->ack && g->psh == h->psh && g->rst == h->rst && g->syn == h->syn &&
               g->fin == h->fin);
    check_same_options(&h->opts, &g->opts);
    FUZZ_CHECK(byte_view2_len(&again.payload) == byte_view2_len(&seg.payload));
    FUZZ_CHECK(memcmp(again.payload.part[0].data, data + hlen, len - hlen) == 0);
    /* A second round trip changes nothing at all. */
    uint8_t out2[65536 + TCP_MAX_HEADER_LEN];
    size_t written2 = 0;
    FUZZ_CHECK(tcp_segment_serialize(&again, SRC, DST, out2, cap, &written2) == SPONGE_OK);
    FUZZ_CHECK(written2 == written && memcmp(out, out2, written) == 0);
    return 0;
}
