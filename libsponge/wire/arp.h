#ifndef SPONGE_WIRE_ARP_H
#define SPONGE_WIRE_ARP_H

/* ARP (RFC 826) for Ethernet and IPv4 only: hardware type 1, protocol type 0x0800, hardware
 * length 6, protocol length 4. Anything else is SPONGE_ERR_UNSUPPORTED. */

#include "util/error.h"
#include "wire/ethernet.h"

#include <stddef.h>
#include <stdint.h>

#define ARP_MESSAGE_LEN 28
#define ARP_HTYPE_ETHERNET 1
#define ARP_OPCODE_REQUEST 1
#define ARP_OPCODE_REPLY 2

struct arp_message {
    uint16_t opcode; /* ARP_OPCODE_REQUEST or ARP_OPCODE_REPLY */
    struct eth_addr sender_eth;
    uint32_t sender_ip; /* host order */
    struct eth_addr target_eth;
    uint32_t target_ip; /* host order */
};

/** Parses the message at buf[0..len) (bytes past ARP_MESSAGE_LEN are link padding, ignored).
 *  Errors: PACKET_TOO_SHORT (fewer than 28 bytes), UNSUPPORTED (another hardware or protocol
 *  type or address length, or an opcode other than request/reply). */
enum sponge_err arp_message_parse(const uint8_t *buf, size_t len, struct arp_message *m);

/** Writes the 28-byte message to out. Returns SPONGE_OK or SPONGE_ERR_BUFFER_TOO_SMALL. */
enum sponge_err arp_message_serialize(const struct arp_message *m, uint8_t *out, size_t out_cap);

#endif
