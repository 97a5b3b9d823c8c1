/* tcp_benchmark [--modern]: CPU-limited throughput of this TCP, two connections in memory
 * (CONTRACT.md). Moves 100 MiB one way, then again with each round's segments delivered in
 * reverse order, and prints both rates. Lab configuration by default; --modern measures the
 * modern set (tcp_config_set_modern). Exits non-zero if the data arrives wrong or a
 * connection misbehaves. */

#include "../bench/tcp_transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRANSFER_LEN (100u * 1024 * 1024)

int main(int argc, char **argv) {
    bool modern = argc == 2 && strcmp(argv[1], "--modern") == 0;
    if (argc > 2 || (argc == 2 && !modern)) {
        fprintf(stderr, "usage: tcp_benchmark [--modern]\n");
        return 1;
    }
    struct tcp_config cfg;
    tcp_config_default(&cfg);
    tcp_config_set_modern(&cfg, modern);
    uint8_t *data = transfer_make_data(TRANSFER_LEN);
    if (!data) {
        fprintf(stderr, "tcp_benchmark: out of memory\n");
        return 1;
    }
    static const char *const names[2] = {"tcp_benchmark", "tcp_benchmark_reorder"};
    for (int reorder = 0; reorder < 2; reorder++) {
        struct transfer_stats st;
        if (!tcp_transfer_with(data, TRANSFER_LEN, reorder, &cfg, &st)) {
            free(data);
            return 1;
        }
        fprintf(stderr, "%s: %u bytes in %.3f s: %llu rounds, %llu data segments, %llu segments back\n", names[reorder],
                TRANSFER_LEN, st.seconds, (unsigned long long)st.rounds, (unsigned long long)st.segments,
                (unsigned long long)st.acks);
        printf("%s: %.2f Gbit/s\n", names[reorder], TRANSFER_LEN * 8.0 / st.seconds / 1e9);
        fflush(stdout);
    }
    free(data);
    return 0;
}
