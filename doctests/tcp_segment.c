/* Build a TCP segment, serialize it (with its IPv4 pseudo-header checksum), parse it back. */

#include "wire/ipv4.h"
#include "wire/tcp.h"

#include <stdio.h>
#include <string.h>

int main(void) {
    uint32_t src, dst;
    if (!ipv4_parse_address("169.254.144.9", &src) || !ipv4_parse_address("169.254.144.1", &dst)) {
        return 1;
    }

    /* A SYN offering MSS 1460 and timestamps, carrying two bytes owned by the caller. */
    struct tcp_segment seg = {.header = {.sport = 40000,
                                         .dport = 80,
                                         .seqno = wrap32_of(100),
                                         .syn = true,
                                         .win = 4000,
                                         .opts = {.has_mss = true, .mss = 1460}}};
    seg.header.opts.has_timestamps = true;
    seg.header.opts.ts_val = 7;
    seg.payload = byte_view2_of("hi", 2);

    uint8_t wire[TCP_MAX_HEADER_LEN + 2];
    size_t n = 0;
    if (tcp_segment_serialize(&seg, src, dst, wire, sizeof wire, &n) != SPONGE_OK ||
        n != tcp_header_length(&seg.header) + 2) {
        return 1;
    }

    /* Parse, verifying the checksum; the payload view points into `wire`. */
    struct tcp_segment back;
    enum sponge_err err = tcp_segment_parse(wire, n, src, dst, true, &back);
    if (err != SPONGE_OK) {
        fprintf(stderr, "parse: %s\n", sponge_strerror(err));
        return 1;
    }
    char text[128];
    tcp_segment_describe(&back, text, sizeof text);
    printf("%s\n", text);
    return strcmp(text, "S seq=100 win=4000 len=2 mss=1460 ts=7/0") == 0 &&
                   memcmp(back.payload.part[0].data, "hi", 2) == 0
               ? 0
               : 1;
}
