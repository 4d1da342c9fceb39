/*
 * Renders forecasts (forecast/forecast.h) to buffers: one scenario's rows
 * in each output format, scenarios side by side (`forecast compare`), the
 * fan charts of one scenario, the chart of scenarios against the first,
 * and the self-contained report page. The CLI writes these bytes to
 * stdout or a file and the HTTP API serves the same; nothing here prints
 * or touches a file. What the CLI prints to stderr beside CSV (the seed,
 * the scenarios' letters) comes back in a second buffer.
 */
#ifndef REPORT_FORECAST_RENDER_H
#define REPORT_FORECAST_RENDER_H

#include <stddef.h>

#include "base/buf.h"
#include "forecast/forecast.h"
#include "forecast/scenario.h"
#include "report/grid.h"

/* Which series a listing shows. */
enum fc_by { FC_BY_ALL, FC_BY_SIDE, FC_BY_MISSION };

/* One scenario run, borrowed: the file it came from, the scenario, its
 * model and its result. */
struct fc_view {
    const char *path;
    const struct scenario *sc;
    const struct forecast_model *model;
    const struct forecast_result *result;
};

/* 1 when event x is worth marking: a condition, a change of visa terms,
 * or departures that move a side (at least 3, and 2% of its staff). */
int fc_major_event(const struct forecast_model *m, const struct fc_event *x);
/* 1 when series i of r is shown under by. */
int fc_shows(enum fc_by by, const struct forecast_result *r, size_t i);

/* Appends forecast v in format to out: a table opened by the scenario,
 * the seed and the runs and closed by the events; CSV rows (the seed
 * goes to note); or one JSON object. note may be NULL. */
void fc_render(const struct fc_view *v, enum fc_by by, enum out_format format,
               struct buf *out, struct buf *note);

/* The most scenarios compared. */
#define FC_MAX_COMPARED 26

/* 1 when scenarios a and b cover the same dates and the same series, so
 * that they compare. */
int fc_comparable(const struct fc_view *a, const struct fc_view *b);

/* Appends scenarios v[0..n) (comparable, n <= FC_MAX_COMPARED) side by
 * side in format to out: each one's expected staff and chance of a
 * shortage, then each later one's difference from the first. The table
 * opens with the scenarios' letters; beside CSV they go to note (may be
 * NULL). */
void fc_render_compare(const struct fc_view *v, size_t n, enum fc_by by,
                       enum out_format format, struct buf *out,
                       struct buf *note);

/* Appends the fan charts of v as SVG to out: the sides (sides = 1), the
 * missions (0), or both (-1). A mission with no staff in any run has no
 * panel. */
void fc_render_svg(const struct fc_view *v, int sides, struct buf *out);

/* Appends the chart of scenarios v[0..n) (comparable) as SVG to out: a
 * panel per series shown under by, each scenario's median and band drawn
 * over the first's (the baseline). */
void fc_render_compare_svg(const struct fc_view *v, size_t n, enum fc_by by,
                           struct buf *out);

/* Appends the report page of v (self-contained HTML) to out. */
void fc_render_html(const struct fc_view *v, struct buf *out);

#endif
