/*
 * Visa statistics rendered (report/visastats_render.h). Figures that do
 * not exist print as an empty cell (no decided case) or "not reached" (a
 * Kaplan-Meier quantile the curve never falls to). The chart takes the
 * curves' steps and censoring days as plain arrays, built and owned here
 * until it is drawn.
 */
#include "report/visastats_render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "report/kmchart.h"

static const char *const STATS_COLUMNS[] = {
    "group",           "applied:n",        "issued:n",
    "refused:n",       "withdrawn:n",      "pending:n",
    "refusal_rate:n",  "p50_days:n",       "p90_days:n",
    "max_days:n",      "km_median:n",      "km_median_lo:n",
    "km_median_hi:n",  "km_p90:n",         "km_p90_lo:n",
    "km_p90_hi:n",     "backlog_0_15:n",   "backlog_16_30:n",
    "backlog_31_90:n", "backlog_91_365:n", "backlog_over_365:n",
};
#define N_STATS_COLUMNS (sizeof(STATS_COLUMNS) / sizeof(STATS_COLUMNS[0]))

static void days_cell(char *out, int32_t days, const char *none)
{
    if (days < 0)
        snprintf(out, 16, "%s", none);
    else
        snprintf(out, 16, "%ld", (long)days);
}

static void add_stats_row(struct grid *g, const struct visa_group *v)
{
    char cells[N_STATS_COLUMNS][24];
    const char *row[N_STATS_COLUMNS];
    const uint64_t counts[] = { v->applied, v->issued, v->refused, v->withdrawn,
                                v->pending };
    const int32_t km[] = { v->km50.days, v->km50.lower, v->km50.upper,
                           v->km90.days, v->km90.lower, v->km90.upper };
    size_t c = 0;

    snprintf(cells[c++], 24, "%s", v->key);
    for (size_t i = 0; i < 5; i++)
        snprintf(cells[c++], 24, "%llu", (unsigned long long)counts[i]);
    if (isnan(v->refusal_rate))
        cells[c++][0] = '\0';
    else
        snprintf(cells[c++], 24, "%.3f", v->refusal_rate);
    days_cell(cells[c++], v->p50, "");
    days_cell(cells[c++], v->p90, "");
    days_cell(cells[c++], v->max, "");
    for (size_t i = 0; i < 6; i++)
        days_cell(cells[c++], km[i], v->curve.n ? "not reached" : "");
    for (size_t i = 0; i < VISA_N_AGES; i++)
        snprintf(cells[c++], 24, "%llu", (unsigned long long)v->backlog[i]);
    for (size_t i = 0; i < N_STATS_COLUMNS; i++)
        row[i] = cells[i];
    grid_add_row(g, row);
}

void visa_stats_render(const struct visa_stats *st, enum visa_by by,
                       enum out_format format, struct buf *out)
{
    struct grid g;

    grid_init(&g, STATS_COLUMNS, N_STATS_COLUMNS);
    for (size_t i = 0; i < st->n; i++)
        add_stats_row(&g, &st->groups[i]);
    if (by != VISA_BY_NONE)
        add_stats_row(&g, &st->total);
    grid_render(&g, format, out);
    grid_release(&g);
}

/* 1 when group a (at index ia) ranks above b (at ib): more applications,
 * or as many and earlier. */
static int ranks_above(const struct visa_group *a, size_t ia,
                       const struct visa_group *b, size_t ib)
{
    return a->applied > b->applied || (a->applied == b->applied && ia < ib);
}

/* The groups drawn: every group, or the VISA_STATS_CHART_MAX with the
 * most applications (ties by key order), kept in key order. OUT: pick,
 * returns how many. */
static size_t chosen(const struct visa_stats *st,
                     const struct visa_group **pick)
{
    size_t n = 0;

    for (size_t i = 0; i < st->n; i++) {
        size_t above = 0;

        for (size_t k = 0; k < st->n; k++)
            above += ranks_above(&st->groups[k], k, &st->groups[i], i);
        if (above < VISA_STATS_CHART_MAX)
            pick[n++] = &st->groups[i];
    }
    if (!n)
        pick[n++] = &st->total;
    return n;
}

/* The curves' arrays, owned here. */
struct curves {
    struct km_series *series;
    struct km_ticks *ticks;
    size_t n;
};

static void curve_of(const struct visa_group *g, int total, struct km_series *k,
                     struct km_ticks *tk)
{
    const struct km_curve *c = &g->curve;
    int32_t *t = xcalloc(c->n_steps + 1, sizeof(*t));
    double *s = xcalloc(c->n_steps + 1, sizeof(*s));
    int32_t *ct = xcalloc(c->n_censors + 1, sizeof(*ct));
    double *cs = xcalloc(c->n_censors + 1, sizeof(*cs));

    for (size_t i = 0; i < c->n_steps; i++) {
        t[i] = c->steps[i].t;
        s[i] = c->steps[i].s;
    }
    for (size_t i = 0; i < c->n_censors; i++) {
        ct[i] = c->censors[i].t;
        cs[i] = c->censors[i].s;
    }
    *k = (struct km_series){ total ? xasprintf("all cases (%llu)",
                                               (unsigned long long)g->applied)
                                   : xasprintf("%s (%llu cases)", g->key,
                                               (unsigned long long)g->applied),
                             t, s, c->n_steps, c->last_day };
    *tk = (struct km_ticks){ ct, cs, c->n_censors };
}

static void curves_release(struct curves *cv)
{
    for (size_t i = 0; i < cv->n; i++) {
        free((char *)cv->series[i].name);
        free((int32_t *)cv->series[i].t);
        free((double *)cv->series[i].s);
        free((int32_t *)cv->ticks[i].t);
        free((double *)cv->ticks[i].s);
    }
    free(cv->series);
    free(cv->ticks);
}

void visa_stats_render_svg(const struct visa_stats *st, enum visa_by by,
                           const struct visa_stats_chart *c, struct buf *out)
{
    const struct visa_group **pick = xcalloc(st->n + 1, sizeof(*pick));
    struct curves cv;
    struct kmchart k;

    (void)by;
    cv.n = chosen(st, pick);
    cv.series = xcalloc(cv.n, sizeof(*cv.series));
    cv.ticks = xcalloc(cv.n, sizeof(*cv.ticks));
    for (size_t i = 0; i < cv.n; i++)
        curve_of(pick[i], pick[i] == &st->total, &cv.series[i], &cv.ticks[i]);
    k = (struct kmchart){ c->title, c->subtitle, cv.series,        cv.ticks,
                          cv.n,     c->deadline, c->deadline_label };
    kmchart_document(&k, out);
    curves_release(&cv);
    free(pick);
}
