/* TCPSender in brief: write to its stream, fill the window, pop segments, feed it acks. */

#include "tcp/tcp_sender.h"

#include <stdio.h>
#include <string.h>

int main(void) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    cfg.fixed_isn_set = true; /* a fixed ISN for the example; leave it unset for a random one */
    cfg.fixed_isn = 100;

    struct tcp_sender s;
    if (tcp_sender_init(&s, &cfg) != SPONGE_OK) {
        return 1;
    }
    struct tcp_segment seg;
    int bad = 0;

    tcp_sender_fill_window(&s); /* the first segment is the SYN */
    bad |= !tcp_sender_segments_out(&s, &seg) || !seg.header.syn || seg.header.seqno.raw != 100;

    tcp_sender_ack_received(&s, wrap32_of(101), 1000); /* the peer's SYN/ACK: window 1000 */
    byte_stream_write(tcp_sender_stream_in(&s), "hello", 5);
    tcp_sender_fill_window(&s);

    /* The payload is a view into the sender's stream: no copy was made. */
    char text[6] = {0};
    if (tcp_sender_segments_out(&s, &seg) && byte_view2_len(&seg.payload) == 5) {
        byte_view2_copy(&seg.payload, (uint8_t *)text);
        printf("seqno %u, payload \"%s\"\n", (unsigned)seg.header.seqno.raw, text);
    }
    bad |= strcmp(text, "hello") != 0;

    /* Nothing acknowledged: after the RTO the oldest segment comes again. */
    tcp_sender_tick(&s, cfg.rt_timeout);
    bad |= !tcp_sender_segments_out(&s, &seg) || seg.header.seqno.raw != 101;

    tcp_sender_ack_received(&s, wrap32_of(106), 1000);
    bad |= tcp_sender_bytes_in_flight(&s) != 0;
    printf("state %s\n", tcp_sender_state(&s));
    tcp_sender_destroy(&s);
    return bad;
}
