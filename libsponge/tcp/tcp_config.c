#include "tcp/tcp_config.h"

void tcp_config_default(struct tcp_config *cfg) {
    *cfg = (struct tcp_config){
        .recv_capacity = TCP_DEFAULT_CAPACITY,
        .send_capacity = TCP_DEFAULT_CAPACITY,
        .max_payload = TCP_DEFAULT_MAX_PAYLOAD,
        .rt_timeout = TCP_DEFAULT_RT_TIMEOUT,
        .max_retx_attempts = TCP_DEFAULT_MAX_RETX_ATTEMPTS,
        .max_in_flight = TCP_DEFAULT_MAX_IN_FLIGHT,
        .fixed_isn_set = false,
        .fixed_isn = 0,
        .min_rto = TCP_MODERN_MIN_RTO,
        .max_rto = TCP_MODERN_MAX_RTO,
        .congestion = TCP_CC_NONE,
        .delayed_ack_ms = TCP_MODERN_DELAYED_ACK_MS,
        .keepalive_probes = TCP_MODERN_KEEPALIVE_PROBES,
    };
}

void tcp_config_set_modern(struct tcp_config *cfg, bool on) {
    cfg->modern = on;
    cfg->opt_mss = on;
    cfg->opt_window_scale = on;
    cfg->opt_timestamps = on;
    cfg->opt_sack_permitted = on;
    cfg->rtt_estimation = on;
    cfg->congestion = on ? TCP_CC_NEWRENO : TCP_CC_NONE;
    cfg->nagle = on;
    cfg->delayed_ack = on;
    cfg->persist_backoff = on;
    cfg->tail_loss_probe = on;
    cfg->recv_capacity = on ? TCP_MODERN_CAPACITY : TCP_DEFAULT_CAPACITY;
    cfg->send_capacity = on ? TCP_MODERN_CAPACITY : TCP_DEFAULT_CAPACITY;
    cfg->max_payload = on ? TCP_MODERN_MAX_PAYLOAD : TCP_DEFAULT_MAX_PAYLOAD;
    cfg->max_in_flight = on ? 0 : TCP_DEFAULT_MAX_IN_FLIGHT;
    cfg->ignore_stale_windows = on;
    cfg->challenge_acks = on;
    cfg->challenge_ack_limit = on ? TCP_MODERN_CHALLENGE_ACK_LIMIT : 0;
    cfg->time_wait_backoff = on;
    cfg->strict_idle_clock = on;
}
