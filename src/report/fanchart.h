/*
 * Fan charts of a forecast, written as SVG into a buffer: one panel per
 * series, stacked, each with the band between two quantiles shaded, the
 * median drawn over it, a dashed line at a minimum, and numbered rules at
 * events listed under the chart. Scenarios compared share the panels:
 * the first (the baseline) grey, each later one's band and median in its
 * colour over it, each median's last value at its end. Every panel shares the
 * time axis and has its own value axis, from zero, so a fall is never
 * exaggerated by a cropped scale. Hand-written SVG 1.1 without script or
 * outside resource, so a browser or rsvg-convert draws it as it is, standalone
 * or inline in an HTML page; every text is escaped. The chart knows nothing of
 * the domain: the caller names the panels and events.
 */
#ifndef REPORT_FANCHART_H
#define REPORT_FANCHART_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

/* Another scenario's band and median on a panel. */
struct fanchart_band {
    const double *low, *mid, *high;
};

struct fanchart_panel {
    const char *title;
    const char *note;   /* under the title, may be NULL */
    const double *low;  /* the band's lower edge, one value per date */
    const double *mid;  /* the median */
    const double *high; /* the band's upper edge */
    double minimum;     /* NAN: none */
    /* With scenarios compared: the later scenarios' bands (n_scenarios - 1
     * of them), drawn over this panel's own, the first's. */
    const struct fanchart_band *others;
};

struct fanchart_event {
    int32_t date;
    uint64_t panels;  /* bit i: shown on panel i; 0: on every panel */
    const char *text; /* listed under the chart beside its number */
};

struct fanchart {
    const char *title;
    const char *subtitle;   /* may be NULL */
    const char *band_label; /* the legend's words for the band */
    const int32_t *dates;   /* ascending, at least two */
    size_t n_dates;
    const struct fanchart_panel *panels;
    size_t n_panels;
    const struct fanchart_event *events; /* by date */
    size_t n_events;
    /* Scenarios compared (0 or 1: one scenario, none named): their names
     * for the legend, the first the baseline, drawn grey. */
    const char *const *scenarios;
    size_t n_scenarios;
    const char *footnote; /* under the events; may be NULL */
};

/* Appends the chart as an SVG document to out (no XML declaration, so it
 * can stand inline in HTML too). */
void fanchart_svg(const struct fanchart *c, struct buf *out);

#endif
