/*
 * Applying a record to a snapshot in memory (core/apply.h). The record is
 * built in scratch through the same field codec as a load from the tables,
 * so a record applied is a record validated; its key then says whether it
 * replaces a record in place (the key index does not change, since the key
 * does not) or is appended.
 *
 * The derived indexes are kept by editing them where a changed record
 * sits, not by building them again: each adjacency list is a compressed
 * array whose groups lie in order (core/snapshot.h), so a record joining a
 * group is one binary search and one move of the items after it, and the
 * presence index is two sorted insertions per posting. That costs a
 * memmove of the arrays (a few milliseconds for a million postings)
 * against a rebuild's sorting of all of them (half a second), and leaves
 * the arrays exactly as snapshot_index would build them, which the unit
 * tests check.
 */
#include "core/apply.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "core/presence.h"

/* Inserts or updates the record whose field texts are texts. OUT:
 * *index; *before, a copy of the record as it was (malloc'd), or NULL
 * when it was inserted (before may be NULL when not wanted). */
static enum status apply_texts(struct snapshot *s, enum entity_kind kind,
                               const char *const *texts, uint32_t *index,
                               void **before, struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    void *rec = xmalloc(ent->size);
    char key_buf[256];
    const char *key;
    uint32_t at;
    enum status rc = ST_OK;

    if (before)
        *before = NULL;
    record_clear(ent, rec);
    for (int i = 0; i < ent->n_fields && !rc; i++) {
        rc = field_parse(s, &ent->fields[i], rec, texts[i] ? texts[i] : "", e);
        if (rc)
            err_prefix(e, "%s field '%s'", ent->name, ent->fields[i].name);
    }
    if (!rc) {
        key = record_key(s, ent, rec, key_buf, sizeof(key_buf));
        at = snapshot_find(s, kind, key);
        if (at == IDMAP_NONE) {
            rc = snapshot_add(s, kind, rec, &at, e);
        } else {
            uint32_t was =
                kind == ENT_POSTING ? snap_posting(s, at)->mission : IDMAP_NONE;

            if (before) {
                *before = xmalloc(ent->size);
                memcpy(*before, snapshot_row(s, kind, at), ent->size);
            }
            memcpy(snapshot_row(s, kind, at), rec, ent->size);
            if (kind == ENT_POSTING)
                snapshot_posting_written(s, at, was);
            snapshot_touch_kind(s, kind);
        }
        if (!rc && index)
            *index = at;
    }
    free(rec);
    return rc;
}

enum status snapshot_apply_texts(struct snapshot *s, enum entity_kind kind,
                                 const char *const *texts, uint32_t *index,
                                 struct err *e)
{
    return apply_texts(s, kind, texts, index, NULL, e);
}

enum status snapshot_apply_texts_change(struct snapshot *s,
                                        enum entity_kind kind,
                                        const char *const *texts,
                                        struct snapshot_change *change,
                                        struct err *e)
{
    void *before = NULL;
    enum status rc;

    change->kind = kind;
    change->index = IDMAP_NONE;
    rc = apply_texts(s, kind, texts, &change->index, &before, e);
    change->before = before;
    return rc;
}

/* snapshot_apply_image's work, with apply_texts's before. */
static enum status apply_image(struct snapshot *s, enum entity_kind kind,
                               const char *image, uint32_t *index,
                               void **before, struct err *e)
{
    const struct entity *ent = ENTITIES[kind];
    const char *texts[64] = { NULL };
    json_error_t jerr;
    json_t *obj = json_loads(image, 0, &jerr);
    enum status rc;

    if (before)
        *before = NULL;
    if (!json_is_object(obj) || ent->n_fields > 64) {
        json_decref(obj);
        return err_set(e, ST_INVALID, "bad %s image: %s", ent->name, jerr.text);
    }
    for (int i = 0; i < ent->n_fields; i++) {
        json_t *v = json_object_get(obj, ent->fields[i].name);

        if (json_is_boolean(v))
            texts[i] = json_is_true(v) ? "true" : "false";
        else
            texts[i] = json_string_value(v);
    }
    rc = apply_texts(s, kind, texts, index, before, e);
    json_decref(obj);
    return rc;
}

enum status snapshot_apply_image(struct snapshot *s, enum entity_kind kind,
                                 const char *image, uint32_t *index,
                                 struct err *e)
{
    return apply_image(s, kind, image, index, NULL, e);
}

/* Group g of an adjacency of n_groups groups gains item, in order (the
 * items of a group are in ascending order, as snapshot_index builds
 * them). Every later group's items move up one place. */
static void adj_insert(struct adjacency *a, size_t n_groups, uint32_t g,
                       uint32_t item)
{
    uint32_t total, lo;

    if (g >= n_groups)
        return;
    total = a->start[n_groups];
    lo = adj_place(a, g, item);
    a->items = xrealloc(a->items, (total + 2) * sizeof(*a->items));
    memmove(a->items + lo + 1, a->items + lo, (total - lo) * sizeof(*a->items));
    a->items[lo] = item;
    for (size_t k = g + 1; k <= n_groups; k++)
        a->start[k]++;
}

/* Group g loses item; the later groups' items move down one place. */
static void adj_remove(struct adjacency *a, size_t n_groups, uint32_t g,
                       uint32_t item)
{
    uint32_t total, at;

    if (g >= n_groups)
        return;
    total = a->start[n_groups];
    at = adj_place(a, g, item);
    if (at == a->start[g + 1] || a->items[at] != item)
        BUG("item %u not in group %u", item, g);
    memmove(a->items + at, a->items + at + 1,
            (total - at - 1) * sizeof(*a->items));
    for (size_t k = g + 1; k <= n_groups; k++)
        a->start[k]--;
}

/* Moves item from group from to group to (either may be IDMAP_NONE: in
 * no group); nothing when they are the same. */
static void adj_move(struct adjacency *a, size_t n_groups, uint32_t from,
                     uint32_t to, uint32_t item)
{
    if (from == to)
        return;
    if (from != IDMAP_NONE)
        adj_remove(a, n_groups, from, item);
    if (to != IDMAP_NONE)
        adj_insert(a, n_groups, to, item);
}

/* Empty groups for the group records appended since the last index. */
static void adj_grow(struct adjacency *a, size_t old_n, size_t new_n)
{
    if (new_n <= old_n)
        return;
    a->start = xrealloc(a->start, (new_n + 1) * sizeof(*a->start));
    for (size_t g = old_n + 1; g <= new_n; g++)
        a->start[g] = a->start[old_n];
}

static uint32_t sending_group(const struct snapshot *s, const struct mission *m)
{
    return snapshot_find(s, ENT_STATE, m->sending);
}

/* The groups of a record's references, IDMAP_NONE for none. */
static void reindex_posting(struct snapshot *s, uint32_t i,
                            const struct posting *before)
{
    const struct posting *t = snap_posting(s, i);
    size_t n_missions = snapshot_count(s, ENT_MISSION),
           n_persons = snapshot_count(s, ENT_PERSON);

    adj_move(&s->postings_by_mission, n_missions,
             before ? before->mission : IDMAP_NONE, t->mission, i);
    adj_move(&s->postings_by_person, n_persons,
             before ? before->person : IDMAP_NONE, t->person, i);
    if (before)
        presence_update(s->presence, before, t);
    else
        presence_insert(s->presence, t);
}

static void reindex_record(struct snapshot *s, enum entity_kind kind,
                           uint32_t i, const void *before)
{
    const struct dependent *d, *db = before;
    const struct mission *m, *mb = before;

    switch (kind) {
    case ENT_POSTING:
        reindex_posting(s, i, before);
        break;
    case ENT_DEPENDENT:
        d = snap_dependent(s, i);
        adj_move(&s->dependents_by_posting, snapshot_count(s, ENT_POSTING),
                 db ? db->posting : IDMAP_NONE, d->posting, i);
        break;
    case ENT_MISSION:
        m = snap_mission(s, i);
        adj_move(&s->missions_by_sending, snapshot_count(s, ENT_STATE),
                 mb ? sending_group(s, mb) : IDMAP_NONE, sending_group(s, m),
                 i);
        break;
    default: /* no derived index follows the others */
        break;
    }
}

/* Whether the changes reshape an adjacency list: a record of a kind the
 * lists count appended, or one moved to another group. Only then are the
 * lists written, and a mapped image's copied first; a posting changed in
 * its own mission and person (ended, say) leaves them as they are. */
static int changes_shape(const struct snapshot *s,
                         const struct snapshot_change *changes, size_t n)
{
    static const enum entity_kind counted[] = { ENT_STATE, ENT_MISSION,
                                                ENT_PERSON, ENT_POSTING,
                                                ENT_DEPENDENT };
    const struct posting *tb;
    const struct dependent *db;
    const struct mission *mb;

    for (size_t j = 0; j < sizeof(counted) / sizeof(counted[0]); j++)
        if (s->n_indexed[counted[j]] < snapshot_count(s, counted[j]))
            return 1;
    for (size_t i = 0; i < n; i++) {
        const struct snapshot_change *c = &changes[i];

        if (c->index >= s->n_indexed[c->kind])
            continue;
        if (!c->before)
            return 1; /* snapshot_reindex finds it wanting */
        switch (c->kind) {
        case ENT_POSTING:
            tb = c->before;
            if (tb->mission != snap_posting(s, c->index)->mission ||
                tb->person != snap_posting(s, c->index)->person)
                return 1;
            break;
        case ENT_DEPENDENT:
            db = c->before;
            if (db->posting != snap_dependent(s, c->index)->posting)
                return 1;
            break;
        case ENT_MISSION:
            mb = c->before;
            if (sending_group(s, mb) !=
                sending_group(s, snap_mission(s, c->index)))
                return 1;
            break;
        default:
            break;
        }
    }
    return 0;
}

/* Orders changes by record, then by their place in the change set. */
struct ordered_change {
    const struct snapshot_change *c;
    size_t at;
};

static int by_record(const void *pa, const void *pb)
{
    const struct ordered_change *a = pa, *b = pb;

    if (a->c->kind != b->c->kind)
        return a->c->kind < b->c->kind ? -1 : 1;
    if (a->c->index != b->c->index)
        return a->c->index < b->c->index ? -1 : 1;
    return (a->at > b->at) - (a->at < b->at);
}

void snapshot_reindex(struct snapshot *s, const struct snapshot_change *changes,
                      size_t n)
{
    struct ordered_change *o;

    if (!s->postings_by_mission.start) {
        snapshot_touch(s);
        snapshot_index(s);
        return;
    }
    /* The lists change shape: a mapped image's are copied first (xrealloc
     * cannot take them). */
    if (changes_shape(s, changes, n))
        snapshot_own_indexes(s);
    /* A posting changed in place (perhaps by its reader, not through
     * apply_texts): its copy grouped by mission is written again, or the
     * copies dropped when it changed mission. Appended records dropped
     * them already (snapshot_own). */
    for (size_t i = 0; i < n; i++)
        if (changes[i].kind == ENT_POSTING &&
            changes[i].index < s->n_indexed[ENT_POSTING] && changes[i].before)
            snapshot_posting_written(
                s, changes[i].index,
                ((const struct posting *)changes[i].before)->mission);
    /* The groups first: a new posting may belong to a new mission. */
    adj_grow(&s->postings_by_mission, s->n_indexed[ENT_MISSION],
             snapshot_count(s, ENT_MISSION));
    adj_grow(&s->postings_by_person, s->n_indexed[ENT_PERSON],
             snapshot_count(s, ENT_PERSON));
    adj_grow(&s->dependents_by_posting, s->n_indexed[ENT_POSTING],
             snapshot_count(s, ENT_POSTING));
    adj_grow(&s->missions_by_sending, s->n_indexed[ENT_STATE],
             snapshot_count(s, ENT_STATE));
    presence_add_missions(s->presence, snapshot_count(s, ENT_MISSION));
    o = xcalloc(n + 1, sizeof(*o));
    for (size_t i = 0; i < n; i++)
        o[i] = (struct ordered_change){ &changes[i], i };
    qsort(o, n, sizeof(*o), by_record);
    /* Records appended since the last index come in as they are now,
     * whether a change names them or not. */
    for (int k = 0; k < ENT__COUNT; k++) {
        for (size_t i = s->n_indexed[k]; i < snapshot_count(s, k); i++)
            reindex_record(s, k, (uint32_t)i, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        const struct snapshot_change *c = o[i].c;

        if (c->index >= s->n_indexed[c->kind] ||
            (i > 0 && c->kind == o[i - 1].c->kind &&
             c->index == o[i - 1].c->index))
            continue; /* the record's first change says what it was */
        if (!c->before)
            BUG("an update of %s %u without its earlier record",
                ENTITIES[c->kind]->name, c->index);
        reindex_record(s, c->kind, c->index, c->before);
    }
    free(o);
    for (int k = 0; k < ENT__COUNT; k++)
        s->n_indexed[k] = snapshot_count(s, k);
    s->indexed = 1;
}

enum status snapshot_apply_change_set(struct snapshot *s,
                                      const struct change_image *set, size_t n,
                                      struct err *e)
{
    struct snapshot_change *changes = xcalloc(n + 1, sizeof(*changes));
    size_t total = 0;
    enum status rc = ST_OK;
    /* Whether the indexes matched the records before this set: applying
     * its records marks them stale (snapshot_add, snapshot_touch_kind). */
    int indexed = s->indexed;

    for (int k = 0; k < ENT__COUNT; k++)
        total += snapshot_count(s, k);
    for (size_t i = 0; i < n && !rc; i++) {
        if (!set[i].after) {
            rc = err_set(e, ST_ERROR,
                         "a change set that deletes a %s cannot be applied "
                         "to a snapshot: reload it",
                         ENTITIES[set[i].kind]->name);
            break;
        }
        changes[i].kind = set[i].kind;
        rc = apply_image(s, set[i].kind, set[i].after, &changes[i].index,
                         (void **)&changes[i].before, e);
    }
    if (!rc && indexed && n * 64 <= total) {
        snapshot_reindex(s, changes, n);
    } else if (!rc) {
        snapshot_touch(s);
        snapshot_index(s);
    }
    for (size_t i = 0; i < n; i++)
        free((void *)changes[i].before);
    free(changes);
    return rc;
}
