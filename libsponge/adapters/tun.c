#include "adapters/tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
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

/* The device has to exist already: we attach, we never create (creating needs root and
 * would leave a device behind). IFF_TUNSETIFF on a missing device would create one, so
 * check first that it is there. */
enum sponge_err tun_open(const char *name, unsigned wait_ms, int *fd, char *why, size_t why_len) {
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
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
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
    /* IFF_RUNNING appears once a process has the device open and it is up; poll for it
     * with a bounded wait (the kernel offers no event for it on this descriptor). */
    for (unsigned waited = 0;; waited += 10) {
        if (device_flags(name, &flags) == 0 && (flags & IFF_UP) && (flags & IFF_RUNNING)) {
            break;
        }
        if (waited >= wait_ms) {
            close(tfd);
            return fail(why, why_len, SPONGE_ERR_TIMEOUT, "TUN device %s is not up and running (ip link set %s up)",
                        name, name);
        }
        poll(NULL, 0, 10);
    }
    *fd = tfd;
    return SPONGE_OK;
}
