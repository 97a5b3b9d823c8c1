#ifndef SPONGE_TESTS_CHILD_RUN_H
#define SPONGE_TESTS_CHILD_RUN_H

/* Running a piece of a test in a child process and keeping what it printed: the tests of the
 * harness's own failure output (a crash report, a failure capture) must watch the failing test
 * case from outside. */

#include <stdbool.h>
#include <stddef.h>

#define CHILD_OUTPUT 32768

struct child_result {
    int status;                /* as waitpid reports it */
    size_t len;                /* bytes in output (the rest was dropped) */
    char output[CHILD_OUTPUT]; /* stdout and stderr, interleaved as written, NUL-terminated */
};

/** Runs fn(arg) in a forked child with core dumps off and stdout and stderr going into a pipe;
 *  the child exits 0 if fn returns. Waits for the child. Returns false (with a one-line reason
 *  on stderr) if the pipe or the fork fails. */
bool child_run(void (*fn)(void *arg), void *arg, struct child_result *r);

/** True if the child was killed by signal `sig`. */
bool child_killed_by(const struct child_result *r, int sig);

/** True if the child exited with status `code`. */
bool child_exited_with(const struct child_result *r, int code);

#endif
