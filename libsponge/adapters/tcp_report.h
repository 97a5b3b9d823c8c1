#ifndef SPONGE_ADAPTERS_TCP_REPORT_H
#define SPONGE_ADAPTERS_TCP_REPORT_H
/* Prints a connection's drop counters (tcp_connection_counters and the receiver's
 * tcp_receiver_counters) for the apps, which show them on stderr when a connection ends. */
#include "tcp/tcp_connection.h"

#include <stdio.h>

/** One line: "tcp: received N segments; ignored: not_active=.. in_listen=.. ...". */
void tcp_report_counters(const struct tcp_connection *c, FILE *out);

#endif
