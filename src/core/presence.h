/*
 * Presence: who is at post on a date (DESIGN.md, "Counting"). A posting is
 * present on D when it arrived on or before D, was not refused on or before
 * D, and has not ended (ended is empty or later than D).
 *
 * The presence index answers "how many are present at mission M on D" in
 * two binary searches: per mission, the arrival dates sorted, and the dates
 * presence stops (the earlier of refused and ended) sorted. A posting
 * counted as stopped on or before D has necessarily arrived by then, so the
 * count is arrivals(<= D) - stops(<= D).
 */
#ifndef CORE_PRESENCE_H
#define CORE_PRESENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

struct snapshot;

/* The first date t is no longer present (INT32_MAX when it never stops),
 * or its arrival when it never is present. */
int32_t posting_stop(const struct posting *t);
/* 1 when t is present on date. */
int posting_present(const struct posting *t, int32_t date);

struct presence_index;

/* Builds the index over every posting of s (s's adjacency lists must be
 * built); the caller frees it with presence_free. */
struct presence_index *presence_build(const struct snapshot *s);
void presence_free(struct presence_index *p);
/* The index's arrays as they lie: start[0..n_missions], and arrivals and
 * stops of start[n_missions] dates each (for the snapshot image). */
void presence_arrays(const struct presence_index *p, const uint32_t **start,
                     const int32_t **arrivals, const int32_t **stops);
/* An index over arrays laid out as presence_arrays gives them for
 * n_missions missions and n_dates dates (start[n_missions]), borrowed
 * (presence_free leaves them alone): the snapshot image's, mapped private and
 * writable. The edits below write them in place while they keep their size, and
 * copy them into memory of the index's own before they grow. */
struct presence_index *presence_over(uint32_t *start, int32_t *arrivals,
                                     int32_t *stops, size_t n_missions,
                                     size_t n_dates);
/* Postings present at mission m on date, every category counted. */
uint32_t presence_count(const struct presence_index *p, uint32_t mission,
                        int32_t date);
/* Moves a stop date of mission m's postings from old_stop to new_stop, as
 * posting_stop gives them before and after a posting's end was changed,
 * keeping the index exact for a what-if run that changes a few postings
 * and puts them back (rules/plan.c). The posting must be one the index
 * holds: it arrived and was present for a day at least. */
void presence_move_stop(struct presence_index *p, uint32_t mission,
                        int32_t old_stop, int32_t new_stop);

/* Keeping the index exact as a change set is applied (core/apply.h):
 * room for missions up to n_missions (new ones have no posting yet);
 * posting t's dates entered (it was inserted, or after its update) or
 * taken out (t the record as it was before an update). A posting never
 * present for a day is not in the index, and these do nothing for it.
 * Each moves the dates of the missions after t's by one place. */
void presence_add_missions(struct presence_index *p, size_t n_missions);
void presence_insert(struct presence_index *p, const struct posting *t);
void presence_remove(struct presence_index *p, const struct posting *t);
/* Posting t updated from before: its dates moved within its mission's
 * when it stays there and in the index (no other mission's dates move),
 * else presence_remove(before) and presence_insert(t). */
void presence_update(struct presence_index *p, const struct posting *before,
                     const struct posting *t);
/* 1 when a and b hold the same dates for the same missions. */
int presence_equal(const struct presence_index *a,
                   const struct presence_index *b);

#endif
