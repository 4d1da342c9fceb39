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

/* Inserts or updates the record of kind whose field texts are texts[0..
 * n_fields), in descriptor order, NULL or "" when absent; each goes through
 * the field codec, as on load. The derived indexes are marked stale when
 * the record is one they read (snapshot_touch_kind). On an
 * error s is unchanged but for strings added to its arena. OUT: *index, the
 * record's index (may be NULL). */
enum status snapshot_apply_texts(struct snapshot *s, enum entity_kind kind,
                                 const char *const *texts, uint32_t *index,
                                 struct err *e);

/* The same from a change log's after image: a JSON object of column names
 * to strings, booleans or null (store/record.c writes them). */
enum status snapshot_apply_image(struct snapshot *s, enum entity_kind kind,
                                 const char *image, uint32_t *index,
                                 struct err *e);

#endif
