#ifndef SPONGE_ADAPTERS_TCP_SOCKET_H
#define SPONGE_ADAPTERS_TCP_SOCKET_H

/* The socket layer (CS144's TCPSpongeSocket): one thread owns a TCPConnection and its adapter
 * and runs a poll() event loop; the application talks to it through one end of an AF_UNIX
 * SOCK_STREAM socketpair, like an ordinary connected socket:
 *   - bytes the application writes become the outbound stream (read only as far as the
 *     connection's outbound capacity allows, so every buffer on the way is bounded);
 *   - shutdown(fd, SHUT_WR) (or close) ends the outbound stream (FIN);
 *   - the inbound stream is written to the application; its end becomes EOF on fd;
 *   - a reset or a timeout closes fd, and wait_until_closed says which.
 * ICMP errors about the connection's segments that the adapter reports go to the connection
 * (tcp/tcp_icmp.h; a refused connection attempt ends as RESET). Time for the connection and the
 * adapter's timers (tcp_adapter_tick) comes from CLOCK_MONOTONIC, here and nowhere else in the
 * library; the loop wakes in time for a segment that waits for pacing
 * (tcp_connection_pacing_delay). SPONGE_CC_TRACE=FILE makes it write what congestion control
 * did to FILE (adapters/cc_trace.h). */

#include "adapters/cc_trace.h"
#include "adapters/tcp_adapter.h"
#include "tcp/syn_cookie.h"
#include "tcp/tcp_config.h"
#include "tcp/tcp_connection.h"
#include "util/error.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

struct tcp_socket {
    /* private: the loop thread owns conn and adapter; the lock guards only the fields
     * marked "shared" */
    int app_fd;
    int loop_fd;
    struct tcp_adapter adapter;
    struct tcp_connection conn;
    bool active_open;
    FILE *log;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool handshake_done; /* shared: connected, or the loop has finished */
    bool finished;       /* shared: the loop has finished */
    enum sponge_err result;
    bool inbound_shut; /* the application has seen EOF (or will not read any more) */
    bool outbound_ended;
    bool app_stopped_reading;
    struct tcp_icmp_counters icmp; /* ICMP errors from the adapter, by what the connection did */
    struct cc_trace trace;         /* SPONGE_CC_TRACE, written by the loop thread */
};

/** Starts the loop thread with a new connection over `adapter` (borrowed: it must outlive the
 *  socket), sends the SYN and waits until the connection is established.
 *  On SPONGE_OK use tcp_socket_fd and finally tcp_socket_wait_until_closed. Otherwise
 *  (TIMEOUT when nobody answered, RESET when refused, SYSTEM, NO_MEMORY) everything is
 *  already cleaned up. `log` (may be NULL) gets progress lines and counters. */
enum sponge_err tcp_socket_connect(struct tcp_socket *s, struct tcp_adapter adapter, const struct tcp_config *cfg,
                                   FILE *log);

/** Like tcp_socket_connect, but waits in LISTEN for a peer's SYN and returns once the
 *  handshake is complete. */
enum sponge_err tcp_socket_listen_and_accept(struct tcp_socket *s, struct tcp_adapter adapter,
                                             const struct tcp_config *cfg, FILE *log);

/** Like tcp_socket_listen_and_accept for a listener that answered SYNs statelessly (SYN
 *  cookies, tcp/syn_cookie.h): starts with the connection already ESTABLISHED from the
 *  cookie's `syn` and the `ack` that returned it (tcp_connection_init_from_cookie; the ACK's
 *  payload is copied before this returns). */
enum sponge_err tcp_socket_accept_cookie(struct tcp_socket *s, struct tcp_adapter adapter, const struct tcp_config *cfg,
                                         const struct syn_cookie_syn *syn, const struct tcp_segment *ack, FILE *log);

/** The application's descriptor (owned by the socket: do not close it, shutdown is fine). */
int tcp_socket_fd(const struct tcp_socket *s);

/** Ends the application's side (shutdown SHUT_RDWR: no more bytes to send, no more wanted),
 *  waits for the connection to finish (including CS144's linger after an active close),
 *  and frees everything. Returns SPONGE_OK after a clean close both ways, RESET if the peer
 *  reset it, TIMEOUT if the peer stopped answering, SYSTEM if the adapter failed. */
enum sponge_err tcp_socket_wait_until_closed(struct tcp_socket *s);

#endif
