#include "adapters/text_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *text_file_read(const char *path, size_t max, char *why, size_t why_len) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, why_len, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = malloc(max + 1);
    size_t n = text ? fread(text, 1, max + 1, f) : 0;
    int read_error = ferror(f) ? (errno ? errno : EIO) : 0;
    fclose(f);
    if (!text || read_error || n > max || memchr(text, '\0', n)) {
        char limit[48];
        snprintf(limit, sizeof limit, "larger than %zu bytes", max);
        snprintf(why, why_len, "cannot read %s: %s", path,
                 !text        ? "out of memory"
                 : read_error ? strerror(read_error)
                 : n > max    ? limit
                              : "not a text file (it holds a NUL byte)");
        free(text);
        return NULL;
    }
    text[n] = '\0';
    return text;
}
