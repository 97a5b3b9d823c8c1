#ifndef SPONGE_TESTS_RULE_TEXT_H
#define SPONGE_TESTS_RULE_TEXT_H

/* The rules a failing test checks, with their text. A test case cites the handout rules it
 * checks at the end of its name, "reassembler: ... [L1.R8 L1.R9]" (docs/labs/README.md); on
 * failure the harness prints each one with its one-line text from docs/labs/labN.md. */

#include <stdio.h>

/** Prints one line "  checks L1.R8: <text>" per rule cited in `test_name` to `out`; the text
 *  is read from docs/labs/labN.md under SPONGE_SOURCE_DIR (or the SPONGE_SRC environment
 *  variable), or "(text not found)" if that file or line is missing. Prints nothing for a name
 *  without citations. */
void rule_text_print(FILE *out, const char *test_name);

#endif
