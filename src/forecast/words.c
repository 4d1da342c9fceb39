/*
 * Plain words for a forecast (forecast/words.h): the helpers that write
 * dates, durations and shares as a person would, the findings, and the
 * labels of events. The assumptions are in assume.c.
 */
#include "forecast/words.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "base/xalloc.h"

static const char *const MONTHS[] = { "January", "February", "March",
                                      "April",   "May",      "June",
                                      "July",    "August",   "September",
                                      "October", "November", "December" };

void words_init(struct words *w)
{
    memset(w, 0, sizeof(*w));
}

void words_release(struct words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->items[i]);
    free(w->items);
    memset(w, 0, sizeof(*w));
}

void words_add(struct words *w, const char *fmt, ...)
{
    char text[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    XGROW(w->items, w->n + 1, w->alloc);
    w->items[w->n++] = xstrdup(text);
}

void words_date(int32_t date, char *out, size_t size)
{
    int y, m, d;

    date_to_ymd(date, &y, &m, &d);
    snprintf(out, size, "%d %s %d", d, MONTHS[m - 1], y);
}

void words_month(int32_t date, char *out, size_t size)
{
    int y, m, d;

    date_to_ymd(date, &y, &m, &d);
    snprintf(out, size, "%s %d", MONTHS[m - 1], y);
}

void words_days(double days, char *out, size_t size)
{
    long months = lround(days / (365.25 / 12));

    if (days < 60) {
        long n = lround(days);

        snprintf(out, size, "%ld day%s", n, n == 1 ? "" : "s");
    } else if (months < 24 || months % 12) {
        snprintf(out, size, "%ld months", months);
    } else {
        snprintf(out, size, "%ld years", months / 12);
    }
}

void words_share(double p, char *out, size_t size)
{
    if (p <= 0)
        snprintf(out, size, "none");
    else if (p < 0.005)
        snprintf(out, size, "under 1%%");
    else if (p > 0.995 && p < 1)
        snprintf(out, size, "over 99%%");
    else
        snprintf(out, size, "%.0f%%", p * 100);
}

/* The step whose median is lowest (the first of equals). */
static int lowest(const struct forecast_result *r, size_t i)
{
    int best = 0;

    for (int k = 1; k <= r->n_steps; k++) {
        if (forecast_cell(r, i, k)->p50 < forecast_cell(r, i, best)->p50)
            best = k;
    }
    return best;
}

static void where_it_ends(const struct forecast_result *r, size_t i,
                          struct words *w)
{
    const struct forecast_cell *a = forecast_cell(r, i, 0);
    const struct forecast_cell *z = forecast_cell(r, i, r->n_steps);
    const struct forecast_cell *lo = forecast_cell(r, i, lowest(r, i));
    char from[40], to[40], when[40];

    words_date(r->dates[0], from, sizeof(from));
    words_date(r->dates[r->n_steps], to, sizeof(to));
    words_month(r->dates[lowest(r, i)], when, sizeof(when));
    words_add(w,
              "%s: %d staff on %s. By %s, most likely %d; in 8 runs out of "
              "10, between %d and %d.",
              r->series[i].name, a->p50, from, to, z->p50, z->p10, z->p90);
    if (lo->p50 < z->p50 && lo->p50 < a->p50)
        words_add(w,
                  "%s: the lowest point comes in %s, most likely %d staff "
                  "(8 runs in 10 between %d and %d).",
                  r->series[i].name, when, lo->p50, lo->p10, lo->p90);
}

/* The step with the highest chance of a shortage (the first of equals). */
static int riskiest(const struct forecast_result *r, size_t i)
{
    int best = 1;

    for (int k = 2; k <= r->n_steps; k++) {
        if (forecast_cell(r, i, k)->shortage >
            forecast_cell(r, i, best)->shortage)
            best = k;
    }
    return best;
}

static void shortage(const struct forecast_result *r, size_t i, struct words *w)
{
    const struct forecast_series *x = &r->series[i];
    int k = riskiest(r, i);
    char ever[16], peak[16], when[40];

    if (r->ever_short[i] < 0)
        return;
    words_share(r->ever_short[i], ever, sizeof(ever));
    words_share(forecast_cell(r, i, k)->shortage, peak, sizeof(peak));
    words_month(r->dates[k], when, sizeof(when));
    if (r->ever_short[i] <= 0)
        words_add(w, "%s: no run falls below %s.", x->name,
                  x->is_side ? "the minimum staffing of any of its missions"
                             : "its minimum staffing");
    else if (x->is_side)
        words_add(w,
                  "%s: chance that some mission falls below its minimum "
                  "staffing in at least one month: %s (highest in %s: %s).",
                  x->name, ever, when, peak);
    else
        words_add(w,
                  "%s: chance of fewer than %ld staff in at least one month: "
                  "%s (highest in %s: %s).",
                  x->name, x->minimum, ever, when, peak);
}

static void gap(const struct forecast_result *r, struct words *w)
{
    char from[40], to[40];

    if (!r->gap)
        return;
    words_date(r->dates[0], from, sizeof(from));
    words_date(r->dates[r->n_steps], to, sizeof(to));
    words_add(w,
              "The gap between the sides (%s minus %s) is %.0f on %s and, "
              "on average over the runs, %.0f by %s.",
              r->series[0].name, r->series[1].name, r->gap[0], from,
              r->gap[r->n_steps], to);
}

void words_findings(const struct forecast_model *m,
                    const struct forecast_result *r, struct words *w)
{
    (void)m;
    for (size_t i = 0; i < r->n_series; i++) {
        if (r->series[i].is_side)
            where_it_ends(r, i, w);
    }
    for (size_t i = 0; i < r->n_series; i++)
        shortage(r, i, w);
    gap(r, w);
}

void words_event(const struct forecast_model *m, const struct fc_event *x,
                 char *out, size_t size)
{
    const char *side = x->side >= 0 ? m->sc->sides[x->side].name : NULL;

    if (x->kind == FC_EVENT_RULE)
        snprintf(out, size, "%s: %ld leave%s by the deadline of %s%s%s%s", side,
                 x->count, x->count == 1 ? "s" : "", x->what,
                 x->title ? " (" : "", x->title ? x->title : "",
                 x->title ? ")" : "");
    else if (x->kind == FC_EVENT_CONDITION)
        snprintf(out, size,
                 "'%s' is assumed from here on: the policies that hold "
                 "unless it does stop applying",
                 x->what);
    else
        snprintf(out, size, "%s%snew visa terms for replacements",
                 side ? side : "", side ? ": " : "");
}
