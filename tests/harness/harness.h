#ifndef SPONGE_TESTS_HARNESS_H
#define SPONGE_TESTS_HARNESS_H

/* The step harness. A test is a list of steps, each one line that reads like the protocol
 * ("write \"cat\"", "expect buffer_size 3"). The harness keeps the recent steps; when an
 * expectation fails it prints the test name, the failing step and its source line, what was
 * expected and what happened, and the steps before it, then exits with status 1.
 *
 *     struct harness h;
 *     harness_begin(&h, "byte stream: one write");
 *     STEP(&h, "write \"cat\"");
 *     EXPECT_EQ(&h, "bytes accepted", 3, byte_stream_write(&bs, "cat", 3));
 *     return harness_end(&h);
 *
 * Random tests take their seed from harness_seed(), which prints it and honours SPONGE_SEED.
 *
 * A crash inside a test case (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, or a sanitizer report in
 * the Sanitize build) prints "CRASH: <test name>", the step it died in and the steps before it
 * (harness_crash.h), and the process still dies of the crash.
 *
 * Under the grader (etc/grade.sh, make grade) each test case also records that it began and that
 * it passed (harness_record.h): a test scores by the cases it passed, not by its exit status. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HARNESS_HISTORY 24
#define HARNESS_LINE 200
/* Bytes of the stack the crash report runs on, so that a stack overflow is reported too. */
#define HARNESS_SIGNAL_STACK 65536

/** A tri-state expectation: leave a field TRI_UNSET and it is not checked. */
enum tri { TRI_UNSET = 0, TRI_NO, TRI_YES };

/** An optional expected number: OPT_U64(5) is "expect 5", a zeroed one is "don't check". */
struct opt_u64 {
    bool set;
    uint64_t value;
};
#define OPT_U64(v) ((struct opt_u64){true, (uint64_t)(v)})

struct harness {
    const char *test_name;
    unsigned steps; /* steps recorded so far */
    char history[HARNESS_HISTORY][HARNESS_LINE];
    int history_line[HARNESS_HISTORY];
    unsigned notes; /* history lines recorded (steps and notes) */
    uint64_t seed;
    bool seeded;
    uint64_t now_ms; /* the simulated time: the sum of harness_time_passes so far */
    /* Optional extra failure output of a helper library (tcp_harness: the scenario's segments
     * as a pcap file): harness_fail calls on_fail after the report, harness_end calls on_end
     * (to free `extra`). */
    void (*on_fail)(struct harness *h);
    void (*on_end)(struct harness *h);
    void *extra;
    /* private: the crash watch (harness_crash.c) */
    struct harness *outer; /* the harness that was running when this one began, or NULL */
    unsigned handlers;     /* bit n set: this harness installed the handler of signal n */
    bool own_signal_stack; /* this harness installed signal_stack as the alternate stack */
    char signal_stack[HARNESS_SIGNAL_STACK];
};

/** Starts a test case named `name` (a string literal or one that outlives the test) and watches
 *  it for crashes until harness_end. `h` must stay in place until then. */
void harness_begin(struct harness *h, const char *name);

/** Records one action step with its source line. Use the STEP macro. */
void harness_step(struct harness *h, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Records a line of context that is not a step (a segment seen, a frame sent). */
void harness_note(struct harness *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Records the step "MS ms pass" and advances the simulated time h->now_ms (the failure capture's
 *  timestamps). The caller then ticks the unit under test by `ms`. */
void harness_time_passes(struct harness *h, const char *file, int line, uint64_t ms);

/** Fails the test: prints the report (see above) with `fmt` as the explanation and exits 1. */
_Noreturn void harness_fail(struct harness *h, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** The test's random seed: SPONGE_SEED from the environment, or a fresh one. Printed once. */
uint64_t harness_seed(struct harness *h);

/** Ends a test case (its crash watch too) as passed; prints one line and returns 0 (for
 *  `return harness_end(&h);`). */
int harness_end(struct harness *h);

/* Expectations. Each records itself as a step, then checks. */
void harness_expect_u64(struct harness *h, const char *file, int line, const char *what, uint64_t expected,
                        uint64_t actual);
void harness_expect_bool(struct harness *h, const char *file, int line, const char *what, bool expected, bool actual);
void harness_expect_tri(struct harness *h, const char *file, int line, const char *what, enum tri expected,
                        bool actual);
void harness_expect_opt(struct harness *h, const char *file, int line, const char *what, struct opt_u64 expected,
                        uint64_t actual);
void harness_expect_bytes(struct harness *h, const char *file, int line, const char *what, const void *expected,
                          size_t expected_len, const void *actual, size_t actual_len);

#define STEP(h, ...) harness_step((h), __FILE__, __LINE__, __VA_ARGS__)
#define EXPECT_EQ(h, what, expected, actual)                                                                           \
    harness_expect_u64((h), __FILE__, __LINE__, (what), (uint64_t)(expected), (uint64_t)(actual))
#define EXPECT_BOOL(h, what, expected, actual)                                                                         \
    harness_expect_bool((h), __FILE__, __LINE__, (what), (expected), (actual))
#define EXPECT_TRUE(h, what, cond) harness_expect_bool((h), __FILE__, __LINE__, (what), true, (cond))
#define EXPECT_TRI(h, what, expected, actual) harness_expect_tri((h), __FILE__, __LINE__, (what), (expected), (actual))
#define EXPECT_OPT(h, what, expected, actual) harness_expect_opt((h), __FILE__, __LINE__, (what), (expected), (actual))
#define EXPECT_BYTES(h, what, exp, exp_len, act, act_len)                                                              \
    harness_expect_bytes((h), __FILE__, __LINE__, (what), (exp), (exp_len), (act), (act_len))
#define FAIL(h, ...) harness_fail((h), __FILE__, __LINE__, __VA_ARGS__)

#endif
