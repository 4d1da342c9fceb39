/*
 * A chart of values over dates, written as SVG into a buffer: lines
 * (joined points, or steps that hold each value until the next date) in
 * solid, dashed or dotted strokes, events as numbered rules listed under
 * the chart, a time axis ticked by year, a value axis with round ticks,
 * and a legend. Hand-written SVG 1.1 with no script, font file or other
 * outside resource, so a browser or rsvg-convert draws it as it is; every
 * text is escaped. The chart knows nothing of the domain: the caller
 * names the lines and events.
 */
#ifndef REPORT_TIMECHART_H
#define REPORT_TIMECHART_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

enum timechart_style { TIMECHART_SOLID, TIMECHART_DASHED, TIMECHART_DOTTED };

/* Colours of the palette (Okabe and Ito's, told apart by the colour
 * blind); a colour index is taken modulo the count. */
#define TIMECHART_COLORS 7

struct timechart_line {
    const char *label; /* the legend's text */
    int color;         /* palette index */
    enum timechart_style style;
    int step;             /* 1: each value holds until the next date */
    const double *values; /* one per date; NAN where there is none */
};

struct timechart_event {
    int32_t date;
    int color;
    const char *text; /* listed under the chart beside its number */
};

struct timechart {
    const char *title;
    const char *subtitle; /* may be NULL */
    const char *y_label;  /* may be NULL */
    const int32_t *dates; /* ascending */
    size_t n_dates;
    const struct timechart_line *lines;
    size_t n_lines;
    const struct timechart_event *events; /* by date */
    size_t n_events;
};

/* Appends the chart as a standalone SVG document to out. */
void timechart_svg(const struct timechart *c, struct buf *out);

#endif
