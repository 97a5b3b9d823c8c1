#include "adapters/tcp_app.h"

#include "adapters/isn.h"
#include "adapters/stream_copy.h"
#include "adapters/tap.h"
#include "adapters/tun.h"
#include "wire/ipv4.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TUN_DEFAULT_DEVICE "tun144"
/* How long a device may take to come up once we have attached to it. */
#define DEVICE_RUNNING_WAIT_MS 2000

const char *tcp_app_describe(enum sponge_err err) {
    switch (err) {
        case SPONGE_ERR_RESET:
            return "connection reset by peer";
        case SPONGE_ERR_TIMEOUT:
            return "connection timed out (the peer stopped answering)";
        default:
            return sponge_strerror(err);
    }
}

/* Our end and the peer's, from HOST PORT (the peer, or in listen mode our own address) and -a/-s. */
static struct tcp_ipv4_config ipv4_endpoints(const struct app_args *args, const char *default_addr) {
    struct tcp_ipv4_config cfg = {.listen = args->listen};
    if (args->listen) {
        cfg.local_addr = args->host;
        cfg.local_port = args->port;
    } else {
        if (args->has_source_addr) {
            cfg.local_addr = args->source_addr;
        } else {
            ipv4_parse_address(default_addr, &cfg.local_addr);
        }
        cfg.local_port = args->has_source_port ? args->source_port : app_ephemeral_port();
        cfg.remote_addr = args->host;
        cfg.remote_port = args->port;
    }
    return cfg;
}

static enum sponge_err open_udp(struct tcp_app_stack *st, const struct app_args *args, char *why, size_t why_len) {
    struct tcp_udp_config cfg = {.listen = args->listen};
    if (args->listen) {
        cfg.local_addr = args->host;
        cfg.local_port = args->port;
    } else {
        cfg.remote_addr = args->host;
        cfg.remote_port = args->port;
    }
    enum sponge_err err = tcp_udp_adapter_init(&st->udp, &cfg, why, why_len);
    st->adapter = tcp_udp_adapter_as_adapter(&st->udp);
    return err;
}

static enum sponge_err open_ipv4(struct tcp_app_stack *st, const struct app_args *args, char *why, size_t why_len) {
    struct tcp_ipv4_config cfg = ipv4_endpoints(args, TCP_IPV4_DEFAULT_ADDRESS);
    int fd = -1;
    const char *dev = args->device ? args->device : TUN_DEFAULT_DEVICE;
    /* Offloads in modern mode only: lab mode keeps plain MSS-sized datagrams. */
    bool offloads = false;
    enum sponge_err err = args->cfg.modern && tun_offload_wanted()
                              ? tun_open_offload(dev, DEVICE_RUNNING_WAIT_MS, &fd, &offloads, why, why_len)
                              : tun_open(dev, DEVICE_RUNNING_WAIT_MS, &fd, why, why_len);
    if (err != SPONGE_OK) {
        return err;
    }
    err = tcp_ipv4_adapter_init(&st->ipv4, fd, offloads, &cfg);
    if (err != SPONGE_OK) {
        tun_close(fd);
        snprintf(why, why_len, "out of memory");
        return err;
    }
    st->adapter = tcp_ipv4_adapter_as_adapter(&st->ipv4);
    return SPONGE_OK;
}

/* The configuration with an RFC 6528 ISN for the carrier's 4-tuple, unless a fixed one was
 * asked for. A listener does not know its peer yet (the connection picks its ISN before the
 * SYN arrives), so its remote half is whatever the carrier was configured with (0 for any):
 * the key and the clock still make the ISN unpredictable. */
static enum sponge_err choose_isn(const struct tcp_app_stack *st, const struct tcp_config *in, struct tcp_config *out) {
    *out = *in;
    if (in->fixed_isn_set) {
        return SPONGE_OK;
    }
    struct isn_secret secret;
    if (isn_secret_init(&secret) != SPONGE_OK) {
        return SPONGE_ERR_SYSTEM;
    }
    if (st->carrier == TCP_APP_OVER_UDP) {
        const struct tcp_udp_config *c = &st->udp.cfg;
        out->fixed_isn =
            isn_generate(&secret, c->local_addr, tcp_udp_adapter_local_port(&st->udp), c->remote_addr, c->remote_port);
    } else {
        const struct tcp_ipv4_config *c =
            st->carrier == TCP_APP_OVER_ETHERNET ? &st->eth.filter.cfg : &st->ipv4.filter.cfg;
        out->fixed_isn = isn_generate(&secret, c->local_addr, c->local_port, c->remote_addr, c->remote_port);
    }
    out->fixed_isn_set = true;
    return SPONGE_OK;
}

/* The TAP device must exist (the test or the user made it): we attach, as with TUN. */
static enum sponge_err open_ethernet(struct tcp_app_stack *st, const struct app_args *args, char *why, size_t why_len) {
    struct tcp_eth_config cfg = {
        .ip = ipv4_endpoints(args, TCP_ETH_DEFAULT_ADDRESS),
        .eth = tcp_eth_random_address(),
        .next_hop = args->next_hop,
        .iface = network_interface_default_config(),
    };
    if (!args->has_next_hop) {
        ipv4_parse_address(TCP_ETH_DEFAULT_GATEWAY, &cfg.next_hop);
    }
    int fd = -1;
    const char *dev = args->device ? args->device : TCP_ETH_DEFAULT_DEVICE;
    enum sponge_err err = tap_open(dev, TAP_ATTACH, &fd, why, why_len);
    if (err != SPONGE_OK) {
        return err;
    }
    err = tap_wait_running(dev, DEVICE_RUNNING_WAIT_MS, why, why_len);
    if (err == SPONGE_OK) {
        err = tcp_eth_adapter_init(&st->eth, fd, &cfg);
        if (err != SPONGE_OK) {
            snprintf(why, why_len, "out of memory");
        }
    }
    if (err != SPONGE_OK) {
        close(fd);
        return err;
    }
    char mac[18];
    fprintf(stderr, "DEBUG: %s: our Ethernet address %s\n", dev, eth_addr_format(cfg.eth, mac));
    st->adapter = tcp_eth_adapter_as_adapter(&st->eth);
    return SPONGE_OK;
}

static enum sponge_err open_carrier(struct tcp_app_stack *st, const struct app_args *args, char *why, size_t why_len) {
    switch (st->carrier) {
        case TCP_APP_OVER_UDP:
            return open_udp(st, args, why, why_len);
        case TCP_APP_OVER_IPV4:
            return open_ipv4(st, args, why, why_len);
        case TCP_APP_OVER_ETHERNET:
            return open_ethernet(st, args, why, why_len);
    }
    assert(false);
    return SPONGE_ERR_INVALID_ARGUMENT;
}

static void close_carrier(struct tcp_app_stack *st) {
    switch (st->carrier) {
        case TCP_APP_OVER_UDP:
            tcp_udp_adapter_destroy(&st->udp);
            break;
        case TCP_APP_OVER_IPV4:
            tcp_ipv4_adapter_destroy(&st->ipv4);
            break;
        case TCP_APP_OVER_ETHERNET:
            tcp_eth_adapter_destroy(&st->eth);
            break;
    }
}

/* The modern single-connection listener on TUN: a SYN must not lock it onto a peer that never
 * completes (RFC 4987), so it answers every SYN with a SYN cookie and keeps nothing; the first
 * peer to complete a handshake gets the connection (tcp_ipv4_adapter_accept_cookie). Lab mode
 * keeps CS144's listener, which the first SYN fixes. */
static enum sponge_err accept_cookie(struct tcp_app_stack *st, struct tcp_adapter adapter,
                                     const struct tcp_config *cfg) {
    struct isn_secret key;
    if (isn_secret_init(&key) != SPONGE_OK) {
        return SPONGE_ERR_SYSTEM;
    }
    struct syn_cookie_syn syn;
    struct tcp_segment ack;
    enum sponge_err err = tcp_ipv4_adapter_accept_cookie(&st->ipv4, cfg, key.key, &syn, &ack);
    if (err != SPONGE_OK) {
        return err;
    }
    return tcp_socket_accept_cookie(&st->sock, adapter, cfg, &syn, &ack, stderr);
}

/* One attempt: the carrier, then the handshake. */
static enum sponge_err open_once(struct tcp_app_stack *st, const struct app_args *args, enum tcp_app_carrier carrier,
                                 char *why, size_t why_len, bool *handshake_failed) {
    *handshake_failed = false;
    memset(st, 0, sizeof *st);
    st->carrier = carrier;
    enum sponge_err err = open_carrier(st, args, why, why_len);
    if (err != SPONGE_OK) {
        return err;
    }
    struct tcp_adapter adapter = st->adapter;
    if (args->loss_up > 0 || args->loss_down > 0) {
        uint64_t seed = app_seed();
        fprintf(stderr, "DEBUG: loss uplink %g downlink %g, seed %llu (set SPONGE_SEED to replay)\n", args->loss_up,
                args->loss_down, (unsigned long long)seed);
        lossy_adapter_init(&st->lossy, st->adapter, args->loss_up, args->loss_down, seed);
        adapter = lossy_adapter_as_adapter(&st->lossy);
    }
    char host[16];
    ipv4_format(args->host, host);
    struct tcp_config cfg;
    err = choose_isn(st, &args->cfg, &cfg);
    if (err != SPONGE_OK) {
        snprintf(why, why_len, "no random key for initial sequence numbers (getrandom failed)");
        close_carrier(st);
        return err;
    }
    if (carrier == TCP_APP_OVER_IPV4) {
        cfg.max_segment = tcp_ipv4_adapter_max_segment(&st->ipv4); /* super-segments when offloading */
    }
    if (args->listen && carrier == TCP_APP_OVER_IPV4 && cfg.modern) {
        fprintf(stderr, "DEBUG: listening on %s:%u (SYN cookies until a handshake completes)\n", host,
                (unsigned)args->port);
        err = accept_cookie(st, adapter, &cfg);
    } else if (args->listen) {
        fprintf(stderr, "DEBUG: listening on %s:%u\n", host, (unsigned)args->port);
        err = tcp_socket_listen_and_accept(&st->sock, adapter, &cfg, stderr);
    } else {
        fprintf(stderr, "DEBUG: connecting to %s:%u\n", host, (unsigned)args->port);
        err = tcp_socket_connect(&st->sock, adapter, &cfg, stderr);
    }
    if (err != SPONGE_OK) {
        *handshake_failed = true;
        snprintf(why, why_len, "%s %s:%u failed: %s", args->listen ? "accept on" : "connect to", host,
                 (unsigned)args->port,
                 err == SPONGE_ERR_TIMEOUT ? "no answer (timed out)"
                 : err == SPONGE_ERR_RESET ? "connection refused (reset)"
                                           : sponge_strerror(err));
        close_carrier(st);
    }
    return err;
}

enum sponge_err tcp_app_open(struct tcp_app_stack *st, const struct app_args *args, enum tcp_app_carrier carrier,
                             char *why, size_t why_len) {
    for (;;) {
        bool handshake_failed;
        enum sponge_err err = open_once(st, args, carrier, why, why_len, &handshake_failed);
        /* A listener whose half-open connection was reset or never acknowledged (a spoofed or
         * vanished SYN) goes back to LISTEN, as RFC 793 p. 70 has a passive SYN-RECEIVED do:
         * one bogus SYN must not take the server down. The carrier is reopened, so the
         * adapter forgets that SYN's sender. */
        if (!args->listen || !handshake_failed || (err != SPONGE_ERR_RESET && err != SPONGE_ERR_TIMEOUT)) {
            return err;
        }
        fprintf(stderr, "DEBUG: %s; listening again\n", why);
    }
}

enum sponge_err tcp_app_close(struct tcp_app_stack *st) {
    enum sponge_err err = tcp_socket_wait_until_closed(&st->sock);
    close_carrier(st);
    return err;
}

int tcp_app_main(int argc, char **argv, enum tcp_app_carrier carrier) {
    const char *prog = app_name(argc > 0 ? argv[0] : NULL);
    char why[320];
    struct app_args args;
    unsigned options = APP_OPT_TCP;
    if (carrier != TCP_APP_OVER_UDP) {
        options |= APP_OPT_SOURCE | APP_OPT_DEVICE;
    }
    if (carrier == TCP_APP_OVER_ETHERNET) {
        options |= APP_OPT_GATEWAY;
    }
    if (app_args_parse(argc, argv, options, &args, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "%s: %s\n", prog, why);
        return 2;
    }
    struct tcp_app_stack st;
    if (tcp_app_open(&st, &args, carrier, why, sizeof why) != SPONGE_OK) {
        fprintf(stderr, "%s: %s\n", prog, why);
        return 1;
    }
    enum sponge_err copy = stream_copy(STDIN_FILENO, STDOUT_FILENO, tcp_socket_fd(&st.sock));
    int copy_errno = errno;
    enum sponge_err err = tcp_app_close(&st);
    if (err != SPONGE_OK) {
        fprintf(stderr, "%s: %s\n", prog, tcp_app_describe(err));
        return 1;
    }
    if (copy != SPONGE_OK) {
        fprintf(stderr, "%s: copying failed: %s\n", prog, strerror(copy_errno));
        return 1;
    }
    return 0;
}
