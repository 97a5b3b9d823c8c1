#include "tcp/tcp_negotiation.h"
#include "tcp/wrapping_integers.h"

#include <string.h>

#define MAX_WINDOW_FIELD 65535u
/* RFC 7323 section 3.2: kind, length, TSval, TSecr (plus two NOPs of padding). */
#define TIMESTAMPS_OPTION_BYTES 12

void tcp_negotiation_init(struct tcp_negotiation *n, const struct tcp_config *cfg, uint32_t ts_offset) {
    memset(n, 0, sizeof *n);
    n->cfg = *cfg;
    n->ts_offset = ts_offset;
    if (cfg->opt_window_scale) {
        /* The smallest shift that lets the field describe the whole receive capacity. */
        while (n->our_shift < TCP_MAX_WINDOW_SHIFT && (cfg->recv_capacity >> n->our_shift) > MAX_WINDOW_FIELD) {
            n->our_shift++;
        }
    }
}

void tcp_negotiation_peer_syn(struct tcp_negotiation *n, const struct tcp_options *opts) {
    if (n->peer_syn_seen) {
        return;
    }
    n->peer_syn_seen = true;
    if (n->cfg.opt_window_scale && opts->has_window_scale) {
        n->window_scaling = true;
        n->rcv_shift = n->our_shift;
        /* RFC 7323 section 2.3: a shift above 14 is used as 14. */
        n->snd_shift = opts->window_scale > TCP_MAX_WINDOW_SHIFT ? TCP_MAX_WINDOW_SHIFT : opts->window_scale;
    }
    if (n->cfg.opt_timestamps && opts->has_timestamps) {
        n->timestamps = true;
        n->ts_recent = opts->ts_val;
    }
    n->sack_ok = n->cfg.opt_sack_permitted && opts->sack_permitted;
    if (n->cfg.opt_mss && opts->has_mss) {
        n->peer_mss = opts->mss;
    }
}

size_t tcp_negotiation_max_payload(const struct tcp_negotiation *n) {
    size_t mss = n->cfg.max_payload;
    if (n->peer_mss && n->peer_mss < mss) {
        mss = n->peer_mss;
    }
    if (n->timestamps && mss > 2 * TIMESTAMPS_OPTION_BYTES) {
        mss -= TIMESTAMPS_OPTION_BYTES;
    }
    return mss;
}

size_t tcp_negotiation_sack_room(const struct tcp_negotiation *n, size_t payload_len) {
    /* The segment size both ends accept, data plus options. */
    size_t limit = n->cfg.max_payload;
    if (n->peer_mss && n->peer_mss < limit) {
        limit = n->peer_mss;
    }
    size_t used = payload_len + (n->timestamps ? TIMESTAMPS_OPTION_BYTES : 0) + 4; /* NOP NOP kind len */
    return used >= limit ? 0 : (limit - used) / 8;
}

void tcp_negotiation_stamp(const struct tcp_negotiation *n, struct tcp_header *hdr, uint64_t now_ms) {
    struct tcp_options *o = &hdr->opts;
    /* A SYN+ACK carries an option only if the peer's SYN did (RFC 7323 2.2, 3.2; RFC 2018 2). */
    bool reply = n->peer_syn_seen;
    if (hdr->syn) {
        if (n->cfg.opt_mss) {
            o->has_mss = true;
            o->mss = (uint16_t)(n->cfg.max_payload < UINT16_MAX ? n->cfg.max_payload : UINT16_MAX);
        }
        if (n->cfg.opt_window_scale && (!reply || n->window_scaling)) {
            o->has_window_scale = true;
            o->window_scale = n->our_shift;
        }
        o->sack_permitted = n->cfg.opt_sack_permitted && (!reply || n->sack_ok);
    }
    bool ts = hdr->syn ? n->cfg.opt_timestamps && (!reply || n->timestamps) : n->timestamps;
    if (ts) {
        o->has_timestamps = true;
        /* RFC 7323 3.2: TSecr is meaningful only with ACK; our clock is in milliseconds. */
        o->ts_val = (uint32_t)now_ms + n->ts_offset;
        o->ts_ecr = hdr->ack ? n->ts_recent : 0;
    }
}

/* RFC 7323 5.2: timestamps compare as sequence numbers do, modulo 2^32 (through the wrap-safe
 * helper, not a cast of the difference to a signed type, which C11 leaves to the compiler). */
static int32_t ts_diff(uint32_t a, uint32_t b) {
    return seq_diff(wrap32_of(a), wrap32_of(b));
}

bool tcp_negotiation_check_arrival(struct tcp_negotiation *n, const struct tcp_header *hdr, bool in_order) {
    if (!n->timestamps) {
        return true;
    }
    if (!hdr->opts.has_timestamps) {
        /* RFC 7323 3.2: a non-RST segment without timestamps SHOULD be dropped. */
        return hdr->rst;
    }
    /* RFC 7323 5.3 (PAWS): a TSval older than TS.Recent marks an old duplicate. A RST is
     * judged by its seqno alone. */
    if (!hdr->rst && ts_diff(hdr->opts.ts_val, n->ts_recent) < 0) {
        return false;
    }
    /* RFC 7323 4.3: remember the TSval of a segment that covers the next byte we expect. */
    if (in_order && ts_diff(hdr->opts.ts_val, n->ts_recent) >= 0) {
        n->ts_recent = hdr->opts.ts_val;
    }
    return true;
}
