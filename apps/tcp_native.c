/* tcp_native: copies stdin to a connection of the operating system's TCP and the connection
 * to stdout; the reference peer for our TCP (docs/labs/units.md section 2). */
#include "adapters/app_args.h"
#include "adapters/stream_copy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int open_socket(const struct app_args *args, const char *prog) {
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(args->port)};
    sa.sin_addr.s_addr = htonl(args->host);
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "%s: socket: %s\n", prog, strerror(errno));
        return -1;
    }
    if (!args->listen) {
        fprintf(stderr, "DEBUG: connecting to %s:%u\n", host, (unsigned)args->port);
        if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
            fprintf(stderr, "%s: connect to %s:%u failed: %s\n", prog, host, (unsigned)args->port, strerror(errno));
            close(fd);
            return -1;
        }
        return fd;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1) != 0) {
        fprintf(stderr, "%s: cannot listen on %s:%u: %s\n", prog, host, (unsigned)args->port, strerror(errno));
        close(fd);
        return -1;
    }
    fprintf(stderr, "DEBUG: listening on %s:%u\n", host, (unsigned)args->port);
    int conn = accept(fd, NULL, NULL);
    int saved = errno;
    close(fd);
    if (conn < 0) {
        fprintf(stderr, "%s: accept: %s\n", prog, strerror(saved));
    }
    return conn;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN); /* a closed peer or stdout is a write error, not a silent death */
    const char *prog = app_name(argv[0]);
    char why[320];
    struct app_args args;
    if (app_args_parse(argc, argv, 0, &args, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "%s: %s\n", prog, why);
        return 2;
    }
    int fd = open_socket(&args, prog);
    if (fd < 0) {
        return 1;
    }
    enum sponge_err err = stream_copy(STDIN_FILENO, STDOUT_FILENO, fd);
    int saved = errno;
    close(fd);
    if (err != SPONGE_OK) {
        fprintf(stderr, "%s: %s\n", prog, saved == ECONNRESET ? "connection reset by peer" : strerror(saved));
        return 1;
    }
    return 0;
}
