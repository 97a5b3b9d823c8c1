#include "util/resident.h"

#include <stdlib.h>
#include <unistd.h>

void *resident_alloc(size_t len) {
    unsigned char *p = malloc(len ? len : 1);
    if (p == NULL || len == 0) {
        return p;
    }
    long page = sysconf(_SC_PAGESIZE);
    size_t step = page > 0 ? (size_t)page : 4096;
    /* One non-zero write per page, through a volatile pointer: the compiler can neither drop the
     * writes nor turn them into an allocation of zeroed, not yet mapped, memory. */
    volatile unsigned char *v = p;
    for (size_t i = 0; i < len; i += step) {
        v[i] = 1;
    }
    v[len - 1] = 1;
    return p;
}
