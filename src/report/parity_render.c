/*
 * Parity rendered (report/parity_render.h). The tables go through grids,
 * so they look like every other listing; the JSON of one date nests the
 * two grids' JSON in one object. The chart is a time chart
 * (report/timechart.h) whose lines, rules and texts are built here from
 * the two views and owned by a struct chart_data until it is drawn.
 *
 * Colours: a side keeps one hue, dark for the bilateral count and light
 * for the count with the missions to organizations, so the two counts of
 * the counting dispute read as one side's two figures.
 */
#include "report/parity_render.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "report/timechart.h"

/* Palette indexes (report/style.h): each side dark and light. */
static const int DARK[2] = { 0, 1 };
static const int LIGHT[2] = { 5, 4 };

/* "RUS_in_USA" for side 0, then suffix. */
static void side_name(const struct parity_options *o, int side,
                      const char *suffix, char *out, size_t size)
{
    snprintf(out, size, "%s_in_%s%s", o->states[side], o->states[1 - side],
             suffix);
}

static void number(char *out, size_t size, long v)
{
    snprintf(out, size, "%ld", v);
}

static void category_grid(const struct parity_options *o,
                          const struct parity *p, struct grid *g)
{
    const struct parity_point *pt = &p->points[0];
    char s0[16], s1[16], n0[16], n1[16], gap[16];
    const char *cols[4] = { "category", s0, s1, "gap:n" };

    side_name(o, 0, ":n", s0, sizeof(s0));
    side_name(o, 1, ":n", s1, sizeof(s1));
    grid_init(g, cols, 4);
    for (int c = 0; c <= CAT__COUNT; c++) {
        long x = c < CAT__COUNT ? pt->staff[0][c] : pt->total[0];
        long y = c < CAT__COUNT ? pt->staff[1][c] : pt->total[1];
        const char *cells[4] = { c < CAT__COUNT
                                     ? enum_name(&ENUM_STAFF_CATEGORY, c)
                                     : "total",
                                 n0, n1, gap };

        if (c < CAT__COUNT && !x && !y)
            continue;
        number(n0, sizeof(n0), x);
        number(n1, sizeof(n1), y);
        number(gap, sizeof(gap), x - y);
        grid_add_row(g, cells);
    }
}

/* The caps in effect on the single date. */
static void cap_grid(const struct parity_options *o, const struct parity *p,
                     struct grid *g)
{
    static const char *const cols[] = { "policy",    "caps",   "limit:n",
                                        "counted:n", "over:n", "mirrored:b",
                                        "title" };

    grid_init(g, cols, 7);
    for (size_t c = 0; c < p->n_caps; c++) {
        const struct parity_cap_value *v = parity_value(p, 0, c);
        char who[16], limit[24], counted[16], over[24];
        const char *cells[7] = {
            p->caps[c].policy, who,  limit,
            counted,           over, p->caps[c].mirrored ? "true" : "false",
            p->caps[c].title
        };

        if (!v->in_effect)
            continue;
        side_name(o, p->caps[c].side, "", who, sizeof(who));
        number(limit, sizeof(limit), v->limit);
        number(counted, sizeof(counted), v->counted);
        number(over, sizeof(over),
               (long)v->counted > v->limit ? (long)v->counted - v->limit : 0);
        grid_add_row(g, cells);
    }
}

/* A grid rendered as JSON, parsed back to be nested in an object. */
static json_t *grid_json(const struct grid *g)
{
    struct buf b;
    json_t *v;

    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render(g, OUT_JSON, &b);
    v = json_loads(b.data, 0, NULL);
    buf_release(&b);
    if (!v)
        BUG("a grid rendered invalid JSON");
    return v;
}

static void date_json(const struct parity_options *o, int32_t as_of,
                      const struct grid *staff, const struct grid *caps,
                      struct buf *out)
{
    char d[DATE_BUF], *text;
    json_t *v;

    date_format(as_of, d);
    v = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "s1", o->states[0], "s2",
                  o->states[1], "as_of", d, "count",
                  o->view == PARITY_BILATERAL ? "bilateral" : "country",
                  "headcount", grid_json(staff), "caps", grid_json(caps));
    text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        BUG("cannot encode the parity");
    buf_addf(out, "%s\n", text);
    free(text);
    json_decref(v);
}

void parity_render_date(const struct parity_options *o, int32_t as_of,
                        const struct parity *p, enum out_format format,
                        struct buf *out)
{
    struct grid staff, caps;
    char d[DATE_BUF];

    category_grid(o, p, &staff);
    cap_grid(o, p, &caps);
    date_format(as_of, d);
    if (format == OUT_JSON) {
        date_json(o, as_of, &staff, &caps, out);
    } else {
        if (format == OUT_TABLE)
            buf_addf(
                out,
                "Staff present on %s (the total leaves local staff apart), "
                "%s:\n",
                d,
                o->view == PARITY_BILATERAL
                    ? "bilateral missions (those to organizations left out)"
                    : "every mission in the country, those to "
                      "organizations included");
        grid_render(&staff, format, out);
        buf_addf(out, "\n%s", format == OUT_TABLE ? "Caps in effect:\n" : "");
        grid_render(&caps, format, out);
    }
    grid_release(&staff);
    grid_release(&caps);
}

/* Column names of the series: date, the two sides, the gap, then each
 * cap's limit and count. The caller frees names[4..n). */
static size_t series_columns(const struct parity_options *o,
                             const struct parity *p, char **names,
                             char sides[2][16])
{
    size_t n = 4;

    side_name(o, 0, ":n", sides[0], sizeof(sides[0]));
    side_name(o, 1, ":n", sides[1], sizeof(sides[1]));
    names[0] = "date";
    names[1] = sides[0];
    names[2] = sides[1];
    names[3] = "gap:n";
    for (size_t c = 0; c < p->n_caps; c++) {
        names[n++] = xasprintf("%s.limit:n", p->caps[c].policy);
        names[n++] = xasprintf("%s.counted:n", p->caps[c].policy);
    }
    return n;
}

static void series_row(const struct parity *p, size_t i, struct grid *g,
                       char (*cells)[24])
{
    const struct parity_point *pt = &p->points[i];
    const char **row = xmalloc((4 + 2 * p->n_caps) * sizeof(*row));

    date_format(pt->date, cells[0]);
    number(cells[1], 24, pt->total[0]);
    number(cells[2], 24, pt->total[1]);
    number(cells[3], 24, (long)pt->total[0] - (long)pt->total[1]);
    for (size_t c = 0; c < p->n_caps; c++) {
        const struct parity_cap_value *v = parity_value(p, i, c);

        cells[4 + 2 * c][0] = cells[5 + 2 * c][0] = '\0';
        if (v->in_effect) {
            number(cells[4 + 2 * c], 24, v->limit);
            number(cells[5 + 2 * c], 24, v->counted);
        }
    }
    for (size_t k = 0; k < 4 + 2 * p->n_caps; k++)
        row[k] = cells[k];
    grid_add_row(g, row);
    free(row);
}

void parity_render_series(const struct parity_options *o,
                          const struct parity *p, enum out_format format,
                          struct buf *out)
{
    size_t n_cols = 4 + 2 * p->n_caps;
    char **names = xmalloc(n_cols * sizeof(*names)), sides[2][16];
    char(*cells)[24] = xmalloc(n_cols * sizeof(*cells));
    struct grid g;

    series_columns(o, p, names, sides);
    grid_init(&g, (const char *const *)names, n_cols);
    for (size_t i = 0; i < p->n_points; i++)
        series_row(p, i, &g, cells);
    grid_render(&g, format, out);
    grid_release(&g);
    for (size_t k = 4; k < n_cols; k++)
        free(names[k]);
    free(names);
    free(cells);
}

/* What the chart is drawn from; the texts and values are owned here. */
struct chart_data {
    int32_t *dates;
    double *values; /* one column of n_points per line */
    struct timechart_line *lines;
    size_t n_lines;
    struct timechart_event *events;
    struct timechart_rule *rules;
    char **texts;
    size_t n_texts;
};

static const char *own(struct chart_data *d, char *text)
{
    d->texts[d->n_texts++] = text;
    return text;
}

static double *add_line(struct chart_data *d, const struct parity *p,
                        const char *label, int color,
                        enum timechart_style style)
{
    struct timechart_line *l = &d->lines[d->n_lines];
    double *v = d->values + d->n_lines++ * p->n_points;

    l->label = label;
    l->color = color;
    l->style = style;
    l->step = style != TIMECHART_SOLID;
    l->values = v;
    return v;
}

/* 1 when cap c counts otherwise than the view on some date. */
static int counts_otherwise(const struct parity *p, size_t c)
{
    for (size_t i = 0; i < p->n_points; i++) {
        const struct parity_cap_value *v = parity_value(p, i, c);

        if (v->in_effect && v->counted != p->points[i].total[p->caps[c].side])
            return 1;
    }
    return 0;
}

/* A cap's limit as a dashed step line and, when it counts otherwise than
 * the view, its own count dotted. */
static void cap_lines(struct chart_data *d, const struct parity *p, size_t c,
                      const char *whose)
{
    const struct parity_cap *cap = &p->caps[c];
    const char *label = own(d, xasprintf("cap %s on %s", cap->policy, whose));
    double *limit = add_line(d, p, label, DARK[cap->side], TIMECHART_DASHED);
    double *counted = NULL;

    if (counts_otherwise(p, c)) {
        label = own(d, xasprintf("%s: the staff it counts", cap->policy));
        counted = add_line(d, p, label, DARK[cap->side], TIMECHART_DOTTED);
    }
    for (size_t i = 0; i < p->n_points; i++) {
        const struct parity_cap_value *v = parity_value(p, i, c);

        limit[i] = v->in_effect ? (double)v->limit : NAN;
        if (counted)
            counted[i] = v->in_effect ? (double)v->counted : NAN;
    }
}

/* 1 when the two views count side's staff differently on some date. */
static int views_differ(const struct parity *const views[2], int side)
{
    for (size_t i = 0; i < views[0]->n_points; i++) {
        if (views[0]->points[i].total[side] != views[1]->points[i].total[side])
            return 1;
    }
    return 0;
}

/* Side's staff: bilateral, dark, and with the missions to organizations,
 * light, when that differs. */
static void side_lines(struct chart_data *d, const struct parity_options *o,
                       const struct parity *const views[2], int side)
{
    const struct parity *p = views[0];
    int differ = views_differ(views, side);

    for (int view = 0; view < 1 + differ; view++) {
        const char *label = own(
            d, xasprintf(
                   "%s staff in %s, %s", o->states[side], o->states[1 - side],
                   view     ? "with missions to organizations"
                   : differ ? "bilateral"
                            : "bilateral (no mission to an organization)"));
        double *v = add_line(d, p, label, view ? LIGHT[side] : DARK[side],
                             TIMECHART_SOLID);

        d->lines[d->n_lines - 1].end_label = 1;
        d->lines[d->n_lines - 1].width = view ? 1.8 : 2.4;
        for (size_t i = 0; i < p->n_points; i++)
            v[i] = views[view]->points[i].total[side];
    }
}

static void chart_lines(struct chart_data *d, const struct parity_options *o,
                        const struct parity *const views[2])
{
    const struct parity *p = views[o->view];
    char whose[2][64];

    for (int side = 0; side < 2; side++) {
        snprintf(whose[side], sizeof(whose[side]), "%s staff in %s",
                 o->states[side], o->states[1 - side]);
        side_lines(d, o, views, side);
    }
    for (size_t c = 0; c < p->n_caps; c++)
        cap_lines(d, p, c, whose[p->caps[c].side]);
}

static void chart_events(struct chart_data *d, const struct parity_options *o,
                         const struct parity *p)
{
    for (size_t i = 0; i < p->n_events; i++) {
        const struct parity_event *ev = &p->events[i];
        struct timechart_event *te = &d->events[i];

        te->date = ev->date;
        te->color = DARK[ev->side];
        if (ev->kind == PARITY_CLOSURE)
            te->text = own(d, xasprintf("%s (%s)", ev->text, ev->id));
        else
            te->text = own(d, xasprintf("%s: %s (%s)", o->states[1 - ev->side],
                                        ev->text, ev->id));
    }
    for (size_t i = 0; i < p->n_deadlines; i++) {
        d->rules[i].date = p->deadlines[i].date;
        d->rules[i].color = DARK[p->deadlines[i].side];
        d->rules[i].label = "leave by";
    }
}

static void chart_data_init(struct chart_data *d, const struct parity *p)
{
    size_t n_lines = 4 + 2 * p->n_caps;

    memset(d, 0, sizeof(*d));
    d->dates = xcalloc(p->n_points + 1, sizeof(*d->dates));
    d->values = xcalloc(n_lines * p->n_points + 1, sizeof(*d->values));
    d->lines = xcalloc(n_lines, sizeof(*d->lines));
    d->events = xcalloc(p->n_events + 1, sizeof(*d->events));
    d->rules = xcalloc(p->n_deadlines + 1, sizeof(*d->rules));
    d->texts = xcalloc(n_lines + p->n_events + 4, sizeof(*d->texts));
}

static void chart_data_release(struct chart_data *d)
{
    for (size_t i = 0; i < d->n_texts; i++)
        free(d->texts[i]);
    free(d->texts);
    free(d->dates);
    free(d->values);
    free(d->lines);
    free(d->events);
    free(d->rules);
}

static void chart_titles(struct chart_data *d, const struct parity_options *o,
                         const struct parity *p, struct timechart *c)
{
    char from[DATE_BUF], to[DATE_BUF];

    date_format(p->points[0].date, from);
    date_format(p->points[p->n_points - 1].date, to);
    c->title = own(d, xasprintf("Parity: %s staff in %s and %s staff in %s, "
                                "%s to %s",
                                o->states[0], o->states[1], o->states[1],
                                o->states[0], from, to));
    c->subtitle =
        own(d, xstrdup("Staff present, local staff apart: dark, bilateral "
                       "missions; light, with the missions to organizations "
                       "(the UN mission). Caps dashed at their limit, dotted "
                       "where a cap counts otherwise; solid rules, leave-by "
                       "deadlines."));
    c->y_label = "staff present";
}

/* The later of the two views' last recorded dates. */
static int32_t last_recorded(const struct parity *const views[2])
{
    int32_t a = views[0]->last_recorded, b = views[1]->last_recorded;

    if (a == DATE_NONE)
        return b;
    return b != DATE_NONE && b > a ? b : a;
}

void parity_render_svg(const struct parity_options *o,
                       const struct parity *const views[2], struct buf *out)
{
    const struct parity *p = views[o->view];
    struct chart_data d;
    struct timechart c;
    int32_t last = last_recorded(views);

    memset(&c, 0, sizeof(c));
    chart_data_init(&d, p);
    chart_lines(&d, o, views);
    chart_events(&d, o, p);
    for (size_t i = 0; i < p->n_points; i++)
        d.dates[i] = p->points[i].date;
    chart_titles(&d, o, p, &c);
    c.dates = d.dates;
    c.n_dates = p->n_points;
    c.lines = d.lines;
    c.n_lines = d.n_lines;
    c.events = d.events;
    c.n_events = p->n_events;
    c.rules = d.rules;
    c.n_rules = p->n_deadlines;
    c.shade_label = last == DATE_NONE ? "nothing recorded" : "not yet recorded";
    c.shade_from = last;
    timechart_svg(&c, out);
    chart_data_release(&d);
}

enum status parity_render_chart(const struct snapshot *s,
                                const struct parity_options *o,
                                const int32_t *dates, const struct parity *p,
                                struct buf *out, struct err *e)
{
    struct parity_options other = *o;
    const struct parity *views[2];
    struct parity q;
    enum status rc;

    other.view =
        o->view == PARITY_BILATERAL ? PARITY_COUNTRY : PARITY_BILATERAL;
    parity_init(&q);
    rc = parity_compute(s, &other, dates, p->n_points, &q, e);
    if (!rc) {
        views[o->view] = p;
        views[other.view] = &q;
        parity_render_svg(o, views, out);
    }
    parity_release(&q);
    return rc;
}
