/* tcp_benchmark [--modern] [-n BYTES]: CPU-limited throughput of this TCP, two connections in
 * memory (docs/labs/units.md section 2). Moves 100 MiB (or BYTES) one way, then again with each round's segments
 * delivered in reverse order, and prints both rates. Lab configuration by default; --modern
 * measures the modern set (tcp_config_set_modern). -n makes a short run (under valgrind, say).
 * Exits non-zero if the data arrives wrong or a connection misbehaves. */

#include "../bench/tcp_transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TRANSFER_LEN (100u * 1024 * 1024)

static int usage(void) {
    fprintf(stderr, "usage: tcp_benchmark [--modern] [-n BYTES]\n");
    return 1;
}

int main(int argc, char **argv) {
    bool modern = false;
    unsigned long len = DEFAULT_TRANSFER_LEN;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--modern") == 0) {
            modern = true;
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            char *end;
            len = strtoul(argv[++i], &end, 10);
            if (*end != '\0' || len == 0 || len > DEFAULT_TRANSFER_LEN) {
                return usage();
            }
        } else {
            return usage();
        }
    }
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    tcp_config_set_modern(&cfg, modern);
    uint8_t *data = transfer_make_data(len);
    if (!data) {
        fprintf(stderr, "tcp_benchmark: out of memory\n");
        return 1;
    }
    static const char *const names[2] = {"tcp_benchmark", "tcp_benchmark_reorder"};
    for (int reorder = 0; reorder < 2; reorder++) {
        struct transfer_stats st;
        if (!tcp_transfer_with(data, len, reorder, &cfg, &st)) {
            free(data);
            return 1;
        }
        fprintf(stderr, "%s: %lu bytes in %.3f s: %llu rounds, %llu data segments, %llu segments back\n",
                names[reorder], len, st.seconds, (unsigned long long)st.rounds, (unsigned long long)st.segments,
                (unsigned long long)st.acks);
        printf("%s: %.2f Gbit/s\n", names[reorder], len * 8.0 / st.seconds / 1e9);
        fflush(stdout);
    }
    free(data);
    return 0;
}
