#ifndef SPONGE_ADAPTERS_TAP_H
#define SPONGE_ADAPTERS_TAP_H

/* TAP devices (Linux): layer-2 devices whose descriptor carries whole Ethernet frames, header
 * included, frame check sequence excluded (IFF_TAP | IFF_NO_PI: no packet-information prefix).
 * Each read returns one frame the kernel sent out of the device; each write hands the kernel
 * one frame as if it had arrived on the device. */

#include "util/error.h"
#include "wire/ethernet.h"

#include <stddef.h>
#include <stdint.h>

/* The largest frame a TAP device can carry: the largest MTU plus the Ethernet header. */
#define TAP_MAX_FRAME_LEN (65535 + ETH_HEADER_LEN)

enum tap_open_mode {
    TAP_ATTACH,           /* the device must exist already (made with `ip tuntap add mode tap`) */
    TAP_CREATE_OR_ATTACH, /* create it if missing; a created device vanishes with its last descriptor */
};

/** Opens /dev/net/tun and attaches it to TAP device `name` (created if `mode` allows), in the
 *  calling process's network namespace. On success `*fd` (non-blocking, close-on-exec) is the
 *  caller's to close. On failure returns INVALID_ARGUMENT (bad name) or SYSTEM and writes one
 *  line (no newline) into `why` saying what went wrong: no /dev/net/tun, no permission, no
 *  such device, a device that is not a TAP. */
enum sponge_err tap_open(const char *name, enum tap_open_mode mode, int *fd, char *why, size_t why_len);

/** Sets the IFF_UP flag of device `name` (as `ip link set NAME up`). Needs CAP_NET_ADMIN.
 *  Returns SPONGE_OK or SYSTEM with one line in `why`. */
enum sponge_err tap_set_up(const char *name, char *why, size_t why_len);

/** Sets the MTU of device `name` (as `ip link set NAME mtu MTU`; it stays with the device if
 *  it moves to another namespace). Needs CAP_NET_ADMIN. Returns SPONGE_OK or SYSTEM with one
 *  line in `why`. */
enum sponge_err tap_set_mtu(const char *name, unsigned mtu, char *why, size_t why_len);

/** Waits up to `wait_ms` for device `name` to be up and running (IFF_UP and IFF_RUNNING: a
 *  TAP runs once a descriptor is attached and it is up; the kernel drops frames written
 *  before). Returns SPONGE_OK, TIMEOUT or SYSTEM, with one line in `why` on failure. */
enum sponge_err tap_wait_running(const char *name, unsigned wait_ms, char *why, size_t why_len);

/** The device's own (kernel side) Ethernet address. Returns SPONGE_OK or SYSTEM. */
enum sponge_err tap_hw_addr(const char *name, struct eth_addr *eth, char *why, size_t why_len);

/** Reads one frame into buf[0..cap) (cap >= TAP_MAX_FRAME_LEN keeps every frame whole).
 *  Returns SPONGE_OK with *len > 0 for a frame, SPONGE_OK with *len == 0 when no frame is
 *  waiting (or a signal interrupted the read), SYSTEM with errno set otherwise. */
enum sponge_err tap_read_frame(int fd, uint8_t *buf, size_t cap, size_t *len);

/** Writes the frame frame[0..len) (the caller's memory). Returns SPONGE_OK, or SYSTEM with
 *  errno set (EIO while the device is down, EAGAIN if the kernel cannot take it now): the
 *  frame is then not sent. */
enum sponge_err tap_write_frame(int fd, const uint8_t *frame, size_t len);

#endif
