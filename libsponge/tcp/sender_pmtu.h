#ifndef SPONGE_TCP_SENDER_PMTU_H
#define SPONGE_TCP_SENDER_PMTU_H

/* The TCPSender's part in path MTU discovery (RFC 1191 section 6.4, modern mode): when the
 * path turns out to carry smaller segments than the sender has been making, the segments it
 * already made are too big as well, and a retransmission sends a segment whole. So the sender
 * splits them: every outstanding or queued segment longer than the new limit becomes several
 * that fit (a retransmission of a longer one is cut as it is popped), and the pieces of segments already sent (which a
 * router dropped: they had DF and did not fit) are queued again at once, as the host "should retransmit" them in the
 * new size without waiting for the timer. This is not a congestion signal: the congestion window and the retransmission
 * timer are left alone (Karn's rule does stop the RTT sample in progress). Kept apart from tcp_sender.c, whose lab
 * region is CS144's unit. */

#include "tcp/tcp_sender.h"

#include <stddef.h>

/** The payload limit of the segments the sender makes now (tcp_sender_set_max_payload's). */
size_t tcp_sender_max_payload(const struct tcp_sender *s);

/** The path carries at most `max_payload` (> 0, below the current limit) payload bytes a
 *  segment: sets the limit (tcp_sender_set_max_payload), splits longer outstanding and queued
 *  segments, and queues the pieces of those already sent for retransmission. Returns how many
 *  pieces were queued (a full queue leaves the rest to the retransmission timer). */
size_t tcp_sender_path_mtu_lowered(struct tcp_sender *s, size_t max_payload);

#endif
