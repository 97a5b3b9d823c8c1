/* Parser of the topology format (net/topology.h, docs/topologies.md). */
#include "net/topology.h"

#include "wire/ipv4.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS (TOPOLOGY_MAX_LINE / 2 + 1)

struct parser {
    struct topology *t;
    struct topology_error *err;
    size_t node_cap, link_cap, member_cap, given_cap;
    char *word[MAX_WORDS];
    size_t words;
};

static enum sponge_err fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum sponge_err fail(struct parser *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->why, sizeof p->err->why, fmt, ap);
    va_end(ap);
    return SPONGE_ERR_INVALID_ARGUMENT;
}

/* Makes room for one more element in *arr (capacity *cap, at most max); false if out of memory. */
static bool grow(void **arr, size_t *cap, size_t count, size_t max, size_t elem) {
    if (count < *cap) {
        return true;
    }
    size_t n = *cap ? *cap * 2 : 16;
    n = n > max ? max : n;
    void *q = realloc(*arr, n * elem);
    if (!q) {
        return false;
    }
    *arr = q;
    *cap = n;
    return true;
}

bool topology_in_prefix(uint32_t addr, uint32_t prefix, uint8_t len) {
    uint32_t mask = len ? ~(uint32_t)0 << (32 - len) : 0;
    return (addr & mask) == (prefix & mask);
}

size_t topology_find_node(const struct topology *t, const char *name) {
    for (size_t i = 0; i < t->node_count; i++) {
        if (strcmp(t->nodes[i].name, name) == 0) {
            return i;
        }
    }
    return TOPOLOGY_NONE;
}

static size_t find_link(const struct topology *t, const char *name) {
    for (size_t i = 0; i < t->link_count; i++) {
        if (strcmp(t->links[i].name, name) == 0) {
            return i;
        }
    }
    return TOPOLOGY_NONE;
}

size_t topology_member_at(const struct topology *t, size_t link, uint32_t addr) {
    const struct topology_link *l = &t->links[link];
    for (size_t m = l->first_member; m < l->first_member + l->member_count; m++) {
        if (t->members[m].addr == addr) {
            return m;
        }
    }
    return TOPOLOGY_NONE;
}

size_t topology_membership(const struct topology *t, size_t node, size_t link) {
    const struct topology_link *l = &t->links[link];
    for (size_t m = l->first_member; m < l->first_member + l->member_count; m++) {
        if (t->members[m].node == node) {
            return m;
        }
    }
    return TOPOLOGY_NONE;
}

/* Splits buf in place at blanks, dropping a `#` comment. */
static void split(struct parser *p, char *buf) {
    char *hash = strchr(buf, '#');
    if (hash) {
        *hash = '\0';
    }
    p->words = 0;
    for (char *s = strtok(buf, " \t\r"); s && p->words < MAX_WORDS; s = strtok(NULL, " \t\r")) {
        p->word[p->words++] = s;
    }
}

static bool valid_name(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n >= TOPOLOGY_NAME_LEN) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

/* A decimal with no sign, at most `max`, at most 9 digits; `suffix` (or nothing) may follow. */
static bool parse_uint(const char *s, unsigned max, const char *suffix, unsigned *out) {
    unsigned long v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        if (i == 9) {
            return false;
        }
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    if (i == 0 || (s[i] && strcmp(s + i, suffix) != 0) || v > max) {
        return false;
    }
    *out = (unsigned)v;
    return true;
}

/* "A.B.C.D/LEN" (or "A.B.C.D" when len_optional, giving *has_len false). */
static bool parse_prefix(const char *s, uint32_t *addr, uint8_t *len, bool len_optional, bool *has_len) {
    char buf[32];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n >= sizeof buf || (!slash && !len_optional)) {
        return false;
    }
    memcpy(buf, s, n);
    buf[n] = '\0';
    unsigned v = 0;
    if (!ipv4_parse_address(buf, addr) || (slash && !parse_uint(slash + 1, 32, "", &v))) {
        return false;
    }
    *len = slash ? (uint8_t)v : 32;
    if (has_len) {
        *has_len = slash != NULL;
    }
    return true;
}

/* "P" or "P%" with P a decimal percentage in [0, 100]: the probability P / 100. */
static bool parse_percent(const char *s, double *out) {
    char *end;
    if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '.')) {
        return false;
    }
    double v = strtod(s, &end);
    if (end == s || (*end && strcmp(end, "%") != 0) || !(v >= 0 && v <= 100)) {
        return false;
    }
    *out = v / 100;
    return true;
}

static bool host_bits_clear(uint32_t prefix, uint8_t len) {
    return len == 32 || (prefix & (~(uint32_t)0 >> len)) == 0;
}

static const char *node_kind_word(enum topology_kind k) {
    return k == TOPOLOGY_ROUTER ? "router" : "host";
}

/* Where `addr` is already used, if anywhere: the member holding it. */
static size_t address_owner(const struct topology *t, uint32_t addr) {
    for (size_t m = 0; m < t->member_count; m++) {
        if (t->members[m].addr == addr) {
            return m;
        }
    }
    return TOPOLOGY_NONE;
}

static enum sponge_err parse_node(struct parser *p, size_t line) {
    struct topology *t = p->t;
    bool router = strcmp(p->word[0], "router") == 0;
    if (router ? p->words != 2 : (p->words != 2 && p->words != 3)) {
        return fail(p, router ? "expected: router NAME" : "expected: host NAME [linux|tcp]");
    }
    const char *name = p->word[1];
    if (!valid_name(name)) {
        return fail(p, "bad name \"%s\" (1..%d of A-Z a-z 0-9 _ -)", name, TOPOLOGY_NAME_LEN - 1);
    }
    size_t other = topology_find_node(t, name);
    if (other != TOPOLOGY_NONE) {
        return fail(p, "%s is already declared on line %zu", name, t->nodes[other].line);
    }
    enum topology_kind kind = TOPOLOGY_ROUTER;
    if (!router) {
        const char *k = p->words == 3 ? p->word[2] : "linux";
        if (strcmp(k, "linux") == 0) {
            kind = TOPOLOGY_HOST_LINUX;
        } else if (strcmp(k, "tcp") == 0) {
            kind = TOPOLOGY_HOST_TCP;
        } else {
            return fail(p, "unknown host kind \"%s\" (linux or tcp)", k);
        }
    }
    if (t->node_count == TOPOLOGY_MAX_NODES) {
        return fail(p, "more than %d routers and hosts", TOPOLOGY_MAX_NODES);
    }
    if (!grow((void **)&t->nodes, &p->node_cap, t->node_count, TOPOLOGY_MAX_NODES, sizeof *t->nodes)) {
        return SPONGE_ERR_NO_MEMORY;
    }
    struct topology_node *n = &t->nodes[t->node_count++];
    *n = (struct topology_node){.kind = kind, .line = line, .host_member = TOPOLOGY_NONE};
    snprintf(n->name, sizeof n->name, "%s", name);
    return SPONGE_OK;
}

/* One NODE=ADDR[/LEN] word of a link line. */
static enum sponge_err parse_member(struct parser *p, size_t link_index, const char *word) {
    struct topology *t = p->t;
    struct topology_link *l = &t->links[link_index];
    char name[TOPOLOGY_NAME_LEN];
    const char *eq = strchr(word, '=');
    size_t n = (size_t)(eq - word);
    if (n == 0 || n >= sizeof name) {
        return fail(p, "bad member \"%s\" (expected NODE=ADDR)", word);
    }
    memcpy(name, word, n);
    name[n] = '\0';
    size_t node = topology_find_node(t, name);
    if (node == TOPOLOGY_NONE) {
        return fail(p, "unknown node %s (declare it first with router or host)", name);
    }
    struct topology_node *nd = &t->nodes[node];
    if (topology_membership(t, node, link_index) != TOPOLOGY_NONE) {
        return fail(p, "%s is on link %s twice", name, l->name);
    }
    if (nd->kind != TOPOLOGY_ROUTER && nd->host_member != TOPOLOGY_NONE) {
        return fail(p, "host %s is already on link %s (a host has one interface)", name,
                    t->links[t->members[nd->host_member].link].name);
    }
    uint32_t addr;
    uint8_t len;
    bool has_len;
    if (!parse_prefix(eq + 1, &addr, &len, true, &has_len)) {
        return fail(p, "bad address \"%s\" for %s (expected A.B.C.D or A.B.C.D/LEN)", eq + 1, name);
    }
    bool inside = topology_in_prefix(addr, l->prefix, l->prefix_length);
    if (has_len && nd->kind == TOPOLOGY_ROUTER) {
        return fail(p, "router %s takes its prefix length from the link (write %s=ADDR)", name, name);
    }
    if (!inside && !has_len) {
        return fail(p, "%s's address %s is outside link %s's prefix (write ADDR/LEN for a host that means it)", name,
                    eq + 1, l->name);
    }
    if (inside && l->prefix_length <= 30) {
        uint32_t host_bits = ~(uint32_t)0 >> l->prefix_length;
        if ((addr & host_bits) == 0 || (addr & host_bits) == host_bits) {
            return fail(p, "%s's address %s is the network or broadcast address of link %s", name, eq + 1, l->name);
        }
    }
    size_t owner = address_owner(t, addr);
    if (owner != TOPOLOGY_NONE) {
        return fail(p, "address %s is already %s's (link %s)", eq + 1, t->nodes[t->members[owner].node].name,
                    t->links[t->members[owner].link].name);
    }
    if (l->member_count == TOPOLOGY_MAX_MEMBERS) {
        return fail(p, "more than %d members on one link", TOPOLOGY_MAX_MEMBERS);
    }
    if (!grow((void **)&t->members, &p->member_cap, t->member_count, (size_t)TOPOLOGY_MAX_LINKS * TOPOLOGY_MAX_MEMBERS,
              sizeof *t->members)) {
        return SPONGE_ERR_NO_MEMORY;
    }
    size_t m = t->member_count++;
    t->members[m] = (struct topology_member){.node = node,
                                             .link = link_index,
                                             .iface = nd->interfaces,
                                             .addr = addr,
                                             .prefix_length = has_len ? len : l->prefix_length,
                                             .outside = !inside};
    nd->interfaces++;
    if (nd->kind != TOPOLOGY_ROUTER) {
        nd->host_member = m;
    }
    l->member_count++;
    return SPONGE_OK;
}

/* One `OPTION VALUE` pair of a link line; *seen has one bit per option. */
static enum sponge_err parse_link_option(struct parser *p, struct topology_link *l, const char *opt, const char *val,
                                         unsigned *seen) {
    static const char *const names[] = {"mtu", "loss", "dup", "delay", "jitter", "reorder"};
    size_t k = 0;
    while (k < sizeof names / sizeof names[0] && strcmp(opt, names[k]) != 0) {
        k++;
    }
    if (k == sizeof names / sizeof names[0]) {
        return fail(p, "unknown link option \"%s\" (mtu, loss, dup, delay, jitter, reorder)", opt);
    }
    if (!val) {
        return fail(p, "%s needs a value", opt);
    }
    if (*seen & 1u << k) {
        return fail(p, "%s is given twice", opt);
    }
    *seen |= 1u << k;
    bool ok;
    switch (k) {
        case 0:
            ok = parse_uint(val, TOPOLOGY_MAX_MTU, "", &l->mtu) && l->mtu >= TOPOLOGY_MIN_MTU;
            return ok ? SPONGE_OK : fail(p, "bad mtu \"%s\" (%d..%d bytes)", val, TOPOLOGY_MIN_MTU, TOPOLOGY_MAX_MTU);
        case 1:
            ok = parse_percent(val, &l->loss);
            break;
        case 2:
            ok = parse_percent(val, &l->dup);
            break;
        case 5:
            ok = parse_percent(val, &l->reorder);
            break;
        default:
            ok = parse_uint(val, TOPOLOGY_MAX_DELAY_MS, "ms", k == 3 ? &l->delay_ms : &l->jitter_ms);
            return ok ? SPONGE_OK : fail(p, "bad %s \"%s\" (0..%u ms)", opt, val, TOPOLOGY_MAX_DELAY_MS);
    }
    return ok ? SPONGE_OK : fail(p, "bad %s \"%s\" (a percentage 0..100, like 1.5%%)", opt, val);
}

static enum sponge_err parse_link(struct parser *p, size_t line) {
    struct topology *t = p->t;
    if (p->words < 4) {
        return fail(p, "expected: link NAME PREFIX/LEN NODE=ADDR... [OPTION VALUE]...");
    }
    if (!valid_name(p->word[1])) {
        return fail(p, "bad link name \"%s\" (1..%d of A-Z a-z 0-9 _ -)", p->word[1], TOPOLOGY_NAME_LEN - 1);
    }
    size_t other = find_link(t, p->word[1]);
    if (other != TOPOLOGY_NONE) {
        return fail(p, "link %s is already declared on line %zu", p->word[1], t->links[other].line);
    }
    if (t->link_count == TOPOLOGY_MAX_LINKS) {
        return fail(p, "more than %d links", TOPOLOGY_MAX_LINKS);
    }
    struct topology_link l = {.line = line, .mtu = TOPOLOGY_MAX_MTU, .first_member = t->member_count};
    snprintf(l.name, sizeof l.name, "%s", p->word[1]);
    if (!parse_prefix(p->word[2], &l.prefix, &l.prefix_length, false, NULL)) {
        return fail(p, "bad prefix \"%s\" (expected A.B.C.D/LEN)", p->word[2]);
    }
    if (l.prefix_length == 0 || !host_bits_clear(l.prefix, l.prefix_length)) {
        return fail(p, "prefix %s has bits set past its length (or length 0)", p->word[2]);
    }
    for (size_t i = 0; i < t->link_count; i++) {
        if (t->links[i].prefix == l.prefix && t->links[i].prefix_length == l.prefix_length) {
            return fail(p, "link %s has the same prefix as link %s (line %zu)", l.name, t->links[i].name,
                        t->links[i].line);
        }
    }
    if (!grow((void **)&t->links, &p->link_cap, t->link_count, TOPOLOGY_MAX_LINKS, sizeof *t->links)) {
        return SPONGE_ERR_NO_MEMORY;
    }
    size_t li = t->link_count++;
    t->links[li] = l;
    size_t w = 3;
    for (; w < p->words && strchr(p->word[w], '='); w++) {
        enum sponge_err e = parse_member(p, li, p->word[w]);
        if (e != SPONGE_OK) {
            return e;
        }
    }
    struct topology_link *lp = &t->links[li];
    if (lp->member_count == 0) {
        return fail(p, "link %s has no members (NODE=ADDR after the prefix)", lp->name);
    }
    unsigned seen = 0;
    for (; w < p->words; w += 2) {
        enum sponge_err e = parse_link_option(p, lp, p->word[w], w + 1 < p->words ? p->word[w + 1] : NULL, &seen);
        if (e != SPONGE_OK) {
            return e;
        }
    }
    bool impaired = lp->loss > 0 || lp->dup > 0 || lp->reorder > 0 || lp->delay_ms > 0 || lp->jitter_ms > 0;
    if (impaired && lp->member_count != 2) {
        return fail(p, "impairments need a point-to-point link (exactly two members); %s has %zu", lp->name,
                    lp->member_count);
    }
    if (lp->reorder > 0 && lp->delay_ms == 0) {
        return fail(p, "reorder needs a delay (packets overtake delayed ones, as in netem)");
    }
    if (lp->jitter_ms > lp->delay_ms) {
        return fail(p, "jitter %u ms is larger than the delay %u ms", lp->jitter_ms, lp->delay_ms);
    }
    return SPONGE_OK;
}

/* A router's membership on a link whose prefix holds addr (the longest such prefix). */
static size_t router_link_for(const struct topology *t, size_t router, uint32_t addr) {
    size_t best = TOPOLOGY_NONE;
    for (size_t m = 0; m < t->member_count; m++) {
        const struct topology_member *mb = &t->members[m];
        const struct topology_link *l = &t->links[mb->link];
        if (mb->node == router && topology_in_prefix(addr, l->prefix, l->prefix_length) &&
            (best == TOPOLOGY_NONE || l->prefix_length > t->links[t->members[best].link].prefix_length)) {
            best = m;
        }
    }
    return best;
}

static enum sponge_err parse_gateway(struct parser *p) {
    struct topology *t = p->t;
    if (p->words != 3) {
        return fail(p, "expected: gateway HOST ADDR");
    }
    size_t h = topology_find_node(t, p->word[1]);
    if (h == TOPOLOGY_NONE || t->nodes[h].kind == TOPOLOGY_ROUTER) {
        return fail(p, "%s is not a host declared earlier", p->word[1]);
    }
    struct topology_node *n = &t->nodes[h];
    if (n->host_member == TOPOLOGY_NONE) {
        return fail(p, "host %s is on no link yet (put gateway after its link)", n->name);
    }
    if (n->has_gateway) {
        return fail(p, "host %s's gateway is given twice", n->name);
    }
    uint32_t gw;
    if (!ipv4_parse_address(p->word[2], &gw)) {
        return fail(p, "bad address \"%s\"", p->word[2]);
    }
    size_t m = topology_member_at(t, t->members[n->host_member].link, gw);
    if (m == TOPOLOGY_NONE || t->nodes[t->members[m].node].kind != TOPOLOGY_ROUTER) {
        return fail(p, "gateway %s is not a router's address on %s's link %s", p->word[2], n->name,
                    t->links[t->members[n->host_member].link].name);
    }
    n->has_gateway = true;
    n->gateway = gw;
    return SPONGE_OK;
}

static enum sponge_err parse_route(struct parser *p, size_t line) {
    struct topology *t = p->t;
    if (p->words != 5 || strcmp(p->word[3], "via") != 0) {
        return fail(p, "expected: route ROUTER PREFIX/LEN via ADDR");
    }
    size_t r = topology_find_node(t, p->word[1]);
    if (r == TOPOLOGY_NONE || t->nodes[r].kind != TOPOLOGY_ROUTER) {
        return fail(p, "%s is not a router declared earlier", p->word[1]);
    }
    struct topology_route rt = {.router = r, .has_next_hop = true, .line = line};
    if (!parse_prefix(p->word[2], &rt.prefix, &rt.prefix_length, false, NULL)) {
        return fail(p, "bad prefix \"%s\" (expected A.B.C.D/LEN)", p->word[2]);
    }
    if (!host_bits_clear(rt.prefix, rt.prefix_length)) {
        return fail(p, "prefix %s has bits set past its length", p->word[2]);
    }
    if (!ipv4_parse_address(p->word[4], &rt.next_hop)) {
        return fail(p, "bad next hop \"%s\"", p->word[4]);
    }
    size_t m = router_link_for(t, r, rt.next_hop);
    if (m == TOPOLOGY_NONE) {
        return fail(p, "next hop %s is on none of %s's links", p->word[4], t->nodes[r].name);
    }
    rt.link = t->members[m].link;
    size_t nm = topology_member_at(t, rt.link, rt.next_hop);
    if (nm == TOPOLOGY_NONE || t->nodes[t->members[nm].node].kind != TOPOLOGY_ROUTER || t->members[nm].node == r) {
        return fail(p, "next hop %s is not another router's address on link %s", p->word[4], t->links[rt.link].name);
    }
    rt.next_node = t->members[nm].node;
    for (size_t i = 0; i < t->given_count; i++) {
        const struct topology_route *g = &t->given[i];
        if (g->router == r && g->prefix == rt.prefix && g->prefix_length == rt.prefix_length) {
            return fail(p, "%s already has a route for %s (line %zu)", t->nodes[r].name, p->word[2], g->line);
        }
    }
    for (size_t k = 0; k < t->member_count; k++) {
        const struct topology_member *mb = &t->members[k];
        const struct topology_link *l = &t->links[mb->link];
        if (topology_membership(t, r, mb->link) != TOPOLOGY_NONE &&
            ((l->prefix == rt.prefix && l->prefix_length == rt.prefix_length) ||
             (mb->outside && mb->addr == rt.prefix && rt.prefix_length == 32))) {
            return fail(p, "%s is directly connected to %s on link %s", p->word[2], t->nodes[r].name, l->name);
        }
    }
    if (t->given_count == TOPOLOGY_MAX_GIVEN_ROUTES) {
        return fail(p, "more than %d routes", TOPOLOGY_MAX_GIVEN_ROUTES);
    }
    if (!grow((void **)&t->given, &p->given_cap, t->given_count, TOPOLOGY_MAX_GIVEN_ROUTES, sizeof *t->given)) {
        return SPONGE_ERR_NO_MEMORY;
    }
    t->given[t->given_count++] = rt;
    t->nodes[r].given_routes++;
    return SPONGE_OK;
}

static enum sponge_err parse_line(struct parser *p, size_t line) {
    if (p->words == 0) {
        return SPONGE_OK;
    }
    const char *w = p->word[0];
    if (strcmp(w, "router") == 0 || strcmp(w, "host") == 0) {
        return parse_node(p, line);
    }
    if (strcmp(w, "link") == 0) {
        return parse_link(p, line);
    }
    if (strcmp(w, "gateway") == 0) {
        return parse_gateway(p);
    }
    if (strcmp(w, "route") == 0) {
        return parse_route(p, line);
    }
    return fail(p, "unknown statement \"%s\" (router, host, link, gateway, route)", w);
}

/* Checks that need the whole file; sets default gateways. */
static enum sponge_err finish(struct parser *p) {
    struct topology *t = p->t;
    size_t hosts = 0, routers = 0;
    for (size_t i = 0; i < t->node_count; i++) {
        struct topology_node *n = &t->nodes[i];
        p->err->line = n->line;
        if (n->interfaces == 0) {
            return fail(p, "%s %s is on no link", node_kind_word(n->kind), n->name);
        }
        if (n->kind == TOPOLOGY_ROUTER) {
            routers++;
            continue;
        }
        hosts++;
        const struct topology_link *l = &t->links[t->members[n->host_member].link];
        for (size_t m = l->first_member; !n->has_gateway && m < l->first_member + l->member_count; m++) {
            if (t->nodes[t->members[m].node].kind == TOPOLOGY_ROUTER) {
                n->has_gateway = true;
                n->gateway = t->members[m].addr;
            }
        }
        if (!n->has_gateway) {
            return fail(p, "host %s has no router on its link %s", n->name, l->name);
        }
    }
    p->err->line = t->lines ? t->lines : 1;
    if (routers == 0 || hosts < 2) {
        return fail(p, "a topology needs at least one router and two hosts (it has %zu and %zu)", routers, hosts);
    }
    return SPONGE_OK;
}

enum sponge_err topology_parse(const char *text, struct topology *t, struct topology_error *err) {
    memset(t, 0, sizeof *t);
    struct parser p = {.t = t, .err = err};
    err->line = 0;
    err->why[0] = '\0';
    char buf[TOPOLOGY_MAX_LINE + 2];
    size_t total = 0;
    for (const char *s = text; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        err->line = ++t->lines;
        total += n + 1;
        if (total > TOPOLOGY_MAX_TEXT) {
            return fail(&p, "the file is larger than %u bytes", TOPOLOGY_MAX_TEXT);
        }
        if (n > TOPOLOGY_MAX_LINE) {
            return fail(&p, "line longer than %d characters", TOPOLOGY_MAX_LINE);
        }
        memcpy(buf, s, n);
        buf[n] = '\0';
        split(&p, buf);
        enum sponge_err e = parse_line(&p, t->lines);
        if (e != SPONGE_OK) {
            return e;
        }
        s = nl ? nl + 1 : s + n;
    }
    return finish(&p);
}

void topology_destroy(struct topology *t) {
    free(t->nodes);
    free(t->links);
    free(t->members);
    free(t->given);
    memset(t, 0, sizeof *t);
}

void topology_distances(const struct topology *t, size_t link, size_t *dist) {
    for (size_t i = 0; i < t->node_count; i++) {
        dist[i] = SIZE_MAX;
    }
    const struct topology_link *l = &t->links[link];
    for (size_t m = l->first_member; m < l->first_member + l->member_count; m++) {
        if (t->nodes[t->members[m].node].kind == TOPOLOGY_ROUTER) {
            dist[t->members[m].node] = 0;
        }
    }
    /* Bellman-Ford style relaxation over router-router adjacencies (shared links): at most
     * node_count rounds; each round scans every link's routers. */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t li = 0; li < t->link_count; li++) {
            const struct topology_link *k = &t->links[li];
            size_t best = SIZE_MAX;
            for (size_t m = k->first_member; m < k->first_member + k->member_count; m++) {
                size_t d = dist[t->members[m].node];
                best = d < best ? d : best;
            }
            if (best == SIZE_MAX) {
                continue;
            }
            for (size_t m = k->first_member; m < k->first_member + k->member_count; m++) {
                size_t node = t->members[m].node;
                if (t->nodes[node].kind == TOPOLOGY_ROUTER && dist[node] > best + 1) {
                    dist[node] = best + 1;
                    changed = true;
                }
            }
        }
    }
}

size_t topology_next_toward(const struct topology *t, size_t router, const size_t *dist) {
    if (dist[router] == SIZE_MAX || dist[router] == 0) {
        return TOPOLOGY_NONE;
    }
    size_t best = TOPOLOGY_NONE;
    for (size_t m = 0; m < t->member_count; m++) {
        if (t->members[m].node != router) {
            continue;
        }
        const struct topology_link *k = &t->links[t->members[m].link];
        for (size_t o = k->first_member; o < k->first_member + k->member_count; o++) {
            size_t node = t->members[o].node;
            if (node != router && t->nodes[node].kind == TOPOLOGY_ROUTER && dist[node] + 1 == dist[router] &&
                (best == TOPOLOGY_NONE || node < t->members[best].node)) {
                best = o;
            }
        }
    }
    return best;
}
