/*
 * Tallies of intervals (rules/tally.h): two growable arrays sorted once by
 * tally_seal; a date costs two binary searches.
 */
#include "rules/tally.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

void tally_init(struct tally *t)
{
    memset(t, 0, sizeof(*t));
}

void tally_release(struct tally *t)
{
    free(t->starts);
    free(t->stops);
    memset(t, 0, sizeof(*t));
}

void tally_add(struct tally *t, int32_t start, int32_t stop)
{
    if (stop <= start)
        return;
    XGROW(t->starts, t->n + 1, t->alloc_starts);
    XGROW(t->stops, t->n + 1, t->alloc_stops);
    t->starts[t->n] = start;
    t->stops[t->n++] = stop;
    t->sealed = 0;
}

static int cmp_date(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

void tally_seal(struct tally *t)
{
    if (t->n) {
        qsort(t->starts, t->n, sizeof(*t->starts), cmp_date);
        qsort(t->stops, t->n, sizeof(*t->stops), cmp_date);
    }
    t->sealed = 1;
}

/* The number of dates in sorted[0..n) that are <= date. */
static size_t upto(const int32_t *sorted, size_t n, int32_t date)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (sorted[mid] <= date)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t tally_at(const struct tally *t, int32_t date)
{
    assert(t->sealed || !t->n);
    return (uint32_t)(upto(t->starts, t->n, date) - upto(t->stops, t->n, date));
}
