#include "adapters/tun_carrier.h"

#include "adapters/tun.h"
#include "wire/virtio_net.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#define READ_BUFFER_LEN (VIRTIO_NET_HEADER_LEN + 65536) /* the largest IPv4 datagram (and its header) */

enum sponge_err tun_carrier_init(struct tun_carrier *t, int fd, bool offloads) {
    *t = (struct tun_carrier){.fd = fd, .offloads = offloads};
    t->rbuf = malloc(READ_BUFFER_LEN);
    if (t->rbuf == NULL) {
        return SPONGE_ERR_NO_MEMORY;
    }
    pcap_file_open_from_env(&t->pcap, PCAP_LINK_IPV4);
    return SPONGE_OK;
}

void tun_carrier_destroy(struct tun_carrier *t) {
    tun_close(t->fd);
    t->fd = -1;
    free(t->rbuf);
    t->rbuf = NULL;
    pcap_file_close(&t->pcap);
}

static enum sponge_err tun_send(void *self, const struct byte_view *pieces, size_t n) {
    struct tun_carrier *t = self;
    /* Offloads: a plain packet (its checksums are done) behind a zero virtio-net header. */
    uint8_t vnet[VIRTIO_NET_HEADER_LEN] = {0};
    struct iovec iov[5] = {{vnet, sizeof vnet}};
    if (n > sizeof iov / sizeof iov[0] - 1) {
        return SPONGE_ERR_INVALID_ARGUMENT;
    }
    for (size_t i = 0; i < n; i++) {
        iov[i + 1] = (struct iovec){(void *)pieces[i].data, pieces[i].len};
    }
    if ((t->offloads ? writev(t->fd, iov, (int)n + 1) : writev(t->fd, iov + 1, (int)n)) < 0) {
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

/* Offloads: strips the virtio-net header from the n bytes read into *dgram, finishing a partial
 * checksum in place (the host verifies every checksum; its segments are small). False for a
 * header that does not parse (counted). */
static bool strip_vnet(struct tun_carrier *t, size_t n, struct byte_view *dgram) {
    struct virtio_net_header v;
    if (virtio_net_header_parse(t->rbuf, n, &v) != SPONGE_OK) {
        t->vnet_dropped++;
        return false;
    }
    uint8_t *pkt = t->rbuf + VIRTIO_NET_HEADER_LEN;
    virtio_net_finish_checksum(&v, pkt, n - VIRTIO_NET_HEADER_LEN);
    *dgram = (struct byte_view){pkt, n - VIRTIO_NET_HEADER_LEN};
    return true;
}

static enum sponge_err tun_recv(void *self, struct byte_view *dgram, bool *got) {
    struct tun_carrier *t = self;
    for (;;) {
        ssize_t n = read(t->fd, t->rbuf, READ_BUFFER_LEN);
        if (n < 0) {
            *got = false;
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? SPONGE_OK : SPONGE_ERR_SYSTEM;
        }
        *dgram = (struct byte_view){t->rbuf, (size_t)n};
        if (t->offloads && !strip_vnet(t, (size_t)n, dgram)) {
            continue;
        }
        t->received++;
        pcap_file_write_bytes(&t->pcap, dgram->data, dgram->len);
        *got = true;
        return SPONGE_OK;
    }
}

static const struct ipv4_carrier_ops tun_ops = {.send = tun_send, .recv = tun_recv};

struct ipv4_carrier tun_carrier_as_carrier(struct tun_carrier *t) {
    return (struct ipv4_carrier){&tun_ops, t};
}

int tun_carrier_fd(const struct tun_carrier *t) {
    return t->fd;
}

void tun_carrier_report(const struct tun_carrier *t, FILE *out) {
    fprintf(out, "tun: sent %llu (dropped %llu), received %llu (bad virtio-net headers %llu); offloads %s",
            (unsigned long long)t->sent, (unsigned long long)t->send_dropped, (unsigned long long)t->received,
            (unsigned long long)t->vnet_dropped, t->offloads ? "on" : "off");
}
