#ifndef SPONGE_ADAPTERS_TCP_APP_H
#define SPONGE_ADAPTERS_TCP_APP_H

/* What tcp_udp, tcp_ipv4, tcp_ip_ethernet and webget share: build the adapter named by the
 * command line (UDP socket, TUN device, or NetworkInterface on a TAP device, optionally lossy),
 * open a connection of ours over it, and close it. */

#include "adapters/app_args.h"
#include "adapters/lossy_adapter.h"
#include "adapters/tcp_over_ethernet.h"
#include "adapters/tcp_over_ipv4.h"
#include "adapters/tcp_over_udp.h"
#include "adapters/tcp_socket.h"

#include <stdbool.h>

enum tcp_app_carrier { TCP_APP_OVER_UDP, TCP_APP_OVER_IPV4, TCP_APP_OVER_ETHERNET };

/** Everything under one connection of ours. Place it anywhere; it is not moved while open. */
struct tcp_app_stack {
    /* private */
    enum tcp_app_carrier carrier;
    struct tcp_udp_adapter udp;
    struct tcp_ipv4_adapter ipv4;
    struct tcp_eth_adapter eth;
    struct lossy_adapter lossy;
    struct tcp_adapter adapter;
    struct tcp_socket sock;
};

/** Builds the adapter for `args` and connects (or listens and accepts when args->listen).
 *  The TUN device defaults to tun144, our address to 169.254.144.9; the TAP device to tap10,
 *  our address to 169.254.10.9, the next hop (-g) to 169.254.10.1. Logs go to stderr
 *  (including the loss seed when loss is on). On failure everything is cleaned up and `why`
 *  holds one line. On success read and write tcp_socket_fd(&st->sock), then tcp_app_close. */
enum sponge_err tcp_app_open(struct tcp_app_stack *st, const struct app_args *args, enum tcp_app_carrier carrier,
                             char *why, size_t why_len);

/** Waits for the connection to finish (tcp_socket_wait_until_closed) and frees the adapter.
 *  Returns the connection's result. */
enum sponge_err tcp_app_close(struct tcp_app_stack *st);

/** One line describing a connection result for users ("connection reset by peer", ...). */
const char *tcp_app_describe(enum sponge_err err);

/** The whole main() of tcp_udp, tcp_ipv4 and tcp_ip_ethernet: parse, open, copy stdin/stdout, close. Returns
 *  the exit status (0 after a clean close both ways). The caller ignores SIGPIPE first. */
int tcp_app_main(int argc, char **argv, enum tcp_app_carrier carrier);

#endif
