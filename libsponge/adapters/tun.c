#include "adapters/tun.h"

#include "wire/virtio_net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Asks the kernel for the device's flags through a throwaway datagram socket. */
static int device_flags(const char *name, short *flags) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        return -1;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
    int saved = errno;
    close(s);
    errno = saved;
    if (rc == 0) {
        *flags = ifr.ifr_flags;
    }
    return rc;
}

static enum sponge_err fail(char *why, size_t why_len, enum sponge_err err, const char *fmt, const char *name,
                            const char *detail) {
    snprintf(why, why_len, fmt, name, detail);
    return err;
}

/* Attaches a new descriptor to the existing device `name` with `flags` (IFF_TUN | IFF_NO_PI,
 * plus IFF_VNET_HDR for offloads). The device has to exist already: we attach, we never create
 * (creating needs root and would leave a device behind). TUNSETIFF on a missing device would
 * create one, so check first that it is there. */
static enum sponge_err attach(const char *name, short tun_flags, int *fd, char *why, size_t why_len) {
    if (name == NULL || name[0] == '\0' || strlen(name) >= IFNAMSIZ) {
        return fail(why, why_len, SPONGE_ERR_INVALID_ARGUMENT, "bad TUN device name \"%s\"%s", name ? name : "", "");
    }
    short flags = 0;
    if (device_flags(name, &flags) != 0) {
        if (errno == ENODEV) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM,
                        "TUN device %s does not exist (create it: ip tuntap add mode tun %s)", name, name);
        }
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot query device %s: %s", name, strerror(errno));
    }
    int tfd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (tfd < 0) {
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot open /dev/net/tun for %s: %s", name, strerror(errno));
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = tun_flags;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(tfd, TUNSETIFF, &ifr) != 0) {
        int saved = errno;
        close(tfd);
        if (saved == EPERM || saved == EACCES) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM,
                        "no permission to attach to TUN device %s (%s): run as root or create it with "
                        "user=YOU",
                        name, strerror(saved));
        }
        if (saved == EINVAL) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM, "device %s is not a TUN device (%s)", name, strerror(saved));
        }
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot attach to TUN device %s: %s", name, strerror(saved));
    }
    *fd = tfd;
    return SPONGE_OK;
}

/* IFF_RUNNING appears once a process has the device open and it is up; poll for it with a
 * bounded wait (the kernel offers no event for it on the descriptor). Closes fd (tun_close) on
 * timeout. */
static enum sponge_err wait_running(const char *name, unsigned wait_ms, int fd, char *why, size_t why_len) {
    short flags = 0;
    for (unsigned waited = 0;; waited += 10) {
        if (device_flags(name, &flags) == 0 && (flags & IFF_UP) && (flags & IFF_RUNNING)) {
            return SPONGE_OK;
        }
        if (waited >= wait_ms) {
            tun_close(fd);
            return fail(why, why_len, SPONGE_ERR_TIMEOUT, "TUN device %s is not up and running (ip link set %s up)",
                        name, name);
        }
        poll(NULL, 0, 10);
    }
}

enum sponge_err tun_open(const char *name, unsigned wait_ms, int *fd, char *why, size_t why_len) {
    int tfd = -1;
    enum sponge_err err = attach(name, IFF_TUN | IFF_NO_PI, &tfd, why, why_len);
    if (err != SPONGE_OK) {
        return err;
    }
    /* Offloads left on by an earlier user would hand us super-segments we could not tell from
     * plain datagrams: switch them off (best effort; an old kernel has no offloads anyway). */
    ioctl(tfd, TUNSETOFFLOAD, 0);
    err = wait_running(name, wait_ms, tfd, why, why_len);
    if (err == SPONGE_OK) {
        *fd = tfd;
    }
    return err;
}

bool tun_offload_wanted(void) {
    const char *v = getenv("SPONGE_TUN_OFFLOAD");
    return v == NULL || (strcmp(v, "0") != 0 && strcmp(v, "off") != 0);
}

/* Turns the virtio-net header and the offloads on for fd (attached with IFF_VNET_HDR). Returns
 * the name of the ioctl that failed, or NULL. */
static const char *enable_offloads(int fd) {
    int hdr_len = VIRTIO_NET_HEADER_LEN, little_endian = 1;
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) != 0) {
        return "TUNSETVNETHDRSZ";
    }
    /* virtio 1.x byte order; without the ioctl the kernel uses the host's, the same on x86. */
    if (ioctl(fd, TUNSETVNETLE, &little_endian) != 0 && errno != EINVAL && errno != ENOTTY) {
        return "TUNSETVNETLE";
    }
    if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4)) != 0) {
        return "TUNSETOFFLOAD";
    }
    return NULL;
}

enum sponge_err tun_open_offload(const char *name, unsigned wait_ms, int *fd, bool *offloads, char *why,
                                 size_t why_len) {
    int tfd = -1;
    *offloads = false;
    char reason[160];
    if (attach(name, IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, &tfd, reason, sizeof reason) == SPONGE_OK) {
        const char *failed = enable_offloads(tfd);
        if (failed == NULL) {
            enum sponge_err err = wait_running(name, wait_ms, tfd, why, why_len);
            if (err == SPONGE_OK) {
                *fd = tfd;
                *offloads = true;
            }
            return err;
        }
        snprintf(reason, sizeof reason, "%s: %s", failed, strerror(errno));
        tun_close(tfd);
    }
    /* Plain datagrams then; if those fail too, their error is the one to report. */
    enum sponge_err err = tun_open(name, wait_ms, fd, why, why_len);
    if (err == SPONGE_OK) {
        fprintf(stderr, "tun: no offloads on %s (%s); plain packets\n", name, reason);
    }
    return err;
}

void tun_close(int fd) {
    if (fd >= 0) {
        ioctl(fd, TUNSETOFFLOAD, 0); /* leave the device as plain as we found it, for the next user */
        close(fd);
    }
}
