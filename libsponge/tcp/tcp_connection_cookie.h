#ifndef SPONGE_TCP_TCP_CONNECTION_COOKIE_H
#define SPONGE_TCP_TCP_CONNECTION_COOKIE_H
/* A connection made ESTABLISHED from a validated SYN cookie (tcp/syn_cookie.h, RFC 4987 3.6):
 * the listener kept no state for the handshake, so the connection is built as if the SYN the
 * cookie describes had arrived and our SYN+ACK (ISN = the cookie) had gone out, and then the
 * ACK that returned the cookie arrives. Given code: it uses the connection only through its
 * public functions (the handshake is replayed), so it works with any lab 4 implementation. */
#include "tcp/syn_cookie.h"
#include "tcp/tcp_connection.h"

/** Creates *c (as tcp_connection_init; destroy it the same way) from the cookie's `syn` and
 *  the `ack` that returned it (its data and FIN are taken as from any segment). cfg's ISN
 *  settings are replaced by the cookie. The handshake gives no RTT sample (when our SYN+ACK
 *  left is not known): the RTO stays the initial one until data is timed. Returns
 *  SPONGE_OK, NO_MEMORY, or INVALID_ARGUMENT if the replayed handshake did not establish
 *  the connection (nothing then left to free). */
enum sponge_err tcp_connection_init_from_cookie(struct tcp_connection *c, const struct tcp_config *cfg,
                                                const struct syn_cookie_syn *syn, const struct tcp_segment *ack);

#endif
