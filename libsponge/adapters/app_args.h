#ifndef SPONGE_ADAPTERS_APP_ARGS_H
#define SPONGE_ADAPTERS_APP_ARGS_H

/* Command lines of the copy apps (docs/labs/units.md section 2), parsed in one place:
 *   tcp_native [-l] HOST PORT
 *   tcp_udp    [-l] [-t RTO] [-w WIN] [-Lu RATE] [-Ld RATE] HOST PORT
 *   tcp_ipv4   [-l] [-a ADDR] [-s PORT] [-t RTO] [-w WIN] [-d TUNDEV] [-Lu RATE] [-Ld RATE] HOST PORT
 *   tcp_ip_ethernet [-l] [-a ADDR] [-s PORT] [-t RTO] [-w WIN] [-d TAPDEV] [-g NEXT_HOP] [-Lu RATE] [-Ld RATE]
 *              HOST PORT */

#include "tcp/tcp_config.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Which options an app accepts (besides -l, HOST and PORT). */
enum app_option {
    APP_OPT_TCP = 1,     /* -t -w -Lu -Ld */
    APP_OPT_SOURCE = 2,  /* -a -s */
    APP_OPT_DEVICE = 4,  /* -d */
    APP_OPT_GATEWAY = 8, /* -g (and -d names a TAP device) */
};

struct app_args {
    bool listen;
    uint32_t host;        /* HOST, resolved, host order */
    uint16_t port;        /* PORT */
    bool has_source_addr; /* -a */
    uint32_t source_addr;
    bool has_source_port; /* -s */
    uint16_t source_port;
    const char *device; /* -d, NULL if not given */
    bool has_next_hop;  /* -g */
    uint32_t next_hop;
    struct tcp_config cfg;     /* modern (lab with --lab), with -t (rt_timeout) and -w (recv_capacity) */
    double loss_up, loss_down; /* -Lu, -Ld */
};

/** Parses argv for an app accepting `options` (a mask of app_option). On failure returns
 *  INVALID_ARGUMENT and writes one line (no newline) into `why`, usage included. */
enum sponge_err app_args_parse(int argc, char **argv, unsigned options, struct app_args *out, char *why,
                               size_t why_len);

/** The program's name for messages: argv[0] without its directory. */
const char *app_name(const char *argv0);

/** Resolves a name or a dotted quad to an IPv4 address (host order); false if it cannot. */
bool app_resolve_ipv4(const char *host, uint32_t *addr);

/** A seed for loss: SPONGE_SEED from the environment if set, else a fresh random one. */
uint64_t app_seed(void);

/** A random port in the dynamic range 49152..65535 (RFC 6335), for client sockets of ours. */
uint16_t app_ephemeral_port(void);

#endif
