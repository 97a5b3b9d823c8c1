#ifndef SPONGE_ADAPTERS_STREAM_COPY_H
#define SPONGE_ADAPTERS_STREAM_COPY_H

/* The copy apps' main loop: input -> socket and socket -> output at the same time, with
 * bounded buffers. At input EOF the socket's sending side is shut down (SHUT_WR); the copy
 * ends when the socket reports EOF and either the input has ended too or the socket is
 * closed altogether (the connection is over, for example reset). An idle input keeps the
 * connection open. */

#include "util/error.h"

/** Copies until done (see above). Returns SPONGE_OK, or SYSTEM (errno set) when reading or
 *  writing failed for a reason other than the connection ending (for example
 *  ECONNRESET on an OS socket). Descriptors are borrowed; `sock` may be left half-shut. */
enum sponge_err stream_copy(int in_fd, int out_fd, int sock);

#endif
