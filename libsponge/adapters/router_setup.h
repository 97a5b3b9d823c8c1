#ifndef SPONGE_ADAPTERS_ROUTER_SETUP_H
#define SPONGE_ADAPTERS_ROUTER_SETUP_H

/* The text configuration of apps/router: which interfaces the router has and which routes.
 * One statement a line; `#` starts a comment (to the end of the line); words are separated
 * by spaces or tabs; blank lines are ignored.
 *
 *   interface NAME MAC IP [mtu N]  a TAP device NAME (1..15 characters) on which the router
 *                                  has Ethernet address MAC (six hex pairs, unicast) and
 *                                  IPv4 address IP (dotted quad); its MTU is N (68..65535,
 *                                  default 1500): longer datagrams leaving by it are
 *                                  fragmented, or refused with ICMP if DF (net/router.h)
 *   route PREFIX/LEN NAME          destinations in PREFIX/LEN (LEN 0..32, no host bits set)
 *                                  are directly attached to interface NAME
 *   route PREFIX/LEN NAME via IP   ... are reached through the next hop IP on interface NAME
 *
 * Interfaces are numbered in the order given (0, 1, ...); a route names an interface declared
 * on an earlier line. The longest matching prefix wins; a later route for the same prefix
 * replaces an earlier one. At least one interface is required. */

#include "net/router.h"
#include "util/error.h"
#include "wire/ethernet.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ROUTER_SETUP_MAX_INTERFACES 16
#define ROUTER_SETUP_MAX_ROUTES 256
#define ROUTER_SETUP_NAME_LEN 16 /* Linux's IFNAMSIZ: 15 characters and the terminating NUL */
#define ROUTER_SETUP_MAX_LINE 255
#define ROUTER_SETUP_DEFAULT_MTU 1500

struct router_setup_interface {
    char name[ROUTER_SETUP_NAME_LEN];
    struct eth_addr eth;
    uint32_t ip; /* host order */
    size_t mtu;  /* the largest datagram on this link (ROUTER_SETUP_DEFAULT_MTU unless given) */
};

struct router_setup_route {
    uint32_t prefix; /* host order */
    uint8_t prefix_length;
    bool has_next_hop;
    uint32_t next_hop; /* host order, if has_next_hop */
    size_t interface_num;
};

/* A parsed configuration; plain data (no pointers), so it may live on the stack. */
struct router_setup {
    struct router_setup_interface interfaces[ROUTER_SETUP_MAX_INTERFACES];
    size_t interface_count;
    struct router_setup_route routes[ROUTER_SETUP_MAX_ROUTES];
    size_t route_count;
};

/** Parses the NUL-terminated configuration `text` into *s (overwritten). Returns SPONGE_OK, or
 *  INVALID_ARGUMENT with the 1-based number of the offending line in *line (0 when the error
 *  is about the whole text, e.g. no interface) and one line of explanation (no newline) in
 *  `why` (`why_len` bytes). */
enum sponge_err router_setup_parse(const char *text, struct router_setup *s, size_t *line, char *why, size_t why_len);

/** Adds the interfaces (numbered as in the text) and routes of `s` to the empty router `r`.
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err router_setup_apply(const struct router_setup *s, struct router *r);

#endif
