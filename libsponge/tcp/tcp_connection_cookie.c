#include "tcp/tcp_connection_cookie.h"

enum sponge_err tcp_connection_init_from_cookie(struct tcp_connection *c, const struct tcp_config *cfg,
                                                const struct syn_cookie_syn *syn, const struct tcp_segment *ack) {
    struct tcp_config ccfg = *cfg;
    ccfg.fixed_isn_set = true;
    ccfg.fixed_isn = syn->our_isn.raw;
    enum sponge_err err = tcp_connection_init(c, &ccfg);
    if (err != SPONGE_OK) {
        return err;
    }
    /* The SYN as the cookie kept it. Its TSval is the ACK's: the peer's clock has not gone back
     * since (RFC 7323 5.3), so TS.Recent becomes the ACK's. */
    struct tcp_segment in = {.header = {.sport = ack->header.sport,
                                        .dport = ack->header.dport,
                                        .seqno = syn->peer_isn,
                                        .syn = true,
                                        .win = ack->header.win,
                                        .opts = {.has_mss = true,
                                                 .mss = syn->mss,
                                                 .has_window_scale = syn->window_scale,
                                                 .window_scale = syn->wscale,
                                                 .sack_permitted = syn->sack_permitted,
                                                 .has_timestamps = syn->timestamps,
                                                 .ts_val = syn->ts_val}}};
    tcp_connection_segment_received(c, &in);
    struct tcp_segment discard;
    while (tcp_connection_segments_out(c, &discard)) {
        /* our SYN+ACK: the cookie's went out long ago */
    }
    /* Karn's rule in spirit (RFC 6298 3): the replayed SYN+ACK was not sent now, so its ACK is
     * no RTT sample. */
    tcp_sender_forget_rtt_sample(&c->sender);
    in = *ack;
    in.header.opts.ts_ecr = 0; /* the echo is the cookie's TSval: no RTT sample either (RFC 7323 4) */
    tcp_connection_segment_received(c, &in);
    c->counters.segments_received--; /* the replayed SYN was not received */
    enum tcp_state st = tcp_connection_state(c);
    if (st != TCP_STATE_ESTABLISHED && st != TCP_STATE_CLOSE_WAIT) {
        tcp_connection_destroy(c);
        while (tcp_connection_segments_out(c, &discard)) {
        }
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    return SPONGE_OK;
}
