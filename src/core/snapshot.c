/*
 * Snapshot storage and the derived indexes. Records live in one growable
 * array per entity; the adjacency lists are built by counting sort in two
 * passes over the postings, so building every index is linear in the size
 * of the registry.
 */
#include "core/snapshot.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

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
        if (s->tables[k].mapped) {
            s->tables[k].rows = NULL;
            s->tables[k].by_key.slots = NULL;
        }
        free(s->tables[k].rows);
        idmap_release(&s->tables[k].by_key);
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

void snapshot_own(struct snapshot *s, enum entity_kind kind)
{
    struct record_table *t = &s->tables[kind];
    size_t size = ENTITIES[kind]->size, n_slots = t->by_key.mask + 1;
    void *rows;
    struct idmap_slot *slots;

    if (!t->mapped)
        return;
    rows = xmalloc_huge(t->n * size + 1);
    if (t->n)
        memcpy(rows, t->rows, t->n * size);
    t->rows = rows;
    t->alloc = t->n;
    if (t->by_key.slots) {
        slots = xmalloc_huge(n_slots * sizeof(*slots));
        memcpy(slots, t->by_key.slots, n_slots * sizeof(*slots));
        t->by_key.slots = slots;
    }
    t->mapped = 0;
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
    if (t->n + 1 > t->alloc)
        t->rows = xgrow(t->rows, ent->size, t->n + 1, &t->alloc);
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
    t->rows = xgrow(t->rows, ENTITIES[kind]->size, t->n + n, &t->alloc);
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

    if (s->indexed)
        return;
    release_indexes(s);
    build_adjacency(&s->postings_by_mission, snapshot_count(s, ENT_MISSION),
                    n_postings, s, posting_mission);
    build_adjacency(&s->postings_by_person, snapshot_count(s, ENT_PERSON),
                    n_postings, s, posting_person);
    build_adjacency(&s->dependents_by_posting, n_postings,
                    snapshot_count(s, ENT_DEPENDENT), s, dependent_posting);
    build_adjacency(&s->missions_by_sending, snapshot_count(s, ENT_STATE),
                    snapshot_count(s, ENT_MISSION), s, mission_sending);
    s->presence = presence_build(s);
    s->indexed = 1;
}

void snapshot_touch(struct snapshot *s)
{
    s->indexed = 0;
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

static int same_presence(const struct presence_index *a,
                         const struct presence_index *b, size_t n_missions)
{
    const uint32_t *start[2];
    const int32_t *arrivals[2], *stops[2];
    size_t n;

    presence_arrays(a, &start[0], &arrivals[0], &stops[0]);
    presence_arrays(b, &start[1], &arrivals[1], &stops[1]);
    n = start[0][n_missions];
    return !memcmp(start[0], start[1], (n_missions + 1) * sizeof(*start[0])) &&
           !memcmp(arrivals[0], arrivals[1], n * sizeof(*arrivals[0])) &&
           !memcmp(stops[0], stops[1], n * sizeof(*stops[0]));
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
    if (!differs && !same_presence(kept_presence, s->presence, groups[0]))
        differs = "presence";
    for (int j = 0; j < 4 && !mapped; j++)
        adjacency_release(&kept[j]);
    presence_free(kept_presence); /* only its handle when mapped */
    return differs;
}
