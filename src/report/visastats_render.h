/*
 * Renders visa statistics (visa/stats.h) to a buffer: the table of
 * `visa stats` (a row per group, then the total when grouped) in each
 * output format, and the chart of the groups' Kaplan-Meier curves
 * (report/kmchart.h) with their censoring ticks and a deadline. Nothing
 * here prints or touches a file: the CLI and the API write these bytes.
 */
#ifndef REPORT_VISASTATS_RENDER_H
#define REPORT_VISASTATS_RENDER_H

#include "base/buf.h"
#include "report/grid.h"
#include "visa/stats.h"

/* Appends the statistics st, grouped by by, to out in format. */
void visa_stats_render(const struct visa_stats *st, enum visa_by by,
                       enum out_format format, struct buf *out);

/* What the chart says besides the curves. */
struct visa_stats_chart {
    const char *title;
    const char *subtitle;       /* may be NULL */
    int32_t deadline;           /* days; <= 0: none */
    const char *deadline_label; /* "15-day deadline (usa-un-visa-sla)" */
};

/* The most curves a chart draws: with more groups, those with the most
 * applications, in key order. */
#define VISA_STATS_CHART_MAX 7

/* Appends the chart of st as an SVG document to out: a curve per group
 * (the total when st is not grouped). */
void visa_stats_render_svg(const struct visa_stats *st, enum visa_by by,
                           const struct visa_stats_chart *c, struct buf *out);

#endif
