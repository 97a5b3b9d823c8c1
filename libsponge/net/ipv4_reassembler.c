#include "net/ipv4_reassembler.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define NO_BLOCK UINT32_MAX

struct ipv4_reassembler_config ipv4_reassembler_default_config(void) {
    return (struct ipv4_reassembler_config){.max_bytes = 256 * 1024, .max_datagrams = 16, .timeout_ms = 30000};
}

const char *ipv4_reasm_drop_name(enum ipv4_reasm_drop reason) {
    static const char *const names[IPV4_REASM_DROP_COUNT] = {
        "timeout", "evicted", "no_memory", "too_big", "overlap", "end_conflict", "bad_length", "duplicate",
    };
    return reason < IPV4_REASM_DROP_COUNT ? names[reason] : "?";
}

enum sponge_err ipv4_reassembler_init(struct ipv4_reassembler *r, const struct ipv4_reassembler_config *cfg) {
    assert(cfg->max_datagrams > 0);
    *r = (struct ipv4_reassembler){.cfg = *cfg, .nblocks = cfg->max_bytes / IPV4_REASM_BLOCK_LEN};
    if (r->nblocks >= NO_BLOCK) {
        r->nblocks = NO_BLOCK - 1;
    }
    r->slots = calloc(cfg->max_datagrams, sizeof *r->slots);
    r->block_index = calloc(cfg->max_datagrams, IPV4_REASM_BLOCKS_PER_DATAGRAM * sizeof *r->block_index);
    r->pool = malloc(r->nblocks * IPV4_REASM_BLOCK_LEN + 1); /* + 1: never malloc(0) */
    r->free_blocks = malloc(r->nblocks * sizeof *r->free_blocks + 1);
    r->out = malloc(UINT16_MAX);
    if (r->slots == NULL || r->block_index == NULL || r->pool == NULL || r->free_blocks == NULL || r->out == NULL) {
        ipv4_reassembler_destroy(r);
        return SPONGE_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < cfg->max_datagrams; i++) {
        r->slots[i].block = r->block_index + i * IPV4_REASM_BLOCKS_PER_DATAGRAM;
        for (size_t b = 0; b < IPV4_REASM_BLOCKS_PER_DATAGRAM; b++) {
            r->slots[i].block[b] = NO_BLOCK;
        }
    }
    for (size_t b = 0; b < r->nblocks; b++) {
        r->free_blocks[b] = (uint32_t)(r->nblocks - 1 - b);
    }
    r->nfree = r->nblocks;
    return SPONGE_OK;
}

void ipv4_reassembler_destroy(struct ipv4_reassembler *r) {
    free(r->slots);
    free(r->block_index);
    free(r->pool);
    free(r->free_blocks);
    free(r->out);
    *r = (struct ipv4_reassembler){0};
}

/* ---- the bit per 8-byte unit ---- */

/* How many of units [u0, u1) are held. */
static size_t units_held(const struct ipv4_reasm_slot *s, size_t u0, size_t u1) {
    size_t n = 0;
    while (u0 < u1) {
        size_t w = u0 / 64, bit = u0 % 64;
        size_t take = 64 - bit < u1 - u0 ? 64 - bit : u1 - u0;
        uint64_t mask = (take == 64 ? ~0ULL : ((1ULL << take) - 1)) << bit;
        n += (size_t)__builtin_popcountll(s->unit[w] & mask);
        u0 += take;
    }
    return n;
}

static void units_set(struct ipv4_reasm_slot *s, size_t u0, size_t u1) {
    while (u0 < u1) {
        size_t w = u0 / 64, bit = u0 % 64;
        size_t take = 64 - bit < u1 - u0 ? 64 - bit : u1 - u0;
        s->unit[w] |= (take == 64 ? ~0ULL : ((1ULL << take) - 1)) << bit;
        u0 += take;
    }
}

/* ---- payload bytes in pool blocks ---- */

static uint8_t *block_bytes(struct ipv4_reassembler *r, const struct ipv4_reasm_slot *s, size_t b) {
    assert(s->block[b] != NO_BLOCK);
    return r->pool + (size_t)s->block[b] * IPV4_REASM_BLOCK_LEN;
}

/* Blocks that bytes [off, end) would need beyond those the slot has. */
static size_t blocks_missing(const struct ipv4_reasm_slot *s, size_t off, size_t end) {
    size_t n = 0;
    for (size_t b = off / IPV4_REASM_BLOCK_LEN; b <= (end - 1) / IPV4_REASM_BLOCK_LEN; b++) {
        n += s->block[b] == NO_BLOCK;
    }
    return n;
}

/* Copies data to payload bytes [off, off + len), taking blocks from the pool as needed (the
 * caller made sure there are enough). */
static void slot_write(struct ipv4_reassembler *r, struct ipv4_reasm_slot *s, size_t off, const uint8_t *data,
                       size_t len) {
    while (len > 0) {
        size_t b = off / IPV4_REASM_BLOCK_LEN, at = off % IPV4_REASM_BLOCK_LEN;
        size_t n = IPV4_REASM_BLOCK_LEN - at < len ? IPV4_REASM_BLOCK_LEN - at : len;
        if (s->block[b] == NO_BLOCK) {
            assert(r->nfree > 0);
            s->block[b] = r->free_blocks[--r->nfree];
            s->blocks_used++;
        }
        memcpy(block_bytes(r, s, b) + at, data, n);
        off += n;
        data += n;
        len -= n;
    }
}

/* Whether payload bytes [off, off + len), all held, equal data. */
static bool slot_equal(struct ipv4_reassembler *r, const struct ipv4_reasm_slot *s, size_t off, const uint8_t *data,
                       size_t len) {
    while (len > 0) {
        size_t b = off / IPV4_REASM_BLOCK_LEN, at = off % IPV4_REASM_BLOCK_LEN;
        size_t n = IPV4_REASM_BLOCK_LEN - at < len ? IPV4_REASM_BLOCK_LEN - at : len;
        if (memcmp(block_bytes(r, s, b) + at, data, n) != 0) {
            return false;
        }
        off += n;
        data += n;
        len -= n;
    }
    return true;
}

/* ---- datagrams in progress ---- */

/* Forgets a datagram in progress, returning its blocks to the pool. */
static void slot_free(struct ipv4_reassembler *r, struct ipv4_reasm_slot *s) {
    for (size_t b = 0; b < IPV4_REASM_BLOCKS_PER_DATAGRAM && s->blocks_used > 0; b++) {
        if (s->block[b] != NO_BLOCK) {
            r->free_blocks[r->nfree++] = s->block[b];
            s->block[b] = NO_BLOCK;
            s->blocks_used--;
        }
    }
    memset(s->unit, 0, sizeof s->unit);
    s->used = false;
    r->in_progress--;
}

static void slot_drop(struct ipv4_reassembler *r, struct ipv4_reasm_slot *s, enum ipv4_reasm_drop reason) {
    r->dropped[reason]++;
    slot_free(r, s);
}

/* The oldest datagram in progress other than `keep` (which may be NULL), or NULL. */
static struct ipv4_reasm_slot *oldest_other(struct ipv4_reassembler *r, const struct ipv4_reasm_slot *keep) {
    struct ipv4_reasm_slot *oldest = NULL;
    for (size_t i = 0; i < r->cfg.max_datagrams; i++) {
        struct ipv4_reasm_slot *s = &r->slots[i];
        if (s->used && s != keep && (oldest == NULL || s->serial < oldest->serial)) {
            oldest = s;
        }
    }
    return oldest;
}

static struct ipv4_reasm_slot *slot_find(struct ipv4_reassembler *r, const struct ipv4_header *h) {
    for (size_t i = 0; i < r->cfg.max_datagrams; i++) {
        struct ipv4_reasm_slot *s = &r->slots[i];
        if (s->used && s->src == h->src && s->dst == h->dst && s->protocol == h->protocol && s->id == h->id) {
            return s;
        }
    }
    return NULL;
}

/* A fresh slot for h's datagram; when all are taken the oldest is evicted for it. */
static struct ipv4_reasm_slot *slot_new(struct ipv4_reassembler *r, const struct ipv4_header *h) {
    if (r->in_progress == r->cfg.max_datagrams) {
        slot_drop(r, oldest_other(r, NULL), IPV4_REASM_DROP_EVICTED);
    }
    struct ipv4_reasm_slot *s = r->slots;
    while (s->used) {
        s++;
    }
    uint32_t *block = s->block;
    *s = (struct ipv4_reasm_slot){.used = true,
                                  .src = h->src,
                                  .dst = h->dst,
                                  .protocol = h->protocol,
                                  .id = h->id,
                                  .serial = r->next_serial++,
                                  .block = block};
    r->in_progress++;
    return s;
}

/* Copies the whole datagram to r->out and frees its slot. */
static void slot_deliver(struct ipv4_reassembler *r, struct ipv4_reasm_slot *s, struct ipv4_datagram *out) {
    for (size_t off = 0; off < s->end; off += IPV4_REASM_BLOCK_LEN) {
        size_t n = s->end - off < IPV4_REASM_BLOCK_LEN ? s->end - off : IPV4_REASM_BLOCK_LEN;
        memcpy(r->out + off, block_bytes(r, s, off / IPV4_REASM_BLOCK_LEN), n);
    }
    out->header = s->first;
    out->header.mf = false;
    out->header.frag_offset = 0;
    out->payload = r->out;
    out->payload_len = s->end;
    ipv4_datagram_seal(out); /* total length and checksum for the whole datagram */
    r->reassembled++;
    slot_free(r, s);
}

bool ipv4_reassembler_push(struct ipv4_reassembler *r, const struct ipv4_datagram *in, struct ipv4_datagram *out) {
    if (!in->header.mf && in->header.frag_offset == 0) {
        if (out != in) {
            *out = *in;
        }
        return true;
    }
    r->fragments++;
    const struct ipv4_header h = in->header;
    const uint8_t *data = in->payload;
    size_t len = in->payload_len, off = (size_t)h.frag_offset * 8, end = off + len;
    size_t header_len = (size_t)h.ihl * 4;

    /* RFC 791 3.2: every fragment but the last carries a multiple of 8 bytes; an empty one adds
     * nothing and is not something a sender makes. Only this fragment is refused. */
    if (len == 0 || (h.mf && len % 8 != 0)) {
        r->dropped[IPV4_REASM_DROP_BAD_LENGTH]++;
        return false;
    }
    struct ipv4_reasm_slot *s = slot_find(r, &h);
    /* The whole datagram, header included, must fit the 16-bit total length. */
    if (off == 0 || s == NULL || !s->have_first) {
        header_len = off == 0 ? header_len : IPV4_MIN_HEADER_LEN;
    } else {
        header_len = (size_t)s->first.ihl * 4;
    }
    size_t max_end = s != NULL && s->max_end > end ? s->max_end : end;
    if (max_end + header_len > UINT16_MAX) {
        if (s != NULL) {
            slot_drop(r, s, IPV4_REASM_DROP_TOO_BIG);
        } else {
            r->dropped[IPV4_REASM_DROP_TOO_BIG]++;
        }
        return false;
    }
    if (s == NULL) {
        s = slot_new(r, &h);
    }
    /* One end only: the last fragment's (RFC 791 3.2), and no byte at or past it. */
    if ((!h.mf && ((s->end_known && s->end != end) || s->max_end > end)) || (s->end_known && end > s->end)) {
        slot_drop(r, s, IPV4_REASM_DROP_END_CONFLICT);
        return false;
    }
    /* Units are whole to each fragment: only the last fragment ends inside one, at the end. */
    size_t u0 = off / 8, u1 = (end + 7) / 8, held = units_held(s, u0, u1);
    if (held == u1 - u0 && slot_equal(r, s, off, data, len)) {
        r->dropped[IPV4_REASM_DROP_DUPLICATE]++;
        return false;
    }
    if (held > 0) {
        /* RFC 5722 section 4: overlapping fragments may be an attempt to slip data past a
         * filter that reassembles differently; the whole datagram is discarded. */
        slot_drop(r, s, IPV4_REASM_DROP_OVERLAP);
        return false;
    }
    size_t need = blocks_missing(s, off, end);
    while (r->nfree < need) {
        struct ipv4_reasm_slot *victim = oldest_other(r, s);
        if (victim == NULL) {
            slot_drop(r, s, IPV4_REASM_DROP_NO_MEMORY);
            return false;
        }
        slot_drop(r, victim, IPV4_REASM_DROP_EVICTED);
    }
    slot_write(r, s, off, data, len);
    units_set(s, u0, u1);
    s->held += len;
    s->max_end = max_end;
    if (!h.mf) {
        s->end_known = true;
        s->end = end;
    }
    if (off == 0) {
        /* RFC 791 3.2: the reassembled header is the first fragment's (options included). */
        s->have_first = true;
        s->first = h;
    }
    if (s->have_first && s->end_known && s->held == s->end) {
        slot_deliver(r, s, out);
        return true;
    }
    return false;
}

void ipv4_reassembler_tick(struct ipv4_reassembler *r, uint64_t ms) {
    for (size_t i = 0; i < r->cfg.max_datagrams; i++) {
        struct ipv4_reasm_slot *s = &r->slots[i];
        if (!s->used) {
            continue;
        }
        s->age_ms += ms;
        /* RFC 1122 3.3.2: a datagram not completed in time is discarded with what it holds. */
        if (s->age_ms >= r->cfg.timeout_ms) {
            slot_drop(r, s, IPV4_REASM_DROP_TIMEOUT);
        }
    }
}

size_t ipv4_reassembler_in_progress(const struct ipv4_reassembler *r) {
    return r->in_progress;
}

size_t ipv4_reassembler_bytes_held(const struct ipv4_reassembler *r) {
    return (r->nblocks - r->nfree) * IPV4_REASM_BLOCK_LEN;
}

uint64_t ipv4_reassembler_dropped(const struct ipv4_reassembler *r, enum ipv4_reasm_drop reason) {
    assert(reason < IPV4_REASM_DROP_COUNT);
    return r->dropped[reason];
}

uint64_t ipv4_reassembler_fragments(const struct ipv4_reassembler *r) {
    return r->fragments;
}

uint64_t ipv4_reassembler_reassembled(const struct ipv4_reassembler *r) {
    return r->reassembled;
}

void ipv4_reassembler_report(const struct ipv4_reassembler *r, FILE *out) {
    fprintf(out,
            " reassembly: fragments=%llu reassembled=%llu in_progress=%zu dropped:", (unsigned long long)r->fragments,
            (unsigned long long)r->reassembled, r->in_progress);
    for (int d = 0; d < IPV4_REASM_DROP_COUNT; d++) {
        fprintf(out, " %s=%llu", ipv4_reasm_drop_name((enum ipv4_reasm_drop)d), (unsigned long long)r->dropped[d]);
    }
}
