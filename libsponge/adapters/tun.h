#ifndef SPONGE_ADAPTERS_TUN_H
#define SPONGE_ADAPTERS_TUN_H

/* TUN devices (Linux): attach to an existing layer-3 device by name. Reads and writes on the
 * returned descriptor carry bare IP datagrams (IFF_TUN | IFF_NO_PI), or with offloads each one
 * behind a virtio-net header (IFF_VNET_HDR). */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>

/** Opens /dev/net/tun and attaches it to the device `name` (for example "tun144"), non-blocking,
 *  then waits up to `wait_ms` for the device to report IFF_RUNNING (the kernel drops what is
 *  written to a device that is not up yet). On success `*fd` is the caller's to close.
 *  On failure returns SYSTEM, TIMEOUT or INVALID_ARGUMENT and writes one line (no newline)
 *  saying what went wrong and what to do into `why` (`why_len` bytes). */
enum sponge_err tun_open(const char *name, unsigned wait_ms, int *fd, char *why, size_t why_len);

/** Like tun_open, with offloads (docs/BENCHMARKS.md, "TUN offloads"): every read and write on
 *  *fd starts with a virtio-net header (wire/virtio_net.h, little-endian), and the kernel may
 *  hand over, and takes, TCP/IPv4 super-segments of up to 64 KiB (TSO4) and partial checksums
 *  (CSUM). *offloads says whether that worked; if the device or kernel refused, it says so
 *  once on stderr and the descriptor carries plain datagrams, as from tun_open. */
enum sponge_err tun_open_offload(const char *name, unsigned wait_ms, int *fd, bool *offloads, char *why,
                                 size_t why_len);

/** Whether offloads are wanted: true unless SPONGE_TUN_OFFLOAD is "0" or "off" (modern mode
 *  only; lab mode never asks). */
bool tun_offload_wanted(void);

/** Switches the device's offloads off (the next user may be a plain reader) and closes fd
 *  (nothing if fd < 0). */
void tun_close(int fd);

#endif
