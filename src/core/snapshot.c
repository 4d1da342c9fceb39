/*
 * Snapshot storage and the derived indexes. Records live in one growable
 * array per entity; the adjacency lists are built by counting sort in two
 * passes over the postings, so building every index is linear in the size
 * of the registry.
 */
#define _GNU_SOURCE /* mremap, to move mapped rows rather than copy them */
#include "core/snapshot.h"

#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "core/presence.h"

void snapshot_init(struct snapshot *s)
{
    memset(s, 0, sizeof(*s));
    arena_init(&s->strings);
    for (int k = 0; k < ENT__COUNT; k++)
        idmap_init(&s->tables[k].by_key);
}

static void adjacency_release(struct adjacency *a)
{
    free(a->start);
    free(a->items);
    a->start = a->items = NULL;
}

static void release_indexes(struct snapshot *s)
{
    s->mission_postings = NULL;
    if (s->indexes_mapped) {
        struct adjacency none = { NULL, NULL };

        s->postings_by_mission = s->postings_by_person = none;
        s->dependents_by_posting = s->missions_by_sending = none;
        s->indexes_mapped = 0;
    }
    adjacency_release(&s->postings_by_mission);
    adjacency_release(&s->postings_by_person);
    adjacency_release(&s->dependents_by_posting);
    adjacency_release(&s->missions_by_sending);
    presence_free(s->presence);
    s->presence = NULL;
    s->indexed = 0;
}

void snapshot_release(struct snapshot *s)
{
    release_indexes(s);
    for (int k = 0; k < ENT__COUNT; k++) {
        struct record_table *t = &s->tables[k];

        if (t->mapped || t->slots_mapped)
            t->by_key.slots = NULL;
        if (t->rows_map)
            munmap(t->rows_map, t->rows_map_size);
        if (t->mapped || t->rows_map)
            t->rows = NULL;
        free(t->rows);
        idmap_release(&t->by_key);
    }
    arena_release(&s->strings);
    if (s->map && s->unmap)
        s->unmap(s->map, s->map_size);
    else if (s->map)
        munmap(s->map, s->map_size);
    s->map = NULL;
    s->unmap = NULL;
}

void *snapshot_row(const struct snapshot *s, enum entity_kind kind, uint32_t i)
{
    return (char *)s->tables[kind].rows + (size_t)i * ENTITIES[kind]->size;
}

/* Moves the n bytes at rows (inside the image's private mapping) to a
 * new anonymous mapping of at least size bytes, at the same offset in a
 * page: the pages the rows fill whole are remapped, the partial ones at
 * either end copied. Returns the rows' new address, or NULL (nothing
 * moved) when the system refuses. OUT: *map, *map_size. */
static void *move_rows(void *rows, size_t n, size_t size, void **map,
                       size_t *map_size)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t at = (uintptr_t)rows, off = at % page;
    uintptr_t first = (at + page - 1) / page * page,
              last = (at + n) / page * page;
    char *region, *dst;

    *map_size = (off + size + page - 1) / page * page;
    region = mmap(NULL, *map_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        return NULL;
    dst = region + off;
    if (last <= first) {
        memcpy(dst, rows, n);
    } else {
        /* A large image is mapped with no access until a page is touched,
         * when store/image_lazy.c checks its block and opens it: touch each
         * page first, so that none moves unchecked (or unreadable) out of
         * the range the checker watches. */
        for (uintptr_t p = first; p < last; p += page)
            (void)*(volatile const char *)p;
        memcpy(dst, rows, first - at);
        memcpy(dst + (last - at), (char *)last, at + n - last);
        /* The pages move, but their old range stays mapped
         * (MREMAP_DONTUNMAP): a hole there would be filled by the next
         * mapping anyone makes (malloc's, a sanitizer's), which the image's
         * munmap at release would then take away from under its owner. A
         * kernel without it (before 5.13, for a file's mapping) copies. */
        if (mremap((void *)first, last - first, last - first,
                   MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP,
                   dst + (first - at)) == MAP_FAILED)
            memcpy(dst + (first - at), (char *)first, last - first);
    }
    *map = region;
    return dst;
}

void snapshot_own(struct snapshot *s, enum entity_kind kind)
{
    struct record_table *t = &s->tables[kind];
    size_t size = ENTITIES[kind]->size, alloc = t->n + t->n / 8 + 64;
    void *rows;

    if (kind == ENT_POSTING || kind == ENT_MISSION)
        s->mission_postings = NULL;
    if (!t->mapped)
        return;
    rows = move_rows(t->rows, t->n * size, alloc * size, &t->rows_map,
                     &t->rows_map_size);
    if (!rows) {
        alloc = t->n;
        rows = xmalloc_huge(t->n * size + 1);
        if (t->n)
            memcpy(rows, t->rows, t->n * size);
    }
    t->rows = rows;
    t->alloc = alloc;
    t->slots_mapped = t->by_key.slots != NULL;
    t->mapped = 0;
}

/* Gives a table's key index slots of its own before it grows. */
static void own_slots(struct record_table *t)
{
    size_t n_slots = t->by_key.mask + 1;
    struct idmap_slot *slots;

    if (!t->slots_mapped)
        return;
    slots = xmalloc_huge(n_slots * sizeof(*slots));
    memcpy(slots, t->by_key.slots, n_slots * sizeof(*slots));
    t->by_key.slots = slots;
    t->slots_mapped = 0;
}

/* Makes room for need rows in all; rows move only when the table grows
 * past its room. */
static void grow_rows(struct record_table *t, size_t size, size_t need)
{
    void *rows;

    if (need <= t->alloc)
        return;
    if (!t->rows_map) {
        t->rows = xgrow(t->rows, size, need, &t->alloc);
        return;
    }
    rows = xmalloc_huge(need * size + 1);
    memcpy(rows, t->rows, t->n * size);
    munmap(t->rows_map, t->rows_map_size);
    t->rows_map = NULL;
    t->rows = rows;
    t->alloc = need;
}

enum status snapshot_add(struct snapshot *s, enum entity_kind kind,
                         const void *rec, uint32_t *index, struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    struct record_table *t = &s->tables[kind];
    char buf[256];
    const char *key;
    void *row;

    if (t->n >= IDMAP_NONE - 1)
        return err_set(e, ST_INVALID, "too many %s records", ent->name);
    snapshot_own(s, kind);
    /* Rows move only when the table grows: an import writes the rows read
     * so far while it appends more (store/feed.c). */
    grow_rows(t, ent->size, t->n + 1);
    if (2 * (t->by_key.count + 1) > t->by_key.mask + 1)
        own_slots(t); /* idmap_put is about to grow it */
    row = (char *)t->rows + t->n * ent->size;
    memcpy(row, rec, ent->size);
    key = record_key(s, ent, row, buf, sizeof(buf));
    if (key == buf || ent->fields[0].type == FT_CODE)
        key = arena_strdup(&s->strings, key); /* not inside the moving rows */
    if (idmap_put(&t->by_key, key, (uint32_t)t->n) != t->n)
        return err_set(e, ST_INVALID, "duplicate %s '%s'", ent->name, key);
    if (index)
        *index = (uint32_t)t->n;
    t->n++;
    /* The derived indexes count these records (and group by the first
     * three); policies, visas and the rest do not enter them. */
    if (kind == ENT_POSTING || kind == ENT_DEPENDENT || kind == ENT_MISSION ||
        kind == ENT_PERSON || kind == ENT_STATE)
        s->indexed = 0;
    return ST_OK;
}

size_t snapshot_capacity(const struct snapshot *s, enum entity_kind kind)
{
    return s->tables[kind].alloc;
}

void snapshot_reserve(struct snapshot *s, enum entity_kind kind, size_t n)
{
    struct record_table *t = &s->tables[kind];

    snapshot_own(s, kind);
    grow_rows(t, ENTITIES[kind]->size, t->n + n);
    own_slots(t);
    idmap_reserve(&t->by_key, t->n + n);
}

uint32_t snapshot_find(const struct snapshot *s, enum entity_kind kind,
                       const char *key)
{
    return idmap_get(&s->tables[kind].by_key, key);
}

/* Builds the adjacency list grouping n_items items into n_groups by
 * group_of(item); items whose group is IDMAP_NONE are left out. */
static void build_adjacency(struct adjacency *a, size_t n_groups,
                            size_t n_items, const struct snapshot *s,
                            uint32_t (*group_of)(const struct snapshot *,
                                                 uint32_t))
{
    uint32_t *fill;

    a->start = xcalloc_huge(n_groups + 1, sizeof(*a->start));
    for (uint32_t i = 0; i < n_items; i++) {
        uint32_t g = group_of(s, i);

        if (g != IDMAP_NONE)
            a->start[g + 1]++;
    }
    for (size_t g = 0; g < n_groups; g++)
        a->start[g + 1] += a->start[g];
    a->items = xmalloc_huge((a->start[n_groups] + 1) * sizeof(*a->items));
    fill = xmalloc_huge((n_groups + 1) * sizeof(*fill));
    memcpy(fill, a->start, (n_groups + 1) * sizeof(*fill));
    for (uint32_t i = 0; i < n_items; i++) {
        uint32_t g = group_of(s, i);

        if (g != IDMAP_NONE)
            a->items[fill[g]++] = i;
    }
    free(fill);
}

static uint32_t posting_mission(const struct snapshot *s, uint32_t i)
{
    return snap_posting(s, i)->mission;
}

static uint32_t posting_person(const struct snapshot *s, uint32_t i)
{
    return snap_posting(s, i)->person;
}

static uint32_t dependent_posting(const struct snapshot *s, uint32_t i)
{
    return snap_dependent(s, i)->posting;
}

static uint32_t mission_sending(const struct snapshot *s, uint32_t i)
{
    return snapshot_find(s, ENT_STATE, snap_mission(s, i)->sending);
}

struct mission_list snapshot_missions_sent(const struct snapshot *s,
                                           const char *state)
{
    struct mission_list l = { NULL, snapshot_count(s, ENT_MISSION) };
    uint32_t g;

    if (!state)
        return l;
    g = snapshot_find(s, ENT_STATE, state);
    if (g == IDMAP_NONE) {
        l.n = 0;
        return l;
    }
    l.items = s->missions_by_sending.items + s->missions_by_sending.start[g];
    l.n = s->missions_by_sending.start[g + 1] - s->missions_by_sending.start[g];
    return l;
}

void snapshot_index(struct snapshot *s)
{
    size_t n_postings = snapshot_count(s, ENT_POSTING);
    /* Kept unless a posting or mission changed (which drops it): the
     * rebuilt postings by mission are then those it follows. */
    struct posting *by_mission = s->mission_postings;
    const uint32_t *at = s->mission_postings_at;

    if (s->indexed)
        return;
    release_indexes(s);
    s->mission_postings = by_mission;
    s->mission_postings_at = at;
    build_adjacency(&s->postings_by_mission, snapshot_count(s, ENT_MISSION),
                    n_postings, s, posting_mission);
    build_adjacency(&s->postings_by_person, snapshot_count(s, ENT_PERSON),
                    n_postings, s, posting_person);
    build_adjacency(&s->dependents_by_posting, n_postings,
                    snapshot_count(s, ENT_DEPENDENT), s, dependent_posting);
    build_adjacency(&s->missions_by_sending, snapshot_count(s, ENT_STATE),
                    snapshot_count(s, ENT_MISSION), s, mission_sending);
    s->presence = presence_build(s);
    for (int k = 0; k < ENT__COUNT; k++)
        s->n_indexed[k] = snapshot_count(s, k);
    s->indexed = 1;
}

/* A copy of an adjacency list of n_groups groups, in memory of its own. */
static void adjacency_copy(struct adjacency *a, size_t n_groups)
{
    uint32_t *start = xmalloc_huge((n_groups + 1) * sizeof(*start));
    uint32_t *items;
    size_t n;

    memcpy(start, a->start, (n_groups + 1) * sizeof(*start));
    n = start[n_groups];
    items = xmalloc_huge((n + 1) * sizeof(*items));
    memcpy(items, a->items, n * sizeof(*items));
    a->start = start;
    a->items = items;
}

void snapshot_own_indexes(struct snapshot *s)
{
    if (!s->indexes_mapped)
        return;
    adjacency_copy(&s->postings_by_mission, s->n_indexed[ENT_MISSION]);
    adjacency_copy(&s->postings_by_person, s->n_indexed[ENT_PERSON]);
    adjacency_copy(&s->dependents_by_posting, s->n_indexed[ENT_POSTING]);
    adjacency_copy(&s->missions_by_sending, s->n_indexed[ENT_STATE]);
    s->indexes_mapped = 0;
}

void snapshot_unclustered(struct snapshot *s)
{
    s->mission_postings = NULL;
}

uint32_t adj_place(const struct adjacency *a, uint32_t g, uint32_t item)
{
    uint32_t lo = a->start[g], hi = a->start[g + 1];

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (a->items[mid] < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void snapshot_posting_written(struct snapshot *s, uint32_t ti,
                              uint32_t was_mission)
{
    const struct adjacency *a = &s->postings_by_mission;
    const struct posting *t = snap_posting(s, ti);
    uint32_t m = t->mission, at;

    if (!s->mission_postings)
        return;
    if (m != was_mission || m >= s->n_indexed[ENT_MISSION] ||
        ti >= s->n_indexed[ENT_POSTING] || !a->start) {
        s->mission_postings = NULL;
        return;
    }
    at = adj_place(a, m, ti);
    if (at == a->start[m + 1] || a->items[at] != ti) {
        s->mission_postings = NULL;
        return;
    }
    s->mission_postings[s->mission_postings_at[m] + (at - a->start[m])] = *t;
}

void snapshot_touch(struct snapshot *s)
{
    s->indexed = 0;
    s->mission_postings = NULL;
}

void snapshot_touch_kind(struct snapshot *s, enum entity_kind kind)
{
    if (kind == ENT_POSTING || kind == ENT_DEPENDENT || kind == ENT_MISSION)
        s->indexed = 0;
}

static int same_adjacency(const struct adjacency *a, const struct adjacency *b,
                          size_t groups)
{
    return !memcmp(a->start, b->start, (groups + 1) * sizeof(*a->start)) &&
           !memcmp(a->items, b->items, a->start[groups] * sizeof(*a->items));
}

const char *snapshot_index_stale(struct snapshot *s)
{
    static const char *const names[4] = { "postings by mission",
                                          "postings by person",
                                          "dependents by posting",
                                          "missions by sending state" };
    struct adjacency *now[4] = { &s->postings_by_mission,
                                 &s->postings_by_person,
                                 &s->dependents_by_posting,
                                 &s->missions_by_sending };
    size_t groups[4] = { snapshot_count(s, ENT_MISSION),
                         snapshot_count(s, ENT_PERSON),
                         snapshot_count(s, ENT_POSTING),
                         snapshot_count(s, ENT_STATE) };
    struct adjacency kept[4], none = { NULL, NULL };
    struct presence_index *kept_presence = s->presence;
    int mapped = s->indexes_mapped;
    const char *differs = NULL;

    if (!s->indexed) {
        snapshot_index(s);
        return NULL;
    }
    for (int j = 0; j < 4; j++) {
        kept[j] = *now[j];
        *now[j] = none;
    }
    s->presence = NULL;
    s->indexes_mapped = 0;
    s->indexed = 0;
    snapshot_index(s);
    for (int j = 0; j < 4 && !differs; j++)
        if (!same_adjacency(&kept[j], now[j], groups[j]))
            differs = names[j];
    if (!differs && !presence_equal(kept_presence, s->presence))
        differs = "presence";
    for (int j = 0; j < 4 && !mapped; j++)
        adjacency_release(&kept[j]);
    presence_free(kept_presence); /* only its handle when mapped */
    return differs;
}
