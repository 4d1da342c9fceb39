/*
 * A chart of values over dates, written as SVG into a buffer: lines
 * (joined points, or steps that hold each value until the next date) in
 * solid, dashed or dotted strokes, each with its last value at its end if
 * asked, events as numbered markers (stacked, never hidden) listed under
 * the chart, deadlines as labelled rules, a shaded span at the end (the
 * dates not yet known), a time axis ticked by year, a value axis with
 * round ticks, and a legend. Hand-written SVG 1.1 with no script, font file or
 * other outside resource, so a browser or rsvg-convert draws it as it is; every
 * text is escaped. The chart knows nothing of the domain: the caller
 * names the lines and events.
 */
#ifndef REPORT_TIMECHART_H
#define REPORT_TIMECHART_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "report/style.h"

enum timechart_style { TIMECHART_SOLID, TIMECHART_DASHED, TIMECHART_DOTTED };

/* Colours of the palette (report/style.h); an index is taken modulo the
 * count. */
#define TIMECHART_COLORS REPORT_N_COLORS

struct timechart_line {
    const char *label; /* the legend's text */
    int color;         /* palette index */
    enum timechart_style style;
    int step;             /* 1: each value holds until the next date */
    const double *values; /* one per date; NAN where there is none */
    int end_label;        /* 1: its last value written at its right end */
    double width;         /* the stroke's width; 0: by style */
};

struct timechart_event {
    int32_t date;
    int color;
    const char *text; /* listed under the chart beside its number */
};

/* A deadline: a rule through the plot labelled "LABEL DATE"; rules that
 * fall close together share one label. */
struct timechart_rule {
    int32_t date;
    int color;
    const char *label; /* "leave by" */
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
    const struct timechart_rule *rules; /* by date */
    size_t n_rules;
    /* With a shade_label, the span from shade_from to the last date is
     * shaded and labelled (what is not yet known there) with "after
     * shade_from"; DATE_NONE shades every date, the label alone. */
    const char *shade_label;
    int32_t shade_from;
};

/* Appends the chart as a standalone SVG document to out. */
void timechart_svg(const struct timechart *c, struct buf *out);

#endif
