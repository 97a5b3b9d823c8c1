#ifndef SPONGE_APPS_CAPTURE_CHECK_H
#define SPONGE_APPS_CAPTURE_CHECK_H

/* What tun_capture_check and tap_capture_check share: one line per check on stderr, a tally of
 * failures, a monotonic clock for their read deadline and a port argument parser. */

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct tally {
    unsigned failed;
};

/** Prints "ok"/"FAIL", `what` and the value (also in hex); counts a mismatch. */
static inline void check(struct tally *t, const char *what, unsigned long long expected, unsigned long long actual) {
    bool ok = expected == actual;
    fprintf(stderr, "  %s %s = %llu (%#llx)", ok ? "ok  " : "FAIL", what, actual, actual);
    if (!ok) {
        fprintf(stderr, " (expected %llu)", expected);
        t->failed++;
    }
    fprintf(stderr, "\n");
}

/** Prints "ok"/"FAIL" and `what`; counts a false condition. */
static inline void check_true(struct tally *t, const char *what, bool cond) {
    fprintf(stderr, "  %s %s\n", cond ? "ok  " : "FAIL", what);
    t->failed += !cond;
}

/** Milliseconds on CLOCK_MONOTONIC. */
static inline long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/** Waits until `fd` is readable or CLOCK_MONOTONIC passes `deadline_ms` (now_ms's clock),
 *  retrying after signals. True if readable; false on timeout or a poll error. */
static inline bool wait_readable(int fd, long long deadline_ms) {
    for (;;) {
        long long left = deadline_ms - now_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ready = left > 0 ? poll(&pfd, 1, (int)left) : 0;
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        return ready > 0;
    }
}

/** Parses a decimal port 1..65535; false for anything else. */
static inline bool parse_port(const char *s, uint16_t *port) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0 || v > 65535) {
        return false;
    }
    *port = (uint16_t)v;
    return true;
}

#endif
