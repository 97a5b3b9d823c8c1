#include "adapters/stream_copy.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#define COPY_BUFFER 32768

/* One direction: a buffer filled from `from` and drained into `to`. */
struct pipe_half {
    uint8_t buf[COPY_BUFFER];
    size_t start, end;
    bool eof;  /* the source ended (or failed) */
    bool done; /* eof and everything written, or the destination is gone */
};

static bool transient(int e) {
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR;
}

static int fill(struct pipe_half *h, int from) {
    ssize_t n = read(from, h->buf, sizeof h->buf);
    if (n < 0) {
        return transient(errno) ? 0 : -1;
    }
    if (n == 0) {
        h->eof = true;
    }
    h->start = 0;
    h->end = (size_t)n;
    return 0;
}

/* Writes what is buffered; `to_socket` uses send so that a closed peer is EPIPE, not SIGPIPE. */
static int drain(struct pipe_half *h, int to, bool to_socket) {
    ssize_t n = to_socket ? send(to, h->buf + h->start, h->end - h->start, MSG_NOSIGNAL | MSG_DONTWAIT)
                          : write(to, h->buf + h->start, h->end - h->start);
    if (n < 0) {
        return transient(errno) ? 0 : -1;
    }
    h->start += (size_t)n;
    return 0;
}

enum sponge_err stream_copy(int in_fd, int out_fd, int sock) {
    static_assert(COPY_BUFFER <= 65536, "two copy buffers live on the stack");
    struct pipe_half up = {0}, down = {0};
    enum sponge_err result = SPONGE_OK;
    int first_errno = 0; /* errno of the first failure, restored for the caller */
    while (!(up.done && down.done)) {
        struct pollfd pfd[3] = {{-1, POLLIN, 0}, {sock, 0, 0}, {-1, POLLOUT, 0}};
        bool up_pending = up.start < up.end, down_pending = down.start < down.end;
        if (!up.done && !up.eof && !up_pending) {
            pfd[0].fd = in_fd;
        }
        if (up_pending) {
            pfd[1].events |= POLLOUT;
        }
        if (!down.eof && !down_pending) {
            pfd[1].events |= POLLIN;
        }
        if (down_pending) {
            pfd[2].fd = out_fd;
        }
        if (poll(pfd, 3, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return SPONGE_ERR_SYSTEM; /* errno from poll */
        }
        if (pfd[0].revents) {
            if (fill(&up, in_fd) != 0) {
                up.eof = true; /* an unreadable input ends our sending side */
            }
        }
        if ((pfd[1].revents & (POLLOUT | POLLERR | POLLHUP)) && up.start < up.end) {
            if (drain(&up, sock, true) != 0) {
                if (errno != EPIPE && result == SPONGE_OK) {
                    result = SPONGE_ERR_SYSTEM;
                    first_errno = errno;
                }
                up.done = true; /* the connection no longer takes bytes */
            }
        }
        if ((pfd[1].revents & (POLLIN | POLLERR | POLLHUP)) && !down.eof && down.start == down.end) {
            if (fill(&down, sock) != 0) {
                if (result == SPONGE_OK) {
                    result = SPONGE_ERR_SYSTEM;
                    first_errno = errno;
                }
                down.eof = true;
            }
        }
        if (pfd[2].revents && down.start < down.end) {
            if (drain(&down, out_fd, false) != 0) {
                /* Nobody reads our output: stop reading the socket. */
                if (result == SPONGE_OK) {
                    result = SPONGE_ERR_SYSTEM;
                    first_errno = errno;
                }
                down.eof = true;
                down.start = down.end;
            }
        }
        if (up.eof && !up.done && up.start == up.end) {
            shutdown(sock, SHUT_WR);
            up.done = true;
        }
        if (down.eof && down.start == down.end) {
            down.done = true;
        }
        /* Both ends of the socket closed while our input is idle: the connection is over
         * (reset, or the peer finished and we were never going to send): stop waiting. */
        if (down.done && (pfd[1].revents & POLLHUP)) {
            up.done = true;
        }
    }
    errno = first_errno;
    return result;
}
