#ifndef SPONGE_ADAPTERS_CC_TRACE_H
#define SPONGE_ADAPTERS_CC_TRACE_H

/* SPONGE_CC_TRACE=FILE: what a connection's congestion control did, one line per millisecond
 * of the connection's clock in which it was sampled (tcp_connection_cc_trace), for plotting
 * (bench/wan.sh draws them with gnuplot). The file starts with a `#` line naming the columns:
 *   time_ms cwnd_bytes inflight_bytes pacing_Bps delivery_Bps srtt_ms retransmissions
 *   bw_Bps min_rtt_ms bbr_state
 * (cwnd 0: no congestion window; pacing 0: not paced; bw, min_rtt 0 and bbr_state -1 when the
 * congestion control is not BBR). An app calls cc_trace_sample after each tick. */

#include "tcp/tcp_connection.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct cc_trace {
    /* private */
    FILE *file; /* NULL: tracing is off */
    bool any;
    uint64_t last_ms;
};

/** Opens the file SPONGE_CC_TRACE names (truncated), or leaves tracing off when it is unset
 *  or empty. Returns false, with one line on stderr prefixed by `who`, if it cannot be opened. */
bool cc_trace_open(struct cc_trace *t, const char *who);

/** Appends a line for `c` unless one was written at the same millisecond (no-op when off). */
void cc_trace_sample(struct cc_trace *t, const struct tcp_connection *c);

/** Flushes and closes the file. Safe when off, and to call twice. */
void cc_trace_close(struct cc_trace *t);

#endif
