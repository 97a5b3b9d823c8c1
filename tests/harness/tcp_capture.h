#ifndef SPONGE_TESTS_TCP_CAPTURE_H
#define SPONGE_TESTS_TCP_CAPTURE_H

/* The failure capture of the TCP tests (tcp_harness, sender_expect): the segments of a test
 * case, written to a pcap file when it fails. */

#include "harness.h"
#include "wire/tcp.h"

#include <stdbool.h>

/** Records a segment of the scenario: `from_peer` for one arriving at the unit under test, else
 *  one it sent (zero ports become 40000 for the peer and 9090 for the unit). If the case fails,
 *  the recorded segments (the last 512) are written as IPv4 datagrams between 169.254.144.1
 *  (peer) and 169.254.144.9 (unit), checksums correct, to $TMPDIR/sponge-TEST-PID.pcap (/tmp
 *  without TMPDIR), and the failure report ends with the path. */
void tcp_harness_record(struct harness *h, const struct tcp_segment *seg, bool from_peer);

#endif
