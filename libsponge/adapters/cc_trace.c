#include "adapters/cc_trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool cc_trace_open(struct cc_trace *t, const char *who) {
    *t = (struct cc_trace){0};
    const char *path = getenv("SPONGE_CC_TRACE");
    if (path == NULL || path[0] == '\0') {
        return true;
    }
    t->file = fopen(path, "w");
    if (t->file == NULL) {
        fprintf(stderr, "%s: SPONGE_CC_TRACE %s: %s\n", who, path, strerror(errno));
        return false;
    }
    fputs("# time_ms cwnd_bytes inflight_bytes pacing_Bps delivery_Bps srtt_ms retransmissions bw_Bps min_rtt_ms "
          "bbr_state\n",
          t->file);
    return true;
}

void cc_trace_sample(struct cc_trace *t, const struct tcp_connection *c) {
    if (t->file == NULL) {
        return;
    }
    struct congestion_trace r;
    tcp_connection_cc_trace(c, &r);
    if (t->any && r.now_ms == t->last_ms) {
        return;
    }
    t->any = true;
    t->last_ms = r.now_ms;
    fprintf(t->file, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %d\n", (unsigned long long)r.now_ms,
            (unsigned long long)(r.cwnd == UINT64_MAX ? 0 : r.cwnd), (unsigned long long)r.in_flight,
            (unsigned long long)r.pacing_rate, (unsigned long long)r.delivery_rate, (unsigned long long)r.srtt_ms,
            (unsigned long long)r.retransmissions, (unsigned long long)r.bandwidth, (unsigned long long)r.min_rtt_ms,
            r.bbr_state);
}

void cc_trace_close(struct cc_trace *t) {
    if (t->file != NULL) {
        fclose(t->file);
        t->file = NULL;
    }
}
