#ifndef SPONGE_NET_FRAME_QUEUE_H
#define SPONGE_NET_FRAME_QUEUE_H

/* A bounded first-in first-out queue of frames (given code, the NetworkInterface's frames_out):
 * `capacity` slots of `slot_len` bytes, allocated once. A frame is written straight into the
 * next free slot (frame_queue_slot), then queued (frame_queue_commit); a full queue refuses. */

#include "util/byte_view.h"
#include "util/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct frame_queue {
    /* private */
    uint8_t *bytes; /* capacity slots of slot_len bytes */
    size_t *len;    /* each slot's frame length */
    size_t capacity, slot_len, head, count;
};

/** Allocates `capacity` (> 0) slots of `slot_len` bytes. SPONGE_OK or SPONGE_ERR_NO_MEMORY. */
enum sponge_err frame_queue_init(struct frame_queue *q, size_t capacity, size_t slot_len);
void frame_queue_destroy(struct frame_queue *q);

/** The next free slot (slot_len bytes to write the frame into), or NULL if the queue is full. */
uint8_t *frame_queue_slot(struct frame_queue *q);

/** Queues the frame written into the slot frame_queue_slot returned: its first `len` bytes. */
void frame_queue_commit(struct frame_queue *q, size_t len);

/** Pops the oldest frame into *frame; false if there is none. The view stays valid until a
 *  frame is written into the queue again. */
bool frame_queue_pop(struct frame_queue *q, struct byte_view *frame);

/** Frames queued. */
size_t frame_queue_count(const struct frame_queue *q);

#endif
