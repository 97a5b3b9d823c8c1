#include "adapters/lossy_adapter.h"

#include <assert.h>

void lossy_adapter_init(struct lossy_adapter *l, struct tcp_adapter inner, double uplink, double downlink,
                        uint64_t seed) {
    assert(uplink >= 0 && uplink <= 1 && downlink >= 0 && downlink <= 1);
    *l = (struct lossy_adapter){.inner = inner, .uplink = uplink, .downlink = downlink};
    sponge_rng_seed(&l->rng, seed);
}

/* The draw happens only when a rate is set, so a rate of 0 costs nothing. */
static bool lose(struct lossy_adapter *l, double rate) {
    return rate > 0 && sponge_rng_unit(&l->rng) < rate;
}

static enum sponge_err lossy_send(void *self, const struct tcp_segment *seg) {
    struct lossy_adapter *l = self;
    if (lose(l, l->uplink)) {
        l->up_dropped++;
        return SPONGE_OK;
    }
    return tcp_adapter_send(&l->inner, seg);
}

static enum sponge_err lossy_recv(void *self, struct tcp_segment *seg, bool *got) {
    struct lossy_adapter *l = self;
    for (;;) {
        enum sponge_err err = tcp_adapter_recv(&l->inner, seg, got);
        if (err != SPONGE_OK || !*got || !lose(l, l->downlink)) {
            return err;
        }
        l->down_dropped++;
    }
}

static int lossy_fd(const void *self) {
    const struct lossy_adapter *l = self;
    return tcp_adapter_fd(&l->inner);
}

static void lossy_report(const void *self, FILE *out) {
    const struct lossy_adapter *l = self;
    fprintf(out, "lossy: dropped %llu uplink, %llu downlink\n", (unsigned long long)l->up_dropped,
            (unsigned long long)l->down_dropped);
    tcp_adapter_report(&l->inner, out);
}

/* Time passes for the wrapped carrier as if the wrapper were not there. */
static enum sponge_err lossy_tick(void *self, uint64_t ms) {
    struct lossy_adapter *l = self;
    return tcp_adapter_tick(&l->inner, ms);
}

/* ICMP errors are not segments: the downlink loss rate does not apply to them. */
static bool lossy_icmp_error(void *self, struct tcp_icmp_error *out) {
    return tcp_adapter_icmp_error(&((struct lossy_adapter *)self)->inner, out);
}

static const struct tcp_adapter_ops lossy_ops = {.send = lossy_send,
                                                 .recv = lossy_recv,
                                                 .fd = lossy_fd,
                                                 .report = lossy_report,
                                                 .tick = lossy_tick,
                                                 .icmp_error = lossy_icmp_error};

struct tcp_adapter lossy_adapter_as_adapter(struct lossy_adapter *l) {
    return (struct tcp_adapter){&lossy_ops, l};
}
