/*
 * String-keyed hash index. FNV-1a is enough here: keys are short ids that
 * the registry owner chooses, and the table stays at most half full. Removal
 * uses backward-shift deletion, so no tombstones accumulate.
 */
#include "base/idmap.h"

#include <stdlib.h>
#include <string.h>

#include "base/status.h"
#include "base/xalloc.h"

static uint32_t hash_key(const char *s)
{
    uint32_t h = 2166136261u;

    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    /* FNV-1a's low bits depend only on the low bits of each byte, and ids
     * like PER0001234 differ in little else; the table is indexed by the
     * low bits, so a finalizer (MurmurHash3's fmix32) spreads every bit
     * down into them. */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

void idmap_init(struct idmap *m)
{
    m->slots = NULL;
    m->mask = 0;
    m->count = 0;
}

void idmap_release(struct idmap *m)
{
    free(m->slots);
    idmap_init(m);
}

static void rehash(struct idmap *m, size_t n_slots)
{
    struct idmap_slot *old = m->slots;
    size_t old_n = old ? m->mask + 1 : 0;

    m->slots = xcalloc_huge(n_slots, sizeof(*m->slots));
    m->mask = n_slots - 1;
    for (size_t i = 0; i < old_n; i++) {
        size_t j;

        if (!old[i].key)
            continue;
        for (j = old[i].hash & m->mask; m->slots[j].key; j = (j + 1) & m->mask)
            ;
        m->slots[j] = old[i];
    }
    free(old);
}

void idmap_reserve(struct idmap *m, size_t n)
{
    size_t want = 16;

    while (want < 2 * n)
        want *= 2;
    if (!m->slots || want > m->mask + 1)
        rehash(m, want);
}

uint32_t idmap_get(const struct idmap *m, const char *key)
{
    uint32_t h;

    if (!m->slots)
        return IDMAP_NONE;
    h = hash_key(key);
    for (size_t j = h & m->mask; m->slots[j].key; j = (j + 1) & m->mask) {
        if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key))
            return m->slots[j].value;
    }
    return IDMAP_NONE;
}

uint32_t idmap_put(struct idmap *m, const char *key, uint32_t value)
{
    uint32_t h = hash_key(key);
    size_t j;

    if (!m->slots || 2 * (m->count + 1) > m->mask + 1)
        idmap_reserve(m, m->count + 1);
    for (j = h & m->mask; m->slots[j].key; j = (j + 1) & m->mask) {
        if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key))
            return m->slots[j].value;
    }
    m->slots[j].key = key;
    m->slots[j].hash = h;
    m->slots[j].value = value;
    m->count++;
    return value;
}

void idmap_remove(struct idmap *m, const char *key)
{
    uint32_t h;
    size_t j, k;

    if (!m->slots)
        return;
    h = hash_key(key);
    for (j = h & m->mask; m->slots[j].key; j = (j + 1) & m->mask) {
        if (m->slots[j].hash == h && !strcmp(m->slots[j].key, key))
            break;
    }
    if (!m->slots[j].key)
        return;
    /* Backward-shift: move later members of the run into the hole. */
    for (k = (j + 1) & m->mask; m->slots[k].key; k = (k + 1) & m->mask) {
        size_t home = m->slots[k].hash & m->mask;

        if (((k - home) & m->mask) >= ((k - j) & m->mask)) {
            m->slots[j] = m->slots[k];
            j = k;
        }
    }
    m->slots[j].key = NULL;
    m->count--;
}
