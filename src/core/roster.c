/*
 * Roster order. The comparison reads the postings through a file-level
 * pointer to the snapshot because qsort passes no context; roster_build is
 * therefore not reentrant across threads, which no caller needs.
 */
#include "core/roster.h"

#include <stdlib.h>
#include <string.h>

#include "core/presence.h"

static _Thread_local const struct snapshot *sorting;

static int precede(const struct posting *x, const struct posting *y)
{
    int rx = x->rank == ENUM_NONE ? RANK__COUNT : x->rank;
    int ry = y->rank == ENUM_NONE ? RANK__COUNT : y->rank;

    if (x->head_of_mission != y->head_of_mission)
        return y->head_of_mission - x->head_of_mission;
    if (rx != ry)
        return rx - ry;
    if (x->arrived != y->arrived)
        return x->arrived < y->arrived ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int precedence(const void *a, const void *b)
{
    return precede(snap_posting(sorting, *(const uint32_t *)a),
                   snap_posting(sorting, *(const uint32_t *)b));
}

static int entry_precedence(const void *a, const void *b)
{
    return precede(((const struct roster_entry *)a)->t,
                   ((const struct roster_entry *)b)->t);
}

size_t roster_capacity(const struct snapshot *s, uint32_t m)
{
    return s->postings_by_mission.start[m + 1] -
           s->postings_by_mission.start[m];
}

size_t roster_build(const struct snapshot *s, uint32_t m, int32_t date,
                    uint32_t *out)
{
    size_t n = 0;

    ADJ_FOR_EACH(s->postings_by_mission, m, i)
    {
        if (posting_present(snap_posting(s, i), date))
            out[n++] = i;
    }
    sorting = s;
    qsort(out, n, sizeof(*out), precedence);
    sorting = NULL;
    return n;
}

size_t roster_entries(const struct snapshot *s, uint32_t m, int32_t date,
                      struct roster_entry *out)
{
    const struct posting *t;
    size_t n = 0;

    MISSION_POSTINGS_FOR_EACH(s, m, ti, t)
    {
        if (posting_present(t, date))
            out[n++] = (struct roster_entry){ t, ti };
    }
    qsort(out, n, sizeof(*out), entry_precedence);
    return n;
}
