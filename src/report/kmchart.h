/*
 * An SVG chart of Kaplan-Meier curves of time to decision, one step curve
 * per series (a sending state), for the self-contained HTML report. The y
 * axis is the share of cases still undecided, from 100% down; the x axis
 * is days since application; a dashed line marks 50%, where a curve meets
 * the median. The chart takes plain arrays, so report/ needs nothing of
 * the module that estimated the curves.
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

/* Appends an <svg> element (escaped text) to b. */
void kmchart_svg(struct buf *b, const struct km_series *series, size_t n,
                 const char *title);

#endif
