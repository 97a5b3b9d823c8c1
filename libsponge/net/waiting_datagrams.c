#include "net/waiting_datagrams.h"

#include <assert.h>
#include <stdlib.h>

enum sponge_err waiting_datagrams_init(struct waiting_datagrams *w, size_t capacity, size_t max_len) {
    assert(capacity > 0);
    w->order = calloc(capacity, sizeof *w->order);
    w->next_hop = calloc(capacity, sizeof *w->next_hop);
    w->header = calloc(capacity, sizeof *w->header);
    w->len = calloc(capacity, sizeof *w->len);
    w->bytes = malloc(capacity * max_len);
    w->capacity = capacity;
    w->max_len = max_len;
    w->count = 0;
    if (!w->order || !w->next_hop || !w->header || !w->len || !w->bytes) {
        waiting_datagrams_destroy(w);
        return SPONGE_ERR_NO_MEMORY;
    }
    for (size_t i = 0; i < capacity; i++) {
        w->order[i] = i;
    }
    return SPONGE_OK;
}

void waiting_datagrams_destroy(struct waiting_datagrams *w) {
    free(w->order);
    free(w->next_hop);
    free(w->header);
    free(w->len);
    free(w->bytes);
    w->order = NULL;
    w->next_hop = NULL;
    w->header = NULL;
    w->len = NULL;
    w->bytes = NULL;
    w->count = 0;
}

bool waiting_datagrams_push(struct waiting_datagrams *w, const struct ipv4_datagram *d, uint32_t next_hop) {
    size_t len = ipv4_datagram_len(d);
    if (w->count == w->capacity || len > w->max_len) {
        return false;
    }
    size_t slot = w->order[w->count++];
    enum sponge_err err = ipv4_datagram_serialize(d, w->bytes + slot * w->max_len, w->max_len);
    assert(err == SPONGE_OK);
    (void)err;
    w->next_hop[slot] = next_hop;
    w->header[slot] = d->header;
    w->len[slot] = len;
    return true;
}

bool waiting_datagrams_take(struct waiting_datagrams *w, uint32_t next_hop, struct ipv4_datagram *d,
                            struct byte_view *bytes) {
    size_t i = 0;
    while (i < w->count && w->next_hop[w->order[i]] != next_hop) {
        i++;
    }
    if (i == w->count) {
        return false;
    }
    /* The slot moves to the free end; its bytes stay as they are until a push reuses it. */
    size_t slot = w->order[i];
    for (; i + 1 < w->count; i++) {
        w->order[i] = w->order[i + 1];
    }
    w->order[--w->count] = slot;
    const uint8_t *start = w->bytes + slot * w->max_len;
    size_t header_len = (size_t)w->header[slot].ihl * 4;
    d->header = w->header[slot];
    d->payload = start + header_len;
    d->payload_len = w->len[slot] - header_len;
    if (bytes) {
        bytes->data = start;
        bytes->len = w->len[slot];
    }
    return true;
}

size_t waiting_datagrams_count(const struct waiting_datagrams *w) {
    return w->count;
}
