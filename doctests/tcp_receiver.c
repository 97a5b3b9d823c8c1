/* TCPReceiver in a few lines: a SYN carrying data, then the FIN; the ackno and window to
 * advertise; the bytes read from the inbound stream. */
#include "tcp/tcp_receiver.h"

#include <stdio.h>
#include <string.h>

int main(void) {
    struct tcp_receiver rx;
    if (tcp_receiver_init(&rx, 1000) != SPONGE_OK) {
        return 1;
    }
    struct wrap32 ackno = {0};
    bool has_ackno = tcp_receiver_ackno(&rx, &ackno); /* false: no ackno before the SYN */

    /* The peer's ISN is 4000; the SYN carries "hello" (seqnos 4001..4005). */
    struct tcp_segment seg = {.header = {.syn = true, .seqno = wrap32_of(4000)}, .payload = byte_view2_of("hello", 5)};
    tcp_receiver_segment_received(&rx, &seg);
    /* Then " world" and the FIN. */
    seg =
        (struct tcp_segment){.header = {.fin = true, .seqno = wrap32_of(4006)}, .payload = byte_view2_of(" world", 6)};
    tcp_receiver_segment_received(&rx, &seg);

    has_ackno = !has_ackno && tcp_receiver_ackno(&rx, &ackno);
    printf("ackno %u, window %zu, state %s\n", (unsigned)ackno.raw, tcp_receiver_window_size(&rx),
           tcp_receiver_state(&rx));

    char text[32] = {0};
    size_t n = byte_stream_read(tcp_receiver_stream_out(&rx), text, sizeof text - 1);
    bool eof = byte_stream_eof(tcp_receiver_stream_out(&rx));
    printf("read %zu bytes: \"%s\", eof %d\n", n, text, eof);
    tcp_receiver_destroy(&rx);
    /* SYN + 11 bytes + FIN: the ackno is 4013. */
    return has_ackno && ackno.raw == 4013 && strcmp(text, "hello world") == 0 && eof ? 0 : 1;
}
