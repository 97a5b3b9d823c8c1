#ifndef SPONGE_TESTS_SENDER_EXPECT_H
#define SPONGE_TESTS_SENDER_EXPECT_H

/* A small trace-style driver for TCPSender tests. Sequence numbers in steps are relative to
 * the sender's ISN ("seqno isn+1"); the raw 32-bit values wrap as on the wire. Actions mirror
 * CS144's sender harness: writing, closing and an arriving ack each call fill_window after.
 * Segments stay queued in the sender until an expectation pops them, so a test controls
 * exactly when a payload view is made.
 *
 *     struct sender_test t;
 *     sender_test_begin(&t, "sender: three short writes");
 *     sender_test_start(&t, NULL);
 *     EXPECT_SEGMENT(&t, .syn = TRI_YES, .seqno = OPT_U64(0), .payload = PAYLOAD(""));
 *     ACK_ARRIVES(&t, 1, 1000);
 *     APP_WRITES(&t, "abc");
 *     EXPECT_SEGMENT(&t, .seqno = OPT_U64(1), .payload = PAYLOAD("abc"));
 *     return sender_test_end(&t);
 */

#include "harness.h"
#include "tcp/tcp_sender.h"
#include "util/rng.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What an expected segment must look like; unset fields are not checked. */
struct seg_expect {
    enum tri syn, fin, rst;
    struct opt_u64 seqno;       /* relative to the ISN */
    struct opt_u64 payload_len; /* implied by `payload` when that is set */
    struct byte_view payload;   /* checked when payload.data is not NULL */
};

/** An expected payload from a string literal or any bytes. */
#define PAYLOAD(text) ((struct byte_view){(const uint8_t *)(text), sizeof(text) - 1})
#define PAYLOAD_BYTES(ptr, len) ((struct byte_view){(const uint8_t *)(ptr), (len)})

struct sender_test {
    struct harness h;
    struct sponge_rng rng; /* seeded from harness_seed: use it for random ISNs, RTOs, data */
    struct tcp_config cfg;
    struct tcp_sender sender;
    bool started;
};

/** Begins a test case and seeds t->rng (the seed is printed; SPONGE_SEED replays it). */
void sender_test_begin(struct sender_test *t, const char *name);

/** Creates the sender from `cfg` (NULL: the defaults) and calls fill_window, as CS144's harness
 *  does. An unset ISN is drawn from t->rng, so failures replay with the printed seed. */
void sender_test_start(struct sender_test *t, const struct tcp_config *cfg);

/** Destroys the sender, so that sender_test_start can make a fresh one in the same case. */
void sender_test_stop(struct sender_test *t);

/** Destroys the sender (if any) and ends the test case (returns 0). */
int sender_test_end(struct sender_test *t);

/** The raw 32-bit seqno at `rel` past the ISN. */
struct wrap32 sender_test_seq(const struct sender_test *t, uint64_t rel);

/* Actions (each one step). They return what the sender returned. */
size_t sender_test_write(struct sender_test *t, const char *file, int line, const void *data, size_t len);
void sender_test_close(struct sender_test *t, const char *file, int line);
bool sender_test_ack(struct sender_test *t, const char *file, int line, uint64_t rel_ackno, uint64_t window);
void sender_test_tick(struct sender_test *t, const char *file, int line, uint64_t ms);
void sender_test_empty(struct sender_test *t, const char *file, int line, bool rst);

/* Expectations. */
void sender_expect_segment(struct sender_test *t, const char *file, int line, struct seg_expect e);
void sender_expect_no_segment(struct sender_test *t, const char *file, int line);
void sender_expect_state(struct sender_test *t, const char *file, int line, const char *state);

#define APP_WRITES(t, text) sender_test_write((t), __FILE__, __LINE__, (text), sizeof(text) - 1)
#define APP_WRITES_BYTES(t, ptr, len) sender_test_write((t), __FILE__, __LINE__, (ptr), (len))
#define APP_CLOSES(t) sender_test_close((t), __FILE__, __LINE__)
#define ACK_ARRIVES(t, rel_ackno, window) sender_test_ack((t), __FILE__, __LINE__, (rel_ackno), (window))
#define TIME_PASSES(t, ms) sender_test_tick((t), __FILE__, __LINE__, (ms))
#define EMPTY_SEGMENT_REQUESTED(t, rst) sender_test_empty((t), __FILE__, __LINE__, (rst))
#define EXPECT_SEGMENT(t, ...) sender_expect_segment((t), __FILE__, __LINE__, (struct seg_expect){__VA_ARGS__})
#define EXPECT_NO_SEGMENT(t) sender_expect_no_segment((t), __FILE__, __LINE__)
#define EXPECT_STATE(t, state) sender_expect_state((t), __FILE__, __LINE__, (state))
#define EXPECT_IN_FLIGHT(t, n) EXPECT_EQ(&(t)->h, "bytes in flight", (n), tcp_sender_bytes_in_flight(&(t)->sender))
#define EXPECT_NEXT_SEQNO(t, rel)                                                                                      \
    EXPECT_EQ(&(t)->h, "next seqno (raw)", sender_test_seq((t), (rel)).raw, tcp_sender_next_seqno(&(t)->sender).raw)
#define EXPECT_RETX(t, n)                                                                                              \
    EXPECT_EQ(&(t)->h, "consecutive retransmissions", (n), tcp_sender_consecutive_retransmissions(&(t)->sender))

#endif
