/* Replays every saved fuzz input, tests/fuzz/corpus/<target>/ (the seeds) and
 * tests/fuzz/regressions/<target>/ (inputs that once crashed a target), through the same
 * target functions the fuzzers run (tests/fuzz/targets/, compiled in by etc/fuzz.cmake), as
 * a plain C test: no fuzzer needed. A broken invariant aborts with its message, after the
 * name of the file being replayed. */
#include "../fuzz/targets/fuzz_targets.h"
#include "harness.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Runs every file in dir through target; returns how many, or -1 if a file cannot be read. */
static long replay_dir(const struct fuzz_target *t, const char *dir) {
    DIR *d = opendir(dir);
    if (d == NULL) {
        return 0; /* no regressions saved for this target */
    }
    long count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count >= 0) {
        if (e->d_name[0] == '.') {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        uint8_t *buf = malloc(1 << 20);
        if (f == NULL || buf == NULL) {
            count = -1;
        } else {
            size_t n = fread(buf, 1, 1 << 20, f);
            fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
            t->run(buf, n);
            count++;
        }
        free(buf);
        if (f != NULL) {
            fclose(f);
        }
    }
    closedir(d);
    return count;
}

int main(void) {
    struct harness h;
    harness_begin(&h, "fuzz targets: replay the seed corpus and the saved regressions");
    for (const struct fuzz_target *t = fuzz_targets; t->name != NULL; t++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/corpus/%s", FUZZ_DATA_DIR, t->name);
        STEP(&h, "replay %s", dir);
        long seeds = replay_dir(t, dir);
        EXPECT_TRUE(&h, "seed files found and read", seeds > 0);
        snprintf(dir, sizeof dir, "%s/regressions/%s", FUZZ_DATA_DIR, t->name);
        STEP(&h, "replay %s", dir);
        EXPECT_TRUE(&h, "regression files read", replay_dir(t, dir) >= 0);
    }
    return harness_end(&h);
}
