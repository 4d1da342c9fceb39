/*
 * A hash index from string keys to 32-bit record numbers: open addressing
 * with linear probing over a power-of-two table kept at most half full. Keys
 * are borrowed (they live in a snapshot's arena), so the map stores only a
 * pointer, a hash and a value per slot.
 */
#ifndef BASE_IDMAP_H
#define BASE_IDMAP_H

#include <stddef.h>
#include <stdint.h>

#define IDMAP_NONE UINT32_MAX

struct idmap_slot {
    const char *key;
    uint32_t hash;
    uint32_t value;
};

struct idmap {
    struct idmap_slot *slots;
    size_t mask; /* number of slots - 1 */
    size_t count;
};

void idmap_init(struct idmap *m);
void idmap_release(struct idmap *m);
/* Sizes the table for n keys in all, so that loading them never rehashes. */
void idmap_reserve(struct idmap *m, size_t n);
/* The value stored for key, or IDMAP_NONE. */
uint32_t idmap_get(const struct idmap *m, const char *key);
/* Stores key -> value unless key is present; returns the value now stored
 * (so a return other than value means a duplicate key). key is borrowed. */
uint32_t idmap_put(struct idmap *m, const char *key, uint32_t value);
/* Removes key if present. */
void idmap_remove(struct idmap *m, const char *key);

#endif
