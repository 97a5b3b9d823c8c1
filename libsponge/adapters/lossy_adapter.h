#ifndef SPONGE_ADAPTERS_LOSSY_ADAPTER_H
#define SPONGE_ADAPTERS_LOSSY_ADAPTER_H

/* A wrapper around any adapter that loses segments on purpose: each outgoing segment is
 * dropped with probability `uplink`, each incoming one with probability `downlink`,
 * independently, from a seeded generator (so a run can be replayed from its seed). */

#include "adapters/tcp_adapter.h"
#include "util/rng.h"

#include <stdint.h>

struct lossy_adapter {
    /* private */
    struct tcp_adapter inner;
    double uplink, downlink;
    struct sponge_rng rng;
    uint64_t up_dropped, down_dropped;
};

/** Wraps `inner` (borrowed; it must outlive the wrapper). Rates are in [0, 1]. */
void lossy_adapter_init(struct lossy_adapter *l, struct tcp_adapter inner, double uplink, double downlink,
                        uint64_t seed);

/** The generic adapter interface for the event loop (borrows `l`). */
struct tcp_adapter lossy_adapter_as_adapter(struct lossy_adapter *l);

#endif
