#include "net/frame_queue.h"

#include <assert.h>
#include <stdlib.h>

enum sponge_err frame_queue_init(struct frame_queue *q, size_t capacity, size_t slot_len) {
    assert(capacity > 0);
    q->bytes = malloc(capacity * slot_len);
    q->len = calloc(capacity, sizeof *q->len);
    q->capacity = capacity;
    q->slot_len = slot_len;
    q->head = q->count = 0;
    if (!q->bytes || !q->len) {
        frame_queue_destroy(q);
        return SPONGE_ERR_NO_MEMORY;
    }
    return SPONGE_OK;
}

void frame_queue_destroy(struct frame_queue *q) {
    free(q->bytes);
    free(q->len);
    q->bytes = NULL;
    q->len = NULL;
    q->count = 0;
}

static size_t tail(const struct frame_queue *q) {
    return (q->head + q->count) % q->capacity;
}

uint8_t *frame_queue_slot(struct frame_queue *q) {
    return q->count == q->capacity ? NULL : q->bytes + tail(q) * q->slot_len;
}

void frame_queue_commit(struct frame_queue *q, size_t len) {
    assert(q->count < q->capacity && len <= q->slot_len);
    q->len[tail(q)] = len;
    q->count++;
}

bool frame_queue_pop(struct frame_queue *q, struct byte_view *frame) {
    if (q->count == 0) {
        return false;
    }
    frame->data = q->bytes + q->head * q->slot_len;
    frame->len = q->len[q->head];
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    return true;
}

size_t frame_queue_count(const struct frame_queue *q) {
    return q->count;
}
