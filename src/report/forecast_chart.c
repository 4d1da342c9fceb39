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

/* 1 when some run staffs series i on some step: a post with no staff in
 * any run gets no panel, which would be empty. */
static int staffed(const struct forecast_result *r, size_t i)
{
    for (int k = 0; k <= r->n_steps; k++) {
        if (forecast_cell(r, i, k)->p90 > 0 || forecast_cell(r, i, k)->mean > 0)
            return 1;
    }
    return 0;
}

/* A panel's title: a side's name, or "ID: NAME" of a mission. OUT: a new
 * string when one is made (else *made is NULL). */
static const char *panel_title(const struct fc_view *j, size_t i, char **made)
{
    const struct forecast_result *r = j->result;
    const struct fc_mission *fm;

    *made = NULL;
    if (r->series[i].is_side)
        return r->series[i].name;
    fm = &j->model->missions[i - j->sc->n_sides];
    *made =
        xasprintf("%s: %s", fm->id, snap_mission(j->model->s, fm->index)->name);
    return *made;
}

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
    x->title = panel_title(j, i, &ch->texts[ch->n_texts]);
    if (ch->texts[ch->n_texts])
        ch->n_texts++;
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
    struct buf unstaffed;

    memset(ch, 0, sizeof(*ch));
    ch->panels = xcalloc(r->n_series, sizeof(*ch->panels));
    ch->series = xcalloc(r->n_series, sizeof(*ch->series));
    ch->values = xcalloc(3 * n * r->n_series, sizeof(double));
    ch->texts =
        xcalloc(2 * r->n_series + j->model->n_events + 3, sizeof(char *));
    ch->events = xcalloc(j->model->n_events + 1, sizeof(*ch->events));
    buf_init(&unstaffed, 4096);
    for (size_t i = 0; i < r->n_series; i++) {
        if (sides >= 0 && r->series[i].is_side != sides)
            continue;
        if (r->series[i].is_side || staffed(r, i))
            panel(j, ch, np++, i);
        else
            buf_addf(&unstaffed, "%s%s", unstaffed.len ? ", " : "",
                     r->series[i].name);
    }
    date_format(r->dates[0], from);
    if (unstaffed.len)
        ch->c.footnote = ch->texts[ch->n_texts++] = xasprintf(
            "No panel for a mission no run ever staffs: %s.", unstaffed.data);
    buf_release(&unstaffed);
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

/* The chart of scenarios compared, owned here: per panel, the values of
 * every scenario (3 x dates each) and the later scenarios' bands. */
struct compare {
    struct fanchart c;
    struct fanchart_panel *panels;
    struct fanchart_band *bands;
    double *values;
    struct fanchart_event *events;
    const char **names;
    char **texts;
    size_t n_texts, alloc_texts;
};

static const char *keep(struct compare *cc, char *text)
{
    XGROW(cc->texts, cc->n_texts + 1, cc->alloc_texts);
    cc->texts[cc->n_texts++] = text;
    return text;
}

/* Scenario k's p10, p50 and p90 of series i into v (3 x n). */
static void quantiles(const struct forecast_result *r, size_t i, double *v)
{
    size_t n = (size_t)r->n_steps + 1;

    for (size_t k = 0; k < n; k++) {
        v[k] = forecast_cell(r, i, (int)k)->p10;
        v[n + k] = forecast_cell(r, i, (int)k)->p50;
        v[2 * n + k] = forecast_cell(r, i, (int)k)->p90;
    }
}

/* "Last month's median: a 120, b 131 (+11)". */
static const char *compare_note(struct compare *cc, const struct fc_view *v,
                                size_t n, size_t i)
{
    int last = v[0].result->n_steps;
    int base = forecast_cell(v[0].result, i, last)->p50;
    const char *note;
    struct buf b;

    buf_init(&b, 4096);
    buf_addf(&b, "median in the last month: a %d", base);
    for (size_t k = 1; k < n; k++) {
        int m = forecast_cell(v[k].result, i, last)->p50;

        buf_addf(&b, ", %c %d (%+d)", (int)('a' + k), m, m - base);
    }
    note = keep(cc, buf_detach(&b));
    buf_release(&b);
    return note;
}

static void compare_panel(struct compare *cc, const struct fc_view *v, size_t n,
                          size_t p, size_t i)
{
    size_t dates = (size_t)v[0].result->n_steps + 1;
    double *val = cc->values + 3 * dates * n * p;
    struct fanchart_panel *x = &cc->panels[p];
    struct fanchart_band *others = cc->bands + (n - 1) * p;
    char *made;

    for (size_t k = 0; k < n; k++)
        quantiles(v[k].result, i, val + 3 * dates * k);
    x->title = panel_title(&v[0], i, &made);
    if (made)
        keep(cc, made);
    x->note = compare_note(cc, v, n, i);
    x->low = val;
    x->mid = val + dates;
    x->high = val + 2 * dates;
    x->minimum = NAN;
    for (size_t k = 1; k < n; k++) {
        double *w = val + 3 * dates * k;

        others[k - 1] = (struct fanchart_band){ w, w + dates, w + 2 * dates };
    }
    x->others = others;
}

/* 1 when any scenario staffs series i. */
static int any_staffed(const struct fc_view *v, size_t n, size_t i)
{
    for (size_t k = 0; k < n; k++) {
        if (staffed(v[k].result, i))
            return 1;
    }
    return 0;
}

/* 1 when the baseline has a major event on date with this text. */
static int in_baseline(const struct fc_view *v, int32_t date, const char *text)
{
    const struct forecast_model *m = v[0].model;
    char mine[600];

    for (size_t i = 0; i < m->n_events; i++) {
        if (m->events[i].date != date || !fc_major_event(m, &m->events[i]))
            continue;
        words_event(m, &m->events[i], mine, sizeof(mine));
        if (!strcmp(mine, text))
            return 1;
    }
    return 0;
}

static int by_event_date(const void *pa, const void *pb)
{
    const struct fanchart_event *a = pa, *b = pb;

    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    return strcmp(a->text, b->text);
}

/* The baseline's events, then those only a later scenario has, marked
 * with its letter; by date. */
static void compare_events(struct compare *cc, const struct fc_view *v,
                           size_t n)
{
    size_t alloc = 0;
    char text[600];

    for (size_t k = 0; k < n; k++) {
        const struct forecast_model *m = v[k].model;

        for (size_t i = 0; i < m->n_events; i++) {
            if (!fc_major_event(m, &m->events[i]))
                continue;
            words_event(m, &m->events[i], text, sizeof(text));
            if (k && in_baseline(v, m->events[i].date, text))
                continue;
            XGROW(cc->events, cc->c.n_events + 1, alloc);
            cc->events[cc->c.n_events++] = (struct fanchart_event){
                m->events[i].date, 0,
                keep(cc, k ? xasprintf("%c: %s", (int)('a' + k), text)
                           : xstrdup(text))
            };
        }
    }
    if (cc->c.n_events)
        qsort(cc->events, cc->c.n_events, sizeof(*cc->events), by_event_date);
    cc->c.events = cc->events;
}

static void compare_head(struct compare *cc, const struct fc_view *v, size_t n)
{
    const struct forecast_result *r = v[0].result;
    char from[DATE_BUF];

    cc->names = xcalloc(n, sizeof(*cc->names));
    for (size_t k = 0; k < n; k++)
        cc->names[k] =
            keep(cc, xasprintf("%c: %s%s, seed %llu, %ld runs", (int)('a' + k),
                               v[k].sc->title ? v[k].sc->title : v[k].path,
                               k ? "" : " (the baseline)",
                               (unsigned long long)v[k].result->seed,
                               v[k].result->runs));
    date_format(r->dates[0], from);
    cc->c.title = "Staffing forecast: scenarios compared";
    cc->c.subtitle = keep(
        cc,
        xasprintf("Staff over %d months from %s: each scenario's median "
                  "and the band of 8 runs in 10, over the baseline's (grey)",
                  r->n_steps, from));
    cc->c.scenarios = cc->names;
    cc->c.n_scenarios = n;
}

void fc_render_compare_svg(const struct fc_view *v, size_t n, enum fc_by by,
                           struct buf *out)
{
    const struct forecast_result *r = v[0].result;
    size_t dates = (size_t)r->n_steps + 1, np = 0;
    struct buf unstaffed;
    struct compare cc;

    memset(&cc, 0, sizeof(cc));
    cc.panels = xcalloc(r->n_series + 1, sizeof(*cc.panels));
    cc.bands = xcalloc((n - 1) * r->n_series + 1, sizeof(*cc.bands));
    cc.values = xcalloc(3 * dates * n * r->n_series + 1, sizeof(double));
    buf_init(&unstaffed, 4096);
    for (size_t i = 0; i < r->n_series; i++) {
        if (!fc_shows(by, r, i))
            continue;
        if (r->series[i].is_side || any_staffed(v, n, i))
            compare_panel(&cc, v, n, np++, i);
        else
            buf_addf(&unstaffed, "%s%s", unstaffed.len ? ", " : "",
                     r->series[i].name);
    }
    if (unstaffed.len)
        cc.c.footnote =
            keep(&cc, xasprintf("No panel for a mission no run of any scenario "
                                "staffs: %s.",
                                unstaffed.data));
    buf_release(&unstaffed);
    compare_head(&cc, v, n);
    cc.c.dates = r->dates;
    cc.c.n_dates = dates;
    cc.c.panels = cc.panels;
    cc.c.n_panels = np;
    compare_events(&cc, v, n);
    fanchart_svg(&cc.c, out);
    for (size_t i = 0; i < cc.n_texts; i++)
        free(cc.texts[i]);
    free(cc.texts);
    free(cc.names);
    free(cc.panels);
    free(cc.bands);
    free(cc.values);
    free(cc.events);
}
