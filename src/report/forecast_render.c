/*
 * Forecasts as listings (report/forecast_render.h): one row per series
 * and step, through the grid like every listing (table and CSV), or one
 * JSON object with the scenario, the seed, each series' steps and the
 * events. A table opens with the scenario, the seed and the runs, and
 * closes with the events worth marking; CSV carries rows only, so the
 * seed goes to the note (stderr) there. Numbers are printed at fixed
 * precision, so equal results print equal bytes. Scenarios compared get
 * a letter each (a, b, c ...) in the order given; each row is one series
 * on one step, with every scenario's expected headcount and chance of a
 * shortage, then each later scenario's difference from the first.
 */
#include "report/forecast_render.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "forecast/words.h"

static const char *const COLUMNS[] = {
    "series", "kind",   "step:n",     "date",         "p10:n",      "p50:n",
    "p90:n",  "mean:n", "shortage:n", "departures:n", "arrivals:n", "gap:n",
};
#define N_COLUMNS (sizeof(COLUMNS) / sizeof(*COLUMNS))

int fc_major_event(const struct forecast_model *m, const struct fc_event *x)
{
    long staff;

    if (x->kind != FC_EVENT_RULE)
        return 1;
    staff = m->initial[x->side];
    return x->count >= 3 && x->count * 50 >= staff;
}

int fc_shows(enum fc_by by, const struct forecast_result *r, size_t i)
{
    return by == FC_BY_ALL || (by == FC_BY_SIDE) == r->series[i].is_side;
}

static void cells(const struct forecast_result *r, size_t i, int k,
                  char (*c)[32])
{
    const struct forecast_cell *x = forecast_cell(r, i, k);

    snprintf(c[0], 32, "%d", k);
    date_format(r->dates[k], c[1]);
    snprintf(c[2], 32, "%d", x->p10);
    snprintf(c[3], 32, "%d", x->p50);
    snprintf(c[4], 32, "%d", x->p90);
    snprintf(c[5], 32, "%.2f", x->mean);
    if (x->shortage >= 0)
        snprintf(c[6], 32, "%.3f", x->shortage);
    else
        c[6][0] = '\0';
    snprintf(c[7], 32, "%.2f", x->departures);
    snprintf(c[8], 32, "%.2f", x->arrivals);
    if (r->gap && r->series[i].is_side)
        snprintf(c[9], 32, "%.2f", i == 0 ? r->gap[k] : -r->gap[k]);
    else
        c[9][0] = '\0';
}

static void grid_build(enum fc_by by, const struct forecast_result *r,
                       struct grid *g)
{
    char c[10][32];

    grid_init(g, COLUMNS, N_COLUMNS);
    for (size_t i = 0; i < r->n_series; i++) {
        if (!fc_shows(by, r, i))
            continue;
        for (int k = 0; k <= r->n_steps; k++) {
            const char *row[N_COLUMNS] = {
                r->series[i].name,
                r->series[i].is_side ? "side" : "mission",
                c[0],
                c[1],
                c[2],
                c[3],
                c[4],
                c[5],
                c[6],
                c[7],
                c[8],
                c[9],
            };

            cells(r, i, k, c);
            grid_add_row(g, row);
        }
    }
}

static void preamble(const struct fc_view *j, struct buf *out)
{
    const struct forecast_result *r = j->result;
    char from[DATE_BUF], to[DATE_BUF];

    date_format(r->dates[0], from);
    date_format(r->dates[r->n_steps], to);
    buf_addf(out, "forecast: %s (%s)\n", j->sc->title ? j->sc->title : j->path,
             j->path);
    buf_addf(out, "seed %llu, %ld runs, %d monthly steps from %s to %s\n\n",
             (unsigned long long)r->seed, r->runs, r->n_steps, from, to);
}

static void events(const struct fc_view *j, struct buf *out)
{
    const struct forecast_model *m = j->model;
    char day[DATE_BUF], text[600];
    int first = 1;

    for (size_t i = 0; i < m->n_events; i++) {
        if (!fc_major_event(m, &m->events[i]))
            continue;
        if (first)
            buf_addstr(out, "\nevents:\n");
        first = 0;
        date_format(m->events[i].date, day);
        words_event(m, &m->events[i], text, sizeof(text));
        buf_addf(out, "  %s  %s\n", day, text);
    }
}

static json_t *real(double x, double scale)
{
    return json_real(round(x * scale) / scale);
}

static json_t *step_json(const struct forecast_result *r, size_t i, int k)
{
    const struct forecast_cell *x = forecast_cell(r, i, k);
    char day[DATE_BUF];
    json_t *o;

    date_format(r->dates[k], day);
    o = json_pack("{s:i, s:s, s:i, s:i, s:i}", "step", k, "date", day, "p10",
                  x->p10, "p50", x->p50, "p90", x->p90);
    json_object_set_new(o, "mean", real(x->mean, 100));
    json_object_set_new(o, "shortage",
                        x->shortage >= 0 ? real(x->shortage, 1000)
                                         : json_null());
    json_object_set_new(o, "departures", real(x->departures, 100));
    json_object_set_new(o, "arrivals", real(x->arrivals, 100));
    if (r->gap && r->series[i].is_side)
        json_object_set_new(o, "gap",
                            real(i == 0 ? r->gap[k] : -r->gap[k], 100));
    return o;
}

static json_t *series_json(const struct forecast_result *r, size_t i)
{
    const struct forecast_series *x = &r->series[i];
    json_t *o = json_pack("{s:s, s:s}", "name", x->name, "kind",
                          x->is_side ? "side" : "mission");
    json_t *steps = json_array();

    json_object_set_new(o, "minimum",
                        x->minimum >= 0 && !x->is_side
                            ? json_integer(x->minimum)
                            : json_null());
    json_object_set_new(o, "ever_short",
                        r->ever_short[i] >= 0 ? real(r->ever_short[i], 1000)
                                              : json_null());
    for (int k = 0; k <= r->n_steps; k++)
        json_array_append_new(steps, step_json(r, i, k));
    json_object_set_new(o, "steps", steps);
    return o;
}

static json_t *events_json(const struct forecast_model *m)
{
    static const char *const kinds[] = { "rule", "condition", "visa" };
    json_t *all = json_array();
    char day[DATE_BUF];

    for (size_t i = 0; i < m->n_events; i++) {
        const struct fc_event *x = &m->events[i];

        date_format(x->date, day);
        json_array_append_new(
            all,
            json_pack("{s:s, s:s, s:o, s:s, s:o, s:I}", "date", day, "kind",
                      kinds[x->kind], "side",
                      x->side >= 0 ? json_string(m->sc->sides[x->side].name)
                                   : json_null(),
                      "what", x->what, "title",
                      x->title ? json_string(x->title) : json_null(), "count",
                      (json_int_t)x->count));
    }
    return all;
}

static void add_json(json_t *v, struct buf *out)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                   JSON_REAL_PRECISION(12));

    if (!text)
        BUG("cannot encode the forecast");
    buf_addf(out, "%s\n", text);
    free(text);
}

static json_t *head_json(const struct fc_view *j)
{
    const struct forecast_result *r = j->result;
    char from[DATE_BUF], to[DATE_BUF];

    date_format(r->dates[0], from);
    date_format(r->dates[r->n_steps], to);
    return json_pack("{s:s, s:o, s:I, s:I, s:s, s:s, s:i}", "scenario", j->path,
                     "title",
                     j->sc->title ? json_string(j->sc->title) : json_null(),
                     "seed", (json_int_t)r->seed, "runs", (json_int_t)r->runs,
                     "start", from, "end", to, "steps", r->n_steps);
}

void fc_render(const struct fc_view *j, enum fc_by by, enum out_format format,
               struct buf *out, struct buf *note)
{
    const struct forecast_result *r = j->result;
    struct grid g;
    json_t *o, *all;

    if (format == OUT_JSON) {
        o = head_json(j);
        all = json_array();
        for (size_t i = 0; i < r->n_series; i++) {
            if (fc_shows(by, r, i))
                json_array_append_new(all, series_json(r, i));
        }
        json_object_set_new(o, "series", all);
        json_object_set_new(o, "events", events_json(j->model));
        add_json(o, out);
        json_decref(o);
        return;
    }
    if (format == OUT_TABLE)
        preamble(j, out);
    else if (note)
        buf_addf(note, "chancery: forecast %s: seed %llu, %ld runs\n", j->path,
                 (unsigned long long)r->seed, r->runs);
    grid_build(by, r, &g);
    grid_render(&g, format, out);
    grid_release(&g);
    if (format == OUT_TABLE)
        events(j, out);
}

int fc_comparable(const struct fc_view *a, const struct fc_view *b)
{
    const struct forecast_result *x = a->result, *y = b->result;

    if (x->dates[0] != y->dates[0] || x->n_steps != y->n_steps ||
        x->n_series != y->n_series)
        return 0;
    for (size_t i = 0; i < x->n_series; i++) {
        if (strcmp(x->series[i].name, y->series[i].name) ||
            x->series[i].is_side != y->series[i].is_side)
            return 0;
    }
    return 1;
}

static void shortage_text(double p, char *out)
{
    if (p >= 0)
        snprintf(out, 32, "%.3f", p);
    else
        out[0] = '\0';
}

/* The column names: a_mean, a_shortage, ..., b_minus_a_mean, ... */
static char **columns(size_t n, size_t *n_cols)
{
    static const char *const fixed[] = { "series", "kind", "step:n", "date" };
    char **c = xcalloc(4 + 4 * n, sizeof(*c));
    size_t k = 0;

    for (size_t i = 0; i < 4; i++)
        c[k++] = xstrdup(fixed[i]);
    for (size_t i = 0; i < n; i++) {
        c[k++] = xasprintf("%c_mean:n", (int)('a' + i));
        c[k++] = xasprintf("%c_shortage:n", (int)('a' + i));
    }
    for (size_t i = 1; i < n; i++) {
        c[k++] = xasprintf("%c_minus_a_mean:n", (int)('a' + i));
        c[k++] = xasprintf("%c_minus_a_shortage:n", (int)('a' + i));
    }
    *n_cols = k;
    return c;
}

/* d, or 0 when it would print as "-0": a difference is shown signed. */
static double nonzero(double d, double half)
{
    return fabs(d) < half ? 0 : d;
}

/* Scenario j's figures on series i, step k, into its two cells of text
 * (4 + 2j on), and (j > 0) its difference from the first scenario's into
 * the two cells of the differences (4 + 2n + 2(j - 1) on). */
static void figures(const struct fc_view *jobs, size_t n, size_t j, size_t i,
                    int k, char (*text)[32])
{
    const struct forecast_cell *x = forecast_cell(jobs[j].result, i, k);
    const struct forecast_cell *a = forecast_cell(jobs[0].result, i, k);
    size_t own = 4 + 2 * j, diff = 4 + 2 * n + 2 * (j - 1);

    snprintf(text[own], 32, "%.2f", x->mean);
    shortage_text(x->shortage, text[own + 1]);
    if (!j)
        return;
    snprintf(text[diff], 32, "%+.2f", nonzero(x->mean - a->mean, 0.005));
    if (x->shortage >= 0)
        snprintf(text[diff + 1], 32, "%+.3f",
                 nonzero(x->shortage - a->shortage, 0.0005));
    else
        text[diff + 1][0] = '\0';
}

static void row(struct grid *g, const struct fc_view *jobs, size_t n, size_t i,
                int k, size_t n_cols)
{
    const struct forecast_result *r = jobs[0].result;
    char(*text)[32] = xcalloc(n_cols, sizeof(*text));
    const char **cells = xcalloc(n_cols, sizeof(*cells));

    cells[0] = r->series[i].name;
    cells[1] = r->series[i].is_side ? "side" : "mission";
    snprintf(text[2], 32, "%d", k);
    date_format(r->dates[k], text[3]);
    for (size_t j = 0; j < n; j++)
        figures(jobs, n, j, i, k, text);
    for (size_t c = 2; c < n_cols; c++)
        cells[c] = text[c];
    grid_add_row(g, cells);
    free(cells);
    free(text);
}

/* JSON: the scenarios, then the rows as the grid renders them. */
static void compare_json(const struct fc_view *jobs, size_t n,
                         const struct grid *g, struct buf *out)
{
    json_t *o = json_object(), *list = json_array(), *rows;
    struct buf b;
    char *text;

    for (size_t j = 0; j < n; j++)
        json_array_append_new(
            list, json_pack("{s:s%, s:s, s:o, s:I, s:I}", "letter",
                            (const char *)"abcdefghijklmnopqrstuvwxyz" + j,
                            (size_t)1, "scenario", jobs[j].path, "title",
                            jobs[j].sc->title ? json_string(jobs[j].sc->title)
                                              : json_null(),
                            "seed", (json_int_t)jobs[j].result->seed, "runs",
                            (json_int_t)jobs[j].result->runs));
    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render(g, OUT_JSON, &b);
    rows = json_loads(b.data, 0, NULL);
    buf_release(&b);
    json_object_set_new(o, "scenarios", list);
    json_object_set_new(o, "rows", rows ? rows : json_array());
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        BUG("cannot encode the comparison");
    buf_addf(out, "%s\n", text);
    free(text);
    json_decref(o);
}

static void letters(const struct fc_view *jobs, size_t n, struct buf *out)
{
    buf_addstr(out, "forecast compare:\n");
    for (size_t j = 0; j < n; j++)
        buf_addf(out, "  %c: %s (%s), seed %llu, %ld runs\n", (int)('a' + j),
                 jobs[j].sc->title ? jobs[j].sc->title : jobs[j].path,
                 jobs[j].path, (unsigned long long)jobs[j].result->seed,
                 jobs[j].result->runs);
}

void fc_render_compare(const struct fc_view *jobs, size_t n, enum fc_by by,
                       enum out_format format, struct buf *out,
                       struct buf *note)
{
    const struct forecast_result *r = jobs[0].result;
    size_t n_cols;
    char **cols;
    struct grid g;

    if (n > FC_MAX_COMPARED)
        BUG("too many scenarios compared");
    cols = columns(n, &n_cols);
    grid_init(&g, (const char *const *)cols, n_cols);
    for (size_t i = 0; i < r->n_series; i++) {
        for (int k = 0; k <= r->n_steps && fc_shows(by, r, i); k++)
            row(&g, jobs, n, i, k, n_cols);
    }
    if (format == OUT_TABLE) {
        letters(jobs, n, out);
        buf_addch(out, '\n');
    } else if (format == OUT_CSV && note) {
        letters(jobs, n, note);
    }
    if (format == OUT_JSON)
        compare_json(jobs, n, &g, out);
    else
        grid_render(&g, format, out);
    grid_release(&g);
    for (size_t c = 0; c < n_cols; c++)
        free(cols[c]);
    free(cols);
}
