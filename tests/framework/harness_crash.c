/* The harness's crash report: a test case that crashes inside a step (a signal, or a sanitizer
 * report in the Sanitize build) prints the test's name, the step it died in and the steps before
 * it, and still dies as a crash. Each crash runs in a child process and is checked from here. */

#include "child_run.h"
#include "harness.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Non-NULL only when linked with a sanitizer runtime (the Sanitize build). */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static bool sanitized(void) {
    return __sanitizer_set_death_callback != NULL;
}

/* Kept in volatile objects so that the compiler cannot see the crash coming. */
static int *volatile null_pointer = NULL;
static volatile unsigned recursion_limit = UINT_MAX;
static volatile int int_max = INT_MAX;
static volatile size_t heap_block_end = 8;

static unsigned recurse(unsigned depth) {
    volatile char frame[512];
    frame[depth % sizeof frame] = (char)depth;
    if (depth == recursion_limit) {
        return 0;
    }
    return recurse(depth + 1) + (unsigned)frame[depth % sizeof frame];
}

enum crash { CRASH_NULL, CRASH_ABORT, CRASH_STACK_OVERFLOW, CRASH_HEAP_OVERFLOW, CRASH_SIGNED_OVERFLOW };

static void crashing_case(void *arg) {
    enum crash kind = *(const enum crash *)arg;
    struct harness h;
    harness_begin(&h, "harness crash victim");
    STEP(&h, "first step %d", 1);
    harness_note(&h, "a note between steps");
    STEP(&h, "second step");
    switch (kind) {
        case CRASH_NULL:
            STEP(&h, "write through a NULL pointer");
            *null_pointer = 1;
            break;
        case CRASH_ABORT:
            STEP(&h, "call abort()");
            abort();
        case CRASH_STACK_OVERFLOW:
            STEP(&h, "recurse without end");
            recurse(0);
            break;
        case CRASH_HEAP_OVERFLOW: {
            STEP(&h, "read past a heap block");
            char *block = calloc(1, 8);
            if (block) {
                volatile char c = block[heap_block_end];
                (void)c;
                free(block);
            }
            break;
        }
        case CRASH_SIGNED_OVERFLOW: {
            STEP(&h, "overflow a signed int");
            volatile int x = int_max + 1;
            (void)x;
            break;
        }
    }
    harness_end(&h);
}

static void expect_output(struct harness *h, const struct child_result *r, const char *needle) {
    STEP(h, "the crash report contains \"%s\"", needle);
    if (!strstr(r->output, needle)) {
        FAIL(h, "\"%s\" is missing from what the crashing test printed:\n%s", needle, r->output);
    }
}

/* Runs the crash `kind`, which must end in signal `sig` (or, in the Sanitize build, a sanitizer
 * report when `sanitizer_catches` is set), and checks the report names the step `step`. */
static void check_crash(struct harness *h, enum crash kind, int sig, bool sanitizer_catches, const char *step) {
    struct child_result *r = malloc(sizeof *r);
    if (!r) {
        FAIL(h, "out of memory");
    }
    STEP(h, "run a test case that crashes in step \"%s\"", step);
    if (!child_run(crashing_case, &kind, r)) {
        FAIL(h, "could not run the child");
    }
    if (sanitizer_catches && sanitized()) {
        STEP(h, "expect the sanitized child to exit with a failure status");
        if (!WIFEXITED(r->status) || r->status == 0) {
            FAIL(h, "wait status 0x%x; it printed:\n%s", (unsigned)r->status, r->output);
        }
        expect_output(h, r, "a sanitizer report (above)");
    } else {
        STEP(h, "expect the child killed by signal %d (%s)", sig, strsignal(sig));
        if (!child_killed_by(r, sig)) {
            FAIL(h, "wait status 0x%x, not killed by signal %d; it printed:\n%s", (unsigned)r->status, sig, r->output);
        }
        expect_output(h, r, strsignal(sig));
    }
    expect_output(h, r, "CRASH: harness crash victim");
    expect_output(h, r, "in step 3");
    expect_output(h, r, step);
    expect_output(h, r, "first step 1");
    expect_output(h, r, "a note between steps");
    expect_output(h, r, "second step");
    free(r);
}

int main(void) {
    struct harness h;
    harness_begin(&h, "harness crash: a NULL dereference in a step is reported with the step");
    check_crash(&h, CRASH_NULL, SIGSEGV, true, "write through a NULL pointer");
    harness_end(&h);

    harness_begin(&h, "harness crash: abort() in a step is reported with the step");
    check_crash(&h, CRASH_ABORT, SIGABRT, false, "call abort()");
    harness_end(&h);

    harness_begin(&h, "harness crash: a stack overflow in a step is reported with the step");
    check_crash(&h, CRASH_STACK_OVERFLOW, SIGSEGV, true, "recurse without end");
    harness_end(&h);

    if (sanitized()) {
        harness_begin(&h, "harness crash: a sanitizer report of a heap overflow in a step is followed by the step");
        check_crash(&h, CRASH_HEAP_OVERFLOW, 0, true, "read past a heap block");
        harness_end(&h);
        harness_begin(&h, "harness crash: a sanitizer report of a signed overflow in a step is followed by the step");
        check_crash(&h, CRASH_SIGNED_OVERFLOW, 0, true, "overflow a signed int");
        return harness_end(&h);
    }
    printf("skipped: the sanitizer report cases (this is not a Sanitize build)\n");
    return 0;
}
