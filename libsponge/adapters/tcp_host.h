#ifndef SPONGE_ADAPTERS_TCP_HOST_H
#define SPONGE_ADAPTERS_TCP_HOST_H
/* A host: many TCPConnections over one IPv4 carrier, as a server needs. Incoming datagrams are
 * demultiplexed by 4-tuple (connection_table); SYNs to a listening port make half-open
 * connections that enter the listener's accept queue when the handshake completes
 * (tcp_listener); segments for no connection and no listener get the RST of RFC 9293 3.10.7.1.
 * Outgoing connections get an RFC 6056 ephemeral port and an RFC 6528 ISN. Below TCP, the host
 * reassembles IPv4 fragments (net/ipv4_reassembler, timed by tcp_host_tick), answers ICMP
 * echo requests to its address (RFC 1122 3.2.2.6), and hands ICMP errors about a connection's
 * segments to that connection (tcp/tcp_icmp.h: path MTU, refused connection attempts; counted
 * by result in counters.icmp).
 *
 * Single-threaded and non-blocking. The caller feeds datagrams (tcp_host_datagram_received,
 * or tcp_host_receive to pull them from the carrier), passes time (tcp_host_tick: the host
 * reads no clock; the ISN timer is the sum of ticks), works on connections through handles,
 * learns which handles have news from tcp_host_events, and calls tcp_host_flush to send what
 * all of that produced (segments are gathered per connection so one datagram carries the ACK
 * and the reply). Memory is allocated in init (slots, table, listeners, fragment reassembly)
 * and per connection (its streams), never per packet.
 *
 * A handle stays valid from accept/connect until tcp_host_close, even after the connection
 * ended (reads then give what is left, then EOF or the reset). The connection's 4-tuple is
 * freed as soon as it ends (CLOSED after the linger of an active close, or RESET). */
#include "adapters/ipv4_carrier.h"
#include "net/ipv4_reassembler.h"
#include "tcp/connection_table.h"
#include "tcp/ephemeral_ports.h"
#include "tcp/syn_cookie.h"
#include "tcp/tcp_config.h"
#include "tcp/tcp_connection.h"
#include "tcp/tcp_icmp.h"
#include "tcp/tcp_listener.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tcp_host_config {
    uint32_t local_addr;      /* our IPv4 address (host order) */
    struct tcp_config tcp;    /* every connection's configuration; with fixed_isn_set every
                                 connection uses fixed_isn (tests), else RFC 6528 ISNs */
    uint32_t max_connections; /* slots: connections of every state, handles not yet closed */
    uint32_t max_listeners;   /* listening ports */
    uint32_t max_half_open;   /* per listener, connections in SYN_RCVD */
    uint16_t ephemeral_min;   /* local ports of outgoing connections (RFC 6056: 1024..65535) */
    uint16_t ephemeral_max;
    uint32_t orphan_timeout_ms;    /* a closed handle's connection is reset after this long in
                                      FIN_WAIT_2 (Linux's tcp_fin_timeout, 60 s) */
    uint32_t half_open_timeout_ms; /* a connection still in SYN_RCVD after this long is dropped
                                      (Linux gives up after 5 SYN-ACK retransmissions, ~63 s) */
    bool syn_cookies;              /* a listener whose max_half_open places are taken answers
                                      SYNs with SYN cookies (tcp/syn_cookie.h, RFC 4987 3.6)
                                      instead of dropping them; ACKs to a listening port with
                                      no connection are checked as cookies */

    /* IPv4 fragment reassembly: its memory bounds and timeout */
    struct ipv4_reassembler_config reassembly;
};

/** Defaults: 169.254.144.9, tcp_config_default, 1024 connections, 8 listeners, 256 half-open,
 *  ports 32768..60999 (Linux's range), orphans reset after 60 s, half-open ones after 63 s,
 *  no SYN cookies (the apps turn them on in modern mode);
 *  reassembly as the single-connection carriers (reassembly_config_from_env: the unit's
 *  defaults, the timeout from SPONGE_FRAG_TIMEOUT_MS if set). */
void tcp_host_config_default(struct tcp_host_config *cfg);

/** Events of a handle (bits of tcp_host_event.events). */
enum {
    TCP_HOST_EV_READABLE = 1,   /* new inbound data, or EOF, or the reset: read */
    TCP_HOST_EV_WRITABLE = 2,   /* room again after a short write, or the handshake finished */
    TCP_HOST_EV_CLOSED = 4,     /* the connection ended (clean close, reset, or connect failed) */
    TCP_HOST_EV_ACCEPTABLE = 8, /* (listener) a connection waits in the accept queue */
};

struct tcp_host_event {
    bool listener; /* id is a listener (from tcp_host_listen), else a connection handle */
    uint32_t id;
    unsigned events; /* TCP_HOST_EV_* */
};

/** Why the host dropped an incoming datagram or segment. */
enum tcp_host_drop {
    TCP_HOST_DROP_BAD_IP,         /* IPv4 header did not parse */
    TCP_HOST_DROP_NOT_OUR_ADDR,   /* not addressed to local_addr */
    TCP_HOST_DROP_NOT_TCP,        /* another protocol (not TCP, not ICMP) */
    TCP_HOST_DROP_ICMP,           /* ICMP other than a valid echo request or an error about one of our
                                     connections' segments */
    TCP_HOST_DROP_BAD_TCP,        /* TCP header did not parse */
    TCP_HOST_DROP_BAD_CHECKSUM,   /* TCP checksum wrong */
    TCP_HOST_DROP_NO_CONNECTION,  /* for no connection (answered with a RST unless it was one) */
    TCP_HOST_DROP_LISTEN_NOT_SYN, /* to a listener, not a SYN nor a valid cookie ACK (RFC 9293
                                     3.10.7.2; bad cookies are counted by the listener too) */
    TCP_HOST_DROP_LISTENER_LIMIT, /* a SYN a listener's limits refused (tcp_listener counters) */
    TCP_HOST_DROP_QUEUE_FULL,     /* handshake-completing (or valid cookie) ACK, accept queue full */
    TCP_HOST_DROP_NO_SLOT,        /* a SYN (or valid cookie ACK) while max_connections slots were taken */
    TCP_HOST_DROP_COUNT
};

struct tcp_host_counters {
    uint64_t datagrams_received;
    uint64_t datagrams_sent;
    uint64_t rst_sent;          /* RSTs for segments that belonged to no connection */
    uint64_t icmp_echo_replied; /* echo requests to local_addr answered (RFC 1122 3.2.2.6) */
    uint64_t window_updates;    /* window updates queued because a read reopened the window */
    uint64_t passive_opens;     /* connections made by SYNs to a listener (or by their cookies) */
    uint64_t cookie_opens;      /* ... of which made ESTABLISHED by a valid SYN cookie ACK */
    uint64_t active_opens;      /* connections made by tcp_host_connect */
    uint64_t freed;             /* connections whose slot was freed */
    uint64_t dropped[TCP_HOST_DROP_COUNT];
    struct tcp_icmp_counters icmp; /* ICMP errors given to a connection, by what it did with them */
};

struct tcp_host_conn; /* a slot (private, in tcp_host.c) */

struct tcp_host {
    struct tcp_host_counters counters; /* read freely */
    /* private */
    struct tcp_host_config cfg;
    struct ipv4_carrier carrier;
    struct connection_table table;
    struct ephemeral_ports ports;
    struct ipv4_reassembler reasm;
    uint8_t isn_key[SIPHASH_KEY_LEN];
    struct syn_cookies cookies; /* its own key; its clock is the host's */
    struct tcp_host_conn *slots;
    uint32_t free_head;
    uint32_t *live; /* ids of slots with a connection, dense (for tick) */
    uint32_t live_count;
    uint32_t dirty_head, dirty_tail; /* slots that may have output (flush) */
    uint32_t event_head, event_tail; /* slots and listeners with news (events) */
    struct tcp_listener *listeners;
    bool *listener_used;
    uint32_t *listener_next_event;
    bool *listener_event_queued;
    uint64_t clock_ms; /* sum of ticks: the RFC 6528 timer */
    uint16_t next_ip_id;
};

/** Sets the host up on `carrier` (borrowed; it must outlive the host), with `cfg` (copied),
 *  drawing its secret keys (table hash, ports, ISNs, SYN cookies) with getrandom(2).
 *  Returns SPONGE_OK, NO_MEMORY or SYSTEM (no random bytes); on failure nothing is left to free. */
enum sponge_err tcp_host_init(struct tcp_host *h, const struct tcp_host_config *cfg, struct ipv4_carrier carrier);

/** Destroys every connection (active ones queue a RST, sent before returning if the carrier
 *  takes it) and frees everything. */
void tcp_host_destroy(struct tcp_host *h);

/** Listens on local port `port` with an accept queue of `backlog`. *listener gets the id for
 *  tcp_host_accept. INVALID_ARGUMENT if the port is already listening or no listener slot is
 *  free; NO_MEMORY. */
enum sponge_err tcp_host_listen(struct tcp_host *h, uint16_t port, uint32_t backlog, uint32_t *listener);

/** Stops listening (the id is free for tcp_host_listen again), as Linux does when a listening
 *  socket is closed: its half-open connections and the ones waiting in its accept queue are
 *  reset (a RST each, sent with the next flush) and freed; connections already accepted go on.
 *  SYNs to the port then get a RST (RFC 9293 3.10.7.1). */
void tcp_host_unlisten(struct tcp_host *h, uint32_t listener);

/** The listener's counters (SYNs admitted and dropped, accept queue). */
const struct tcp_listener_counters *tcp_host_listener_counters(const struct tcp_host *h, uint32_t listener);

/** The listener itself, to read (tcp_listener_pending, tcp_listener_half_open). */
const struct tcp_listener *tcp_host_listener(const struct tcp_host *h, uint32_t listener);

/** Pops the oldest completed connection of the listener's accept queue into *handle (now the
 *  caller's to close); false when none is waiting. */
bool tcp_host_accept(struct tcp_host *h, uint32_t listener, uint32_t *handle);

/** Opens a connection to remote_addr:remote_port (host order) from an ephemeral port: the SYN
 *  goes out with the next flush. *handle is the caller's to close; the handle becomes
 *  WRITABLE when established, CLOSED if the connect fails. INVALID_ARGUMENT if no port or slot
 *  is free, NO_MEMORY. */
enum sponge_err tcp_host_connect(struct tcp_host *h, uint32_t remote_addr, uint16_t remote_port, uint32_t *handle);

/** Reads up to `len` inbound bytes into `buf`; returns how many. If the read reopens a window
 *  that had shrunk below one MSS (tcp_connection_read's rule, RFC 9293 3.8.6.2.2), a window
 *  update (an empty ACK) goes out with the next flush. */
size_t tcp_host_read(struct tcp_host *h, uint32_t handle, void *buf, size_t len);

/** Inbound bytes ready to read. */
size_t tcp_host_readable(struct tcp_host *h, uint32_t handle);

/** True once the peer's FIN has been read past (nothing more will come), or the connection
 *  was reset. */
bool tcp_host_eof(struct tcp_host *h, uint32_t handle);

/** Writes up to `len` bytes to the outbound stream; returns how many it took. A short write
 *  makes the handle WRITABLE again when room frees up. */
size_t tcp_host_write(struct tcp_host *h, uint32_t handle, const void *data, size_t len);

/** Room in the outbound stream. */
size_t tcp_host_writable(struct tcp_host *h, uint32_t handle);

/** Ends our sending side (FIN after the queued data). */
void tcp_host_shutdown_write(struct tcp_host *h, uint32_t handle);

/** Gives the handle back. A connection still active goes on without it: it sends a FIN after
 *  queued data and is freed when it ends (the peer's data arriving after close answered with
 *  a RST; reset after orphan_timeout_ms in FIN_WAIT_2); if unread inbound data remain it is
 *  aborted with a RST (RFC 2525 2.17, as Linux does); a connect still in SYN-SENT is dropped
 *  without a word to the peer (RFC 9293 3.10.4). */
void tcp_host_close(struct tcp_host *h, uint32_t handle);

/** The connection's state (CLOSED or RESET once it ended). */
enum tcp_state tcp_host_state(const struct tcp_host *h, uint32_t handle);

/** The connection's 4-tuple. */
struct tcp_four_tuple tcp_host_tuple(const struct tcp_host *h, uint32_t handle);

/** Handles one incoming datagram buf[0..len) (not kept; fragments are copied into the
 *  reassembler). TCP output waits for tcp_host_flush; an echo reply is sent at once. */
void tcp_host_datagram_received(struct tcp_host *h, const uint8_t *buf, size_t len);

/** Pulls up to `max` datagrams from the carrier into tcp_host_datagram_received; *n gets how
 *  many. Errors are the carrier's. */
enum sponge_err tcp_host_receive(struct tcp_host *h, size_t max, size_t *n);

/** `ms` milliseconds have passed: ticks every connection (retransmissions, linger, delayed
 *  ACKs) and sends what that produced. Errors are the carrier's. */
enum sponge_err tcp_host_tick(struct tcp_host *h, uint64_t ms);

/** Sends everything the connections queued since the last flush, and frees the slots of
 *  connections that ended and have no handle. Errors are the carrier's. */
enum sponge_err tcp_host_flush(struct tcp_host *h);

/** Pops up to `max` handles and listeners with news into `out`; returns how many. Each is
 *  reported once per batch of news (edge-triggered); nothing is scanned to find them. */
size_t tcp_host_events(struct tcp_host *h, struct tcp_host_event *out, size_t max);

/** The IPv4 fragment reassembler, to read its counters. */
const struct ipv4_reassembler *tcp_host_reassembler(const struct tcp_host *h);

/** Connections in the host (slots taken). */
uint32_t tcp_host_connection_count(const struct tcp_host *h);

#endif
