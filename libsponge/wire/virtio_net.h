#ifndef SPONGE_WIRE_VIRTIO_NET_H
#define SPONGE_WIRE_VIRTIO_NET_H

/* The virtio-net header (VIRTIO 1.x, section 5.1.6 "Device Operation", struct
 * virtio_net_hdr without num_buffers): 10 bytes in front of every packet on a TUN descriptor
 * opened with IFF_VNET_HDR. It says how the packet's checksum stands and whether the packet is a
 * TCP super-segment to be cut into gso_size pieces (segmentation offload). Fields are
 * little-endian (virtio 1.x; the TUN adapter asks the kernel for that order). Parse and
 * serialize only; the rules for trusting a checksum are the caller's (docs/BENCHMARKS.md, TUN
 * offloads). */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_NET_HEADER_LEN 10
#define VIRTIO_NET_TCP_CSUM_OFFSET 16 /* the checksum field's offset in the TCP header */

/** The segmentation type (gso_type without its ECN bit). */
enum virtio_net_gso {
    VIRTIO_NET_GSO_NONE = 0,  /* a plain packet */
    VIRTIO_NET_GSO_TCPV4 = 1, /* an IPv4 TCP super-segment, cut into gso_size-byte payloads */
};

struct virtio_net_header {
    bool needs_csum; /* flag 1: the checksum at csum_start + csum_offset holds only the
                        pseudo-header's sum (folded, not complemented); the data are not summed */
    bool data_valid; /* flag 2: the sender vouches for the checksum (it was verified) */
    enum virtio_net_gso gso_type;
    uint16_t hdr_len;     /* bytes of headers before the payload (a hint) */
    uint16_t gso_size;    /* payload bytes per piece (the MSS) when gso_type is not NONE */
    uint16_t csum_start;  /* where the summed bytes start, from the packet's first byte */
    uint16_t csum_offset; /* where the checksum field is, from csum_start */
};

/** Parses the header at buf[0..len), where len covers the header and the packet after it.
 *  Never reads past buf[len - 1]. Errors, in the order checked: PACKET_TOO_SHORT (len < 10);
 *  UNSUPPORTED (a flag other than NEEDS_CSUM/DATA_VALID, the ECN bit, or a gso_type other
 *  than NONE/TCPV4: none of these are negotiated; or a TCPV4 super-segment with gso_size 0 or
 *  without NEEDS_CSUM); TRUNCATED (the checksum field, csum_start +
 *  csum_offset + 2, or hdr_len lies past the packet). */
enum sponge_err virtio_net_header_parse(const uint8_t *buf, size_t len, struct virtio_net_header *out);

/** Writes `h` as 10 bytes to out. */
void virtio_net_header_serialize(const struct virtio_net_header *h, uint8_t out[VIRTIO_NET_HEADER_LEN]);

/** The header for a TCP segment in an IPv4 datagram whose checksum the kernel is to finish
 *  (NEEDS_CSUM): `ip_len` bytes of IPv4 header, `tcp_hdr_len` of TCP header; a super-segment
 *  (gso_size = `mss`, TCPV4) if the payload is longer than `mss` (mss 0: never). */
struct virtio_net_header virtio_net_tcp4_header(size_t ip_len, size_t tcp_hdr_len, size_t payload_len, uint16_t mss);

/** The value (host order) a NEEDS_CSUM TCP segment carries in its checksum field: the IPv4
 *  pseudo-header's sum for `tcp_len` bytes of TCP (RFC 9293 3.1), folded, not complemented. */
uint16_t virtio_net_tcp4_partial_checksum(uint32_t src, uint32_t dst, uint16_t tcp_len);

/** Finishes a NEEDS_CSUM checksum in place, as a device without checksum offload would: sums
 *  pkt[csum_start..len) (the field holds the partial sum) and stores the complement in the
 *  field. `h` must have parsed against this packet (bounds checked there); does nothing if
 *  !h->needs_csum. */
void virtio_net_finish_checksum(const struct virtio_net_header *h, uint8_t *pkt, size_t len);

#endif
