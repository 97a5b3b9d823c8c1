#include "adapters/tun_carrier.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_BUFFER_LEN 65536 /* the largest IPv4 datagram */

enum sponge_err tun_carrier_init(struct tun_carrier *t, int fd) {
    *t = (struct tun_carrier){.fd = fd};
    t->rbuf = malloc(READ_BUFFER_LEN);
    if (t->rbuf == NULL) {
        return SPONGE_ERR_NO_MEMORY;
    }
    pcap_file_open_from_env(&t->pcap, PCAP_LINK_IPV4);
    return SPONGE_OK;
}

void tun_carrier_destroy(struct tun_carrier *t) {
    if (t->fd >= 0) {
        close(t->fd);
        t->fd = -1;
    }
    free(t->rbuf);
    t->rbuf = NULL;
    pcap_file_close(&t->pcap);
}

static enum sponge_err tun_send(void *self, const struct byte_view *pieces, size_t n) {
    struct tun_carrier *t = self;
    struct iovec iov[4];
    if (n > sizeof iov / sizeof iov[0]) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < n; i++) {
        iov[i] = (struct iovec){(void *)pieces[i].data, pieces[i].len};
    }
    if (writev(t->fd, iov, (int)n) < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == EINTR || errno == EIO) {
            t->send_dropped++; /* a full queue or a device going down: a lost packet */
            return SPONGE_OK;
        }
        return SPONGE_ERR_SYSTEM;
    }
    t->sent++;
    pcap_file_write(&t->pcap, pieces, n);
    return SPONGE_OK;
}

static enum sponge_err tun_recv(void *self, struct byte_view *dgram, bool *got) {
    struct tun_carrier *t = self;
    ssize_t n = read(t->fd, t->rbuf, READ_BUFFER_LEN);
    if (n < 0) {
        *got = false;
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? SPONGE_OK : SPONGE_ERR_SYSTEM;
    }
    t->received++;
    pcap_file_write_bytes(&t->pcap, t->rbuf, (size_t)n);
    *dgram = (struct byte_view){t->rbuf, (size_t)n};
    *got = true;
    return SPONGE_OK;
}

static const struct ipv4_carrier_ops tun_ops = {.send = tun_send, .recv = tun_recv};

struct ipv4_carrier tun_carrier_as_carrier(struct tun_carrier *t) {
    return (struct ipv4_carrier){&tun_ops, t};
}

int tun_carrier_fd(const struct tun_carrier *t) {
    return t->fd;
}

void tun_carrier_report(const struct tun_carrier *t, FILE *out) {
    fprintf(out, "tun: sent %llu (dropped %llu), received %llu", (unsigned long long)t->sent,
            (unsigned long long)t->send_dropped, (unsigned long long)t->received);
}
