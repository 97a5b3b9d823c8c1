#ifndef SPONGE_TESTS_HARNESS_CRASH_H
#define SPONGE_TESTS_HARNESS_CRASH_H

/* The parts of the harness that must work in a crash: watching the running test case for fatal
 * signals and sanitizer reports, and writing the report's history with write(2) only (no stdio,
 * no allocation), so that a signal handler may call it. Internal to the harness. */

#include "harness.h"

/** Makes `h` the test case a crash is reported for: installs handlers for SIGSEGV, SIGBUS,
 *  SIGFPE, SIGILL and SIGABRT where no other handler is installed (a sanitizer's stays, and its
 *  report is followed by ours through the sanitizer's death callback), on h->signal_stack. */
void harness_crash_watch(struct harness *h);

/** Stops watching `h`: the test case that was running before it (if any) is watched again, and
 *  the handlers and stack `h` installed are removed. */
void harness_crash_unwatch(struct harness *h);

/** Writes, async-signal-safely, the entries recorded before the last one ("the N steps before
 *  it, oldest first") and the seed to replay with, if the test drew one. */
void harness_write_history(const struct harness *h, int fd);

#endif
