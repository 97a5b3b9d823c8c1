/* util/resident.h: a buffer resident_alloc returns has every page in memory before anyone writes
 * to it (the benchmarks' receive buffers: a page fault per 4 KiB inside the timed part cost
 * tun_throughput recv a third of its time). */

#include "harness.h"
#include "util/resident.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* Counts the pages of [p, p+len) that are not in memory (mincore). */
static size_t missing_pages(const void *p, size_t len, size_t page) {
    uintptr_t start = (uintptr_t)p & ~(uintptr_t)(page - 1);
    size_t span = (uintptr_t)p + len - start;
    size_t pages = (span + page - 1) / page;
    unsigned char *vec = malloc(pages);
    if (vec == NULL || mincore((void *)start, span, vec) != 0) {
        free(vec);
        return SIZE_MAX;
    }
    size_t missing = 0;
    for (size_t i = 0; i < pages; i++) {
        missing += !(vec[i] & 1);
    }
    free(vec);
    return missing;
}

static void large_buffer(void) {
    struct harness h;
    harness_begin(&h, "resident buffer: 64 MiB, every page in memory");
    size_t page = (size_t)sysconf(_SC_PAGESIZE), len = 64u << 20;
    STEP(&h, "allocate 64 MiB with resident_alloc");
    uint8_t *buf = resident_alloc(len);
    EXPECT_TRUE(&h, "allocated", buf != NULL);
    STEP(&h, "ask the kernel which of its pages are in memory (mincore)");
    size_t missing = missing_pages(buf, len, page);
    free(buf);
    EXPECT_EQ(&h, "pages not in memory", 0, missing);
    harness_end(&h);
}

static void empty_buffer(void) {
    struct harness h;
    harness_begin(&h, "resident buffer: zero bytes still gives a buffer to free");
    STEP(&h, "allocate 0 bytes");
    void *buf = resident_alloc(0);
    EXPECT_TRUE(&h, "not NULL", buf != NULL);
    free(buf);
    harness_end(&h);
}

int main(void) {
    large_buffer();
    empty_buffer();
    return 0;
}
