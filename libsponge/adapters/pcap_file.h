#ifndef SPONGE_ADAPTERS_PCAP_FILE_H
#define SPONGE_ADAPTERS_PCAP_FILE_H

/* Writing packets to a pcap capture file (through libpcap), for Wireshark/tshark.
 * Adapters write every datagram or frame they send and receive when SPONGE_PCAP names a file
 * (pcap_file_open_from_env); the test harness writes a failing scenario's segments. */

#include "util/byte_view.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What the captured packets start with. */
enum pcap_link {
    PCAP_LINK_IPV4,     /* raw IPv4 datagrams (TUN, UDP adapters) */
    PCAP_LINK_ETHERNET, /* Ethernet frames (TAP) */
};

struct pcap_file {
    /* private */
    void *pcap;   /* pcap_t * (a "dead" handle that only describes the link type) */
    void *dumper; /* pcap_dumper_t * */
    uint64_t packets;
};

/** Creates (truncates) `path` as a pcap file for packets of the given link type.
 *  Returns SPONGE_OK, or SPONGE_ERR_SYSTEM with a one-line reason in `why` (if non-NULL,
 *  at least 256 bytes). */
enum sponge_err pcap_file_open(struct pcap_file *f, const char *path, enum pcap_link link, char *why);

/** Opens the file named by the SPONGE_PCAP environment variable, if it is set and non-empty.
 *  Returns false if it is not set (f is then closed and writes do nothing); exits with a
 *  one-line error if it is set but cannot be opened. */
bool pcap_file_open_from_env(struct pcap_file *f, enum pcap_link link);

/** Appends one packet made of `npieces` pieces joined in order (e.g. headers, then the
 *  payload's parts), timestamped now. Does nothing on a closed file. */
void pcap_file_write(struct pcap_file *f, const struct byte_view *pieces, size_t npieces);

/** Appends one contiguous packet. */
void pcap_file_write_bytes(struct pcap_file *f, const void *pkt, size_t len);

/** True if the file is open. */
bool pcap_file_is_open(const struct pcap_file *f);

/** Flushes and closes the file. Safe on a closed file. */
void pcap_file_close(struct pcap_file *f);

#endif
