#include "util/error.h"

const char *sponge_strerror(enum sponge_err err) {
    switch (err) {
        case SPONGE_OK:
            return "no error";
        case SPONGE_ERR_PACKET_TOO_SHORT:
            return "packet too short";
        case SPONGE_ERR_WRONG_IP_VERSION:
            return "wrong IP version";
        case SPONGE_ERR_HEADER_TOO_SHORT:
            return "header too short";
        case SPONGE_ERR_TRUNCATED:
            return "truncated";
        case SPONGE_ERR_BAD_CHECKSUM:
            return "bad checksum";
        case SPONGE_ERR_UNSUPPORTED:
            return "unsupported";
        case SPONGE_ERR_BUFFER_TOO_SMALL:
            return "buffer too small";
        case SPONGE_ERR_NO_MEMORY:
            return "out of memory";
        case SPONGE_ERR_INVALID_ARGUMENT:
            return "invalid argument";
        case SPONGE_ERR_SYSTEM:
            return "system call failed";
        case SPONGE_ERR_TIMEOUT:
            return "timed out";
        case SPONGE_ERR_RESET:
            return "connection reset by peer";
        case SPONGE_ERR_COUNT:
            break;
    }
    return "unknown error";
}
