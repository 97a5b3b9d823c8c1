#ifndef SPONGE_TCP_SACK_SCOREBOARD_H
#define SPONGE_TCP_SACK_SCOREBOARD_H

/* The sender's SACK scoreboard (RFC 6675 section 3): which sequence ranges past the
 * cumulative ACK the peer has reported holding. A fixed array of disjoint ranges in seqno
 * order, so a peer cannot make it grow: when full, the highest range is forgotten (the data
 * is then merely retransmitted when it need not be). Absolute seqnos. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SACK_SCOREBOARD_RANGES 32

struct sack_scoreboard {
    /* private */
    size_t count;
    uint64_t left[SACK_SCOREBOARD_RANGES];
    uint64_t right[SACK_SCOREBOARD_RANGES];
};

/** Empty. */
void sack_scoreboard_init(struct sack_scoreboard *sb);

/** Records that [left, right) (left < right) was received, merging with touching ranges. */
void sack_scoreboard_add(struct sack_scoreboard *sb, uint64_t left, uint64_t right);

/** Forgets everything below `ackno` (cumulatively acknowledged). */
void sack_scoreboard_ack(struct sack_scoreboard *sb, uint64_t ackno);

/** True if [left, right) lies entirely in one recorded range. */
bool sack_scoreboard_covers(const struct sack_scoreboard *sb, uint64_t left, uint64_t right);

/** The bytes the recorded ranges cover together. */
uint64_t sack_scoreboard_bytes(const struct sack_scoreboard *sb);

/** The right edge of the highest recorded range (0 when empty). */
uint64_t sack_scoreboard_highest(const struct sack_scoreboard *sb);

#endif
