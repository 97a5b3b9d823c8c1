#include "harness.h"
#include "harness_crash.h"
#include "harness_record.h"
#include "rule_text.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void harness_begin(struct harness *h, const char *name) {
    memset(h, 0, sizeof *h);
    h->test_name = name;
    harness_record_begin(name);
    harness_crash_watch(h);
}

static void record(struct harness *h, int line, const char *fmt, va_list ap) {
    unsigned slot = h->notes % HARNESS_HISTORY;
    vsnprintf(h->history[slot], HARNESS_LINE, fmt, ap);
    h->history_line[slot] = line;
    h->notes++;
}

void harness_step(struct harness *h, const char *file, int line, const char *fmt, ...) {
    (void)file;
    va_list ap;
    va_start(ap, fmt);
    record(h, line, fmt, ap);
    va_end(ap);
    h->steps++;
}

void harness_note(struct harness *h, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    record(h, 0, fmt, ap);
    va_end(ap);
}

_Noreturn void harness_fail(struct harness *h, const char *file, int line, const char *fmt, ...) {
    fflush(stdout);
    fprintf(stderr, "FAIL: %s\n", h->test_name ? h->test_name : "(unnamed test)");
    rule_text_print(stderr, h->test_name);
    unsigned last = h->notes ? (h->notes - 1) % HARNESS_HISTORY : 0;
    fprintf(stderr, "  at step %u (%s:%d): %s\n", h->steps, file, line, h->notes ? h->history[last] : "(no step)");
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "    ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    fflush(stderr); /* the history is written with write(2), which a stdio buffer would overtake */
    harness_write_history(h, STDERR_FILENO);
    if (h->on_fail) {
        h->on_fail(h);
    }
    harness_crash_unwatch(h); /* what happens at exit (a leak report) is not this step's */
    exit(1);
}

uint64_t harness_seed(struct harness *h) {
    if (!h->seeded) {
        const char *env = getenv("SPONGE_SEED");
        if (env && *env) {
            h->seed = strtoull(env, NULL, 0);
        } else {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            h->seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec;
        }
        h->seeded = true;
        printf("seed: %" PRIu64 " (replay with SPONGE_SEED=%" PRIu64 ")\n", h->seed, h->seed);
    }
    return h->seed;
}

void harness_time_passes(struct harness *h, const char *file, int line, uint64_t ms) {
    harness_step(h, file, line, "%" PRIu64 " ms pass", ms);
    h->now_ms += ms;
}

int harness_end(struct harness *h) {
    if (h->on_end) {
        h->on_end(h);
    }
    harness_crash_unwatch(h);
    harness_record_pass(h->test_name);
    printf("ok: %s (%u steps)\n", h->test_name, h->steps);
    return 0;
}

void harness_expect_u64(struct harness *h, const char *file, int line, const char *what, uint64_t expected,
                        uint64_t actual) {
    harness_step(h, file, line, "expect %s = %" PRIu64, what, expected);
    if (expected != actual) {
        harness_fail(h, file, line, "expected %s = %" PRIu64 ", got %" PRIu64, what, expected, actual);
    }
}

void harness_expect_bool(struct harness *h, const char *file, int line, const char *what, bool expected, bool actual) {
    harness_step(h, file, line, "expect %s %s", what, expected ? "true" : "false");
    if (expected != actual) {
        harness_fail(h, file, line, "expected %s to be %s, got %s", what, expected ? "true" : "false",
                     actual ? "true" : "false");
    }
}

void harness_expect_tri(struct harness *h, const char *file, int line, const char *what, enum tri expected,
                        bool actual) {
    if (expected == TRI_UNSET) {
        return;
    }
    harness_expect_bool(h, file, line, what, expected == TRI_YES, actual);
}

void harness_expect_opt(struct harness *h, const char *file, int line, const char *what, struct opt_u64 expected,
                        uint64_t actual) {
    if (expected.set) {
        harness_expect_u64(h, file, line, what, expected.value, actual);
    }
}

static void print_bytes(char *out, size_t out_len, const uint8_t *p, size_t n) {
    size_t used = 0;
    used += (size_t)snprintf(out, out_len, "%zu bytes \"", n);
    for (size_t i = 0; i < n && used + 8 < out_len; i++) {
        if (i == 48) {
            used += (size_t)snprintf(out + used, out_len - used, "...");
            break;
        }
        int c = p[i];
        used += (size_t)(c >= 32 && c < 127 ? snprintf(out + used, out_len - used, "%c", c)
                                            : snprintf(out + used, out_len - used, "\\x%02x", c));
    }
    snprintf(out + used, out_len > used ? out_len - used : 0, "\"");
}

void harness_expect_bytes(struct harness *h, const char *file, int line, const char *what, const void *expected,
                          size_t expected_len, const void *actual, size_t actual_len) {
    char exp_text[256];
    print_bytes(exp_text, sizeof exp_text, expected, expected_len);
    harness_step(h, file, line, "expect %s = %s", what, exp_text);
    if (expected_len != actual_len || (expected_len && memcmp(expected, actual, expected_len) != 0)) {
        char act_text[256];
        print_bytes(act_text, sizeof act_text, actual, actual_len);
        size_t first = 0;
        size_t common = expected_len < actual_len ? expected_len : actual_len;
        while (first < common && ((const uint8_t *)expected)[first] == ((const uint8_t *)actual)[first]) {
            first++;
        }
        harness_fail(h, file, line, "expected %s\n    got      %s\n    (first difference at byte %zu)", exp_text,
                     act_text, first);
    }
}
