/* TCPConnection in a few lines: two endpoints wired back to back in memory. The client
 * connects, sends "ping" and closes; the server reads it, answers "pong" and closes. Time
 * passes only through tick(). */
#include "tcp/tcp_connection.h"

#include <stdio.h>
#include <string.h>

/* Hands every segment `from` has queued to `to`, at once (the payload view is short-lived). */
static void carry(struct tcp_connection *from, struct tcp_connection *to) {
    struct tcp_segment seg;
    while (tcp_connection_segments_out(from, &seg)) {
        tcp_connection_segment_received(to, &seg);
    }
}

int main(void) {
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    struct tcp_connection client, server;
    if (tcp_connection_init(&client, &cfg) != SPONGE_OK || tcp_connection_init(&server, &cfg) != SPONGE_OK) {
        return 1;
    }
    tcp_connection_connect(&client);
    tcp_connection_write(&client, "ping", 4); /* waits in the outbound stream until the handshake is done */
    tcp_connection_end_input_stream(&client);
    char got[2][8] = {{0}};
    for (int round = 0; round < 20; round++) {
        carry(&client, &server);
        carry(&server, &client);
        size_t n = byte_stream_read(tcp_connection_inbound_stream(&server), got[0], sizeof got[0] - 1);
        if (n > 0) {
            tcp_connection_write(&server, "pong", 4);
            tcp_connection_end_input_stream(&server);
        }
        byte_stream_read(tcp_connection_inbound_stream(&client), got[1], sizeof got[1] - 1);
        tcp_connection_tick(&client, 1);
        tcp_connection_tick(&server, 1);
    }
    printf("server read \"%s\", client read \"%s\"\n", got[0], got[1]);
    printf("client %s (lingers after an active close), server %s\n", tcp_state_name(tcp_connection_state(&client)),
           tcp_state_name(tcp_connection_state(&server)));
    bool ok = strcmp(got[0], "ping") == 0 && strcmp(got[1], "pong") == 0 &&
              tcp_connection_state(&client) == TCP_STATE_TIME_WAIT && tcp_connection_state(&server) == TCP_STATE_CLOSED;
    tcp_connection_tick(&client, 10 * cfg.rt_timeout);
    printf("after 10 x RTO the client is %s\n", tcp_state_name(tcp_connection_state(&client)));
    ok = ok && !tcp_connection_active(&client);
    tcp_connection_destroy(&client);
    tcp_connection_destroy(&server);
    return ok ? 0 : 1;
}
