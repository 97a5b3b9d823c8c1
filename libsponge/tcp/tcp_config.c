#include "tcp/tcp_config.h"

void tcp_config_default(struct tcp_config *cfg) {
    *cfg = (struct tcp_config){
        .recv_capacity = TCP_DEFAULT_CAPACITY,
        .send_capacity = TCP_DEFAULT_CAPACITY,
        .max_payload = TCP_DEFAULT_MAX_PAYLOAD,
        .rt_timeout = TCP_DEFAULT_RT_TIMEOUT,
        .max_retx_attempts = TCP_DEFAULT_MAX_RETX_ATTEMPTS,
        .fixed_isn_set = false,
        .fixed_isn = 0,
    };
}
