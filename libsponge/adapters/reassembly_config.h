#ifndef SPONGE_ADAPTERS_REASSEMBLY_CONFIG_H
#define SPONGE_ADAPTERS_REASSEMBLY_CONFIG_H

/* The IPv4 reassembler's configuration for the TCP carriers (TUN and Ethernet): the unit's
 * defaults, and the environment's say for tests. */

#include "net/ipv4_reassembler.h"

/** ipv4_reassembler_default_config(), with timeout_ms from SPONGE_FRAG_TIMEOUT_MS when that is
 *  a decimal number (an end-to-end test waits for a short timeout instead of 30 s). */
struct ipv4_reassembler_config reassembly_config_from_env(void);

#endif
