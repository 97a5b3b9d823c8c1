#ifndef SPONGE_TESTS_TCP_CAPTURE_H
#define SPONGE_TESTS_TCP_CAPTURE_H

/* The failure capture of the TCP tests (tcp_harness, sender_expect): the segments of a test
 * case, written to a pcap file when it fails.
 *
 * The file is DIR/NAME.pcap: DIR is $SPONGE_CAPTURE_DIR, or else the build directory's captures/
 * (the SPONGE_CAPTURE_DIR definition etc/tests.cmake gives), created if missing; NAME is the test
 * case's name with each run of characters other than letters and digits made one '_'. A failing
 * run replaces the file; a case that ends passing removes it, so the directory holds the captures
 * of the cases failing now. The failure report ends with the path.
 *
 * Packets are IPv4 datagrams between 169.254.144.1 (the peer) and 169.254.144.9 (the unit under
 * test), checksums correct, timestamped with the simulated time (h->now_ms, counted from the Unix
 * epoch: the time of day Wireshark shows is the test's own clock). */

#include "harness.h"
#include "wire/tcp.h"

#include <stdbool.h>

/** Who sent a recorded segment. */
enum capture_origin {
    CAPTURE_FROM_PEER, /* it arrived at the unit under test */
    CAPTURE_FROM_UNIT, /* the unit sent it, all fields its own */
    /* The unit sent it but is a TCPSender alone, which fills neither ackno nor window (the
     * connection does). Recorded with ACK clear and window 65535: a window field of 0 would read
     * in Wireshark as a zero-window advertisement (it flags any 0 window without SYN, FIN or RST,
     * ACK or not), and nothing the sender does depends on it. */
    CAPTURE_FROM_SENDER,
};

/** Records a segment of the scenario at the simulated time h->now_ms (zero ports become 40000
 *  for the peer and 9090 for the unit). The last 512 are kept. */
void tcp_harness_record(struct harness *h, const struct tcp_segment *seg, enum capture_origin from);

#endif
