#ifndef SPONGE_ADAPTERS_TUN_CARRIER_H
#define SPONGE_ADAPTERS_TUN_CARRIER_H
/* An IPv4 carrier on a TUN descriptor (IFF_TUN | IFF_NO_PI): one writev per datagram sent
 * (headers and payload pieces as they are, no copy in user space), one read per datagram
 * received into one buffer. With SPONGE_PCAP=FILE set, every datagram is also written to FILE.
 * With offloads (tun_open_offload) every datagram goes behind a virtio-net header: sent ones as
 * plain packets with their checksums done; received ones may be TCP super-segments (handed on
 * as one datagram) and have partial checksums, which are finished in place before they are
 * handed on, so the receiver verifies them as usual. */
#include "adapters/ipv4_carrier.h"
#include "adapters/pcap_file.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct tun_carrier {
    /* private */
    int fd;
    uint8_t *rbuf;
    uint64_t sent, send_dropped, received, vnet_dropped;
    struct pcap_file pcap;
    bool offloads; /* virtio-net headers on the descriptor */
};

/** Takes the non-blocking TUN descriptor `fd` (closed in destroy), from tun_open_offload if
 *  `offloads`. Returns SPONGE_OK or NO_MEMORY (fd then not taken). */
enum sponge_err tun_carrier_init(struct tun_carrier *t, int fd, bool offloads);

/** Closes the descriptor, frees the buffer. */
void tun_carrier_destroy(struct tun_carrier *t);

/** The carrier interface (borrows `t`). */
struct ipv4_carrier tun_carrier_as_carrier(struct tun_carrier *t);

/** The descriptor, to poll. */
int tun_carrier_fd(const struct tun_carrier *t);

/** Prints "tun: sent N (dropped N), received N (bad virtio-net headers N); offloads on|off" (no newline). */
void tun_carrier_report(const struct tun_carrier *t, FILE *out);

#endif
