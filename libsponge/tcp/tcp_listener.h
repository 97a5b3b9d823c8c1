#ifndef SPONGE_TCP_TCP_LISTENER_H
#define SPONGE_TCP_TCP_LISTENER_H
/* A listening socket's bookkeeping (RFC 9293 3.5's passive OPEN, with the limits a real
 * server needs): how many connections are half-open (SYN received, handshake not finished),
 * and the accept queue of connections whose handshake finished but that the application has
 * not accepted yet. Both are bounded, so a SYN flood or a slow application cannot make the
 * host grow; what is refused is counted. Connections are named by the host's ids. Pure. */
#include "util/error.h"

#include <stdbool.h>
#include <stdint.h>

struct tcp_listener_counters {
    uint64_t syns;                /* SYNs that made a half-open connection */
    uint64_t syn_drop_half_open;  /* SYNs dropped: max_half_open connections were half-open */
    uint64_t syn_drop_queue_full; /* SYNs dropped: the accept queue was full (as Linux does) */
    uint64_t ack_drop_queue_full; /* handshake-completing ACKs dropped: accept queue full; the
                                     peer retransmits, as with Linux's tcp_abort_on_overflow=0 */
    uint64_t queued;              /* connections that entered the accept queue */
    uint64_t accepted;            /* connections the application accepted */
};

struct tcp_listener {
    struct tcp_listener_counters counters; /* read freely */
    /* private */
    uint16_t port;
    uint32_t backlog;
    uint32_t max_half_open;
    uint32_t half_open;
    uint32_t *queue; /* ring of `backlog` ids */
    uint32_t head;
    uint32_t len;
};

/** Listens on `port` with an accept queue of `backlog` (> 0) and at most `max_half_open` (> 0)
 *  half-open connections. Returns SPONGE_OK or NO_MEMORY (nothing then to free). */
enum sponge_err tcp_listener_init(struct tcp_listener *l, uint16_t port, uint32_t backlog, uint32_t max_half_open);

/** Frees the queue (the connections in it are the host's to close). */
void tcp_listener_destroy(struct tcp_listener *l);

/** The port it listens on. */
uint16_t tcp_listener_port(const struct tcp_listener *l);

/** A SYN arrived for a new connection: true if it may become a half-open connection (which
 *  the listener then counts); false if a limit refuses it (counted by reason). */
bool tcp_listener_admit_syn(struct tcp_listener *l);

/** True if a handshake may complete now (the accept queue has room); otherwise counts the
 *  completing ACK as dropped and returns false. */
bool tcp_listener_admit_ack(struct tcp_listener *l);

/** A half-open connection left SYN_RCVD (established, reset or timed out). */
void tcp_listener_half_open_done(struct tcp_listener *l);

/** Puts connection `id` in the accept queue; false if it is full. */
bool tcp_listener_enqueue(struct tcp_listener *l, uint32_t id);

/** Pops the oldest connection of the accept queue into *id; false if the queue is empty. */
bool tcp_listener_accept(struct tcp_listener *l, uint32_t *id);

/** Connections waiting in the accept queue. */
uint32_t tcp_listener_pending(const struct tcp_listener *l);

/** Connections in SYN_RCVD. */
uint32_t tcp_listener_half_open(const struct tcp_listener *l);

#endif
