#ifndef SPONGE_TCP_TCP_LISTENER_H
#define SPONGE_TCP_TCP_LISTENER_H
/* A listening socket's bookkeeping (RFC 9293 3.5's passive OPEN, with the limits a real
 * server needs): how many connections are half-open (SYN received, handshake not finished),
 * and the accept queue of connections whose handshake finished but that the application has
 * not accepted yet. Both are bounded, so a SYN flood or a slow application cannot make the
 * host grow; what is refused is counted. With SYN cookies on (tcp/syn_cookie.h, RFC 4987
 * 3.6), a SYN that finds the half-open places taken is answered with a cookie instead of being
 * dropped, and a valid cookie ACK makes a connection that goes straight to the accept queue.
 * Connections are named by the host's ids. Pure. */
#include "tcp/syn_cookie.h"
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
    /* SYN cookies (modern mode) */
    uint64_t cookies_sent;           /* SYNs answered with a cookie: the half-open places were taken */
    uint64_t cookies_validated;      /* ACKs whose cookie checked: a connection was made */
    uint64_t cookie_acks_rejected;   /* ACKs to the port (no connection) whose cookie did not check */
    uint64_t cookie_acks_bad_ts;     /* ... whose cookie checked but TSecr did not */
    uint64_t cookie_drop_queue_full; /* valid cookie ACKs dropped: the accept queue was full */
    uint64_t cookie_drop_no_slot;    /* valid cookie ACKs dropped: no connection slot or memory */
};

/** What to do with a SYN (tcp_listener_admit_syn). */
enum tcp_listener_verdict {
    TCP_LISTENER_ADMIT,  /* make a half-open connection */
    TCP_LISTENER_COOKIE, /* answer with a SYN cookie, keep nothing */
    TCP_LISTENER_DROP,   /* drop it (counted) */
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

/** A SYN arrived for a new connection. ADMIT if it may become a half-open connection (which
 *  the listener then counts); with `cookies`, COOKIE when the half-open places are taken (the
 *  caller answers it with syn_cookie_answer; counted as cookies_sent); otherwise DROP, counted
 *  by reason (a full accept queue drops even with cookies, as Linux does). */
enum tcp_listener_verdict tcp_listener_admit_syn(struct tcp_listener *l, bool cookies);

/** True if a handshake may complete now (the accept queue has room); otherwise counts the
 *  completing ACK as dropped and returns false. */
bool tcp_listener_admit_ack(struct tcp_listener *l);

/** An ACK to the port that belongs to no connection was checked as a SYN cookie's
 *  (syn_cookie_check gave `r`): counts it; true if a connection may be made from it now (the
 *  cookie is good and the accept queue has room, else cookie_drop_queue_full is counted). */
bool tcp_listener_cookie_ack(struct tcp_listener *l, enum syn_cookie_result r);

/** A good cookie ACK found no connection slot (or no memory) in the host: counts it. */
void tcp_listener_cookie_no_slot(struct tcp_listener *l);

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
