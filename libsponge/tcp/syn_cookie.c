#include "tcp/syn_cookie.h"

#include "tcp/tcp_negotiation.h"

#include <assert.h>
#include <string.h>

/* 536: the default when a SYN has no MSS option (RFC 9293 3.7.1); 1460: Ethernet's; the
 * others cover tunnels and PPPoE. 216 is for tiny links. */
const uint16_t syn_cookie_mss_table[SYN_COOKIE_MSS_ENTRIES] = {216, 536, 1200, 1360, 1400, 1440, 1452, 1460};

#define MSS_BITS 0x7u
#define TS_OPTION_BITS 0x3fu
#define TS_SACK_BIT 0x10u
#define TS_RESERVED_BIT 0x20u
#define TS_WSCALE_BITS 0xfu
/* The TSval is taken from (cookie - TS_BELOW_COOKIE) so that it stays below the cookie. */
#define TS_BELOW_COOKIE 64u
#define MAX_WINDOW_FIELD 65535u
/* RFC 9293 3.7.1: the MSS a SYN without the option stands for. */
#define DEFAULT_PEER_MSS 536

void syn_cookies_init(struct syn_cookies *sc, const uint8_t key[SIPHASH_KEY_LEN]) {
    *sc = (struct syn_cookies){0};
    memcpy(sc->key, key, SIPHASH_KEY_LEN);
}

void syn_cookies_tick(struct syn_cookies *sc, uint64_t ms) {
    sc->clock_ms += ms;
}

unsigned syn_cookie_mss_index(uint16_t mss) {
    unsigned i = SYN_COOKIE_MSS_ENTRIES - 1;
    while (i > 0 && syn_cookie_mss_table[i] > mss) {
        i--;
    }
    return i;
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

/* The keyed hash of the connection in time slot `slot` (low 32 bits of SipHash-2-4). */
static uint32_t cookie_hash(const struct syn_cookies *sc, const struct tcp_four_tuple *t, uint32_t peer_isn,
                            uint64_t slot) {
    uint8_t in[28];
    put32(in, t->local_addr);
    put32(in + 4, t->remote_addr);
    put32(in + 8, (uint32_t)t->local_port << 16 | t->remote_port);
    put32(in + 12, peer_isn);
    put32(in + 16, (uint32_t)slot);
    put32(in + 20, (uint32_t)(slot >> 32));
    put32(in + 24, 0);
    return (uint32_t)siphash24(sc->key, in, sizeof in);
}

static uint64_t current_slot(const struct syn_cookies *sc) {
    return sc->clock_ms / SYN_COOKIE_SLOT_MS;
}

uint32_t syn_cookie_make(const struct syn_cookies *sc, const struct tcp_four_tuple *t, uint32_t peer_isn,
                         unsigned mss_index) {
    assert(mss_index < SYN_COOKIE_MSS_ENTRIES);
    uint32_t h = cookie_hash(sc, t, peer_isn, current_slot(sc));
    return (h & ~MSS_BITS) | ((h ^ mss_index) & MSS_BITS);
}

bool syn_cookie_validate(const struct syn_cookies *sc, const struct tcp_four_tuple *t, uint32_t peer_isn,
                         uint32_t cookie, unsigned *mss_index) {
    uint64_t slot = current_slot(sc);
    for (uint64_t age = 0; age < 2 && age <= slot; age++) {
        uint32_t h = cookie_hash(sc, t, peer_isn, slot - age);
        if ((h & ~MSS_BITS) == (cookie & ~MSS_BITS)) {
            *mss_index = (h ^ cookie) & MSS_BITS;
            return true;
        }
    }
    return false;
}

uint32_t syn_cookie_tsval(uint32_t cookie, unsigned wscale, bool sack_permitted) {
    assert(wscale <= TS_WSCALE_BITS);
    return ((cookie - TS_BELOW_COOKIE) & ~TS_OPTION_BITS) | wscale | (sack_permitted ? TS_SACK_BIT : 0);
}

bool syn_cookie_tsval_decode(uint32_t cookie, uint32_t tsecr, unsigned *wscale, bool *sack_permitted) {
    if ((tsecr & ~TS_OPTION_BITS) != ((cookie - TS_BELOW_COOKIE) & ~TS_OPTION_BITS) || (tsecr & TS_RESERVED_BIT)) {
        return false;
    }
    unsigned ws = tsecr & TS_WSCALE_BITS;
    if (ws > TCP_MAX_WINDOW_SHIFT && ws != SYN_COOKIE_NO_WSCALE) {
        return false;
    }
    *wscale = ws;
    *sack_permitted = (tsecr & TS_SACK_BIT) != 0;
    return true;
}

void syn_cookie_answer(const struct syn_cookies *sc, const struct tcp_config *cfg, const struct tcp_four_tuple *t,
                       const struct tcp_header *syn, struct tcp_segment *synack) {
    /* What the SYN offered that a cookie can keep: window scaling and SACK need timestamps. */
    struct tcp_options offer = syn->opts;
    bool timestamps = cfg->opt_timestamps && offer.has_timestamps;
    if (!timestamps) {
        offer.has_window_scale = false;
        offer.sack_permitted = false;
    }
    struct tcp_negotiation n;
    tcp_negotiation_init(&n, cfg, 0);
    tcp_negotiation_peer_syn(&n, &offer);
    uint16_t peer_mss = offer.has_mss ? offer.mss : DEFAULT_PEER_MSS;
    uint32_t cookie = syn_cookie_make(sc, t, syn->seqno.raw, syn_cookie_mss_index(peer_mss));

    *synack = (struct tcp_segment){0};
    struct tcp_header *hd = &synack->header;
    hd->sport = t->local_port;
    hd->dport = t->remote_port;
    hd->seqno = wrap32_of(cookie);
    hd->ackno = wrap32_add(syn->seqno, 1);
    hd->syn = true;
    hd->ack = true;
    hd->win = (uint16_t)(cfg->recv_capacity < MAX_WINDOW_FIELD ? cfg->recv_capacity : MAX_WINDOW_FIELD);
    if (cfg->opt_mss || cfg->opt_window_scale || cfg->opt_timestamps || cfg->opt_sack_permitted) {
        tcp_negotiation_stamp(&n, hd, 0);
    }
    if (hd->opts.has_timestamps) {
        /* stamp offers window scaling and SACK only where the peer did and we agree. */
        unsigned ws = hd->opts.has_window_scale
                          ? (offer.window_scale > TCP_MAX_WINDOW_SHIFT ? TCP_MAX_WINDOW_SHIFT : offer.window_scale)
                          : SYN_COOKIE_NO_WSCALE;
        hd->opts.ts_val = syn_cookie_tsval(cookie, ws, hd->opts.sack_permitted);
    }
}

enum syn_cookie_result syn_cookie_check(const struct syn_cookies *sc, const struct tcp_four_tuple *t,
                                        const struct tcp_header *ack, struct syn_cookie_syn *out) {
    uint32_t peer_isn = ack->seqno.raw - 1, cookie = ack->ackno.raw - 1;
    unsigned mss_index;
    if (!syn_cookie_validate(sc, t, peer_isn, cookie, &mss_index)) {
        return SYN_COOKIE_BAD;
    }
    *out = (struct syn_cookie_syn){
        .peer_isn = wrap32_of(peer_isn),
        .our_isn = wrap32_of(cookie),
        .mss = syn_cookie_mss_table[mss_index],
    };
    if (!ack->opts.has_timestamps) {
        return SYN_COOKIE_OK;
    }
    unsigned ws;
    bool sack;
    if (!syn_cookie_tsval_decode(cookie, ack->opts.ts_ecr, &ws, &sack)) {
        return SYN_COOKIE_BAD_TIMESTAMP;
    }
    out->timestamps = true;
    out->ts_val = ack->opts.ts_val;
    out->window_scale = ws != SYN_COOKIE_NO_WSCALE;
    out->wscale = out->window_scale ? (uint8_t)ws : 0;
    out->sack_permitted = sack;
    return SYN_COOKIE_OK;
}
