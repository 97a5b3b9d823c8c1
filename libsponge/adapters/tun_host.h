#ifndef SPONGE_ADAPTERS_TUN_HOST_H
#define SPONGE_ADAPTERS_TUN_HOST_H
/* A tcp_host on a TUN device, with the clock: what the host apps share. tun_host_pump passes
 * time to the host (CLOCK_MONOTONIC, whole milliseconds) and hands it the datagrams waiting on
 * the device; the caller then handles the events and calls tcp_host_flush, so that an ACK and
 * the application's reply (or FIN) leave in one segment. */
#include "adapters/tcp_host.h"
#include "adapters/tun_carrier.h"

#include <stddef.h>
#include <stdint.h>

struct tun_host {
    struct tcp_host host; /* use freely */
    /* private */
    struct tun_carrier tun;
    uint64_t last_ms;
};

/** Attaches to TUN device `dev` and sets the host up with `cfg`. On failure writes one line
 *  into `why` and returns the error (nothing left to free). */
enum sponge_err tun_host_open(struct tun_host *t, const char *dev, const struct tcp_host_config *cfg, char *why,
                              size_t why_len);

/** Ticks (sending what the timers produced), then reads up to `batch` datagrams, polling up
 *  to wait_ms for the first one (input on `extra_fd`, -1 for none, ends the wait too). What
 *  the datagrams produced waits for tcp_host_flush. */
enum sponge_err tun_host_pump(struct tun_host *t, size_t batch, int wait_ms, int extra_fd);

/** Destroys the host (active connections are reset) and closes the device. */
void tun_host_close(struct tun_host *t);

/** Prints the host's and the device's counters on one line (no newline). */
void tun_host_report(const struct tun_host *t, FILE *out);

#endif
