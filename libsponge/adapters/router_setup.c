#include "adapters/router_setup.h"

#include "net/ipv4_fragmenter.h"
#include "wire/ipv4.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_WORDS 7 /* one more than the longest statement, to notice extra words */

/* Parse state for one line: its words and where to report. */
struct line_ctx {
    char *word[MAX_WORDS];
    size_t count;
    char *why;
    size_t why_len;
};

static enum sponge_err fail(struct line_ctx *c, const char *fmt, ...) {
    if (c->why_len > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->why, c->why_len, fmt, ap);
        va_end(ap);
    }
    return SPONGE_ERR_INVALID_ARGUMENT;
}

/* Splits buf in place at spaces and tabs, up to MAX_WORDS words (more counts as MAX_WORDS). */
static void split(char *buf, struct line_ctx *c) {
    c->count = 0;
    char *p = buf;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r') {
            *p++ = '\0';
        }
        if (*p == '\0') {
            break;
        }
        if (c->count < MAX_WORDS) {
            c->word[c->count] = p;
        }
        c->count += c->count < MAX_WORDS;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
            p++;
        }
    }
}

static int hex_digit(char ch) {
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

/* "02:00:00:00:0a:01": exactly six two-digit hex groups separated by colons. */
static bool parse_mac(const char *text, struct eth_addr *eth) {
    if (strlen(text) != 3 * ETH_ADDR_LEN - 1) {
        return false;
    }
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        const char *g = text + 3 * i;
        int hi = hex_digit(g[0]), lo = hex_digit(g[1]);
        if (hi < 0 || lo < 0 || (i < ETH_ADDR_LEN - 1 && g[2] != ':')) {
            return false;
        }
        eth->b[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* A decimal min..max with no sign, no leading zero and nothing after it. */
static bool parse_decimal(const char *text, unsigned min, unsigned max, unsigned *value) {
    size_t n = strlen(text);
    if (n == 0 || n > 5 || (n > 1 && text[0] == '0')) {
        return false;
    }
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        v = v * 10 + (unsigned)(text[i] - '0');
    }
    if (v < min || v > max) {
        return false;
    }
    *value = v;
    return true;
}

static bool parse_prefix_length(const char *text, uint8_t *len) {
    unsigned v;
    if (!parse_decimal(text, 0, 32, &v)) {
        return false;
    }
    *len = (uint8_t)v;
    return true;
}

static bool find_interface(const struct router_setup *s, const char *name, size_t *num) {
    for (size_t i = 0; i < s->interface_count; i++) {
        if (strcmp(s->interfaces[i].name, name) == 0) {
            *num = i;
            return true;
        }
    }
    return false;
}

static enum sponge_err parse_interface(struct line_ctx *c, struct router_setup *s) {
    if (c->count != 4 && !(c->count == 6 && strcmp(c->word[4], "mtu") == 0)) {
        return fail(c, "expected: interface NAME MAC IP [mtu N]");
    }
    const char *name = c->word[1];
    size_t ignored;
    if (strlen(name) >= ROUTER_SETUP_NAME_LEN) {
        return fail(c, "interface name \"%s\" is longer than %d characters", name, ROUTER_SETUP_NAME_LEN - 1);
    }
    if (find_interface(s, name, &ignored)) {
        return fail(c, "interface %s is declared twice", name);
    }
    if (s->interface_count == ROUTER_SETUP_MAX_INTERFACES) {
        return fail(c, "more than %d interfaces", ROUTER_SETUP_MAX_INTERFACES);
    }
    struct router_setup_interface *itf = &s->interfaces[s->interface_count];
    if (!parse_mac(c->word[2], &itf->eth)) {
        return fail(c, "bad Ethernet address \"%s\" (expected six hex pairs like 02:00:00:00:0a:01)", c->word[2]);
    }
    /* The group bit (RFC 7042 2.1): a station's own address must be unicast. */
    if (itf->eth.b[0] & 1) {
        return fail(c, "Ethernet address %s is a group address, not a unicast one", c->word[2]);
    }
    if (!ipv4_parse_address(c->word[3], &itf->ip)) {
        return fail(c, "bad IPv4 address \"%s\"", c->word[3]);
    }
    unsigned mtu = ROUTER_SETUP_DEFAULT_MTU;
    /* RFC 791 3.2: 68 is the smallest MTU; 65535 the largest datagram. */
    if (c->count == 6 && !parse_decimal(c->word[5], IPV4_MIN_MTU, UINT16_MAX, &mtu)) {
        return fail(c, "bad MTU \"%s\" (expected %d..65535)", c->word[5], IPV4_MIN_MTU);
    }
    itf->mtu = mtu;
    snprintf(itf->name, sizeof itf->name, "%s", name);
    s->interface_count++;
    return SPONGE_OK;
}

static enum sponge_err parse_route(struct line_ctx *c, struct router_setup *s) {
    if (c->count != 3 && !(c->count == 5 && strcmp(c->word[3], "via") == 0)) {
        return fail(c, "expected: route PREFIX/LEN NAME [via IP]");
    }
    if (s->route_count == ROUTER_SETUP_MAX_ROUTES) {
        return fail(c, "more than %d routes", ROUTER_SETUP_MAX_ROUTES);
    }
    struct router_setup_route *rt = &s->routes[s->route_count];
    char *slash = strchr(c->word[1], '/');
    if (!slash) {
        return fail(c, "bad prefix \"%s\" (expected ADDRESS/LENGTH, e.g. 169.254.1.0/24)", c->word[1]);
    }
    *slash = '\0';
    if (!ipv4_parse_address(c->word[1], &rt->prefix) || !parse_prefix_length(slash + 1, &rt->prefix_length)) {
        return fail(c, "bad prefix \"%s/%s\" (expected ADDRESS/LENGTH, length 0..32)", c->word[1], slash + 1);
    }
    uint32_t mask = rt->prefix_length == 0 ? 0 : ~(uint32_t)0 << (32 - rt->prefix_length);
    if (rt->prefix & ~mask) {
        return fail(c, "prefix %s/%u has bits set past its length", c->word[1], (unsigned)rt->prefix_length);
    }
    if (!find_interface(s, c->word[2], &rt->interface_num)) {
        return fail(c, "unknown interface %s (declare it on an earlier interface line)", c->word[2]);
    }
    rt->has_next_hop = c->count == 5;
    rt->next_hop = 0;
    if (rt->has_next_hop && !ipv4_parse_address(c->word[4], &rt->next_hop)) {
        return fail(c, "bad next hop address \"%s\"", c->word[4]);
    }
    s->route_count++;
    return SPONGE_OK;
}

enum sponge_err router_setup_parse(const char *text, struct router_setup *s, size_t *line, char *why, size_t why_len) {
    memset(s, 0, sizeof *s);
    struct line_ctx c = {.why = why, .why_len = why_len};
    char buf[ROUTER_SETUP_MAX_LINE + 1];
    size_t number = 0;
    for (const char *p = text; *p;) {
        number++;
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        *line = number;
        if (n > ROUTER_SETUP_MAX_LINE) {
            return fail(&c, "line longer than %d characters", ROUTER_SETUP_MAX_LINE);
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        p += end ? n + 1 : n;
        char *hash = strchr(buf, '#');
        if (hash) {
            *hash = '\0';
        }
        split(buf, &c);
        if (c.count == 0) {
            continue;
        }
        enum sponge_err err;
        if (strcmp(c.word[0], "interface") == 0) {
            err = parse_interface(&c, s);
        } else if (strcmp(c.word[0], "route") == 0) {
            err = parse_route(&c, s);
        } else {
            err = fail(&c, "unknown statement \"%s\" (expected interface or route)", c.word[0]);
        }
        if (err != SPONGE_OK) {
            return err;
        }
    }
    *line = 0;
    if (s->interface_count == 0) {
        return fail(&c, "no interface line");
    }
    return SPONGE_OK;
}

enum sponge_err router_setup_apply(const struct router_setup *s, struct router *r) {
    for (size_t i = 0; i < s->interface_count; i++) {
        size_t index;
        enum sponge_err err =
            router_add_interface_mtu(r, s->interfaces[i].eth, s->interfaces[i].ip, s->interfaces[i].mtu, &index);
        if (err != SPONGE_OK) {
            return err;
        }
        assert(index == i); /* the router must start empty */
    }
    for (size_t i = 0; i < s->route_count; i++) {
        const struct router_setup_route *rt = &s->routes[i];
        enum sponge_err err =
            router_add_route(r, rt->prefix, rt->prefix_length, rt->has_next_hop, rt->next_hop, rt->interface_num);
        if (err != SPONGE_OK) {
            return err;
        }
    }
    return SPONGE_OK;
}
