#include "sender_expect.h"

#include "tcp_capture.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sender_test_begin(struct sender_test *t, const char *name) {
    memset(t, 0, sizeof *t);
    harness_begin(&t->h, name);
    sponge_rng_seed(&t->rng, harness_seed(&t->h));
}

void sender_test_start(struct sender_test *t, const struct tcp_config *cfg) {
    assert(!t->started);
    if (cfg) {
        t->cfg = *cfg;
    } else {
        tcp_config_default(&t->cfg);
    }
    if (!t->cfg.fixed_isn_set) {
        t->cfg.fixed_isn_set = true;
        t->cfg.fixed_isn = (uint32_t)sponge_rng_next(&t->rng);
    }
    STEP(&t->h, "sender created: isn %" PRIu32 ", rto %" PRIu32 " ms, capacity %zu; fill_window", t->cfg.fixed_isn,
         t->cfg.rt_timeout, t->cfg.send_capacity);
    if (tcp_sender_init(&t->sender, &t->cfg) != SPONGE_OK) {
        FAIL(&t->h, "tcp_sender_init failed");
    }
    t->started = true;
    tcp_sender_fill_window(&t->sender);
}

void sender_test_stop(struct sender_test *t) {
    if (t->started) {
        tcp_sender_destroy(&t->sender);
        t->started = false;
    }
}

int sender_test_end(struct sender_test *t) {
    sender_test_stop(t);
    return harness_end(&t->h);
}

struct wrap32 sender_test_seq(const struct sender_test *t, uint64_t rel) {
    return wrap32_add(wrap32_of(t->cfg.fixed_isn), (uint32_t)rel);
}

/* A printable excerpt of `len` bytes (at most 24 shown). */
static void excerpt(char *out, size_t out_len, const uint8_t *p, size_t len) {
    size_t used = 0;
    for (size_t i = 0; i < len && i < 24 && used + 5 < out_len; i++) {
        used += (size_t)snprintf(out + used, out_len - used, p[i] >= 32 && p[i] < 127 ? "%c" : "\\x%02x", p[i]);
    }
    snprintf(out + used, out_len - used, "%s", len > 24 ? "..." : "");
}

size_t sender_test_write(struct sender_test *t, const char *file, int line, const void *data, size_t len) {
    char text[128];
    excerpt(text, sizeof text, data, len);
    harness_step(&t->h, file, line, "app writes %zu bytes \"%s\"; fill_window", len, text);
    size_t n = byte_stream_write(tcp_sender_stream_in(&t->sender), data, len);
    tcp_sender_fill_window(&t->sender);
    return n;
}

void sender_test_close(struct sender_test *t, const char *file, int line) {
    harness_step(&t->h, file, line, "app closes the stream; fill_window");
    byte_stream_end_input(tcp_sender_stream_in(&t->sender));
    tcp_sender_fill_window(&t->sender);
}

bool sender_test_ack(struct sender_test *t, const char *file, int line, uint64_t rel_ackno, uint64_t window) {
    struct wrap32 ackno = sender_test_seq(t, rel_ackno);
    harness_step(&t->h, file, line,
                 "ack arrives: ackno isn+%" PRIu64 " (raw %" PRIu32 "), window %" PRIu64 "; fill_window", rel_ackno,
                 ackno.raw, window);
    /* For the failure capture: the ack as the segment that would carry it. */
    struct tcp_segment ack;
    memset(&ack, 0, sizeof ack);
    ack.header.ack = true;
    ack.header.ackno = ackno;
    ack.header.win = (uint16_t)(window > UINT16_MAX ? UINT16_MAX : window);
    ack.header.data_offset = TCP_MIN_HEADER_LEN / 4;
    tcp_harness_record(&t->h, &ack, CAPTURE_FROM_PEER);
    bool accepted = tcp_sender_ack_received(&t->sender, ackno, window);
    tcp_sender_fill_window(&t->sender);
    return accepted;
}

void sender_test_tick(struct sender_test *t, const char *file, int line, uint64_t ms) {
    harness_time_passes(&t->h, file, line, ms);
    tcp_sender_tick(&t->sender, ms);
}

void sender_test_empty(struct sender_test *t, const char *file, int line, bool rst) {
    harness_step(&t->h, file, line, "empty segment requested%s", rst ? " (RST)" : "");
    tcp_sender_send_empty_segment(&t->sender, rst);
}

static const char *tri_flag(enum tri v, const char *yes, const char *no) {
    return v == TRI_UNSET ? "" : v == TRI_YES ? yes : no;
}

static void describe(char *out, size_t out_len, const struct seg_expect *e) {
    char payload[128] = "";
    if (e->payload.data) {
        char text[100];
        excerpt(text, sizeof text, e->payload.data, e->payload.len);
        snprintf(payload, sizeof payload, " payload \"%s\" (%zu bytes)", text, e->payload.len);
    } else if (e->payload_len.set) {
        snprintf(payload, sizeof payload, " payload %" PRIu64 " bytes", e->payload_len.value);
    }
    char seqno[48] = "";
    if (e->seqno.set) {
        snprintf(seqno, sizeof seqno, " seqno isn+%" PRIu64, e->seqno.value);
    }
    snprintf(out, out_len, "%s%s%s%s%s", tri_flag(e->syn, " SYN", " no-SYN"), tri_flag(e->fin, " FIN", " no-FIN"),
             tri_flag(e->rst, " RST", " no-RST"), seqno, payload);
}

static void check_flag(struct sender_test *t, const char *file, int line, const char *name, enum tri want, bool got) {
    if (want != TRI_UNSET && (want == TRI_YES) != got) {
        harness_fail(&t->h, file, line, "segment has %s=%d, expected %d", name, got, want == TRI_YES);
    }
}

void sender_expect_segment(struct sender_test *t, const char *file, int line, struct seg_expect e) {
    char desc[200];
    describe(desc, sizeof desc, &e);
    harness_step(&t->h, file, line, "expect segment:%s", desc);
    struct tcp_segment seg;
    if (!tcp_sender_segments_out(&t->sender, &seg)) {
        harness_fail(&t->h, file, line, "expected a segment (%s), but none was queued", desc);
    }
    tcp_harness_record(&t->h, &seg, CAPTURE_FROM_SENDER);
    size_t len = byte_view2_len(&seg.payload);
    uint32_t rel = (uint32_t)(seg.header.seqno.raw - t->cfg.fixed_isn);
    harness_note(&t->h, "  segment seen:%s%s%s seqno isn+%" PRIu32 " (raw %" PRIu32 "), %zu payload bytes",
                 seg.header.syn ? " SYN" : "", seg.header.fin ? " FIN" : "", seg.header.rst ? " RST" : "", rel,
                 seg.header.seqno.raw, len);
    check_flag(t, file, line, "SYN", e.syn, seg.header.syn);
    check_flag(t, file, line, "FIN", e.fin, seg.header.fin);
    check_flag(t, file, line, "RST", e.rst, seg.header.rst);
    if (seg.header.ack) {
        harness_fail(&t->h, file, line, "the sender set ACK (only the connection fills ackno and ACK)");
    }
    if (e.seqno.set && !seq_eq(seg.header.seqno, sender_test_seq(t, e.seqno.value))) {
        harness_fail(&t->h, file, line, "segment has seqno isn+%" PRIu32 ", expected isn+%" PRIu64, rel, e.seqno.value);
    }
    if (len > t->cfg.max_payload) {
        harness_fail(&t->h, file, line, "payload of %zu bytes exceeds max_payload %zu", len, t->cfg.max_payload);
    }
    if (e.payload_len.set && len != e.payload_len.value) {
        harness_fail(&t->h, file, line, "segment has %zu payload bytes, expected %" PRIu64, len, e.payload_len.value);
    }
    if (e.payload.data) {
        uint8_t *copy = malloc(len ? len : 1);
        if (!copy) {
            harness_fail(&t->h, file, line, "out of memory");
        }
        byte_view2_copy(&seg.payload, copy);
        harness_expect_bytes(&t->h, file, line, "payload", e.payload.data, e.payload.len, copy, len);
        free(copy);
    }
}

void sender_expect_no_segment(struct sender_test *t, const char *file, int line) {
    harness_step(&t->h, file, line, "expect no segment");
    if (tcp_sender_has_segments(&t->sender)) {
        struct tcp_segment seg;
        tcp_sender_segments_out(&t->sender, &seg);
        tcp_harness_record(&t->h, &seg, CAPTURE_FROM_SENDER);
        harness_fail(&t->h, file, line, "a segment was queued:%s%s seqno isn+%" PRIu32 ", %zu payload bytes",
                     seg.header.syn ? " SYN" : "", seg.header.fin ? " FIN" : "",
                     (uint32_t)(seg.header.seqno.raw - t->cfg.fixed_isn), byte_view2_len(&seg.payload));
    }
}

void sender_expect_state(struct sender_test *t, const char *file, int line, const char *state) {
    harness_step(&t->h, file, line, "expect state %s", state);
    const char *got = tcp_sender_state(&t->sender);
    if (strcmp(got, state) != 0) {
        harness_fail(&t->h, file, line, "sender is in state %s, expected %s", got, state);
    }
}
