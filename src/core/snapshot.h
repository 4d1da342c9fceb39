/*
 * The snapshot: the whole registry in memory, as arrays of records (one per
 * entity) with a hash index by key, plus derived indexes built in one pass by
 * snapshot_index(): postings by mission and by person, dependents by
 * posting, and the presence index (core/presence.h). Every read command
 * loads one and computes on it; nothing here runs SQL, so a registry of a
 * million postings answers in milliseconds.
 *
 * Records are appended and may be updated in place but are never removed:
 * an older state of the registry is rebuilt by the store, not edited here.
 */
#ifndef CORE_SNAPSHOT_H
#define CORE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/idmap.h"
#include "core/entity.h"
#include "core/model.h"

struct record_table {
    void *rows; /* n records of the entity's size */
    size_t n;
    size_t alloc;
    struct idmap by_key;
    /* rows and by_key's slots lie in the snapshot's mapped image (not to be
     * freed); the first change of the table copies them (snapshot_own). */
    int mapped;
    /* After snapshot_own: by_key's slots still lie in the image (written
     * in place until the index grows); rows lie in a mapping of their own
     * of rows_map_size bytes at rows_map (NULL: malloc'd). */
    int slots_mapped;
    void *rows_map;
    size_t rows_map_size;
};

/* A compressed adjacency list: the members of group g are
 * items[start[g]] .. items[start[g + 1] - 1]. */
struct adjacency {
    uint32_t *start;
    uint32_t *items;
};

/* The place in a's items where item is, or would go, among group g's
 * (whose items are in ascending order, as snapshot_index builds them). */
uint32_t adj_place(const struct adjacency *a, uint32_t g, uint32_t item);

struct snapshot {
    struct arena strings;
    struct record_table tables[ENT__COUNT];
    int indexed; /* the derived indexes below match the records */
    /* How many records of each kind the derived indexes cover: those
     * appended since are not in them yet (core/apply.h brings them in). */
    size_t n_indexed[ENT__COUNT];
    struct adjacency postings_by_mission;
    struct adjacency postings_by_person;
    struct adjacency dependents_by_posting;
    struct adjacency missions_by_sending; /* grouped by state index */
    struct presence_index *presence;
    /* The derived indexes above lie in the mapped image (not to be freed):
     * the image keeps them, so a load maps them instead of building them. */
    int indexes_mapped;
    /* The posting rows grouped by mission, when the image holds them
     * (store/image_write.c): the postings of mission m, in
     * postings_by_mission's order, are copied at mission_postings
     * [mission_postings_at[m]] on, the missions by sending state and host,
     * so that a mission's or a pair's postings lie together. NULL when
     * none. A posting changed in place on its mission is copied again
     * (snapshot_posting_written); one that changes mission, or a posting
     * or mission appended, drops the copies (snapshot_unclustered). Read
     * them through MISSION_POSTINGS_FOR_EACH. */
    struct posting *mission_postings;
    const uint32_t *mission_postings_at;
    /* The image the records lie in when they were mapped from one
     * (store/cache.c); snapshot_release unmaps it with unmap (munmap when
     * NULL), which also forgets what the image's loader kept of it. */
    void *map;
    size_t map_size;
    void (*unmap)(void *map, size_t size);
    /* notify_next_id's memo (rules/notify.c): the highest number of an
     * "N" id among the first nid_scanned notifications. Rows keep their
     * ids and are only appended, so it reads only the rows added since. */
    size_t nid_scanned;
    unsigned long nid_max;
};

/* A list of mission indexes: items[0..n), or when items is NULL every
 * mission 0..n-1. */
struct mission_list {
    const uint32_t *items;
    size_t n;
};

void snapshot_init(struct snapshot *s);
void snapshot_release(struct snapshot *s);

/* Appends a copy of rec (its strings must already be in s's arena or be
 * static) and indexes its key; ST_INVALID "duplicate ..." if the key is
 * taken. The derived indexes go stale when rec is a record they count
 * (a posting, dependent, mission, person or state). OUT: *index, the new
 * record's index (may be NULL). */
enum status snapshot_add(struct snapshot *s, enum entity_kind kind,
                         const void *rec, uint32_t *index, struct err *e);
/* Gives a table mapped from an image memory of its own, with room to
 * grow, before it grows (snapshot_add and snapshot_reserve do so). Its
 * rows are moved, not copied: the whole pages they fill are remapped
 * (mremap) into a larger mapping, so that appending to a million rows
 * costs what appending to a few does; its key index stays in the image,
 * written in place (the mapping is private), until it must grow. */
void snapshot_own(struct snapshot *s, enum entity_kind kind);
/* Makes room for n more records of kind, so that loading them never grows
 * the arrays or rehashes the index. */
void snapshot_reserve(struct snapshot *s, enum entity_kind kind, size_t n);
/* How many records of kind fit before the table grows, moving its rows. */
size_t snapshot_capacity(const struct snapshot *s, enum entity_kind kind);
/* The index of the record with key, or IDMAP_NONE. */
uint32_t snapshot_find(const struct snapshot *s, enum entity_kind kind,
                       const char *key);
/* Builds the derived indexes; call after adding or changing records. */
void snapshot_index(struct snapshot *s);
/* Builds the derived indexes of s afresh from its records and compares
 * them with those it had (a mapped image's): the name of the first that
 * differs ("postings by mission", ..., "presence"), else NULL. s keeps the
 * fresh ones. `audit verify` so checks an image's indexes. */
const char *snapshot_index_stale(struct snapshot *s);
/* Gives adjacency lists mapped from an image (indexes_mapped) memory of
 * their own, so that they can grow (core/apply.c edits them); the
 * presence index copies its arrays itself when it must grow. */
void snapshot_own_indexes(struct snapshot *s);
/* Drops the copies of the posting rows grouped by mission (a posting was
 * written in place): readers then read the rows themselves. */
void snapshot_unclustered(struct snapshot *s);
/* Posting ti (indexed, on mission was_mission before) was written in
 * place: its copy grouped by mission is written again when it stays on
 * its mission, else the copies are dropped. */
void snapshot_posting_written(struct snapshot *s, uint32_t ti,
                              uint32_t was_mission);
/* Marks the derived indexes stale after records changed. */
void snapshot_touch(struct snapshot *s);
/* The same after a record of kind changed in place: only postings,
 * dependents and missions have fields the derived indexes read, so a
 * changed policy or person leaves them (and a mapped image's) current. */
void snapshot_touch_kind(struct snapshot *s, enum entity_kind kind);

static inline size_t snapshot_count(const struct snapshot *s,
                                    enum entity_kind k)
{
    return s->tables[k].n;
}

/* The record of entity kind at index i (typed accessors below). */
void *snapshot_row(const struct snapshot *s, enum entity_kind kind, uint32_t i);

static inline struct mission *snap_mission(const struct snapshot *s, uint32_t i)
{
    return (struct mission *)s->tables[ENT_MISSION].rows + i;
}

static inline struct person *snap_person(const struct snapshot *s, uint32_t i)
{
    return (struct person *)s->tables[ENT_PERSON].rows + i;
}

static inline struct posting *snap_posting(const struct snapshot *s, uint32_t i)
{
    return (struct posting *)s->tables[ENT_POSTING].rows + i;
}

static inline struct dependent *snap_dependent(const struct snapshot *s,
                                               uint32_t i)
{
    return (struct dependent *)s->tables[ENT_DEPENDENT].rows + i;
}

static inline struct state *snap_state(const struct snapshot *s, uint32_t i)
{
    return (struct state *)s->tables[ENT_STATE].rows + i;
}

static inline struct organization *snap_org(const struct snapshot *s,
                                            uint32_t i)
{
    return (struct organization *)s->tables[ENT_ORGANIZATION].rows + i;
}

static inline struct visa *snap_visa(const struct snapshot *s, uint32_t i)
{
    return (struct visa *)s->tables[ENT_VISA].rows + i;
}

static inline struct consular *snap_consular(const struct snapshot *s,
                                             uint32_t i)
{
    return (struct consular *)s->tables[ENT_CONSULAR].rows + i;
}

/* The missions sent by state (every mission when state is NULL, none when
 * it sends none); s must be indexed. */
struct mission_list snapshot_missions_sent(const struct snapshot *s,
                                           const char *state);

static inline uint32_t mission_list_at(const struct mission_list *l, size_t i)
{
    return l->items ? l->items[i] : (uint32_t)i;
}

/* What to add to a place k of mission m's postings in postings_by_mission
 * to find its copy in mission_postings (modulo 2^32). */
static inline uint32_t snap_mission_shift(const struct snapshot *s, uint32_t m)
{
    return s->mission_postings
               ? s->mission_postings_at[m] - s->postings_by_mission.start[m]
               : 0;
}

/* The posting at place k of postings_by_mission's items, of a mission
 * whose shift is shift: the same record as snap_posting(s,
 * postings_by_mission.items[k]), read from the copy grouped by mission
 * when the snapshot has one (a mission's postings then lie together). */
static inline const struct posting *
snap_mission_posting(const struct snapshot *s, uint32_t k, uint32_t shift)
{
    return s->mission_postings
               ? &s->mission_postings[(uint32_t)(k + shift)]
               : snap_posting(s, s->postings_by_mission.items[k]);
}

/* Iterates the postings of mission m: ti, each one's index, and t (a const
 * struct posting * the caller declares), its record. */
#define MISSION_POSTINGS_FOR_EACH(s, m, ti, t)                    \
    for (uint32_t mp_k_ = (s)->postings_by_mission.start[m],      \
                  mp_shift_ = snap_mission_shift((s), (m)), ti;   \
         mp_k_ < (s)->postings_by_mission.start[(m) + 1] &&       \
         ((ti = (s)->postings_by_mission.items[mp_k_]), (void)ti, \
          (t = snap_mission_posting((s), mp_k_, mp_shift_)), 1);  \
         mp_k_++)

/* Iterates the members of group g of an adjacency list. */
#define ADJ_FOR_EACH(adj, g, var)                                           \
    for (uint32_t adj_i_ = (adj).start[g], var;                             \
         adj_i_ < (adj).start[(g) + 1] && ((var = (adj).items[adj_i_]), 1); \
         adj_i_++)

#endif
