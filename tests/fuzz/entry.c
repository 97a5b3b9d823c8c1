/* libFuzzer entry point for one target, chosen at compile time (etc/fuzz.cmake builds this
 * file once per target with -DFUZZ_TARGET=fuzz_NAME). */
#include "targets/fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return FUZZ_TARGET(data, size);
}
