#include "adapters/isn.h"

#include <sys/random.h>
#include <time.h>

enum sponge_err isn_secret_init(struct isn_secret *s) {
    return getrandom(s->key, sizeof s->key, 0) == (ssize_t)sizeof s->key ? SPONGE_OK : SPONGE_ERR_SYSTEM;
}

uint32_t isn_compute(const struct isn_secret *s, uint32_t local_addr, uint16_t local_port, uint32_t remote_addr,
                     uint16_t remote_port, uint64_t now_us) {
    /* The tuple in a fixed byte order, so the hash does not depend on the host's. */
    uint8_t tuple[12] = {
        (uint8_t)(local_addr >> 24),  (uint8_t)(local_addr >> 16),  (uint8_t)(local_addr >> 8),
        (uint8_t)local_addr,          (uint8_t)(local_port >> 8),   (uint8_t)local_port,
        (uint8_t)(remote_addr >> 24), (uint8_t)(remote_addr >> 16), (uint8_t)(remote_addr >> 8),
        (uint8_t)remote_addr,         (uint8_t)(remote_port >> 8),  (uint8_t)remote_port,
    };
    uint32_t m = (uint32_t)(now_us / 4); /* RFC 6528: a timer that increments every 4 microseconds */
    return m + (uint32_t)siphash24(s->key, tuple, sizeof tuple);
}

uint32_t isn_generate(const struct isn_secret *s, uint32_t local_addr, uint16_t local_port, uint32_t remote_addr,
                      uint16_t remote_port) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t now_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    return isn_compute(s, local_addr, local_port, remote_addr, remote_port, now_us);
}
