#ifndef SPONGE_NET_IPV4_REASSEMBLER_H
#define SPONGE_NET_IPV4_REASSEMBLER_H

/* IPv4 fragment reassembly for a host (RFC 791 section 3.2, RFC 1122 section 3.3.2).
 *
 * Parsed datagrams go in one at a time. An unfragmented one (MF clear, offset 0) comes straight
 * back out. A fragment is kept with the others of its datagram, identified by (source,
 * destination, protocol, identification); when the last missing piece arrives the whole
 * datagram comes out: the first fragment's header with MF clear, offset 0, total length and
 * checksum recomputed, and the payload contiguous.
 *
 * Memory is bounded and allocated in init: a pool of fixed-size blocks holds the payload bytes
 * of every datagram in progress (at most cfg.max_bytes), and at most cfg.max_datagrams are in
 * progress at once. When either is full the oldest incomplete datagram is evicted. Time passes
 * only through ipv4_reassembler_tick; a datagram still incomplete cfg.timeout_ms after its first
 * fragment arrived is dropped.
 *
 * Refused input is dropped and counted by reason (enum ipv4_reasm_drop), never an error:
 * overlapping fragments drop their whole datagram (RFC 5722 section 4's rule, which Linux has
 * applied to IPv4 since 2018), while a fragment that repeats bytes already held, identically,
 * is a harmless duplicate and only it is dropped. */

#include "util/error.h"
#include "wire/ipv4_datagram.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Payload bytes are stored in blocks of this size; a datagram holds whole blocks. */
#define IPV4_REASM_BLOCK_LEN 512
/* Largest payload of a datagram: the 16-bit total length less the smallest header. */
#define IPV4_REASM_MAX_PAYLOAD (UINT16_MAX - IPV4_MIN_HEADER_LEN)
#define IPV4_REASM_BLOCKS_PER_DATAGRAM ((IPV4_REASM_MAX_PAYLOAD + IPV4_REASM_BLOCK_LEN - 1) / IPV4_REASM_BLOCK_LEN)
/* Payload is tracked in the 8-byte units fragment offsets count in (RFC 791 section 3.1). */
#define IPV4_REASM_UNITS ((IPV4_REASM_MAX_PAYLOAD + 7) / 8)
#define IPV4_REASM_UNIT_WORDS ((IPV4_REASM_UNITS + 63) / 64)

struct ipv4_reassembler_config {
    size_t max_bytes;     /* payload storage for all datagrams in progress (rounded down to blocks) */
    size_t max_datagrams; /* datagrams in progress at once (> 0) */
    uint64_t timeout_ms;  /* an incomplete datagram is dropped this long after its first fragment */
};

/** 256 KiB, 16 datagrams, 30 s. The timeout is Linux's (net.ipv4.ipfrag_time) rather than RFC
 *  1122 3.3.2's suggested 60-120 s: our peers are Linux hosts, TCP retransmits long before
 *  either, and a shorter hold limits how long a flood of partial datagrams ties up memory. */
struct ipv4_reassembler_config ipv4_reassembler_default_config(void);

/** Why input was dropped. The first group counts whole datagrams in progress thrown away
 *  (with every fragment held for them); the second counts single fragments. */
enum ipv4_reasm_drop {
    IPV4_REASM_DROP_TIMEOUT,      /* still incomplete when its time ran out */
    IPV4_REASM_DROP_EVICTED,      /* the oldest in progress, evicted to make room for another */
    IPV4_REASM_DROP_NO_MEMORY,    /* needs more storage than the whole pool */
    IPV4_REASM_DROP_TOO_BIG,      /* would exceed 65535 bytes with its header */
    IPV4_REASM_DROP_OVERLAP,      /* fragments overlap (other than an identical repeat) */
    IPV4_REASM_DROP_END_CONFLICT, /* two different ends, or data past the end the last fragment gave */
    IPV4_REASM_DROP_BAD_LENGTH,   /* fragment: empty, or not the last and not a multiple of 8 bytes */
    IPV4_REASM_DROP_DUPLICATE,    /* fragment: repeats bytes already held, identically */
    IPV4_REASM_DROP_COUNT
};

/* One datagram in progress (private). */
struct ipv4_reasm_slot {
    bool used;
    uint32_t src, dst;
    uint8_t protocol;
    uint16_t id;
    uint64_t age_ms;
    uint64_t serial;                      /* creation order: the smallest is the oldest */
    bool have_first;                      /* the offset-0 fragment arrived: its header is in `first` */
    struct ipv4_header first;             /* header of the offset-0 fragment */
    bool end_known;                       /* the last fragment (MF clear) arrived */
    size_t end;                           /* payload length, once end_known */
    size_t max_end;                       /* highest end of any fragment held */
    size_t held;                          /* payload bytes held */
    size_t blocks_used;                   /* blocks taken from the pool */
    uint32_t *block;                      /* IPV4_REASM_BLOCKS_PER_DATAGRAM pool indices (UINT32_MAX: none) */
    uint64_t unit[IPV4_REASM_UNIT_WORDS]; /* bit per 8-byte unit held */
};

struct ipv4_reassembler {
    /* private */
    struct ipv4_reassembler_config cfg;
    struct ipv4_reasm_slot *slots;
    uint32_t *block_index; /* slots' block tables, one allocation */
    uint8_t *pool;         /* nblocks * IPV4_REASM_BLOCK_LEN bytes */
    uint32_t *free_blocks; /* stack of free block numbers */
    size_t nblocks, nfree;
    size_t in_progress;
    uint64_t next_serial;
    uint8_t *out; /* the last datagram reassembled */
    uint64_t fragments, reassembled;
    uint64_t dropped[IPV4_REASM_DROP_COUNT];
};

/** Allocates the pool and the datagram table for `cfg` (copied; max_datagrams > 0 asserted).
 *  Returns SPONGE_OK or SPONGE_ERR_NO_MEMORY (then nothing is held). */
enum sponge_err ipv4_reassembler_init(struct ipv4_reassembler *r, const struct ipv4_reassembler_config *cfg);

/** Frees everything; partial datagrams are discarded without counting. */
void ipv4_reassembler_destroy(struct ipv4_reassembler *r);

/** Takes one parsed datagram `in` (its bytes stay the caller's; nothing of them is kept past
 *  the call except by copy). Returns true with *out set when a whole datagram is ready: `in`
 *  itself when it is not a fragment (the same views), or the reassembled datagram, whose
 *  payload lives in the reassembler until the next push or destroy. Returns false when the
 *  fragment was held for later or dropped (counted). `out` may be `in`. */
bool ipv4_reassembler_push(struct ipv4_reassembler *r, const struct ipv4_datagram *in, struct ipv4_datagram *out);

/** `ms` milliseconds have passed: datagrams incomplete for timeout_ms are dropped (counted).
 *  A datagram returned by push stays valid. (RFC 792's Time Exceeded message for a timed out
 *  reassembly is not sent.) */
void ipv4_reassembler_tick(struct ipv4_reassembler *r, uint64_t ms);

/** Datagrams in progress (at most max_datagrams). */
size_t ipv4_reassembler_in_progress(const struct ipv4_reassembler *r);

/** Payload storage in use, in bytes (whole blocks; at most max_bytes). */
size_t ipv4_reassembler_bytes_held(const struct ipv4_reassembler *r);

/** Drops counted for `reason`. */
uint64_t ipv4_reassembler_dropped(const struct ipv4_reassembler *r, enum ipv4_reasm_drop reason);

/** Fragments taken in, and datagrams reassembled from them. */
uint64_t ipv4_reassembler_fragments(const struct ipv4_reassembler *r);
uint64_t ipv4_reassembler_reassembled(const struct ipv4_reassembler *r);

/** Name of a drop reason ("timeout", "evicted", ...). */
const char *ipv4_reasm_drop_name(enum ipv4_reasm_drop reason);

/** Prints " reassembly: fragments=N reassembled=N in_progress=N dropped: timeout=N ..." (no
 *  newline) to `out`. */
void ipv4_reassembler_report(const struct ipv4_reassembler *r, FILE *out);

#endif
