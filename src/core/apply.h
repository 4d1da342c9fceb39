/*
 * Applying changes to a snapshot in memory: a record, given as the texts of
 * its fields or as a change log's JSON image of it, replaces the record with
 * the same key or is appended. The store folds the change sets a snapshot
 * image lacks into it this way (store/load.c), and a process that keeps a
 * snapshot resident (the coming server) keeps it current the same way,
 * without reloading the tables.
 *
 * Records are never removed from a snapshot (core/snapshot.h): a change set
 * that deletes a record, or renames one (an update whose key changes), is
 * not applied here; the store then reloads from the tables.
 */
#ifndef CORE_APPLY_H
#define CORE_APPLY_H

#include "base/status.h"
#include "core/snapshot.h"

struct snapshot_change;

/* Inserts or updates the record of kind whose field texts are texts[0..
 * n_fields), in descriptor order, NULL or "" when absent; each goes through
 * the field codec, as on load. The derived indexes are marked stale when
 * the record is one they read (snapshot_touch_kind). On an
 * error s is unchanged but for strings added to its arena. OUT: *index, the
 * record's index (may be NULL). */
enum status snapshot_apply_texts(struct snapshot *s, enum entity_kind kind,
                                 const char *const *texts, uint32_t *index,
                                 struct err *e);

/* snapshot_apply_texts, also saying what the record was, for
 * snapshot_reindex: OUT: *change, its kind, index and before (a malloc'd
 * copy of the record as it was, NULL when appended; the caller frees it). */
enum status snapshot_apply_texts_change(struct snapshot *s,
                                        enum entity_kind kind,
                                        const char *const *texts,
                                        struct snapshot_change *change,
                                        struct err *e);

/* The same from a change log's after image: a JSON object of column names
 * to strings, booleans or null (store/record.c writes them). */
enum status snapshot_apply_image(struct snapshot *s, enum entity_kind kind,
                                 const char *image, uint32_t *index,
                                 struct err *e);

/* One record of a change set, as it now stands in s: appended (before is
 * NULL) or updated in place (before: a copy of the record as it was). */
struct snapshot_change {
    enum entity_kind kind;
    uint32_t index;
    const void *before;
};

/* Brings s's derived indexes (core/snapshot.h: postings by mission and by
 * person, dependents by posting, missions by sending state, presence) up
 * to date after the records named by changes were appended (snapshot_add)
 * or written in place, touching only those records' entries: no index is
 * rebuilt, no array sorted, so the cost follows the change, not the
 * registry. The indexes must have matched the records before these
 * changes (built by snapshot_index or kept by an earlier call), and a
 * record indexed then that changed since must be named, with its before;
 * records appended since come in whether named or not. A record may be
 * named more than once (its first before counts). When s was never
 * indexed this builds the indexes (snapshot_index). */
void snapshot_reindex(struct snapshot *s, const struct snapshot_change *changes,
                      size_t n);

/* A change set as the change log records it: for each record, its
 * entity and its after image (a JSON object, as snapshot_apply_image
 * takes it). */
struct change_image {
    enum entity_kind kind;
    const char *after; /* NULL: the record was deleted */
};

/* Applies a committed change set to a loaded snapshot, so that s equals
 * a snapshot loaded afresh after it: each record inserted or replaced by
 * key (snapshot_apply_image), then the indexes brought up to date for
 * those records only (snapshot_reindex; a change set of more than a
 * sixty-fourth of the registry rebuilds them, which is then as fast). A
 * process that keeps a snapshot resident (the server) keeps it current
 * this way. A delete is ST_ERROR (records are never removed from a
 * snapshot): the caller reloads. On an error s is part-applied and must be
 * reloaded. */
enum status snapshot_apply_change_set(struct snapshot *s,
                                      const struct change_image *set, size_t n,
                                      struct err *e);

#endif
