/*
 * The presence index: for each mission, two sorted date arrays laid end to
 * end in one allocation each, so a whole-registry headcount touches memory
 * in order and does no allocation.
 */
#include "core/presence.h"

#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/snapshot.h"

struct presence_index {
    uint32_t *start; /* mission m's dates are [start[m], start[m + 1]) */
    int32_t *arrivals;
    int32_t *stops;
    size_t n_missions;
    size_t alloc; /* room in arrivals and stops */
    /* The arrays are the snapshot image's (mapped, private): written in
     * place within their bounds, copied (presence_own) before they grow. */
    int borrowed;
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
    p->n_missions = n_missions;
    p->alloc = snapshot_count(s, ENT_POSTING) + 1;
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
                                     int32_t *stops, size_t n_missions,
                                     size_t n_dates)
{
    struct presence_index *p = xcalloc(1, sizeof(*p));

    p->start = start;
    p->arrivals = arrivals;
    p->stops = stops;
    p->n_missions = n_missions;
    p->alloc = n_dates; /* no room to spare (read no date at load) */
    p->borrowed = 1;
    return p;
}

/* Gives borrowed arrays memory of their own, with room for more dates,
 * before they grow: xrealloc cannot take a pointer into the image. */
static void presence_own(struct presence_index *p)
{
    size_t n = p->start[p->n_missions];
    uint32_t *start;
    int32_t *arrivals, *stops;

    if (!p->borrowed)
        return;
    start = xmalloc_huge((p->n_missions + 1) * sizeof(*start));
    memcpy(start, p->start, (p->n_missions + 1) * sizeof(*start));
    p->alloc = n + n / 8 + 16;
    arrivals = xmalloc_huge(p->alloc * sizeof(int32_t));
    stops = xmalloc_huge(p->alloc * sizeof(int32_t));
    memcpy(arrivals, p->arrivals, n * sizeof(int32_t));
    memcpy(stops, p->stops, n * sizeof(int32_t));
    p->start = start;
    p->arrivals = arrivals;
    p->stops = stops;
    p->borrowed = 0;
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

/* Inserts date into the sorted dates of mission m, which has n of them. */
static void insert_date(int32_t *dates, uint32_t n, int32_t date)
{
    uint32_t at = lower_bound(dates, n, date);

    memmove(dates + at + 1, dates + at, (n - at) * sizeof(*dates));
    dates[at] = date;
}

/* Removes date from the sorted dates of a mission, n of them. */
static void remove_date(int32_t *dates, uint32_t n, int32_t date)
{
    uint32_t at = lower_bound(dates, n, date);

    if (at == n || dates[at] != date)
        BUG("no date %d in the presence index", date);
    memmove(dates + at, dates + at + 1, (n - at - 1) * sizeof(*dates));
}

/* 1 when t is in the index: it arrived and was present for a day. */
static int indexed(const struct posting *t)
{
    return t->arrived != DATE_NONE && posting_stop(t) > t->arrived;
}

void presence_add_missions(struct presence_index *p, size_t n_missions)
{
    if (n_missions <= p->n_missions)
        return;
    presence_own(p);
    p->start = xrealloc(p->start, (n_missions + 1) * sizeof(*p->start));
    for (size_t m = p->n_missions + 1; m <= n_missions; m++)
        p->start[m] = p->start[p->n_missions];
    p->n_missions = n_missions;
}

void presence_insert(struct presence_index *p, const struct posting *t)
{
    uint32_t m = t->mission, n, total;

    if (!indexed(t) || m >= p->n_missions)
        return;
    total = p->start[p->n_missions];
    if (total + 1 >= p->alloc)
        presence_own(p);
    if (total + 1 >= p->alloc) {
        p->alloc = p->alloc * 2 + 16;
        p->arrivals = xrealloc(p->arrivals, p->alloc * sizeof(int32_t));
        p->stops = xrealloc(p->stops, p->alloc * sizeof(int32_t));
    }
    /* Mission m's dates grow by one: every later mission's move up. */
    memmove(p->arrivals + p->start[m + 1] + 1, p->arrivals + p->start[m + 1],
            (total - p->start[m + 1]) * sizeof(int32_t));
    memmove(p->stops + p->start[m + 1] + 1, p->stops + p->start[m + 1],
            (total - p->start[m + 1]) * sizeof(int32_t));
    n = p->start[m + 1] - p->start[m];
    insert_date(p->arrivals + p->start[m], n, t->arrived);
    insert_date(p->stops + p->start[m], n, posting_stop(t));
    for (size_t k = m + 1; k <= p->n_missions; k++)
        p->start[k]++;
}

void presence_remove(struct presence_index *p, const struct posting *t)
{
    uint32_t m = t->mission, n, total;

    if (!indexed(t) || m >= p->n_missions)
        return;
    total = p->start[p->n_missions];
    n = p->start[m + 1] - p->start[m];
    remove_date(p->arrivals + p->start[m], n, t->arrived);
    remove_date(p->stops + p->start[m], n, posting_stop(t));
    /* Mission m's dates shrink by one: every later mission's move down. */
    memmove(p->arrivals + p->start[m + 1] - 1, p->arrivals + p->start[m + 1],
            (total - p->start[m + 1]) * sizeof(int32_t));
    memmove(p->stops + p->start[m + 1] - 1, p->stops + p->start[m + 1],
            (total - p->start[m + 1]) * sizeof(int32_t));
    for (size_t k = m + 1; k <= p->n_missions; k++)
        p->start[k]--;
}

/* Moves one date of the sorted dates[0..n) from old to new: only the
 * dates between the two places move, within the mission's own. */
static void replace_date(int32_t *dates, uint32_t n, int32_t old, int32_t new)
{
    uint32_t at = lower_bound(dates, n, old), to;

    if (at == n || dates[at] != old)
        BUG("no date %d in the presence index", old);
    memmove(dates + at, dates + at + 1, (n - at - 1) * sizeof(*dates));
    to = lower_bound(dates, n - 1, new);
    memmove(dates + to + 1, dates + to, (n - 1 - to) * sizeof(*dates));
    dates[to] = new;
}

void presence_update(struct presence_index *p, const struct posting *before,
                     const struct posting *t)
{
    uint32_t m = t->mission, from, n;

    if (before->mission != m || !indexed(before) || !indexed(t) ||
        m >= p->n_missions) {
        presence_remove(p, before);
        presence_insert(p, t);
        return;
    }
    from = p->start[m];
    n = p->start[m + 1] - from;
    replace_date(p->arrivals + from, n, before->arrived, t->arrived);
    replace_date(p->stops + from, n, posting_stop(before), posting_stop(t));
}

int presence_equal(const struct presence_index *a,
                   const struct presence_index *b)
{
    size_t n = a->n_missions;

    return n == b->n_missions &&
           !memcmp(a->start, b->start, (n + 1) * sizeof(*a->start)) &&
           !memcmp(a->arrivals, b->arrivals, a->start[n] * sizeof(int32_t)) &&
           !memcmp(a->stops, b->stops, a->start[n] * sizeof(int32_t));
}

void presence_move_stop(struct presence_index *p, uint32_t mission,
                        int32_t old_stop, int32_t new_stop)
{
    replace_date(p->stops + p->start[mission],
                 p->start[mission + 1] - p->start[mission], old_stop, new_stop);
}
