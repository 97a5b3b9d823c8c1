/* The router app's configuration text (adapters/router_setup.h): what a good file yields,
 * the line number and reason for each kind of bad line, and a configured router forwarding
 * through the next hop the file names. */

#include "adapters/router_setup.h"
#include "harness.h"
#include "wire/arp.h"
#include "wire/ipv4_datagram.h"

#include <stdio.h>
#include <string.h>

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

static const char GOOD[] = "# two routers' worth of R1\n"
                           "\n"
                           "interface tapA 02:00:00:00:01:01 169.254.1.1    # name, our MAC, our IP\n"
                           "\tinterface  tapL\t02:00:00:00:0C:01 169.254.12.1 mtu 576\r\n"
                           "route 169.254.1.0/24 tapA\n"
                           "route 169.254.2.0/24 tapL via 169.254.12.2\n"
                           "route 169.254.7.7/32 tapA via 169.254.1.9\n"
                           "route 0.0.0.0/0 tapL via 169.254.12.2"; /* no final newline */

static void good_file(void) {
    struct harness h;
    harness_begin(&h, "router setup: a good file");
    struct router_setup s;
    size_t line = 99;
    char why[200] = "";
    STEP(&h, "parse a file with comments, blank lines, tabs, CRLF and no final newline");
    EXPECT_EQ(&h, "result", SPONGE_OK, router_setup_parse(GOOD, &s, &line, why, sizeof why));
    EXPECT_EQ(&h, "interfaces", 2, s.interface_count);
    EXPECT_TRUE(&h, "interface 0 is tapA", strcmp(s.interfaces[0].name, "tapA") == 0);
    EXPECT_TRUE(&h, "interface 1 is tapL", strcmp(s.interfaces[1].name, "tapL") == 0);
    static const uint8_t mac0[] = {0x02, 0, 0, 0, 0x01, 0x01}, mac1[] = {0x02, 0, 0, 0, 0x0c, 0x01};
    EXPECT_BYTES(&h, "tapA's MAC", mac0, 6, s.interfaces[0].eth.b, 6);
    EXPECT_BYTES(&h, "tapL's MAC (upper-case hex)", mac1, 6, s.interfaces[1].eth.b, 6);
    EXPECT_EQ(&h, "tapA's IP", IP(169, 254, 1, 1), s.interfaces[0].ip);
    EXPECT_EQ(&h, "tapL's IP", IP(169, 254, 12, 1), s.interfaces[1].ip);
    EXPECT_EQ(&h, "tapA's MTU (the default)", 1500, s.interfaces[0].mtu);
    EXPECT_EQ(&h, "tapL's MTU", 576, s.interfaces[1].mtu);
    EXPECT_EQ(&h, "routes", 4, s.route_count);
    const struct router_setup_route *r = s.routes;
    EXPECT_EQ(&h, "route 0 prefix", IP(169, 254, 1, 0), r[0].prefix);
    EXPECT_EQ(&h, "route 0 length", 24, r[0].prefix_length);
    EXPECT_BOOL(&h, "route 0 is direct", false, r[0].has_next_hop);
    EXPECT_EQ(&h, "route 0 interface", 0, r[0].interface_num);
    EXPECT_EQ(&h, "route 1 prefix", IP(169, 254, 2, 0), r[1].prefix);
    EXPECT_BOOL(&h, "route 1 has a next hop", true, r[1].has_next_hop);
    EXPECT_EQ(&h, "route 1 next hop", IP(169, 254, 12, 2), r[1].next_hop);
    EXPECT_EQ(&h, "route 1 interface", 1, r[1].interface_num);
    EXPECT_EQ(&h, "route 2 length", 32, r[2].prefix_length);
    EXPECT_EQ(&h, "route 2 next hop", IP(169, 254, 1, 9), r[2].next_hop);
    EXPECT_EQ(&h, "route 2 interface", 0, r[2].interface_num);
    EXPECT_EQ(&h, "route 3 prefix", 0, r[3].prefix);
    EXPECT_EQ(&h, "route 3 length", 0, r[3].prefix_length);
    EXPECT_EQ(&h, "route 3 interface", 1, r[3].interface_num);
    harness_end(&h);
}

struct bad_case {
    const char *text;
    size_t line;
    const char *why_part; /* must appear in the explanation */
};

static void bad_files(void) {
    static const struct bad_case cases[] = {
        {"interface tapA 02:00:00:00:01:01\n", 1, "expected: interface NAME MAC IP"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 extra\n", 1, "expected: interface"},
        {"interface tap0123456789abcd 02:00:00:00:01:01 169.254.1.1\n", 1, "longer than 15"},
        {"interface tapA 02:00:00:00:01 169.254.1.1\n", 1, "bad Ethernet address"},
        {"interface tapA 02:00:00:00:01:0g 169.254.1.1\n", 1, "bad Ethernet address"},
        {"interface tapA 02-00-00-00-01-01 169.254.1.1\n", 1, "bad Ethernet address"},
        {"interface tapA 01:00:5e:00:00:01 169.254.1.1\n", 1, "group address"},
        {"interface tapA 02:00:00:00:01:01 169.254.1\n", 1, "bad IPv4 address"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 mtu\n", 1, "expected: interface NAME MAC IP [mtu N]"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 mtu 67\n", 1, "bad MTU \"67\" (expected 68..65535)"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 mtu 65536\n", 1, "bad MTU"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 mtu 0576\n", 1, "bad MTU"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 mtu 1500x\n", 1, "bad MTU"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 size 1500\n", 1, "expected: interface"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1 mtu 1500 extra\n", 1, "expected: interface"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\ninterface tapA 02:00:00:00:01:02 169.254.1.2\n", 2,
         "declared twice"},
        {"# c\n\ninterface tapA 02:00:00:00:01:01 169.254.1.1\nrouter 0.0.0.0/0 tapA\n", 4, "unknown statement"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0 tapA\n", 2, "bad prefix"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0/33 tapA\n", 2, "bad prefix"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0/024 tapA\n", 2, "bad prefix"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0/ tapA\n", 2, "bad prefix"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.1/24 tapA\n", 2, "bits set past"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 0.0.0.1/0 tapA\n", 2, "bits set past"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0/24 tapB\n", 2, "unknown interface tapB"},
        {"route 169.254.1.0/24 tapA\ninterface tapA 02:00:00:00:01:01 169.254.1.1\n", 1, "unknown interface tapA"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0/24 tapA by 169.254.1.9\n", 2,
         "expected: route"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0/24 tapA via\n", 2, "expected: route"},
        {"interface tapA 02:00:00:00:01:01 169.254.1.1\nroute 169.254.1.0/24 tapA via 169.254.1.256\n", 2,
         "bad next hop"},
        {"# nothing but a comment\n\n", 0, "no interface"},
        {"", 0, "no interface"},
    };
    struct harness h;
    harness_begin(&h, "router setup: bad lines give their line number and reason");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct bad_case *c = &cases[i];
        struct router_setup s;
        size_t line = 99;
        char why[200] = "";
        STEP(&h, "parse case %zu (error expected on line %zu: %s)", i, c->line, c->why_part);
        EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, router_setup_parse(c->text, &s, &line, why, sizeof why));
        EXPECT_EQ(&h, "line", c->line, line);
        harness_note(&h, "why: %s", why);
        EXPECT_TRUE(&h, "the explanation names the problem", strstr(why, c->why_part) != NULL);
        EXPECT_TRUE(&h, "the explanation is one line", strchr(why, '\n') == NULL);
    }
    harness_end(&h);
}

static void limits(void) {
    struct harness h;
    harness_begin(&h, "router setup: limits on interfaces, routes and line length");
    char text[ROUTER_SETUP_MAX_ROUTES * 48 + 4096]; /* 16 KiB */
    struct router_setup s;
    size_t line = 0, off = 0;
    char why[200] = "";
    for (int i = 0; i <= ROUTER_SETUP_MAX_INTERFACES; i++) {
        off += (size_t)snprintf(text + off, sizeof text - off, "interface tap%d 02:00:00:00:00:%02x 169.254.0.%d\n", i,
                                i, i + 1);
    }
    STEP(&h, "parse %d interfaces", ROUTER_SETUP_MAX_INTERFACES + 1);
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, router_setup_parse(text, &s, &line, why, sizeof why));
    EXPECT_EQ(&h, "line of the one too many", ROUTER_SETUP_MAX_INTERFACES + 1, line);
    EXPECT_TRUE(&h, "reason", strstr(why, "more than 16 interfaces") != NULL);

    off = (size_t)snprintf(text, sizeof text, "interface tapA 02:00:00:00:01:01 169.254.1.1\n");
    for (int i = 0; i <= ROUTER_SETUP_MAX_ROUTES; i++) {
        off += (size_t)snprintf(text + off, sizeof text - off, "route 10.%d.%d.0/24 tapA\n", i / 256, i % 256);
    }
    STEP(&h, "parse %d routes", ROUTER_SETUP_MAX_ROUTES + 1);
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, router_setup_parse(text, &s, &line, why, sizeof why));
    EXPECT_EQ(&h, "line of the one too many", ROUTER_SETUP_MAX_ROUTES + 2, line);

    memset(text, ' ', ROUTER_SETUP_MAX_LINE);
    snprintf(text + ROUTER_SETUP_MAX_LINE, sizeof text - ROUTER_SETUP_MAX_LINE,
             "\ninterface tapA 02:00:00:00:01:01 169.254.1.1\n");
    STEP(&h, "a line of exactly %d spaces is blank", ROUTER_SETUP_MAX_LINE);
    EXPECT_EQ(&h, "result", SPONGE_OK, router_setup_parse(text, &s, &line, why, sizeof why));
    memset(text, ' ', ROUTER_SETUP_MAX_LINE + 1);
    snprintf(text + ROUTER_SETUP_MAX_LINE + 1, sizeof text - ROUTER_SETUP_MAX_LINE - 1,
             "\ninterface tapA 02:00:00:00:01:01 169.254.1.1\n");
    STEP(&h, "a line of %d characters", ROUTER_SETUP_MAX_LINE + 1);
    EXPECT_EQ(&h, "result", SPONGE_ERR_INVALID_ARGUMENT, router_setup_parse(text, &s, &line, why, sizeof why));
    EXPECT_EQ(&h, "line", 1, line);
    harness_end(&h);
}

static void applied(void) {
    struct harness h;
    harness_begin(&h, "router setup: a configured router uses the file's addresses and next hops");
    struct router_setup s;
    size_t line;
    char why[200];
    STEP(&h, "parse and apply the good file");
    EXPECT_EQ(&h, "parse", SPONGE_OK, router_setup_parse(GOOD, &s, &line, why, sizeof why));
    struct router r;
    struct router_config cfg = router_default_config();
    EXPECT_EQ(&h, "init", SPONGE_OK, router_init(&r, &cfg));
    EXPECT_EQ(&h, "apply", SPONGE_OK, router_setup_apply(&s, &r));
    EXPECT_EQ(&h, "interfaces", 2, router_interface_count(&r));
    EXPECT_EQ(&h, "interface 1's IP", IP(169, 254, 12, 1), network_interface_ip(router_interface(&r, 1)));
    EXPECT_EQ(&h, "interface 0's MTU", 1500, router_interface_mtu(&r, 0));
    EXPECT_EQ(&h, "interface 1's MTU", 576, router_interface_mtu(&r, 1));
    struct eth_addr eth1 = network_interface_eth(router_interface(&r, 1));
    EXPECT_BYTES(&h, "interface 1's MAC", s.interfaces[1].eth.b, 6, eth1.b, 6);

    STEP(&h, "a datagram for 169.254.2.5 arrives on tapA");
    static const uint8_t payload[] = "hello";
    struct ipv4_datagram d;
    ipv4_datagram_init(&d, IPV4_PROTO_UDP, IP(169, 254, 1, 2), IP(169, 254, 2, 5), payload, sizeof payload);
    uint8_t frame[ETH_HEADER_LEN + 64];
    struct ethernet_header eh = {
        .dst = s.interfaces[0].eth, .src = {{0x02, 9, 9, 9, 9, 9}}, .ethertype = ETHERTYPE_IPV4};
    EXPECT_EQ(&h, "serialize ethernet", SPONGE_OK, ethernet_header_serialize(&eh, frame, sizeof frame));
    EXPECT_EQ(&h, "serialize ipv4", SPONGE_OK,
              ipv4_datagram_serialize(&d, frame + ETH_HEADER_LEN, sizeof frame - ETH_HEADER_LEN));
    router_recv_frame(&r, 0, frame, ETH_HEADER_LEN + ipv4_datagram_len(&d));
    router_route(&r);
    EXPECT_EQ(&h, "forwarded", 1, router_counters(&r)->forwarded);
    STEP(&h, "tapL asks for the next hop the file names, 169.254.12.2");
    struct byte_view out;
    EXPECT_TRUE(&h, "a frame on tapL", network_interface_frames_out(router_interface(&r, 1), &out));
    struct arp_message m;
    EXPECT_TRUE(&h, "it is long enough for ARP", out.len >= ETH_HEADER_LEN + ARP_MESSAGE_LEN);
    EXPECT_EQ(&h, "ARP parses", SPONGE_OK, arp_message_parse(out.data + ETH_HEADER_LEN, out.len - ETH_HEADER_LEN, &m));
    EXPECT_EQ(&h, "opcode", ARP_OPCODE_REQUEST, m.opcode);
    EXPECT_EQ(&h, "target ip", IP(169, 254, 12, 2), m.target_ip);
    EXPECT_EQ(&h, "sender ip", IP(169, 254, 12, 1), m.sender_ip);
    EXPECT_BOOL(&h, "nothing on tapA", false, network_interface_frames_out(router_interface(&r, 0), &out));
    router_destroy(&r);
    harness_end(&h);
}

int main(void) {
    good_file();
    bad_files();
    limits();
    applied();
    return 0;
}
