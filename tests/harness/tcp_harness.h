#ifndef SPONGE_TESTS_TCP_HARNESS_H
#define SPONGE_TESTS_TCP_HARNESS_H

/* TCP steps for the harness, shared by receiver, sender and connection tests.
 *
 * Arriving segments are built from designated initializers and recorded as a step:
 *
 *     struct tcp_segment seg = SEGMENT_ARRIVES(&h, .syn = true, .seqno = 0, .payload = "abc");
 *     tcp_receiver_segment_received(&r, &seg);
 *
 * Outgoing segments are checked field by field; fields left unset are not checked:
 *
 *     struct tcp_segment out;
 *     EXPECT_SEGMENT(&h, tcp_connection_segments_out(&c, &out), &out,
 *                    .syn = TRI_YES, .ack = TRI_NO, .seqno = OPT_U64(0), .payload = "hello");
 *     EXPECT_NO_SEGMENT(&h, tcp_connection_segments_out(&c, &out), &out);
 *
 * Every segment checked is noted in the history, so a failure shows what was sent. Every
 * segment that arrives or is sent is also recorded (tcp_harness_record): when the test fails,
 * they are written to a pcap file whose path the failure report prints. */

#include "harness.h"
#include "tcp_capture.h"
#include "wire/tcp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What an outgoing segment must look like. Unset fields (TRI_UNSET, a zero opt_u64,
 *  payload NULL) are not checked. seqno and ackno are the raw 32-bit values. */
struct expect_segment {
    enum tri syn, ack, rst, fin;
    struct opt_u64 seqno, ackno, win, payload_len;
    const char *payload; /* exact payload, strlen(payload) bytes */
};

/** A segment to deliver. Flags default to off, numbers to 0. The payload is `payload_len`
 *  bytes at `payload` (strlen(payload) when payload_len is 0); the segment's view points at
 *  them, so they must outlive its use. `split`, if non-zero, puts the payload into two view
 *  parts [0, split) and [split, len), as a ring buffer's bytes can be. */
struct segment_spec {
    bool syn, ack, rst, fin;
    uint32_t seqno, ackno;
    uint16_t win;
    const char *payload;
    size_t payload_len;
    size_t split;
};

/** Builds the segment described by `spec` (no step recorded). */
struct tcp_segment tcp_harness_segment(const struct segment_spec *spec);

/** Builds the segment and records the step "segment arrives: ...". */
struct tcp_segment tcp_harness_arrives(struct harness *h, const char *file, int line, const struct segment_spec *spec);

/** tcp_segment_describe(seg) followed by a quoted preview of the payload. */
char *tcp_harness_describe(const struct tcp_segment *seg, char *out, size_t out_len);

/** Checks that a segment was popped (`popped`) and that it matches `exp`; fails the test if not. */
void tcp_harness_expect_segment(struct harness *h, const char *file, int line, bool popped,
                                const struct tcp_segment *seg, const struct expect_segment *exp);

/** Checks that nothing was popped; fails with the segment's description if something was. */
void tcp_harness_expect_no_segment(struct harness *h, const char *file, int line, bool popped,
                                   const struct tcp_segment *seg);

#define SEGMENT(...) tcp_harness_segment(&(struct segment_spec){__VA_ARGS__})
#define SEGMENT_ARRIVES(h, ...) tcp_harness_arrives((h), __FILE__, __LINE__, &(struct segment_spec){__VA_ARGS__})
#define EXPECT_SEGMENT(h, popped, seg, ...)                                                                            \
    tcp_harness_expect_segment((h), __FILE__, __LINE__, (popped), (seg), &(struct expect_segment){__VA_ARGS__})
#define EXPECT_NO_SEGMENT(h, popped, seg) tcp_harness_expect_no_segment((h), __FILE__, __LINE__, (popped), (seg))

#endif
