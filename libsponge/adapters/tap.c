#include "adapters/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define RUNNING_POLL_MS 10

static enum sponge_err fail(char *why, size_t why_len, enum sponge_err err, const char *fmt, ...) {
    if (why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return err;
}

static bool name_ok(const char *name) {
    return name != NULL && name[0] != '\0' && strlen(name) < IFNAMSIZ;
}

/* Device ioctls (flags, hardware address) go through any socket of the namespace; a
 * throwaway datagram socket keeps the caller free of it. errno survives for the caller. */
static int device_ioctl(const char *name, unsigned long request, struct ifreq *ifr) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        return -1;
    }
    snprintf(ifr->ifr_name, IFNAMSIZ, "%s", name);
    int rc = ioctl(s, request, ifr);
    int saved = errno;
    close(s);
    errno = saved;
    return rc;
}

static int device_flags(const char *name, short *flags) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (device_ioctl(name, SIOCGIFFLAGS, &ifr) != 0) {
        return -1;
    }
    *flags = ifr.ifr_flags;
    return 0;
}

enum sponge_err tap_open(const char *name, enum tap_open_mode mode, int *fd, char *why, size_t why_len) {
    if (!name_ok(name)) {
        return fail(why, why_len, SPONGE_ERR_INVALID_ARGUMENT, "bad TAP device name \"%s\" (1 to %d characters)",
                    name ? name : "", IFNAMSIZ - 1);
    }
    short flags;
    if (mode == TAP_ATTACH && device_flags(name, &flags) != 0) {
        /* TUNSETIFF would create a missing device; attaching means it must be there. */
        if (errno == ENODEV) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM,
                        "TAP device %s does not exist (create it: ip tuntap add mode tap %s)", name, name);
        }
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot query device %s: %s", name, strerror(errno));
    }
    int tfd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (tfd < 0) {
        if (errno == ENOENT || errno == ENODEV || errno == ENXIO) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM, "no /dev/net/tun (%s): load the tun module (modprobe tun)",
                        strerror(errno));
        }
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot open /dev/net/tun for %s: %s", name, strerror(errno));
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    if (ioctl(tfd, TUNSETIFF, &ifr) != 0) {
        int saved = errno;
        close(tfd);
        if (saved == EPERM || saved == EACCES) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM,
                        "no permission to %s TAP device %s (%s): run as root (CAP_NET_ADMIN) or make it with "
                        "ip tuntap add mode tap user YOU %s",
                        mode == TAP_ATTACH ? "attach to" : "create", name, strerror(saved), name);
        }
        if (saved == EINVAL) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM, "device %s exists but is not a TAP device (%s)", name,
                        strerror(saved));
        }
        if (saved == EBUSY) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM, "TAP device %s is already attached to another descriptor",
                        name);
        }
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot attach to TAP device %s: %s", name, strerror(saved));
    }
    *fd = tfd;
    return SPONGE_OK;
}

enum sponge_err tap_set_up(const char *name, char *why, size_t why_len) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (!name_ok(name) || device_ioctl(name, SIOCGIFFLAGS, &ifr) != 0) {
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot query device %s: %s", name ? name : "", strerror(errno));
    }
    ifr.ifr_flags |= IFF_UP;
    if (device_ioctl(name, SIOCSIFFLAGS, &ifr) != 0) {
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot bring device %s up: %s", name, strerror(errno));
    }
    return SPONGE_OK;
}

enum sponge_err tap_set_mtu(const char *name, unsigned mtu, char *why, size_t why_len) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_mtu = (int)mtu;
    if (!name_ok(name) || device_ioctl(name, SIOCSIFMTU, &ifr) != 0) {
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot set the MTU of device %s to %u: %s", name ? name : "", mtu,
                    strerror(errno));
    }
    return SPONGE_OK;
}

enum sponge_err tap_wait_running(const char *name, unsigned wait_ms, char *why, size_t why_len) {
    /* The kernel offers no event for IFF_RUNNING on the TAP descriptor: poll the flags, bounded. */
    for (unsigned waited = 0;; waited += RUNNING_POLL_MS) {
        short flags = 0;
        if (!name_ok(name) || device_flags(name, &flags) != 0) {
            return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot query device %s: %s", name ? name : "",
                        strerror(errno));
        }
        if ((flags & IFF_UP) && (flags & IFF_RUNNING)) {
            return SPONGE_OK;
        }
        if (waited >= wait_ms) {
            return fail(why, why_len, SPONGE_ERR_TIMEOUT, "TAP device %s is not up and running after %u ms%s", name,
                        wait_ms, (flags & IFF_UP) ? "" : " (ip link set DEV up)");
        }
        poll(NULL, 0, RUNNING_POLL_MS);
    }
}

enum sponge_err tap_hw_addr(const char *name, struct eth_addr *eth, char *why, size_t why_len) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (!name_ok(name) || device_ioctl(name, SIOCGIFHWADDR, &ifr) != 0) {
        return fail(why, why_len, SPONGE_ERR_SYSTEM, "cannot read the hardware address of %s: %s", name ? name : "",
                    strerror(errno));
    }
    memcpy(eth->b, ifr.ifr_hwaddr.sa_data, ETH_ADDR_LEN);
    return SPONGE_OK;
}

enum sponge_err tap_read_frame(int fd, uint8_t *buf, size_t cap, size_t *len) {
    ssize_t n = read(fd, buf, cap);
    if (n < 0) {
        *len = 0;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? SPONGE_OK : SPONGE_ERR_SYSTEM;
    }
    *len = (size_t)n;
    return SPONGE_OK;
}

enum sponge_err tap_write_frame(int fd, const uint8_t *frame, size_t len) {
    /* A TAP write takes the whole frame or fails; there are no partial writes. */
    ssize_t n = write(fd, frame, len);
    return n == (ssize_t)len ? SPONGE_OK : SPONGE_ERR_SYSTEM;
}
