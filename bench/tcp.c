/* tcp_bench: the tcp_benchmark figures for `make bench`: the reordered transfer on its own
 * line, then the plain one last, as `tcp: X Gbit/s`. */

#include "tcp_transfer.h"

#include <stdio.h>
#include <stdlib.h>

#define TRANSFER_LEN (100u * 1024 * 1024)

int main(void) {
    uint8_t *data = transfer_make_data(TRANSFER_LEN);
    if (!data) {
        fprintf(stderr, "tcp_bench: out of memory\n");
        return 1;
    }
    struct transfer_stats st[2];
    for (int reorder = 0; reorder < 2; reorder++) {
        if (!tcp_transfer(data, TRANSFER_LEN, reorder, &st[reorder])) {
            free(data);
            return 1;
        }
    }
    free(data);
    printf("tcp_reorder: %.2f Gbit/s\n", TRANSFER_LEN * 8.0 / st[1].seconds / 1e9);
    printf("tcp: %.2f Gbit/s\n", TRANSFER_LEN * 8.0 / st[0].seconds / 1e9);
    return 0;
}
