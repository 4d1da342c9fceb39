/*
 * An SVG chart of Kaplan-Meier curves of time to decision, one step curve
 * per series (a sending state, a post, a year...). The y axis is the share
 * of cases still undecided, from 100% down; the x axis is days since
 * application; a dashed line marks 50%, where a curve meets the median.
 * Each curve carries ticks where cases were censored (still pending, or
 * withdrawn), and the level where it ends, the share never decided as far
 * as the records go, is labelled. A deadline, when given, is a rule with
 * each curve's share still undecided on that day in the legend. The chart
 * takes plain arrays, so report/ needs nothing of the module that
 * estimated the curves.
 */
#ifndef REPORT_KMCHART_H
#define REPORT_KMCHART_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct km_series {
    const char *name; /* the legend: "RUS (74 cases)" */
    const int32_t *t; /* the days of the steps, increasing */
    const double *s;  /* the share undecided after each step */
    size_t n;         /* steps */
    int32_t last_day; /* the curve runs on flat to this day */
};

/* A series' censoring ticks: the days with censored cases and the
 * curve's level on each. */
struct km_ticks {
    const int32_t *t;
    const double *s;
    size_t n;
};

struct kmchart {
    const char *title;
    const char *subtitle; /* may be NULL */
    const struct km_series *series;
    const struct km_ticks *ticks; /* one per series; NULL: none */
    size_t n;
    int32_t deadline;           /* days after application; <= 0: none */
    const char *deadline_label; /* "15-day deadline (usa-un-visa-sla)" */
};

/* Appends the chart as a standalone SVG document (with its XML
 * declaration) to out. */
void kmchart_document(const struct kmchart *c, struct buf *out);

/* Appends the chart as an <svg> element to out, for an HTML page. */
void kmchart_element(const struct kmchart *c, struct buf *out);

/* Appends an <svg> element (escaped text) to b, for an HTML page: the
 * chart of series[0..n) under title, without a deadline. */
void kmchart_svg(struct buf *b, const struct km_series *series, size_t n,
                 const char *title);

#endif
