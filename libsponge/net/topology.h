#ifndef SPONGE_NET_TOPOLOGY_H
#define SPONGE_NET_TOPOLOGY_H

/* A network topology written by hand (docs/topologies.md): routers (our Router), hosts (a Linux
 * host in a namespace, or our TCP host), links (Ethernet segments) between them with addresses
 * and optional MTU and impairments, and routes, either given per router or computed (static
 * shortest paths). The same parsed topology drives the in-memory runner
 * (apps/network_simulator.c), the namespace runner (etc/topology_run.sh, through apps/topology.c)
 * and the picture (net/topology_dot.h).
 *
 * The text is one statement a line, `#` to the end of a line is a comment:
 *
 *   router NAME
 *   host NAME [linux|tcp]
 *   link NAME PREFIX/LEN NODE=ADDR[/LEN]... [mtu N] [loss P%] [dup P%] [delay MS] [jitter MS] [reorder P%]
 *   gateway HOST ADDR
 *   route ROUTER PREFIX/LEN via ADDR
 *
 * Every router's table holds its connected routes (each link's prefix on that link's interface,
 * plus ADDR/32 for a member whose address lies outside its link's prefix) and then either the
 * routes the file gives it, or, if it gives none, computed routes: to every other link's prefix
 * (and such /32 members) through the neighbour on a shortest path, counted in router hops, ties
 * to the neighbour declared first. A host's gateway is the first router on its link unless
 * `gateway` names another. Memory: every array is allocated once per parse, bounded by the
 * TOPOLOGY_MAX_* limits; no global state. */

#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOPOLOGY_NAME_LEN 16 /* names: 1..15 of [A-Za-z0-9_-] */
#define TOPOLOGY_MAX_NODES 1024
#define TOPOLOGY_MAX_LINKS 1024
#define TOPOLOGY_MAX_MEMBERS 64 /* on one link */
#define TOPOLOGY_MAX_GIVEN_ROUTES 4096
#define TOPOLOGY_MAX_LINE 1024 /* characters, newline excluded */
#define TOPOLOGY_MAX_TEXT (1u << 22)
#define TOPOLOGY_MIN_MTU 68   /* RFC 791: every internet module must forward 68 octets */
#define TOPOLOGY_MAX_MTU 1500 /* our Router's interfaces are sized for Ethernet's */
#define TOPOLOGY_MAX_DELAY_MS 10000u
#define TOPOLOGY_NONE SIZE_MAX

enum topology_kind { TOPOLOGY_ROUTER, TOPOLOGY_HOST_LINUX, TOPOLOGY_HOST_TCP };

struct topology_node {
    char name[TOPOLOGY_NAME_LEN];
    enum topology_kind kind;
    size_t line;
    size_t interfaces;   /* links it is a member of (a host has exactly one) */
    size_t host_member;  /* hosts: its membership (index into members) */
    bool has_gateway;    /* hosts: a `gateway` line or a router on its link */
    uint32_t gateway;    /* hosts: host order */
    size_t given_routes; /* routers: how many `route` lines name it */
};

/* One interface: a node's attachment to a link. */
struct topology_member {
    size_t node, link;
    size_t iface;          /* routers: the interface number (0, 1, ... in the order of the file) */
    uint32_t addr;         /* host order */
    uint8_t prefix_length; /* what the member considers on-link: the link's, or the /LEN written */
    bool outside;          /* addr lies outside the link's prefix (announced as addr/32) */
};

struct topology_link {
    char name[TOPOLOGY_NAME_LEN];
    size_t line;
    uint32_t prefix; /* host order */
    uint8_t prefix_length;
    size_t first_member, member_count; /* members[first_member .. +member_count) */
    unsigned mtu;                      /* 1500 unless given */
    double loss, dup, reorder;         /* probabilities in [0, 1] */
    unsigned delay_ms, jitter_ms;
};

struct topology_route {
    size_t router;
    uint32_t prefix; /* host order */
    uint8_t prefix_length;
    bool has_next_hop;
    uint32_t next_hop; /* if has_next_hop */
    size_t link;       /* the link it leaves by (the router's interface on it) */
    size_t next_node;  /* the router owning next_hop, or TOPOLOGY_NONE for a direct route */
    size_t line;       /* 0 for routes not written in the file */
};

/* A parsed topology. Owns its arrays; free with topology_destroy. */
struct topology {
    struct topology_node *nodes;
    size_t node_count;
    struct topology_link *links;
    size_t link_count;
    struct topology_member *members; /* grouped by link, in the file's order */
    size_t member_count;
    struct topology_route *given; /* `route` lines, in order */
    size_t given_count;
    size_t lines; /* lines in the text */
};

/* Where parsing stopped: the 1-based line and what is wrong (one line, no newline). */
struct topology_error {
    size_t line;
    char why[200];
};

/** Parses the NUL-terminated `text` into *t (overwritten; destroy it afterwards either way).
 *  Returns SPONGE_OK, SPONGE_ERR_NO_MEMORY, or SPONGE_ERR_INVALID_ARGUMENT with *err set. */
enum sponge_err topology_parse(const char *text, struct topology *t, struct topology_error *err);

/** Frees what topology_parse allocated; *t becomes empty. */
void topology_destroy(struct topology *t);

/** The node called `name`, or TOPOLOGY_NONE. */
size_t topology_find_node(const struct topology *t, const char *name);

/** The member of `link` whose address is `addr`, or TOPOLOGY_NONE. */
size_t topology_member_at(const struct topology *t, size_t link, uint32_t addr);

/** The membership of `node` on `link`, or TOPOLOGY_NONE. */
size_t topology_membership(const struct topology *t, size_t node, size_t link);

/** The router-hop distance from every router to `link` (0 for routers on it, SIZE_MAX if
 *  unreachable), into dist[node_count] (entries of hosts are SIZE_MAX). */
void topology_distances(const struct topology *t, size_t link, size_t *dist);

/** The neighbour a router uses towards `link` given dist (topology_distances): the membership
 *  (on a link shared with `router`) of the first-declared router one hop closer, scanning the
 *  router's links in order; TOPOLOGY_NONE if none. */
size_t topology_next_toward(const struct topology *t, size_t router, const size_t *dist);

/** True if addr is in prefix/len. */
bool topology_in_prefix(uint32_t addr, uint32_t prefix, uint8_t len);

#endif
