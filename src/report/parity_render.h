/*
 * Renders a parity (rules/parity.h) to a buffer: the table of one date by
 * staff category with the caps in effect, the series of many dates (a row
 * per date), in each output format, and the chart of a series as SVG.
 * The CLI writes these bytes to stdout or a file and the HTTP API serves
 * the same bytes, so nothing here prints or touches a file.
 */
#ifndef REPORT_PARITY_RENDER_H
#define REPORT_PARITY_RENDER_H

#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"
#include "core/snapshot.h"
#include "report/grid.h"
#include "rules/parity.h"

/* Appends parity p of the single date as_of, computed with o, to out:
 * a table with its heading, CSV (staff, a blank line, caps) or one JSON
 * object with the date, the view, the headcount and the caps. */
void parity_render_date(const struct parity_options *o, int32_t as_of,
                        const struct parity *p, enum out_format format,
                        struct buf *out);

/* Appends the series p (computed with o) to out: a row per date with both
 * sides, the gap and each cap's limit and count. */
void parity_render_series(const struct parity_options *o,
                          const struct parity *p, enum out_format format,
                          struct buf *out);

/* Appends the chart of a series as an SVG document to out. views[0] is
 * the series counted bilaterally and views[1] counted by country (the
 * missions to organizations in), both computed on the same dates with o's
 * states and assumptions; the caps and events drawn are those of the view
 * o->view names. The chart draws both counts of each side with its value
 * at the end, the caps, the events as numbered markers, the leave-by
 * deadlines as labelled rules, and shades the span after the last
 * recorded milestone as not yet recorded. */
void parity_render_svg(const struct parity_options *o,
                       const struct parity *const views[2], struct buf *out);

/* Appends the chart of series p, computed with o on the n_points dates,
 * to out: computes the other counting view on the same dates and draws
 * both (parity_render_svg). The CLI's --svg, the API's parity.svg and the
 * analyst's page all draw through this one function. */
enum status parity_render_chart(const struct snapshot *s,
                                const struct parity_options *o,
                                const int32_t *dates, const struct parity *p,
                                struct buf *out, struct err *e);

#endif
