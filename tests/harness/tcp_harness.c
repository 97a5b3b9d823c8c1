#include "tcp_harness.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tcp_segment tcp_harness_segment(const struct segment_spec *spec) {
    struct tcp_segment seg;
    memset(&seg, 0, sizeof seg);
    seg.header.syn = spec->syn;
    seg.header.ack = spec->ack;
    seg.header.rst = spec->rst;
    seg.header.fin = spec->fin;
    seg.header.seqno = wrap32_of(spec->seqno);
    seg.header.ackno = wrap32_of(spec->ackno);
    seg.header.win = spec->win;
    seg.header.data_offset = TCP_MIN_HEADER_LEN / 4;
    if (spec->payload) {
        size_t len = spec->payload_len ? spec->payload_len : strlen(spec->payload);
        size_t first = spec->split && spec->split < len ? spec->split : len;
        seg.payload.part[0] = (struct byte_view){(const uint8_t *)spec->payload, first};
        seg.payload.part[1] = (struct byte_view){(const uint8_t *)spec->payload + first, len - first};
    }
    return seg;
}

/* Appends a quoted preview of the payload (first bytes, escaped) to `out`. */
static void describe_payload(const struct tcp_segment *seg, char *out, size_t out_len) {
    size_t total = byte_view2_len(&seg->payload);
    size_t used = strlen(out);
    if (total == 0 || used + 4 >= out_len) {
        return;
    }
    used += (size_t)snprintf(out + used, out_len - used, " \"");
    size_t shown = 0;
    for (int part = 0; part < 2; part++) {
        const struct byte_view *v = &seg->payload.part[part];
        for (size_t i = 0; i < v->len && shown < 24 && used + 6 < out_len; i++, shown++) {
            int c = v->data[i];
            used += (size_t)(c >= 32 && c < 127 && c != '"' && c != '\\'
                                 ? snprintf(out + used, out_len - used, "%c", c)
                                 : snprintf(out + used, out_len - used, "\\x%02x", c));
        }
    }
    if (used + 5 < out_len) {
        snprintf(out + used, out_len - used, "%s\"", shown < total ? "..." : "");
    }
}

char *tcp_harness_describe(const struct tcp_segment *seg, char *out, size_t out_len) {
    tcp_segment_describe(seg, out, out_len);
    describe_payload(seg, out, out_len);
    return out;
}

struct tcp_segment tcp_harness_arrives(struct harness *h, const char *file, int line, const struct segment_spec *spec) {
    struct tcp_segment seg = tcp_harness_segment(spec);
    char text[HARNESS_LINE];
    harness_step(h, file, line, "segment arrives: %s", tcp_harness_describe(&seg, text, sizeof text));
    tcp_harness_record(h, &seg, CAPTURE_FROM_PEER);
    return seg;
}

/* Short text of the expectation, for the step line. */
static void describe_expectation(const struct expect_segment *exp, char *out, size_t out_len) {
    size_t used = 0;
    out[0] = '\0';
    const struct {
        enum tri value;
        const char *name;
    } flags[] = {{exp->syn, "SYN"}, {exp->ack, "ACK"}, {exp->rst, "RST"}, {exp->fin, "FIN"}};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0] && used < out_len; i++) {
        if (flags[i].value != TRI_UNSET) {
            used += (size_t)snprintf(out + used, out_len - used, " %s%s", flags[i].value == TRI_NO ? "no " : "",
                                     flags[i].name);
        }
    }
    const struct {
        struct opt_u64 value;
        const char *name;
    } nums[] = {{exp->seqno, "seqno"}, {exp->ackno, "ackno"}, {exp->win, "win"}, {exp->payload_len, "len"}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0] && used < out_len; i++) {
        if (nums[i].value.set) {
            used += (size_t)snprintf(out + used, out_len - used, " %s=%" PRIu64, nums[i].name, nums[i].value.value);
        }
    }
    if (exp->payload && used < out_len) {
        snprintf(out + used, out_len - used, " payload \"%.40s%s\"", exp->payload,
                 strlen(exp->payload) > 40 ? "..." : "");
    }
}

static void check_flag(struct harness *h, const char *file, int line, const char *seen, const char *name,
                       enum tri expected, bool actual) {
    if (expected != TRI_UNSET && (expected == TRI_YES) != actual) {
        harness_fail(h, file, line, "expected %s %s, segment sent was: %s", name, expected == TRI_YES ? "set" : "clear",
                     seen);
    }
}

static void check_number(struct harness *h, const char *file, int line, const char *seen, const char *name,
                         struct opt_u64 expected, uint64_t actual) {
    if (expected.set && expected.value != actual) {
        harness_fail(h, file, line, "expected %s = %" PRIu64 ", got %" PRIu64 "; segment sent was: %s", name,
                     expected.value, actual, seen);
    }
}

void tcp_harness_expect_segment(struct harness *h, const char *file, int line, bool popped,
                                const struct tcp_segment *seg, const struct expect_segment *exp) {
    char want[HARNESS_LINE];
    describe_expectation(exp, want, sizeof want);
    harness_step(h, file, line, "expect segment:%s", want[0] ? want : " (any)");
    if (!popped) {
        harness_fail(h, file, line, "expected a segment, but none was sent");
    }
    tcp_harness_record(h, seg, CAPTURE_FROM_UNIT);
    char seen[HARNESS_LINE];
    tcp_harness_describe(seg, seen, sizeof seen);
    harness_note(h, "  sent: %s", seen);
    const struct tcp_header *hdr = &seg->header;
    check_flag(h, file, line, seen, "SYN", exp->syn, hdr->syn);
    check_flag(h, file, line, seen, "ACK", exp->ack, hdr->ack);
    check_flag(h, file, line, seen, "RST", exp->rst, hdr->rst);
    check_flag(h, file, line, seen, "FIN", exp->fin, hdr->fin);
    check_number(h, file, line, seen, "seqno", exp->seqno, hdr->seqno.raw);
    check_number(h, file, line, seen, "ackno", exp->ackno, hdr->ackno.raw);
    check_number(h, file, line, seen, "win", exp->win, hdr->win);
    size_t len = byte_view2_len(&seg->payload);
    check_number(h, file, line, seen, "payload length", exp->payload_len, len);
    if (exp->payload) {
        uint8_t *actual = malloc(len ? len : 1);
        if (!actual) {
            harness_fail(h, file, line, "out of memory copying the payload");
        }
        byte_view2_copy(&seg->payload, actual);
        harness_expect_bytes(h, file, line, "payload", exp->payload, strlen(exp->payload), actual, len);
        free(actual);
    }
}

void tcp_harness_expect_no_segment(struct harness *h, const char *file, int line, bool popped,
                                   const struct tcp_segment *seg) {
    harness_step(h, file, line, "expect no segment");
    if (popped) {
        tcp_harness_record(h, seg, CAPTURE_FROM_UNIT);
        char seen[HARNESS_LINE];
        harness_fail(h, file, line, "expected no segment, but one was sent: %s",
                     tcp_harness_describe(seg, seen, sizeof seen));
    }
}
