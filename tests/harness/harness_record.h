#ifndef SPONGE_TESTS_HARNESS_RECORD_H
#define SPONGE_TESTS_HARNESS_RECORD_H

/* The grading record: how the grader (etc/grade/run_tests.py) learns which test cases ran and
 * passed, rather than trusting the exit status (a student's exit(0) in a constructor makes
 * every test binary exit 0). Internal to the harness.
 *
 * The grader runs a test with SPONGE_GRADE="IN OUT" in its environment: IN is the read end of a
 * pipe holding a fresh random nonce (hexadecimal, one line), OUT a file open for writing. The
 * first test case reads the nonce, closes IN and removes SPONGE_GRADE from the environment; then
 * every case appends, with one write(2) each,
 *
 *     sponge-grade NONCE begin NAME     when it begins (harness_begin)
 *     sponge-grade NONCE pass NAME      when it passes (harness_end)
 *
 * A failing or crashing case writes no pass line, and nothing writes a pass line for a case that
 * never ran. Without SPONGE_GRADE nothing is written. If IN held no nonce (something read it
 * first) the lines carry "-" and the grader rejects them. */

/** Appends the begin line of the case `name` (when the grader asked for a record). */
void harness_record_begin(const char *name);

/** Appends the pass line of the case `name` (when the grader asked for a record). */
void harness_record_pass(const char *name);

#endif
