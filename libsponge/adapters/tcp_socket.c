#include "adapters/tcp_socket.h"

#include "adapters/cc_trace.h"
#include "adapters/tcp_report.h"
#include "tcp/tcp_connection_cookie.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* The loop wakes at least this often to advance the connection's timers. */
#define LOOP_TICK_MS 5
/* Segments read from the adapter per wakeup before looking at the application again. */
#define MAX_SEGMENTS_PER_WAKEUP 64
/* Bytes moved from the application per read (never more than the outbound capacity). */
#define APP_CHUNK 16384

static uint64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void logf_line(const struct tcp_socket *s, const char *what) {
    if (s->log != NULL) {
        fprintf(s->log, "DEBUG: %s (state %s)\n", what, tcp_state_name(tcp_connection_state(&s->conn)));
    }
}

/* Sends everything the connection has queued. Returns the first adapter failure. */
static enum sponge_err flush_segments(struct tcp_socket *s) {
    struct tcp_segment seg;
    enum sponge_err result = SPONGE_OK;
    while (tcp_connection_segments_out(&s->conn, &seg)) {
        enum sponge_err err = tcp_adapter_send(&s->adapter, &seg);
        if (err != SPONGE_OK && result == SPONGE_OK) {
            result = err;
        }
    }
    return result;
}

static bool in_handshake(enum tcp_state st) {
    return st == TCP_STATE_LISTEN || st == TCP_STATE_SYN_SENT || st == TCP_STATE_SYN_RCVD;
}

static void publish(struct tcp_socket *s, bool finished) {
    pthread_mutex_lock(&s->lock);
    if (finished) {
        s->finished = true;
    }
    if (finished || !in_handshake(tcp_connection_state(&s->conn))) {
        if (!s->handshake_done) {
            s->handshake_done = true;
            if (!finished) {
                logf_line(s, "connection established");
            }
            pthread_cond_broadcast(&s->cond);
        }
    }
    if (finished) {
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
}

/* Inbound stream -> application, as much as the socketpair takes now. Bytes leave the stream
 * through tcp_connection_pop_inbound, so that the peer hears when this opens the window. */
static void deliver_inbound(struct tcp_socket *s) {
    struct byte_stream *in = tcp_connection_inbound_stream(&s->conn);
    while (!byte_stream_buffer_empty(in)) {
        struct byte_view v = byte_stream_peek_view(in);
        if (s->app_stopped_reading) {
            tcp_connection_pop_inbound(&s->conn, v.len);
            continue;
        }
        ssize_t n = send(s->loop_fd, v.data, v.len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                return;
            }
            /* The application shut down its reading side: what arrives is discarded, so the
             * window stays open and the connection can still finish. */
            s->app_stopped_reading = true;
            continue;
        }
        tcp_connection_pop_inbound(&s->conn, (size_t)n);
    }
    if (byte_stream_eof(in) && !s->inbound_shut) {
        shutdown(s->loop_fd, SHUT_WR);
        s->inbound_shut = true;
        logf_line(s, "inbound stream finished");
    }
}

/* Application -> outbound stream, never more than the connection can take. */
static void take_outbound(struct tcp_socket *s) {
    uint8_t buf[APP_CHUNK];
    size_t room = tcp_connection_remaining_outbound_capacity(&s->conn);
    if (room == 0) {
        return;
    }
    ssize_t n = recv(s->loop_fd, buf, room < sizeof buf ? room : sizeof buf, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        /* EOF (shutdown SHUT_WR or close) or a broken socketpair: no more to send. */
        tcp_connection_end_input_stream(&s->conn);
        s->outbound_ended = true;
        logf_line(s, "outbound stream ended by the application");
        return;
    }
    size_t accepted = tcp_connection_write(&s->conn, buf, (size_t)n);
    assert(accepted == (size_t)n); /* we read no more than the remaining capacity */
    (void)accepted;
}

/* Reads what the adapter has. Each segment's payload goes on to the application before the
 * connection's answer is sent: not needed for a correct window (the connection sends a window
 * update when a later read opens it), but then that ACK already shows the window the read
 * left, and no separate update is needed. */
static enum sponge_err take_segments(struct tcp_socket *s) {
    for (int i = 0; i < MAX_SEGMENTS_PER_WAKEUP; i++) {
        struct tcp_segment seg;
        bool got = false;
        enum sponge_err err = tcp_adapter_recv(&s->adapter, &seg, &got);
        if (err != SPONGE_OK) {
            return err;
        }
        bool was_active = tcp_connection_active(&s->conn);
        struct tcp_icmp_error icmp;
        if (!got && tcp_adapter_icmp_error(&s->adapter, &icmp)) {
            tcp_icmp_count(&s->icmp, tcp_connection_icmp_error(&s->conn, &icmp));
            if (was_active && tcp_connection_state(&s->conn) == TCP_STATE_RESET) {
                logf_line(s, "connection refused (ICMP destination unreachable)");
                return SPONGE_ERR_RESET;
            }
            err = flush_segments(s); /* pieces resent after a lower path MTU */
            if (err != SPONGE_OK) {
                return err;
            }
            continue;
        }
        if (!got) {
            break;
        }
        tcp_connection_segment_received(&s->conn, &seg);
        if (was_active && tcp_connection_state(&s->conn) == TCP_STATE_RESET) {
            return SPONGE_ERR_RESET;
        }
        deliver_inbound(s);
        err = flush_segments(s);
        if (err != SPONGE_OK) {
            return err;
        }
    }
    return SPONGE_OK;
}

/* The loop: runs until the connection is over and the application has every inbound byte. */
static enum sponge_err run_loop(struct tcp_socket *s) {
    if (s->active_open) {
        tcp_connection_connect(&s->conn);
    }
    enum sponge_err err = flush_segments(s);
    uint64_t last_ns = monotonic_ns();
    while (err == SPONGE_OK) {
        publish(s, false);
        deliver_inbound(s);
        err = flush_segments(s); /* a window update the application's reading made due */
        if (err != SPONGE_OK) {
            break;
        }
        struct byte_stream *in = tcp_connection_inbound_stream(&s->conn);
        if (!tcp_connection_active(&s->conn)) {
            if (tcp_connection_state(&s->conn) == TCP_STATE_RESET) {
                return SPONGE_ERR_RESET;
            }
            if (byte_stream_buffer_empty(in) || s->app_stopped_reading) {
                return SPONGE_OK;
            }
        }
        struct pollfd pfd[2] = {{tcp_adapter_fd(&s->adapter), POLLIN, 0}, {s->loop_fd, 0, 0}};
        if (!s->outbound_ended && tcp_connection_remaining_outbound_capacity(&s->conn) > 0) {
            pfd[1].events |= POLLIN;
        }
        if (!byte_stream_buffer_empty(in) && !s->app_stopped_reading) {
            pfd[1].events |= POLLOUT;
        }
        if (pfd[1].events == 0) {
            pfd[1].fd = -1; /* a half-closed socketpair reports POLLHUP forever: do not spin on it */
        }
        uint64_t pacing = tcp_connection_pacing_delay(&s->conn); /* a paced segment waits for a tick */
        if (poll(pfd, 2, pacing < LOOP_TICK_MS ? (int)pacing : LOOP_TICK_MS) < 0 && errno != EINTR) {
            return SPONGE_ERR_SYSTEM;
        }
        uint64_t now_ns = monotonic_ns();
        uint64_t elapsed_ms = (now_ns - last_ns) / 1000000u;
        if (elapsed_ms > 0) {
            last_ns += elapsed_ms * 1000000u;
            err = tcp_adapter_tick(&s->adapter, elapsed_ms);
            if (err != SPONGE_OK) {
                break; /* the adapter failed: abort below */
            }
            bool was_active = tcp_connection_active(&s->conn);
            tcp_connection_tick(&s->conn, elapsed_ms);
            cc_trace_sample(&s->trace, &s->conn);
            if (was_active && tcp_connection_state(&s->conn) == TCP_STATE_RESET) {
                flush_segments(s);
                return SPONGE_ERR_TIMEOUT;
            }
        }
        if (pfd[0].revents & (POLLIN | POLLERR)) {
            err = take_segments(s);
        }
        if (err == SPONGE_OK && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) && (pfd[1].events & POLLIN)) {
            take_outbound(s);
        }
        enum sponge_err ferr = flush_segments(s);
        if (err == SPONGE_OK) {
            err = ferr;
        }
    }
    if (err != SPONGE_ERR_RESET && tcp_connection_active(&s->conn)) {
        tcp_connection_abort(&s->conn); /* the adapter failed: tell the peer if we can */
        flush_segments(s);
    }
    return err;
}

static void *loop_thread(void *arg) {
    struct tcp_socket *s = arg;
    cc_trace_open(&s->trace, "tcp_socket"); /* on failure it says so, and the loop runs untraced */
    enum sponge_err result = run_loop(s);
    cc_trace_close(&s->trace);
    s->result = result;
    if (s->log != NULL) {
        fprintf(s->log, "DEBUG: connection finished: %s (state %s)\n", sponge_strerror(result),
                tcp_state_name(tcp_connection_state(&s->conn)));
        tcp_adapter_report(&s->adapter, s->log);
        tcp_report_counters(&s->conn, s->log);
        fputs("tcp:", s->log);
        tcp_icmp_report(&s->icmp, s->log);
        fputc('\n', s->log);
    }
    /* Closing our end gives the application EOF (and EPIPE on write) if it has not had it. */
    close(s->loop_fd);
    s->loop_fd = -1;
    publish(s, true);
    return NULL;
}

static void release(struct tcp_socket *s) {
    tcp_connection_destroy(&s->conn);
    struct tcp_segment last;
    if (tcp_connection_segments_out(&s->conn, &last)) {
        tcp_adapter_send(&s->adapter, &last); /* the RST of an aborted connection */
    }
    if (s->app_fd >= 0) {
        close(s->app_fd);
        s->app_fd = -1;
    }
    pthread_cond_destroy(&s->cond);
    pthread_mutex_destroy(&s->lock);
}

/* A connection a stateless listener accepted: made ESTABLISHED from its SYN cookie. */
struct cookie_accept {
    const struct syn_cookie_syn *syn;
    const struct tcp_segment *ack;
};

static enum sponge_err start(struct tcp_socket *s, struct tcp_adapter adapter, const struct tcp_config *cfg, FILE *log,
                             bool active_open, const struct cookie_accept *ck) {
    memset(s, 0, sizeof *s);
    s->adapter = adapter;
    s->active_open = active_open;
    s->log = log;
    s->app_fd = s->loop_fd = -1;
    enum sponge_err err =
        ck ? tcp_connection_init_from_cookie(&s->conn, cfg, ck->syn, ck->ack) : tcp_connection_init(&s->conn, cfg);
    if (err != SPONGE_OK) {
        return err;
    }
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) {
        tcp_connection_destroy(&s->conn);
        return SPONGE_ERR_SYSTEM;
    }
    s->app_fd = pair[0];
    s->loop_fd = pair[1];
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    if (pthread_create(&s->thread, NULL, loop_thread, s) != 0) {
        close(s->loop_fd);
        release(s);
        return SPONGE_ERR_SYSTEM;
    }
    pthread_mutex_lock(&s->lock);
    while (!s->handshake_done) {
        pthread_cond_wait(&s->cond, &s->lock);
    }
    bool finished = s->finished;
    pthread_mutex_unlock(&s->lock);
    if (finished) {
        /* Failed before the handshake completed. */
        pthread_join(s->thread, NULL);
        err = s->result == SPONGE_OK ? SPONGE_ERR_RESET : s->result;
        release(s);
        return err;
    }
    return SPONGE_OK;
}

enum sponge_err tcp_socket_connect(struct tcp_socket *s, struct tcp_adapter adapter, const struct tcp_config *cfg,
                                   FILE *log) {
    return start(s, adapter, cfg, log, true, NULL);
}

enum sponge_err tcp_socket_listen_and_accept(struct tcp_socket *s, struct tcp_adapter adapter,
                                             const struct tcp_config *cfg, FILE *log) {
    return start(s, adapter, cfg, log, false, NULL);
}

enum sponge_err tcp_socket_accept_cookie(struct tcp_socket *s, struct tcp_adapter adapter, const struct tcp_config *cfg,
                                         const struct syn_cookie_syn *syn, const struct tcp_segment *ack, FILE *log) {
    const struct cookie_accept ck = {syn, ack};
    return start(s, adapter, cfg, log, false, &ck);
}

int tcp_socket_fd(const struct tcp_socket *s) {
    return s->app_fd;
}

enum sponge_err tcp_socket_wait_until_closed(struct tcp_socket *s) {
    shutdown(s->app_fd, SHUT_RDWR);
    pthread_join(s->thread, NULL);
    enum sponge_err result = s->result;
    release(s);
    return result;
}
