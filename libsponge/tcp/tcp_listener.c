#include "tcp/tcp_listener.h"

#include <assert.h>
#include <stdlib.h>

enum sponge_err tcp_listener_init(struct tcp_listener *l, uint16_t port, uint32_t backlog, uint32_t max_half_open) {
    assert(backlog > 0 && max_half_open > 0);
    *l = (struct tcp_listener){.port = port, .backlog = backlog, .max_half_open = max_half_open};
    l->queue = malloc((size_t)backlog * sizeof *l->queue);
    return l->queue ? SPONGE_OK : SPONGE_ERR_NO_MEMORY;
}

void tcp_listener_destroy(struct tcp_listener *l) {
    free(l->queue);
    l->queue = NULL;
}

uint16_t tcp_listener_port(const struct tcp_listener *l) {
    return l->port;
}

enum tcp_listener_verdict tcp_listener_admit_syn(struct tcp_listener *l, bool cookies) {
    if (l->len >= l->backlog) {
        l->counters.syn_drop_queue_full++;
        return TCP_LISTENER_DROP;
    }
    if (l->half_open >= l->max_half_open) {
        if (cookies) {
            l->counters.cookies_sent++;
            return TCP_LISTENER_COOKIE;
        }
        l->counters.syn_drop_half_open++;
        return TCP_LISTENER_DROP;
    }
    l->half_open++;
    l->counters.syns++;
    return TCP_LISTENER_ADMIT;
}

bool tcp_listener_admit_ack(struct tcp_listener *l) {
    if (l->len >= l->backlog) {
        l->counters.ack_drop_queue_full++;
        return false;
    }
    return true;
}

bool tcp_listener_cookie_ack(struct tcp_listener *l, enum syn_cookie_result r) {
    switch (r) {
        case SYN_COOKIE_OK:
            break;
        case SYN_COOKIE_BAD:
            l->counters.cookie_acks_rejected++;
            return false;
        case SYN_COOKIE_BAD_TIMESTAMP:
            l->counters.cookie_acks_bad_ts++;
            return false;
    }
    l->counters.cookies_validated++;
    if (l->len >= l->backlog) {
        l->counters.cookie_drop_queue_full++;
        return false;
    }
    return true;
}

void tcp_listener_cookie_no_slot(struct tcp_listener *l) {
    l->counters.cookie_drop_no_slot++;
}

void tcp_listener_half_open_done(struct tcp_listener *l) {
    assert(l->half_open > 0);
    l->half_open--;
}

bool tcp_listener_enqueue(struct tcp_listener *l, uint32_t id) {
    if (l->len >= l->backlog) {
        return false;
    }
    l->queue[(l->head + l->len) % l->backlog] = id;
    l->len++;
    l->counters.queued++;
    return true;
}

bool tcp_listener_accept(struct tcp_listener *l, uint32_t *id) {
    if (l->len == 0) {
        return false;
    }
    *id = l->queue[l->head];
    l->head = (l->head + 1) % l->backlog;
    l->len--;
    l->counters.accepted++;
    return true;
}

uint32_t tcp_listener_pending(const struct tcp_listener *l) {
    return l->len;
}

uint32_t tcp_listener_half_open(const struct tcp_listener *l) {
    return l->half_open;
}
