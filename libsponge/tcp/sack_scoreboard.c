#include "tcp/sack_scoreboard.h"

#include <assert.h>
#include <string.h>

void sack_scoreboard_init(struct sack_scoreboard *sb) {
    memset(sb, 0, sizeof *sb);
}

static void remove_at(struct sack_scoreboard *sb, size_t i) {
    memmove(&sb->left[i], &sb->left[i + 1], (sb->count - i - 1) * sizeof sb->left[0]);
    memmove(&sb->right[i], &sb->right[i + 1], (sb->count - i - 1) * sizeof sb->right[0]);
    sb->count--;
}

void sack_scoreboard_add(struct sack_scoreboard *sb, uint64_t left, uint64_t right) {
    assert(left < right);
    /* Absorb every range that overlaps or touches [left, right), then insert in order. */
    size_t i = 0;
    while (i < sb->count) {
        if (sb->right[i] >= left && sb->left[i] <= right) {
            left = sb->left[i] < left ? sb->left[i] : left;
            right = sb->right[i] > right ? sb->right[i] : right;
            remove_at(sb, i);
        } else {
            i++;
        }
    }
    size_t at = 0;
    while (at < sb->count && sb->left[at] < left) {
        at++;
    }
    if (sb->count == SACK_SCOREBOARD_RANGES) {
        if (at == sb->count) {
            return; /* the new range is the highest: it is the one forgotten */
        }
        sb->count--; /* forget the highest */
    }
    memmove(&sb->left[at + 1], &sb->left[at], (sb->count - at) * sizeof sb->left[0]);
    memmove(&sb->right[at + 1], &sb->right[at], (sb->count - at) * sizeof sb->right[0]);
    sb->left[at] = left;
    sb->right[at] = right;
    sb->count++;
}

void sack_scoreboard_ack(struct sack_scoreboard *sb, uint64_t ackno) {
    while (sb->count && sb->right[0] <= ackno) {
        remove_at(sb, 0);
    }
    if (sb->count && sb->left[0] < ackno) {
        sb->left[0] = ackno;
    }
}

bool sack_scoreboard_covers(const struct sack_scoreboard *sb, uint64_t left, uint64_t right) {
    for (size_t i = 0; i < sb->count; i++) {
        if (sb->left[i] <= left && right <= sb->right[i]) {
            return true;
        }
    }
    return false;
}

uint64_t sack_scoreboard_highest(const struct sack_scoreboard *sb) {
    return sb->count ? sb->right[sb->count - 1] : 0;
}

uint64_t sack_scoreboard_bytes(const struct sack_scoreboard *sb) {
    uint64_t bytes = 0;
    for (size_t i = 0; i < sb->count; i++) {
        bytes += sb->right[i] - sb->left[i];
    }
    return bytes;
}
