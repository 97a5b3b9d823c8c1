#ifndef SPONGE_ADAPTERS_TUN_H
#define SPONGE_ADAPTERS_TUN_H

/* TUN devices (Linux): attach to an existing layer-3 device by name. Reads and writes on the
 * returned descriptor carry bare IP datagrams (IFF_TUN | IFF_NO_PI). */

#include "util/error.h"

#include <stddef.h>

/** Opens /dev/net/tun and attaches it to the device `name` (for example "tun144"), non-blocking,
 *  then waits up to `wait_ms` for the device to report IFF_RUNNING (the kernel drops what is
 *  written to a device that is not up yet). On success `*fd` is the caller's to close.
 *  On failure returns SYSTEM, TIMEOUT or INVALID_ARGUMENT and writes one line (no newline)
 *  saying what went wrong and what to do into `why` (`why_len` bytes). */
enum sponge_err tun_open(const char *name, unsigned wait_ms, int *fd, char *why, size_t why_len);

#endif
