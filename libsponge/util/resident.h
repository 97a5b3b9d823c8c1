#ifndef SPONGE_UTIL_RESIDENT_H
#define SPONGE_UTIL_RESIDENT_H

#include <stddef.h>

/* Allocates `len` bytes (at least one) whose every page is backed by memory on return, so that
 * a timed loop writing into the buffer later takes no page faults. Its contents are unspecified.
 * (malloc followed by memset(0) does not do this: the compiler may turn the pair into calloc,
 * which leaves fresh pages unmapped.) Returns NULL if out of memory; the caller frees with free(). */
void *resident_alloc(size_t len);

#endif
