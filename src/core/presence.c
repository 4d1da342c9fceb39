/*
 * The presence index: for each mission, two sorted date arrays laid end to
 * end in one allocation each, so a whole-registry headcount touches memory
 * in order and does no allocation.
 */
#include "core/presence.h"

#include <stdlib.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/snapshot.h"

struct presence_index {
    uint32_t *start; /* mission m's dates are [start[m], start[m + 1]) */
    int32_t *arrivals;
    int32_t *stops;
    int borrowed; /* the arrays are the snapshot image's */
};

int32_t posting_stop(const struct posting *t)
{
    int32_t stop = INT32_MAX;

    if (t->arrived == DATE_NONE)
        return t->arrived;
    if (t->ended != DATE_NONE)
        stop = t->ended;
    if (t->refused != DATE_NONE && t->refused < stop)
        stop = t->refused;
    return stop < t->arrived ? t->arrived : stop;
}

int posting_present(const struct posting *t, int32_t date)
{
    return t->arrived != DATE_NONE && t->arrived <= date &&
           date < posting_stop(t);
}

static int cmp_date(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/* The number of dates in sorted[0..n) that are <= date. */
static uint32_t count_upto(const int32_t *sorted, uint32_t n, int32_t date)
{
    uint32_t lo = 0, hi = n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (sorted[mid] <= date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

struct presence_index *presence_build(const struct snapshot *s)
{
    size_t n_missions = snapshot_count(s, ENT_MISSION);
    const struct adjacency *by_mission = &s->postings_by_mission;
    struct presence_index *p = xcalloc(1, sizeof(*p));
    uint32_t n = 0;

    p->start = xmalloc_huge((n_missions + 1) * sizeof(*p->start));
    p->arrivals =
        xmalloc_huge((snapshot_count(s, ENT_POSTING) + 1) * sizeof(int32_t));
    p->stops =
        xmalloc_huge((snapshot_count(s, ENT_POSTING) + 1) * sizeof(int32_t));
    for (uint32_t m = 0; m < n_missions; m++) {
        p->start[m] = n;
        ADJ_FOR_EACH(*by_mission, m, i)
        {
            const struct posting *t = snap_posting(s, i);

            if (t->arrived == DATE_NONE || posting_stop(t) <= t->arrived)
                continue;
            p->arrivals[n] = t->arrived;
            p->stops[n++] = posting_stop(t);
        }
        qsort(p->arrivals + p->start[m], n - p->start[m], sizeof(int32_t),
              cmp_date);
        qsort(p->stops + p->start[m], n - p->start[m], sizeof(int32_t),
              cmp_date);
    }
    p->start[n_missions] = n;
    return p;
}

void presence_arrays(const struct presence_index *p, const uint32_t **start,
                     const int32_t **arrivals, const int32_t **stops)
{
    *start = p->start;
    *arrivals = p->arrivals;
    *stops = p->stops;
}

struct presence_index *presence_over(uint32_t *start, int32_t *arrivals,
                                     int32_t *stops)
{
    struct presence_index *p = xcalloc(1, sizeof(*p));

    p->start = start;
    p->arrivals = arrivals;
    p->stops = stops;
    p->borrowed = 1;
    return p;
}

void presence_free(struct presence_index *p)
{
    if (!p)
        return;
    if (p->borrowed) {
        free(p);
        return;
    }
    free(p->start);
    free(p->arrivals);
    free(p->stops);
    free(p);
}

uint32_t presence_count(const struct presence_index *p, uint32_t mission,
                        int32_t date)
{
    uint32_t from = p->start[mission];
    uint32_t n = p->start[mission + 1] - from;

    return count_upto(p->arrivals + from, n, date) -
           count_upto(p->stops + from, n, date);
}

/* The first position in sorted[0..n) whose date is not below date. */
static uint32_t lower_bound(const int32_t *sorted, uint32_t n, int32_t date)
{
    uint32_t lo = 0, hi = n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (sorted[mid] < date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void presence_move_stop(struct presence_index *p, uint32_t mission,
                        int32_t old_stop, int32_t new_stop)
{
    int32_t *stops = p->stops + p->start[mission];
    uint32_t n = p->start[mission + 1] - p->start[mission];
    uint32_t at = lower_bound(stops, n, old_stop), to;

    if (at == n || stops[at] != old_stop)
        BUG("no stop date %d at mission %u", old_stop, mission);
    memmove(stops + at, stops + at + 1, (n - at - 1) * sizeof(*stops));
    to = lower_bound(stops, n - 1, new_stop);
    memmove(stops + to + 1, stops + to, (n - 1 - to) * sizeof(*stops));
    stops[to] = new_stop;
}
