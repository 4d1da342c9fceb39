/*
 * The holiday calendar (core/holidays.h). Rows are appended per state and
 * sorted once after reading; the file is small (a few hundred rows), so a
 * state is found by a linear scan and a day by binary search.
 */
#include "core/holidays.h"

#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/date.h"
#include "base/xalloc.h"

void holidays_init(struct holidays *h)
{
    memset(h, 0, sizeof(*h));
}

void holidays_release(struct holidays *h)
{
    for (size_t i = 0; i < h->n; i++)
        free(h->states[i].days);
    free(h->states);
    memset(h, 0, sizeof(*h));
}

static const struct holiday_state *find(const struct holidays *h,
                                        const char *state)
{
    for (size_t i = 0; h && i < h->n; i++)
        if (!strcmp(h->states[i].code, state))
            return &h->states[i];
    return NULL;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/* Keeps a state's days sorted and distinct. */
static void tidy(struct holiday_state *st)
{
    size_t k = 0;

    qsort(st->days, st->n, sizeof(*st->days), cmp_day);
    for (size_t i = 0; i < st->n; i++)
        if (!k || st->days[k - 1] != st->days[i])
            st->days[k++] = st->days[i];
    st->n = k;
}

void holidays_add(struct holidays *h, const char *state, int32_t day)
{
    struct holiday_state *st = (struct holiday_state *)find(h, state);

    if (!st) {
        XGROW(h->states, h->n + 1, h->alloc);
        st = &h->states[h->n++];
        memset(st, 0, sizeof(*st));
        snprintf(st->code, sizeof(st->code), "%s", state);
    }
    XGROW(st->days, st->n + 1, st->alloc);
    st->days[st->n++] = day;
    tidy(st);
}

struct reader {
    struct holidays *h;
    int header_seen;
    struct err *e;
    const char *path;
};

static enum status read_row(const struct csv_record *rec, void *arg)
{
    struct reader *r = arg;
    int32_t day;

    if (!r->header_seen) {
        r->header_seen = 1;
        if (rec->n_fields < 2 || strcmp(rec->fields[0], "state") ||
            strcmp(rec->fields[1], "date"))
            return err_set(r->e, ST_INVALID,
                           "%s:%lu: expected the header state,date,name",
                           r->path, rec->line);
        return ST_OK;
    }
    if (rec->n_fields < 2 || strlen(rec->fields[0]) != 3)
        return err_set(r->e, ST_INVALID, "%s:%lu: expected a state code",
                       r->path, rec->line);
    if (date_parse(rec->fields[1], &day, r->e)) {
        err_prefix(r->e, "%s:%lu", r->path, rec->line);
        return ST_INVALID;
    }
    holidays_add(r->h, rec->fields[0], day);
    return ST_OK;
}

enum status holidays_read_file(struct holidays *h, const char *path,
                               struct err *e)
{
    /* The reader keeps e to fill it, never reads it: cppcheck's cross-unit
     * check takes the pointer for a read of callers' unset errors. */
    /* cppcheck-suppress ctuuninitvar */
    struct reader r = { h, 0, e, path };

    return csv_read_file(path, read_row, &r, e);
}

int holidays_contains(const struct holidays *h, const char *state, int32_t day)
{
    const struct holiday_state *st = find(h, state);

    return st && bsearch(&day, st->days, st->n, sizeof(*st->days), cmp_day);
}

int holidays_working_day(const struct holidays *h, const char *state,
                         int32_t day)
{
    return date_weekday(day) < 5 && !holidays_contains(h, state, day);
}

int32_t holidays_add_working(const struct holidays *h, const char *state,
                             int32_t start, int n)
{
    int32_t day = start;

    while (n > 0)
        n -= holidays_working_day(h, state, ++day);
    return day;
}

size_t holidays_in_year(const struct holidays *h, const char *state,
                        int32_t day)
{
    const struct holiday_state *st = find(h, state);
    int y, m, d;
    int32_t lo, hi;
    size_t n = 0;

    if (!st)
        return 0;
    date_to_ymd(day, &y, &m, &d);
    lo = date_from_ymd(y, 1, 1);
    hi = date_from_ymd(y, 12, 31);
    for (size_t i = 0; i < st->n; i++)
        n += st->days[i] >= lo && st->days[i] <= hi;
    return n;
}
