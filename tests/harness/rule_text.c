/* Rule text for failure reports: see rule_text.h. */
#include "rule_text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifndef SPONGE_SOURCE_DIR
#define SPONGE_SOURCE_DIR "."
#endif

enum { RULE_ID_MAX = 24, RULE_LINE_MAX = 1024 };

/* Finds the handout line "- **ID** text" and prints its text; false if not found. */
static bool print_text(FILE *out, const char *id) {
    unsigned lab = 0;
    if (sscanf(id, "L%u.", &lab) != 1) {
        return false;
    }
    const char *dir = getenv("SPONGE_SRC");
    char path[4096];
    snprintf(path, sizeof path, "%s/docs/labs/lab%u.md", dir && *dir ? dir : SPONGE_SOURCE_DIR, lab);
    FILE *f = fopen(path, "r");
    if (!f) {
        return false;
    }
    char prefix[RULE_ID_MAX + 8];
    snprintf(prefix, sizeof prefix, "- **%s** ", id);
    char line[RULE_LINE_MAX];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        if (strncmp(line, prefix, strlen(prefix)) == 0) {
            line[strcspn(line, "\n")] = '\0';
            fprintf(out, "  checks %s: %s\n", id, line + strlen(prefix));
            found = true;
        }
    }
    fclose(f);
    return found;
}

void rule_text_print(FILE *out, const char *test_name) {
    const char *open = test_name ? strrchr(test_name, '[') : NULL;
    if (!open || !strchr(open, ']')) {
        return;
    }
    const char *p = open + 1;
    while (*p && *p != ']') {
        size_t n = strcspn(p, " ]");
        if (n > 0 && n < RULE_ID_MAX) {
            char id[RULE_ID_MAX];
            memcpy(id, p, n);
            id[n] = '\0';
            if (!print_text(out, id)) {
                fprintf(out, "  checks %s: (text not found in docs/labs/)\n", id);
            }
        }
        p += n;
        p += strspn(p, " ");
    }
}
