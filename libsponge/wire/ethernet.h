#ifndef SPONGE_WIRE_ETHERNET_H
#define SPONGE_WIRE_ETHERNET_H

/* Ethernet II header (IEEE 802.3 with an EtherType, RFC 894): destination, source, type.
 * The frame check sequence is the device's business and never appears here. */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ETH_ADDR_LEN 6
#define ETH_HEADER_LEN 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806

/** A 48-bit MAC address, in wire order. */
struct eth_addr {
    uint8_t b[ETH_ADDR_LEN];
};

struct ethernet_header {
    struct eth_addr dst;
    struct eth_addr src;
    uint16_t ethertype; /* host order */
};

/** ff:ff:ff:ff:ff:ff */
static inline struct eth_addr eth_broadcast(void) {
    struct eth_addr a = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    return a;
}

static inline bool eth_addr_equal(struct eth_addr a, struct eth_addr b) {
    return memcmp(a.b, b.b, ETH_ADDR_LEN) == 0;
}

/** Parses the 14-byte header at buf[0..len); the payload starts at ETH_HEADER_LEN.
 *  Returns SPONGE_OK or SPONGE_ERR_PACKET_TOO_SHORT. Any EtherType is accepted here. */
enum sponge_err ethernet_header_parse(const uint8_t *buf, size_t len, struct ethernet_header *h);

/** Writes the 14-byte header to out. Returns SPONGE_OK or SPONGE_ERR_BUFFER_TOO_SMALL. */
enum sponge_err ethernet_header_serialize(const struct ethernet_header *h, uint8_t *out, size_t out_cap);

/** Formats `a` as "02:00:00:00:00:01" into `out` (at least 18 bytes); returns out. */
char *eth_addr_format(struct eth_addr a, char *out);

#endif
