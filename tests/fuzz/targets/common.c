#include "fuzz_targets.h"

#include <stdio.h>
#include <stdlib.h>

const struct fuzz_target fuzz_targets[] = {
    {"parsers", fuzz_parsers},
    {"tcp_parse", fuzz_tcp_parse},
    {"reassembler", fuzz_reassembler},
    {"tcp_connection", fuzz_tcp_connection},
    {"tcp_pair", fuzz_tcp_pair},
    {"network_interface", fuzz_network_interface},
    {"router", fuzz_router},
    {"ipv4_reassembler", fuzz_ipv4_reassembler},
    {"icmp", fuzz_icmp},
    {NULL, NULL},
};

void fuzz_fail(const char *what, const char *file, int line) {
    fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", what, file, line);
    abort();
}
