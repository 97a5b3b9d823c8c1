/* webget [--native] [--lab] [-d DEV] HOST[:PORT] PATH
 *
 * Fetches http://HOST[:PORT]/PATH with one HTTP/1.1 GET and prints the whole response
 * (status line, headers and body) to stdout until the server closes the connection.
 * HOST is a name or a dotted IPv4 address; PORT defaults to 80 (the `:PORT` suffix is an
 * addition to CS144's command line so tests can use a local server on a free port).
 *
 * --native  use the operating system's TCP (lab 0);
 * default   use this project's TCP over the TUN device DEV (`-d`, default tun144), in
 *           modern mode (tcp_config_set_modern); --lab gives the labs' behaviour.
 *
 * Errors (bad arguments, unknown host, refused connection) print one line on stderr and
 * exit non-zero. */

#include "adapters/tcp_app.h"

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define WEBGET_DEFAULT_DEV "tun144"
#define WEBGET_DEFAULT_PORT "80"
#define WEBGET_HOST_MAX 256
#define WEBGET_REQUEST_MAX 4096
#define WEBGET_READ_CHUNK 65536

/* The parsed command line. */
struct webget_args {
    bool native;
    bool lab;                   /* --lab: our TCP without the modern set */
    const char *dev;            /* TUN device for our TCP */
    const char *authority;      /* HOST[:PORT] as given: the Host header's value */
    char host[WEBGET_HOST_MAX]; /* HOST without the port */
    char port[6];               /* decimal, 1..65535 */
    const char *path;
};

static void usage(const char *argv0) {
    fprintf(stderr, "usage: %s [--native] [--lab] [-d DEV] HOST[:PORT] PATH\n", argv0);
}

/* Splits "HOST[:PORT]" into args->host and args->port. Returns false if malformed. */
static bool parse_authority(const char *authority, struct webget_args *args) {
    const char *colon = strchr(authority, ':');
    size_t host_len = colon ? (size_t)(colon - authority) : strlen(authority);
    if (host_len == 0 || host_len >= sizeof args->host) {
        return false;
    }
    memcpy(args->host, authority, host_len);
    args->host[host_len] = '\0';
    if (!colon) {
        strcpy(args->port, WEBGET_DEFAULT_PORT);
        return true;
    }
    const char *digits = colon + 1;
    size_t n = strlen(digits);
    if (n == 0 || n >= sizeof args->port || strspn(digits, "0123456789") != n) {
        return false;
    }
    long port = strtol(digits, NULL, 10);
    if (port < 1 || port > 65535) {
        return false;
    }
    memcpy(args->port, digits, n + 1);
    return true;
}

/* A path goes verbatim into the request line, so it must start with '/' and hold no
 * spaces or control characters (RFC 7230 section 3.1.1: request-target has no whitespace). */
static bool path_ok(const char *path) {
    if (path[0] != '/') {
        return false;
    }
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p <= ' ' || *p == 0x7f) {
            return false;
        }
    }
    return true;
}

/* Fills `args` from the command line; prints a one-line reason and returns false if bad. */
static bool parse_args(int argc, char **argv, struct webget_args *args) {
    static const struct option long_options[] = {
        {"native", no_argument, NULL, 'n'}, {"lab", no_argument, NULL, 'L'}, {NULL, 0, NULL, 0}};
    args->native = false;
    args->lab = false;
    args->dev = WEBGET_DEFAULT_DEV;
    opterr = 0; /* one line on a bad option: ours */
    int opt;
    while ((opt = getopt_long(argc, argv, "d:", long_options, NULL)) != -1) {
        switch (opt) {
            case 'n':
                args->native = true;
                break;
            case 'L':
                args->lab = true;
                break;
            case 'd':
                args->dev = optarg;
                break;
            default:
                usage(argv[0]);
                return false;
        }
    }
    if (argc - optind != 2) {
        usage(argv[0]);
        return false;
    }
    args->authority = argv[optind];
    args->path = argv[optind + 1];
    if (!parse_authority(args->authority, args)) {
        fprintf(stderr, "webget: bad HOST[:PORT] \"%s\"\n", args->authority);
        return false;
    }
    if (!path_ok(args->path)) {
        fprintf(stderr, "webget: bad PATH \"%s\" (must start with '/', no spaces)\n", args->path);
        return false;
    }
    return true;
}

/* Writes the GET request into buf; returns its length, or 0 if it does not fit. */
static size_t format_request(const struct webget_args *args, char *buf, size_t cap) {
    int n = snprintf(buf, cap, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", args->path, args->authority);
    return (n < 0 || (size_t)n >= cap) ? 0 : (size_t)n;
}

/* Writes all of buf to fd, retrying after partial writes and EINTR. Returns false on error. */
static bool write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Connects to args->host:args->port with the OS's TCP, trying each IPv4 address the name
 * resolves to. Returns the socket, or -1 after printing why. */
static int native_connect(const struct webget_args *args) {
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *addrs;
    int rc = getaddrinfo(args->host, args->port, &hints, &addrs);
    if (rc != 0) {
        fprintf(stderr, "webget: cannot resolve %s: %s\n", args->host,
                rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    int last_errno = 0;
    for (const struct addrinfo *ai = addrs; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            last_errno = errno;
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(addrs);
    if (fd < 0) {
        fprintf(stderr, "webget: connect to %s:%s: %s\n", args->host, args->port, strerror(last_errno));
    }
    return fd;
}

/* Copies everything readable from fd to stdout until EOF. Returns false after printing why. */
static bool copy_to_stdout(int fd) {
    char *chunk = malloc(WEBGET_READ_CHUNK);
    if (!chunk) {
        fprintf(stderr, "webget: out of memory\n");
        return false;
    }
    bool ok = false;
    for (;;) {
        ssize_t n = read(fd, chunk, WEBGET_READ_CHUNK);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fprintf(stderr, "webget: receive: %s\n", strerror(errno));
            break;
        }
        if (n == 0) {
            ok = true;
            break;
        }
        if (!write_all(STDOUT_FILENO, chunk, (size_t)n)) {
            fprintf(stderr, "webget: write to stdout: %s\n", strerror(errno));
            break;
        }
    }
    free(chunk);
    return ok;
}

/* Lab 0: the request over the OS's TCP, the response copied to stdout until EOF. */
static int webget_native(const struct webget_args *args, const char *request, size_t request_len) {
    int fd = native_connect(args);
    if (fd < 0) {
        return EXIT_FAILURE;
    }
    bool ok = write_all(fd, request, request_len);
    if (!ok) {
        fprintf(stderr, "webget: send: %s\n", strerror(errno));
    } else {
        ok = copy_to_stdout(fd);
    }
    close(fd);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* Lab 4: the request over this project's TCP, in IPv4 datagrams on TUN device args->dev
 * (our address 169.254.144.9). We do not shut down our sending side after the request: the
 * server closes first ("Connection: close"), so ours is the passive close and needs no linger. */
static int webget_our_tcp(const struct webget_args *args, const char *request, size_t request_len) {
    struct app_args tcp_args;
    memset(&tcp_args, 0, sizeof tcp_args);
    tcp_config_default(&tcp_args.cfg);
    tcp_config_set_modern(&tcp_args.cfg, !args->lab);
    tcp_args.device = args->dev;
    tcp_args.port = (uint16_t)strtol(args->port, NULL, 10);
    if (!app_resolve_ipv4(args->host, &tcp_args.host)) {
        fprintf(stderr, "webget: cannot resolve %s to an IPv4 address\n", args->host);
        return EXIT_FAILURE;
    }
    struct tcp_app_stack stack;
    char why[320];
    if (tcp_app_open(&stack, &tcp_args, TCP_APP_OVER_IPV4, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "webget: %s\n", why);
        return EXIT_FAILURE;
    }
    int fd = tcp_socket_fd(&stack.sock);
    bool ok = write_all(fd, request, request_len);
    if (!ok) {
        fprintf(stderr, "webget: send: %s\n", strerror(errno));
    } else {
        ok = copy_to_stdout(fd);
    }
    enum sponge_err err = tcp_app_close(&stack);
    if (err != SPONGE_OK) {
        fprintf(stderr, "webget: %s\n", tcp_app_describe(err));
        return EXIT_FAILURE;
    }
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char **argv) {
    struct webget_args args;
    if (!parse_args(argc, argv, &args)) {
        return EXIT_FAILURE;
    }
    char request[WEBGET_REQUEST_MAX];
    size_t request_len = format_request(&args, request, sizeof request);
    if (request_len == 0) {
        fprintf(stderr, "webget: request too long\n");
        return EXIT_FAILURE;
    }
    /* A peer or reader that goes away should be an error message, not a silent SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    return args.native ? webget_native(&args, request, request_len) : webget_our_tcp(&args, request, request_len);
}
