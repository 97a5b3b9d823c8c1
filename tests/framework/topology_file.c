/* The topology file (net/topology.h, docs/topologies.md): a good file and what it yields, the
 * line and reason for each kind of bad file, the routing tables it computes (shortest paths,
 * given routes with overlaps and defaults) and the fates the drawing predicts. */

#include "harness.h"
#include "net/topology.h"
#include "net/topology_tables.h"
#include "net/topology_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* A ring R1 - R2 - R3 - R4 - R1 plus a stub R5 hanging off R4, hosts at R1, R3 and R5. */
static const char RING[] = "# ring\n"
                           "router R1\nrouter R2\nrouter R3\nrouter R4\nrouter R5\n"
                           "host a linux\nhost t tcp\nhost c\t# linux by default\nhost e\n"
                           "link lan1 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10 t=10.0.1.20\n"
                           "link lan3 10.0.3.0/24 R3=10.0.3.1 c=10.0.3.10 mtu 576\n"
                           "link lan5 10.0.5.0/24 R5=10.0.5.1 e=10.0.5.10\n"
                           "link r12 10.9.12.0/30 R1=10.9.12.1 R2=10.9.12.2 delay 10ms jitter 3 reorder 5% dup 1.5\n"
                           "link r23 10.9.23.0/30 R2=10.9.23.1 R3=10.9.23.2 loss 2%\n"
                           "link r34 10.9.34.0/30 R3=10.9.34.1 R4=10.9.34.2\n"
                           "link r41 10.9.41.0/30 R4=10.9.41.1 R1=10.9.41.2\r\n"
                           "link r45 10.9.45.0/30 R4=10.9.45.1 R5=10.9.45.2"; /* no final newline */

static void parse_ok(struct harness *h, const char *text, struct topology *t) {
    struct topology_error err;
    enum sponge_err e = topology_parse(text, t, &err);
    harness_note(h, "parse: line %zu: %s", err.line, err.why);
    EXPECT_EQ(h, "parse result", SPONGE_OK, e);
}

static void good_file(void) {
    struct harness h;
    harness_begin(&h, "topology: a good file (comments, tabs, CRLF, no final newline)");
    struct topology t;
    STEP(&h, "parse the ring");
    parse_ok(&h, RING, &t);
    EXPECT_EQ(&h, "nodes", 9, t.node_count);
    EXPECT_EQ(&h, "links", 8, t.link_count);
    EXPECT_EQ(&h, "members", 17, t.member_count);
    EXPECT_EQ(&h, "t is our TCP host", TOPOLOGY_HOST_TCP, t.nodes[topology_find_node(&t, "t")].kind);
    EXPECT_EQ(&h, "c is a Linux host", TOPOLOGY_HOST_LINUX, t.nodes[topology_find_node(&t, "c")].kind);
    EXPECT_EQ(&h, "lan3's MTU", 576, t.links[1].mtu);
    EXPECT_EQ(&h, "lan1's MTU (default)", 1500, t.links[0].mtu);
    EXPECT_EQ(&h, "r12 delay", 10, t.links[3].delay_ms);
    EXPECT_EQ(&h, "r12 jitter", 3, t.links[3].jitter_ms);
    EXPECT_TRUE(&h, "r12 reorder 5%", t.links[3].reorder > 0.0499 && t.links[3].reorder < 0.0501);
    EXPECT_TRUE(&h, "r12 dup 1.5%", t.links[3].dup > 0.0149 && t.links[3].dup < 0.0151);
    EXPECT_TRUE(&h, "r23 loss 2%", t.links[4].loss > 0.0199 && t.links[4].loss < 0.0201);
    size_t r1 = topology_find_node(&t, "R1");
    EXPECT_EQ(&h, "R1's interfaces: lan1, r12, r41", 3, t.nodes[r1].interfaces);
    EXPECT_EQ(&h, "R1's interface on r41 is number 2", 2, t.members[topology_membership(&t, r1, 6)].iface);
    EXPECT_EQ(&h, "a's gateway: the router on its link", IP(10, 0, 1, 1), t.nodes[topology_find_node(&t, "a")].gateway);
    topology_destroy(&t);
    harness_end(&h);
}

struct bad_case {
    const char *text;
    size_t line;
    const char *why; /* the whole explanation */
};

#define NODES "router R1\nrouter R2\nhost a\nhost b\n"
#define LINKS "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10\nlink lb 10.0.2.0/24 R2=10.0.2.1 b=10.0.2.10\n"
#define GOOD NODES LINKS "link r12 10.9.0.0/30 R1=10.9.0.1 R2=10.9.0.2\n"

static void bad_files(void) {
    static const struct bad_case cases[] = {
        {"rooter R1\n", 1, "unknown statement \"rooter\" (router, host, link, gateway, route)"},
        {"router\n", 1, "expected: router NAME"},
        {"router R1 R2\n", 1, "expected: router NAME"},
        {"host a linux extra\n", 1, "expected: host NAME [linux|tcp]"},
        {"host a windows\n", 1, "unknown host kind \"windows\" (linux or tcp)"},
        {"router R.1\n", 1, "bad name \"R.1\" (1..15 of A-Z a-z 0-9 _ -)"},
        {"router abcdefghijklmnop\n", 1, "bad name \"abcdefghijklmnop\" (1..15 of A-Z a-z 0-9 _ -)"},
        {"router R1\n# c\nhost R1\n", 3, "R1 is already declared on line 1"},
        {NODES "link la\n", 5, "expected: link NAME PREFIX/LEN NODE=ADDR... [OPTION VALUE]..."},
        {NODES "link l.a 10.0.1.0/24 R1=10.0.1.1\n", 5, "bad link name \"l.a\" (1..15 of A-Z a-z 0-9 _ -)"},
        {NODES "link la 10.0.1.0 R1=10.0.1.1\n", 5, "bad prefix \"10.0.1.0\" (expected A.B.C.D/LEN)"},
        {NODES "link la 10.0.1.0/33 R1=10.0.1.1\n", 5, "bad prefix \"10.0.1.0/33\" (expected A.B.C.D/LEN)"},
        {NODES "link la 10.0.1.1/24 R1=10.0.1.1\n", 5, "prefix 10.0.1.1/24 has bits set past its length (or length 0)"},
        {NODES "link la 0.0.0.0/0 R1=10.0.1.1\n", 5, "prefix 0.0.0.0/0 has bits set past its length (or length 0)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1\nlink la 10.0.2.0/24 R2=10.0.2.1\n", 6,
         "link la is already declared on line 5"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1\nlink lb 10.0.1.0/24 R2=10.0.1.2\n", 6,
         "link lb has the same prefix as link la (line 5)"},
        {NODES "link la 10.0.1.0/24 R9=10.0.1.1\n", 5, "unknown node R9 (declare it first with router or host)"},
        {NODES "link la 10.0.1.0/24 =10.0.1.1\n", 5, "bad member \"=10.0.1.1\" (expected NODE=ADDR)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 R1=10.0.1.2\n", 5, "R1 is on link la twice"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10\nlink lb 10.0.2.0/24 R2=10.0.2.1 a=10.0.2.10\n", 6,
         "host a is already on link la (a host has one interface)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1\n", 5, "bad address \"10.0.1\" for R1 (expected A.B.C.D or A.B.C.D/LEN)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1/24\n", 5,
         "router R1 takes its prefix length from the link (write R1=ADDR)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.2.1\n", 5,
         "R1's address 10.0.2.1 is outside link la's prefix (write ADDR/LEN for a host that means it)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.0\n", 5,
         "R1's address 10.0.1.0 is the network or broadcast address of link la"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.255\n", 5,
         "R1's address 10.0.1.255 is the network or broadcast address of link la"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.1\n", 5, "address 10.0.1.1 is already R1's (link la)"},
        {NODES "link la 10.0.1.0/24 mtu 576\n", 5, "link la has no members (NODE=ADDR after the prefix)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 mtu\n", 5, "mtu needs a value"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 mtu 67\n", 5, "bad mtu \"67\" (68..1500 bytes)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 mtu 1501\n", 5, "bad mtu \"1501\" (68..1500 bytes)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 mtu 576 mtu 576\n", 5, "mtu is given twice"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 speed 10\n", 5,
         "unknown link option \"speed\" (mtu, loss, dup, delay, jitter, reorder)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.2 loss 101%\n", 5,
         "bad loss \"101%\" (a percentage 0..100, like 1.5%)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.2 dup -1\n", 5,
         "bad dup \"-1\" (a percentage 0..100, like 1.5%)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.2 loss 1%%\n", 5,
         "bad loss \"1%%\" (a percentage 0..100, like 1.5%)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.2 delay 5s\n", 5, "bad delay \"5s\" (0..10000 ms)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.2 delay 10001\n", 5, "bad delay \"10001\" (0..10000 ms)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 loss 1%\n", 5,
         "impairments need a point-to-point link (exactly two members); la has 1"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.2 reorder 5%\n", 5,
         "reorder needs a delay (packets overtake delayed ones, as in netem)"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.2 delay 2 jitter 3\n", 5,
         "jitter 3 ms is larger than the delay 2 ms"},
        {GOOD "gateway a\n", 8, "expected: gateway HOST ADDR"},
        {GOOD "gateway R1 10.0.1.1\n", 8, "R1 is not a host declared earlier"},
        {GOOD "gateway a 10.0.1.300\n", 8, "bad address \"10.0.1.300\""},
        {GOOD "gateway a 10.0.1.10\n", 8, "gateway 10.0.1.10 is not a router's address on a's link la"},
        {GOOD "gateway a 10.0.1.1\ngateway a 10.0.1.1\n", 9, "host a's gateway is given twice"},
        {NODES "gateway a 10.0.1.1\n", 5, "host a is on no link yet (put gateway after its link)"},
        {GOOD "route R1 0.0.0.0/0\n", 8, "expected: route ROUTER PREFIX/LEN via ADDR"},
        {GOOD "route R1 0.0.0.0/0 by 10.9.0.2\n", 8, "expected: route ROUTER PREFIX/LEN via ADDR"},
        {GOOD "route a 0.0.0.0/0 via 10.9.0.2\n", 8, "a is not a router declared earlier"},
        {GOOD "route R1 0.0.0.0 via 10.9.0.2\n", 8, "bad prefix \"0.0.0.0\" (expected A.B.C.D/LEN)"},
        {GOOD "route R1 10.0.2.1/24 via 10.9.0.2\n", 8, "prefix 10.0.2.1/24 has bits set past its length"},
        {GOOD "route R1 1.0.0.0/0 via 10.9.0.2\n", 8, "prefix 1.0.0.0/0 has bits set past its length"},
        {GOOD "route R1 0.0.0.0/0 via 10.9.0\n", 8, "bad next hop \"10.9.0\""},
        {GOOD "route R1 0.0.0.0/0 via 10.0.2.1\n", 8, "next hop 10.0.2.1 is on none of R1's links"},
        {GOOD "route R1 0.0.0.0/0 via 10.9.0.1\n", 8, "next hop 10.9.0.1 is not another router's address on link r12"},
        {GOOD "route R1 0.0.0.0/0 via 10.0.1.10\n", 8, "next hop 10.0.1.10 is not another router's address on link la"},
        {GOOD "route R1 0.0.0.0/0 via 10.9.0.2\nroute R1 0.0.0.0/0 via 10.9.0.2\n", 9,
         "R1 already has a route for 0.0.0.0/0 (line 8)"},
        {GOOD "route R1 10.0.1.0/24 via 10.9.0.2\n", 8, "10.0.1.0/24 is directly connected to R1 on link la"},
        {NODES "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10 b=10.0.1.11\n", 2, "router R2 is on no link"},
        {"router R1\nhost a\nhost b\nlink la 10.0.1.0/24 a=10.0.1.10 b=10.0.1.11\n", 1, "router R1 is on no link"},
        {"router R1\nhost a\nhost b\nlink la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10\n", 3, "host b is on no link"},
        {"router R1\nhost a\nhost b\nlink la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10\nlink lb 10.0.2.0/24 b=10.0.2.1\n", 3,
         "host b has no router on its link lb"},
        {"router R1\nhost a\nlink la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10\n\n", 4,
         "a topology needs at least one router and two hosts (it has 1 and 1)"},
        {"", 1, "a topology needs at least one router and two hosts (it has 0 and 0)"},
    };
    struct harness h;
    harness_begin(&h, "topology: bad files give their line number and reason");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        struct topology t;
        struct topology_error err;
        STEP(&h, "parse case %zu (error expected on line %zu: %s)", i, c->line, c->why);
        EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, topology_parse(c->text, &t, &err));
        harness_note(&h, "why: %s", err.why);
        EXPECT_EQ(&h, "line", c->line, err.line);
        EXPECT_TRUE(&h, "the explanation", strcmp(err.why, c->why) == 0);
        topology_destroy(&t);
    }
    harness_end(&h);
}

static void limits(void) {
    struct harness h;
    harness_begin(&h, "topology: limits on line length and link members");
    size_t cap = 200000;
    char *text = malloc(cap);
    EXPECT_TRUE(&h, "allocated", text != NULL);
    struct topology t;
    struct topology_error err;
    memset(text, ' ', TOPOLOGY_MAX_LINE + 1);
    snprintf(text + TOPOLOGY_MAX_LINE + 1, cap - TOPOLOGY_MAX_LINE - 1, "\nrouter R1\n");
    STEP(&h, "a line of %d spaces", TOPOLOGY_MAX_LINE + 1);
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, topology_parse(text, &t, &err));
    EXPECT_EQ(&h, "line", 1, err.line);
    EXPECT_TRUE(&h, "reason", strcmp(err.why, "line longer than 1024 characters") == 0);
    topology_destroy(&t);

    size_t off = (size_t)snprintf(text, cap, "router R\n");
    for (int i = 0; i <= TOPOLOGY_MAX_MEMBERS; i++) {
        off += (size_t)snprintf(text + off, cap - off, "host h%d\n", i);
    }
    off += (size_t)snprintf(text + off, cap - off, "link big 10.0.0.0/16 R=10.0.0.1");
    for (int i = 0; i <= TOPOLOGY_MAX_MEMBERS; i++) {
        off += (size_t)snprintf(text + off, cap - off, " h%d=10.0.%d.%d", i, 1 + i / 200, 1 + i % 200);
    }
    snprintf(text + off, cap - off, "\n");
    STEP(&h, "a link with more than %d members", TOPOLOGY_MAX_MEMBERS);
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, topology_parse(text, &t, &err));
    EXPECT_EQ(&h, "line", TOPOLOGY_MAX_MEMBERS + 3, err.line);
    harness_note(&h, "why: %s", err.why);
    EXPECT_TRUE(&h, "reason", strcmp(err.why, "more than 64 members on one link") == 0);
    topology_destroy(&t);
    free(text);
    harness_end(&h);
}

/* The route of `router` for prefix/len in the tables, or NULL. */
static const struct topology_route *find_route(const struct topology_route *r, size_t n, size_t router, uint32_t prefix,
                                               uint8_t len) {
    for (size_t i = 0; i < n; i++) {
        if (r[i].router == router && r[i].prefix == prefix && r[i].prefix_length == len) {
            return &r[i];
        }
    }
    return NULL;
}

static void computed_tables(void) {
    struct harness h;
    harness_begin(&h, "topology: computed routes take the shortest path, ties to the router declared first");
    struct topology t;
    STEP(&h, "parse the ring and compute the tables");
    parse_ok(&h, RING, &t);
    struct topology_route *routes = NULL;
    size_t n = 0;
    EXPECT_EQ(&h, "tables", SPONGE_OK, topology_tables(&t, &routes, &n));
    size_t r1 = topology_find_node(&t, "R1"), r2 = topology_find_node(&t, "R2");
    const struct topology_route *r;
    STEP(&h, "R1 reaches lan5 (at R5, behind R4) through R4: two hops, not four");
    r = find_route(routes, n, r1, IP(10, 0, 5, 0), 24);
    EXPECT_TRUE(&h, "route exists", r != NULL);
    EXPECT_EQ(&h, "next hop R4 on r41", IP(10, 9, 41, 1), r ? r->next_hop : 0);
    STEP(&h, "R1 reaches lan3 (two hops either way) through R2, declared before R4");
    r = find_route(routes, n, r1, IP(10, 0, 3, 0), 24);
    EXPECT_EQ(&h, "next hop R2", IP(10, 9, 12, 2), r ? r->next_hop : 0);
    STEP(&h, "R1's own LAN is connected");
    r = find_route(routes, n, r1, IP(10, 0, 1, 0), 24);
    EXPECT_BOOL(&h, "direct", false, r ? r->has_next_hop : true);
    STEP(&h, "R2 reaches lan5 through R3 or R1 (both two hops to R4): R1, declared first");
    r = find_route(routes, n, r2, IP(10, 0, 5, 0), 24);
    EXPECT_EQ(&h, "next hop R1", IP(10, 9, 12, 1), r ? r->next_hop : 0);
    STEP(&h, "no default route anywhere");
    for (size_t i = 0; i < t.node_count; i++) {
        EXPECT_TRUE(&h, "no 0.0.0.0/0", find_route(routes, n, i, 0, 0) == NULL);
    }
    free(routes);
    topology_destroy(&t);
    harness_end(&h);
}

static const char GIVEN[] = "router R1\nrouter R2\nrouter R3\nhost a\nhost b\nhost c\n"
                            "link la 10.0.1.0/24 R1=10.0.1.1 a=10.0.1.10\n"
                            "link lb 10.0.0.0/16 R2=10.0.0.1 b=10.0.0.10/24\n"
                            "link lc 10.0.9.0/24 R3=10.0.9.1 c=10.0.9.10 h8=1.2.3.4/32\n"
                            "link r12 10.9.12.0/30 R1=10.9.12.1 R2=10.9.12.2\n"
                            "link r23 10.9.23.0/30 R2=10.9.23.1 R3=10.9.23.2\n"
                            "route R1 0.0.0.0/0 via 10.9.12.2\n"
                            "route R2 10.0.9.0/24 via 10.9.23.2\n"
                            "route R2 10.0.1.0/24 via 10.9.12.1\n"
                            "route R3 0.0.0.0/0 via 10.9.23.1\n";

static void walks(void) {
    struct harness h;
    harness_begin(&h, "topology: fates read off the drawing (given routes, overlaps, defaults, TTL)");
    struct topology t;
    struct topology_error err;
    STEP(&h, "a file naming an undeclared host h8 is refused");
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, topology_parse(GIVEN, &t, &err));
    EXPECT_EQ(&h, "line", 9, err.line);
    topology_destroy(&t);
    char text[2048];
    snprintf(text, sizeof text, "host h8\n%s", GIVEN);
    STEP(&h, "with h8 declared it parses");
    parse_ok(&h, text, &t);
    struct topology_walker w;
    EXPECT_EQ(&h, "walker", SPONGE_OK, topology_walker_init(&w, &t));
    size_t a = topology_find_node(&t, "a"), b = topology_find_node(&t, "b"), c = topology_find_node(&t, "c");
    size_t h8 = topology_find_node(&t, "h8"), r2 = topology_find_node(&t, "R2"), r3 = topology_find_node(&t, "R3");
    struct topology_walk out;
    STEP(&h, "a -> c: R1's default, R2's /24 inside its own /16, R3 delivers");
    topology_walk(&w, a, IP(10, 0, 9, 10), 64, &out);
    EXPECT_EQ(&h, "fate", TOPOLOGY_DELIVERED, out.fate);
    EXPECT_EQ(&h, "host", c, out.host);
    EXPECT_EQ(&h, "hops", 3, out.hops);
    EXPECT_EQ(&h, "R2 entered by r12", IP(10, 9, 12, 2), t.members[out.path[1]].addr);
    STEP(&h, "a -> b (10.0.0.10 in R2's connected /16)");
    topology_walk(&w, a, IP(10, 0, 0, 10), 64, &out);
    EXPECT_EQ(&h, "host", b, out.host);
    STEP(&h, "a -> 10.0.77.7: R2's connected /16, nobody answers ARP");
    topology_walk(&w, a, IP(10, 0, 77, 7), 64, &out);
    EXPECT_EQ(&h, "fate", TOPOLOGY_NO_NEIGHBOUR, out.fate);
    EXPECT_EQ(&h, "at", r2, out.at);
    STEP(&h, "a -> 203.0.113.5: R1's default to R2, which has none");
    topology_walk(&w, a, IP(203, 0, 113, 5), 64, &out);
    EXPECT_EQ(&h, "fate", TOPOLOGY_NO_ROUTE, out.fate);
    EXPECT_EQ(&h, "at", r2, out.at);
    STEP(&h, "c -> 1.2.3.4 (h8, a /32 on c's link): c sends to its gateway, R3 delivers it on lc");
    topology_walk(&w, c, IP(1, 2, 3, 4), 64, &out);
    EXPECT_EQ(&h, "fate", TOPOLOGY_DELIVERED, out.fate);
    EXPECT_EQ(&h, "host", h8, out.host);
    EXPECT_EQ(&h, "hops", 1, out.hops);
    STEP(&h, "a -> c with TTL 2: expires at R2 (the second router)");
    topology_walk(&w, a, IP(10, 0, 9, 10), 2, &out);
    EXPECT_EQ(&h, "fate", TOPOLOGY_TTL_EXPIRED, out.fate);
    EXPECT_EQ(&h, "at", r2, out.at);
    STEP(&h, "a -> c with TTL 3: expires at R3");
    topology_walk(&w, a, IP(10, 0, 9, 10), 3, &out);
    EXPECT_EQ(&h, "at", r3, out.at);
    STEP(&h, "a -> 10.0.1.99: on a's own link, nobody answers: a itself gives up");
    topology_walk(&w, a, IP(10, 0, 1, 99), 64, &out);
    EXPECT_EQ(&h, "fate", TOPOLOGY_NO_NEIGHBOUR, out.fate);
    EXPECT_EQ(&h, "at", a, out.at);
    EXPECT_EQ(&h, "hops", 0, out.hops);
    topology_walker_destroy(&w);
    topology_destroy(&t);
    harness_end(&h);
}

int main(void) {
    good_file();
    bad_files();
    limits();
    computed_tables();
    walks();
    return 0;
}
