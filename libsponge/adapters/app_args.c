#include "adapters/app_args.h"

#include "wire/ipv4.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

static bool parse_ulong(const char *text, unsigned long lo, unsigned long hi, unsigned long *out) {
    if (text == NULL || *text == '\0' || *text == '-') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi) {
        return false;
    }
    *out = v;
    return true;
}

static bool parse_rate(const char *text, double *out) {
    if (text == NULL || *text == '\0') {
        return false;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || *end != '\0' || !(v >= 0.0 && v <= 1.0)) {
        return false;
    }
    *out = v;
    return true;
}

bool app_resolve_ipv4(const char *host, uint32_t *addr) {
    if (ipv4_parse_address(host, addr)) {
        return true;
    }
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL) {
        return false;
    }
    *addr = ntohl(((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr);
    freeaddrinfo(res);
    return true;
}

const char *app_name(const char *argv0) {
    if (argv0 == NULL || *argv0 == '\0') {
        return "app";
    }
    const char *slash = strrchr(argv0, '/');
    return slash ? slash + 1 : argv0;
}

static uint64_t random_u64(void) {
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, 0) != (ssize_t)sizeof v) {
        v = (uint64_t)getpid() * 0x9E3779B97F4A7C15ULL; /* entropy unavailable: still varies per run */
    }
    return v;
}

uint64_t app_seed(void) {
    const char *env = getenv("SPONGE_SEED");
    if (env != NULL && *env != '\0') {
        return strtoull(env, NULL, 0);
    }
    return random_u64();
}

uint16_t app_ephemeral_port(void) {
    return (uint16_t)(49152 + random_u64() % 16384);
}

static void usage(char *why, size_t why_len, const char *prog, unsigned options, const char *problem) {
    snprintf(why, why_len, "%s (usage: %s [-l]%s%s%s%s HOST PORT)", problem, prog,
             (options & APP_OPT_SOURCE) ? " [-a ADDR] [-s PORT]" : "",
             (options & APP_OPT_TCP) ? " [--lab] [--cc ALGO] [--nodelay] [-t RTO] [-w WIN]" : "",
             (options & APP_OPT_GATEWAY)  ? " [-d TAPDEV] [-g NEXT_HOP]"
             : (options & APP_OPT_DEVICE) ? " [-d TUNDEV]"
                                          : "",
             (options & APP_OPT_TCP) ? " [-Lu RATE] [-Ld RATE]" : "");
}

enum sponge_err app_args_parse(int argc, char **argv, unsigned options, struct app_args *out, char *why,
                               size_t why_len) {
    const char *prog = app_name(argc > 0 ? argv[0] : NULL);
    memset(out, 0, sizeof *out);
    tcp_config_default(&out->cfg);
    /* Modern TCP unless --lab is given anywhere among the options (so -w may precede it). */
    bool lab = false;
    for (int k = 1; k < argc && argv[k][0] == '-' && argv[k][1] != '\0'; k++) {
        lab |= (options & APP_OPT_TCP) && strcmp(argv[k], "--lab") == 0;
    }
    tcp_config_set_modern(&out->cfg, !lab);
    char problem[160];
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *opt = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long n = 0;
        bool ok = true;
        if (strcmp(opt, "-l") == 0) {
            out->listen = true;
            continue;
        }
        if ((options & APP_OPT_TCP) && strcmp(opt, "--lab") == 0) {
            continue;
        }
        if ((options & APP_OPT_TCP) && strcmp(opt, "--nodelay") == 0) {
            out->cfg.nagle = false;
            continue;
        }
        if ((options & APP_OPT_TCP) && strcmp(opt, "-t") == 0) {
            ok = parse_ulong(val, 1, 60000, &n);
            out->cfg.rt_timeout = (uint32_t)n;
            /* Modern mode: -t is the initial RTO, and also the estimated RTO's floor if lower. */
            if (!lab && n < out->cfg.min_rto) {
                out->cfg.min_rto = (uint32_t)n;
            }
        } else if ((options & APP_OPT_TCP) && strcmp(opt, "-w") == 0) {
            /* Lab mode has no window scaling: the advertised window is 16 bits. */
            ok = parse_ulong(val, 1, lab ? 65535 : (1ul << 30), &n);
            out->cfg.recv_capacity = n;
        } else if ((options & APP_OPT_TCP) && strcmp(opt, "--cc") == 0) {
            /* Congestion control: newreno (the modern default), cubic, bbr, or none. */
            ok = val != NULL;
            if (ok && strcmp(val, "cubic") == 0) {
                out->cfg.congestion = TCP_CC_CUBIC;
            } else if (ok && strcmp(val, "bbr") == 0) {
                out->cfg.congestion = TCP_CC_BBR;
            } else if (ok && strcmp(val, "newreno") == 0) {
                out->cfg.congestion = TCP_CC_NEWRENO;
            } else if (ok && strcmp(val, "none") == 0) {
                out->cfg.congestion = TCP_CC_NONE;
            } else {
                ok = false;
            }
        } else if ((options & APP_OPT_TCP) && strcmp(opt, "-Lu") == 0) {
            ok = parse_rate(val, &out->loss_up);
        } else if ((options & APP_OPT_TCP) && strcmp(opt, "-Ld") == 0) {
            ok = parse_rate(val, &out->loss_down);
        } else if ((options & APP_OPT_SOURCE) && strcmp(opt, "-a") == 0) {
            ok = val != NULL && ipv4_parse_address(val, &out->source_addr);
            out->has_source_addr = true;
        } else if ((options & APP_OPT_SOURCE) && strcmp(opt, "-s") == 0) {
            ok = parse_ulong(val, 1, 65535, &n);
            out->source_port = (uint16_t)n;
            out->has_source_port = true;
        } else if ((options & APP_OPT_GATEWAY) && strcmp(opt, "-g") == 0) {
            ok = val != NULL && ipv4_parse_address(val, &out->next_hop);
            out->has_next_hop = true;
        } else if ((options & APP_OPT_DEVICE) && strcmp(opt, "-d") == 0) {
            ok = val != NULL && *val != '\0';
            out->device = val;
        } else {
            snprintf(problem, sizeof problem, "unknown option %s", opt);
            usage(why, why_len, prog, options, problem);
            return SPONGE_ERR_INVALID_ARGUMENT;
        }
        if (!ok) {
            snprintf(problem, sizeof problem, "bad or missing value for %s", opt);
            usage(why, why_len, prog, options, problem);
            return SPONGE_ERR_INVALID_ARGUMENT;
        }
        i++; /* the option's value */
    }
    if (argc - i != 2) {
        usage(why, why_len, prog, options, "expected HOST and PORT");
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    unsigned long port = 0;
    if (!parse_ulong(argv[i + 1], out->listen ? 0 : 1, 65535, &port)) {
        snprintf(problem, sizeof problem, "bad port \"%s\"", argv[i + 1]);
        usage(why, why_len, prog, options, problem);
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    out->port = (uint16_t)port;
    if (!app_resolve_ipv4(argv[i], &out->host)) {
        snprintf(why, why_len, "cannot resolve host \"%s\" to an IPv4 address", argv[i]);
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    return SPONGE_OK;
}
