#include "adapters/reassembly_config.h"

#include <stdlib.h>

struct ipv4_reassembler_config reassembly_config_from_env(void) {
    struct ipv4_reassembler_config cfg = ipv4_reassembler_default_config();
    const char *text = getenv("SPONGE_FRAG_TIMEOUT_MS");
    if (text != NULL && *text != '\0') {
        char *end = NULL;
        unsigned long long ms = strtoull(text, &end, 10);
        if (*end == '\0') {
            cfg.timeout_ms = ms;
        }
    }
    return cfg;
}
