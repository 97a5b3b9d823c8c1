#ifndef SPONGE_UTIL_ERROR_H
#define SPONGE_UTIL_ERROR_H

/** The library's one error enum. Parsers return the first seven (docs/labs/units.md section 1); the rest are
 *  for adapters and sockets. Bad network input is an error code, caller bugs are asserts. */
enum sponge_err {
    SPONGE_OK = 0,               /* no error */
    SPONGE_ERR_PACKET_TOO_SHORT, /* shorter than the smallest header */
    SPONGE_ERR_WRONG_IP_VERSION, /* IPv4 version field is not 4 */
    SPONGE_ERR_HEADER_TOO_SHORT, /* header length field below the minimum */
    SPONGE_ERR_TRUNCATED,        /* a length field points past the end of the input */
    SPONGE_ERR_BAD_CHECKSUM,     /* checksum does not verify */
    SPONGE_ERR_UNSUPPORTED,      /* well-formed but not handled (protocol, option, type) */
    SPONGE_ERR_BUFFER_TOO_SMALL, /* a serializer's output buffer cannot hold the result */
    SPONGE_ERR_NO_MEMORY,        /* an allocation failed */
    SPONGE_ERR_INVALID_ARGUMENT, /* an argument from the user (command line, config) is wrong */
    SPONGE_ERR_SYSTEM,           /* a system call failed; errno says why */
    SPONGE_ERR_TIMEOUT,          /* the peer did not answer in time */
    SPONGE_ERR_RESET,            /* the peer reset the connection */
    SPONGE_ERR_COUNT
};

/** A short, static, human-readable description of `err` ("packet too short", ...). */
const char *sponge_strerror(enum sponge_err err);

#endif
