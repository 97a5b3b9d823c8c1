#include "net/route_trie.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_ACTIONS 8
#define LOOKUP_CHUNK 32 /* addresses per lpm_table_lookup_batch call */

enum sponge_err route_trie_init(struct route_trie *t) {
    memset(t, 0, sizeof *t);
    t->actions = malloc(INITIAL_ACTIONS * sizeof *t->actions);
    t->action_index = calloc(2 * INITIAL_ACTIONS, sizeof *t->action_index);
    if (!t->actions || !t->action_index || lpm_table_init(&t->trie, 0) != SPONGE_OK) {
        route_trie_destroy(t);
        return SPONGE_ERR_NO_MEMORY;
    }
    t->cap_actions = INITIAL_ACTIONS;
    t->index_mask = 2 * INITIAL_ACTIONS - 1;
    return SPONGE_OK;
}

void route_trie_destroy(struct route_trie *t) {
    free(t->actions);
    free(t->action_index);
    lpm_table_destroy(&t->trie);
    memset(t, 0, sizeof *t);
}

/* Every field of the action reaches the low bits that index_mask keeps (splitmix64's
 * finalizer mixes each input bit into all output bits): a router may have a thousand gateways
 * on one interface, and a hash blind to the next hop would put all their actions in one probe
 * run, making each insertion cost as much as the gateways already known. Routes come from the
 * administrator, not from the network, so the hash needs no key. */
static size_t action_hash(const struct route_action *a) {
    uint64_t x = (uint64_t)a->interface_num << 33 ^ (uint64_t)a->has_next_hop << 32 ^ a->next_hop;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return (size_t)(x ^ (x >> 31));
}

static bool action_equal(const struct route_action *a, const struct route_action *b) {
    return a->has_next_hop == b->has_next_hop && a->next_hop == b->next_hop && a->interface_num == b->interface_num;
}

/* The hash slot holding `a`, or the empty slot where it would go. */
static size_t find_slot(const struct route_trie *t, const struct route_action *a) {
    size_t i = action_hash(a) & t->index_mask;
    while (t->action_index[i] && !action_equal(&t->actions[t->action_index[i] - 1], a)) {
        i = (i + 1) & t->index_mask;
    }
    return i;
}

/* Doubles the action array and its hash (kept at most half full). */
static enum sponge_err grow_actions(struct route_trie *t) {
    size_t cap = 2 * t->cap_actions;
    struct route_action *actions = realloc(t->actions, cap * sizeof *actions);
    if (!actions) {
        return SPONGE_ERR_NO_MEMORY;
    }
    t->actions = actions;
    uint32_t *index = calloc(2 * cap, sizeof *index);
    if (!index) {
        return SPONGE_ERR_NO_MEMORY; /* the larger array is harmless; capacity is unchanged */
    }
    free(t->action_index);
    t->action_index = index;
    t->index_mask = 2 * cap - 1;
    t->cap_actions = cap;
    for (size_t k = 0; k < t->nactions; k++) {
        t->action_index[find_slot(t, &t->actions[k])] = (uint32_t)(k + 1);
    }
    return SPONGE_OK;
}

enum sponge_err route_trie_add(struct route_trie *t, const struct route *r) {
    assert(r->prefix_length <= 32);
    struct route_action action = r->action;
    if (!action.has_next_hop) {
        action.next_hop = 0; /* so that equal actions compare equal */
    }
    size_t slot = find_slot(t, &action);
    bool is_new = t->action_index[slot] == 0;
    if (is_new) {
        if (t->nactions >= LPM_MAX_VALUE) {
            return SPONGE_ERR_INVALID_ARGUMENT;
        }
        if (t->nactions == t->cap_actions) {
            enum sponge_err err = grow_actions(t);
            if (err != SPONGE_OK) {
                return err;
            }
            slot = find_slot(t, &action);
        }
    }
    uint32_t index = is_new ? (uint32_t)t->nactions : t->action_index[slot] - 1;
    enum sponge_err err =
        lpm_table_insert(&t->trie, r->prefix & route_prefix_mask(r->prefix_length), r->prefix_length, index);
    if (err != SPONGE_OK) {
        return err;
    }
    if (is_new) {
        t->actions[t->nactions++] = action;
        t->action_index[slot] = index + 1;
    }
    return SPONGE_OK;
}

void route_trie_lookup_batch(const struct route_trie *t, const uint32_t *dsts, size_t n,
                             const struct route_action **routes) {
    uint32_t index[LOOKUP_CHUNK];
    for (size_t done = 0; done < n; done += LOOKUP_CHUNK) {
        size_t m = n - done < LOOKUP_CHUNK ? n - done : LOOKUP_CHUNK;
        lpm_table_lookup_batch(&t->trie, dsts + done, m, index);
        for (size_t i = 0; i < m; i++) {
            routes[done + i] = index[i] == LPM_NO_MATCH ? NULL : &t->actions[index[i]];
        }
    }
}

const struct route_action *route_trie_lookup(const struct route_trie *t, uint32_t dst) {
    uint32_t i = lpm_table_lookup(&t->trie, dst);
    return i == LPM_NO_MATCH ? NULL : &t->actions[i];
}
