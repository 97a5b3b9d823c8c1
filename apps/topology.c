/* topology: the topology file (docs/topologies.md) for scripts and people.
 *
 *   topology check FILE            exit 0 if FILE is good, else "FILE:LINE: what is wrong" and exit 1
 *   topology plan FILE             what etc/topology_run.sh builds and checks, one fact a line:
 *       node NAME router|linux|tcp INDEX
 *       link NAME INDEX PREFIX/LEN MTU LOSS% DUP% DELAY_MS JITTER_MS REORDER% MEMBERS
 *       member LINK NODE IFACE ADDR PREFIX_LEN
 *       gateway HOST ADDR
 *       conf ROUTER LINE           a line of ROUTER's apps/router configuration (TAP devices rNiM:
 *                                  router node N, interface M)
 *       path SRC DST HOP... DST_ADDR   the address of each router's arriving interface, then DST's
 *       unreachable SRC DST        (a host pair the drawing cannot connect)
 *       longest SRC DST            the Linux host pair with the most router hops between them
 *       longest_tcp SRC DST        the same from one of our TCP hosts to a Linux host
 *   topology dot FILE [STATS]      a Graphviz drawing on stdout: routers, hosts, links with
 *                                  prefixes, addresses, MTU and impairments; with STATS (lines
 *                                  "link NAME frames=N", "router NAME KEY=N...") each link's
 *                                  frame count and each router's counters */

#include "net/topology.h"
#include "adapters/text_file.h"
#include "net/topology_tables.h"
#include "net/topology_walk.h"
#include "wire/ipv4.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STATS_LINE 1024

/* The whole file, or NULL after one line on stderr. */
static char *slurp(const char *path) {
    char why[256];
    char *text = text_file_read(path, TOPOLOGY_MAX_TEXT, why, sizeof why);
    if (!text) {
        fprintf(stderr, "topology: %s\n", why);
    }
    return text;
}

static const char *kind_word(enum topology_kind k) {
    return k == TOPOLOGY_ROUTER ? "router" : k == TOPOLOGY_HOST_LINUX ? "linux" : "tcp";
}

static void print_router_conf(const struct topology *t, size_t r, const struct topology_route *routes, size_t count) {
    char a[16], b[16];
    for (size_t m = 0; m < t->member_count; m++) {
        const struct topology_member *mb = &t->members[m];
        if (mb->node == r) {
            printf("conf %s interface r%zui%zu 02:%02x:%02x:%02x:%02x:01 %s mtu %u\n", t->nodes[r].name, r, mb->iface,
                   (unsigned)(r >> 8) & 0xff, (unsigned)r & 0xff, (unsigned)(mb->iface >> 8) & 0xff,
                   (unsigned)mb->iface & 0xff, ipv4_format(mb->addr, a), t->links[mb->link].mtu);
        }
    }
    for (size_t i = 0; i < count; i++) {
        const struct topology_route *rt = &routes[i];
        if (rt->router != r) {
            continue;
        }
        size_t iface = t->members[topology_membership(t, r, rt->link)].iface;
        printf("conf %s route %s/%u r%zui%zu", t->nodes[r].name, ipv4_format(rt->prefix, a), rt->prefix_length, r,
               iface);
        if (rt->has_next_hop) {
            printf(" via %s", ipv4_format(rt->next_hop, b));
        }
        printf("\n");
    }
}

/* Paths between every ordered pair of hosts, and the longest ones. */
static int print_paths(const struct topology *t) {
    struct topology_walker w;
    if (topology_walker_init(&w, t) != SPONGE_OK) {
        return -1;
    }
    size_t best[2][3] = {{0, 0, 0}, {0, 0, 0}}; /* [linux, tcp]: hops+1, src, dst */
    char a[16];
    for (size_t s = 0; s < t->node_count; s++) {
        for (size_t d = 0; d < t->node_count; d++) {
            if (s == d || t->nodes[s].kind == TOPOLOGY_ROUTER || t->nodes[d].kind == TOPOLOGY_ROUTER) {
                continue;
            }
            uint32_t dst = t->members[t->nodes[d].host_member].addr;
            struct topology_walk out;
            topology_walk(&w, s, dst, 64, &out);
            if (out.fate != TOPOLOGY_DELIVERED || out.host != d) {
                printf("unreachable %s %s\n", t->nodes[s].name, t->nodes[d].name);
                continue;
            }
            printf("path %s %s", t->nodes[s].name, t->nodes[d].name);
            for (size_t k = 0; k < out.hops; k++) {
                printf(" %s", ipv4_format(t->members[out.path[k]].addr, a));
            }
            printf(" %s\n", ipv4_format(dst, a));
            if (t->nodes[d].kind != TOPOLOGY_HOST_LINUX) {
                continue;
            }
            int which = t->nodes[s].kind == TOPOLOGY_HOST_TCP ? 1 : 0;
            if (out.hops + 1 > best[which][0]) {
                best[which][0] = out.hops + 1;
                best[which][1] = s;
                best[which][2] = d;
            }
        }
    }
    for (int k = 0; k < 2; k++) {
        if (best[k][0]) {
            printf("%s %s %s\n", k ? "longest_tcp" : "longest", t->nodes[best[k][1]].name, t->nodes[best[k][2]].name);
        }
    }
    topology_walker_destroy(&w);
    return 0;
}

static int plan(const struct topology *t) {
    char a[16];
    for (size_t i = 0; i < t->node_count; i++) {
        printf("node %s %s %zu\n", t->nodes[i].name, kind_word(t->nodes[i].kind), i);
    }
    for (size_t li = 0; li < t->link_count; li++) {
        const struct topology_link *l = &t->links[li];
        printf("link %s %zu %s/%u %u %g %g %u %u %g %zu\n", l->name, li, ipv4_format(l->prefix, a), l->prefix_length,
               l->mtu, l->loss * 100, l->dup * 100, l->delay_ms, l->jitter_ms, l->reorder * 100, l->member_count);
        for (size_t m = l->first_member; m < l->first_member + l->member_count; m++) {
            const struct topology_member *mb = &t->members[m];
            printf("member %s %s %zu %s %u\n", l->name, t->nodes[mb->node].name, mb->iface, ipv4_format(mb->addr, a),
                   mb->prefix_length);
        }
    }
    for (size_t i = 0; i < t->node_count; i++) {
        if (t->nodes[i].kind != TOPOLOGY_ROUTER) {
            printf("gateway %s %s\n", t->nodes[i].name, ipv4_format(t->nodes[i].gateway, a));
        }
    }
    struct topology_route *routes;
    size_t count;
    if (topology_tables(t, &routes, &count) != SPONGE_OK) {
        return -1;
    }
    for (size_t i = 0; i < t->node_count; i++) {
        if (t->nodes[i].kind == TOPOLOGY_ROUTER) {
            print_router_conf(t, i, routes, count);
        }
    }
    free(routes);
    return print_paths(t);
}

/* The STATS line for `kind` `name` ("link lan1 frames=12"): its KEY=N words, or NULL. */
static const char *stats_for(const char *stats, const char *kind, const char *name, char *buf, size_t len) {
    size_t klen = strlen(kind), nlen = strlen(name);
    for (const char *p = stats; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > klen + nlen + 2 && strncmp(p, kind, klen) == 0 && p[klen] == ' ' &&
            strncmp(p + klen + 1, name, nlen) == 0 && p[klen + 1 + nlen] == ' ') {
            size_t off = klen + nlen + 2;
            snprintf(buf, len, "%.*s", (int)(n - off), p + off);
            return buf;
        }
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* KEY=N words as label lines, "KEY N" each; a zero count is left out unless it is the first
 * (frames, forwarded: always worth seeing). */
static void print_stats_label(const char *words) {
    char word[128];
    bool first = true;
    for (const char *p = words; *p;) {
        size_t n = strcspn(p, " ");
        if (n > 0 && n < sizeof word) {
            memcpy(word, p, n);
            word[n] = '\0';
            char *eq = strchr(word, '=');
            if (eq && (first || strcmp(eq + 1, "0") != 0) && !strpbrk(word, "\"\\")) {
                *eq = ' ';
                printf("\\n%s", word);
            }
            first = false;
        }
        p += n + (p[n] == ' ');
    }
}

static int dot(const struct topology *t, const char *stats) {
    char a[16], buf[MAX_STATS_LINE];
    printf("graph topology {\n  graph [layout=neato, overlap=false, sep=\"+8\", splines=true, fontname=\"Helvetica\", "
           "fontsize=10];\n"
           "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (size_t i = 0; i < t->node_count; i++) {
        const struct topology_node *n = &t->nodes[i];
        bool router = n->kind == TOPOLOGY_ROUTER;
        printf("  \"n_%s\" [shape=%s, style=filled, fillcolor=\"%s\", label=\"%s%s", n->name,
               router ? "box" : "ellipse",
               router                         ? "#cfe2f3"
               : n->kind == TOPOLOGY_HOST_TCP ? "#fce5cd"
                                              : "#d9ead3",
               n->name,
               router                         ? "\\nrouter"
               : n->kind == TOPOLOGY_HOST_TCP ? "\\nour TCP"
                                              : "\\nLinux");
        const char *s = stats ? stats_for(stats, "router", n->name, buf, sizeof buf) : NULL;
        if (router && s) {
            print_stats_label(s);
        }
        printf("\"];\n");
    }
    for (size_t li = 0; li < t->link_count; li++) {
        const struct topology_link *l = &t->links[li];
        printf("  \"l_%s\" [shape=box, style=\"rounded,dashed\", label=\"%s\\n%s/%u\\nmtu %u", l->name, l->name,
               ipv4_format(l->prefix, a), l->prefix_length, l->mtu);
        if (l->loss > 0 || l->dup > 0 || l->delay_ms > 0 || l->reorder > 0) {
            printf("\\nloss %g%% dup %g%%\\ndelay %u±%u ms reorder %g%%", l->loss * 100, l->dup * 100, l->delay_ms,
                   l->jitter_ms, l->reorder * 100);
        }
        const char *s = stats ? stats_for(stats, "link", l->name, buf, sizeof buf) : NULL;
        if (s) {
            print_stats_label(s);
        }
        printf("\"];\n");
        for (size_t m = l->first_member; m < l->first_member + l->member_count; m++) {
            const struct topology_member *mb = &t->members[m];
            printf("  \"l_%s\" -- \"n_%s\" [label=\"%s/%u\"];\n", l->name, t->nodes[mb->node].name,
                   ipv4_format(mb->addr, a), mb->prefix_length);
        }
    }
    printf("}\n");
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "dot") == 0 ? argc > 4 : argc != 3) ||
        (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "plan") != 0 && strcmp(argv[1], "dot") != 0)) {
        fprintf(stderr, "usage: topology check FILE | plan FILE | dot FILE [STATS]\n");
        return 2;
    }
    char *text = slurp(argv[2]);
    if (!text) {
        return 1;
    }
    struct topology t;
    struct topology_error err;
    enum sponge_err e = topology_parse(text, &t, &err);
    free(text);
    if (e != SPONGE_OK) {
        if (e == SPONGE_ERR_NO_MEMORY) {
            fprintf(stderr, "topology: out of memory\n");
        } else {
            fprintf(stderr, "%s:%zu: %s\n", argv[2], err.line, err.why);
        }
        topology_destroy(&t);
        return 1;
    }
    int rc = 0;
    if (strcmp(argv[1], "plan") == 0) {
        rc = plan(&t);
    } else if (strcmp(argv[1], "dot") == 0) {
        char *stats = argc == 4 ? slurp(argv[3]) : NULL;
        rc = argc == 4 && !stats ? -1 : dot(&t, stats);
        free(stats);
    }
    topology_destroy(&t);
    if (rc != 0 || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "topology: %s failed (out of memory or output error)\n", argv[1]);
        return 1;
    }
    return 0;
}
