#ifndef SPONGE_ADAPTERS_TEXT_FILE_H
#define SPONGE_ADAPTERS_TEXT_FILE_H

/* Reading a whole configuration or topology file into memory. */

#include <stddef.h>

/** Reads the file at `path` into a new NUL-terminated buffer (the caller frees it). Returns
 *  NULL, with one line (no newline) in `why` (`why_len` bytes), if it cannot be read, is
 *  larger than `max` bytes or holds a NUL byte (not a text file), or memory runs out. */
char *text_file_read(const char *path, size_t max, char *why, size_t why_len);

#endif
