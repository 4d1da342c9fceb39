/*
 * Printing forecasts: one row per series and step, through the grid like
 * every listing (table and CSV), or one JSON object with the scenario,
 * the seed, each series' steps and the events. A table opens with the
 * scenario, the seed and the runs, and closes with the events worth
 * marking; CSV carries rows only, so the seed goes to stderr there.
 * Numbers are printed at fixed precision, so equal results print equal
 * bytes.
 */
#include <jansson.h>
#include <math.h>

#include "base/date.h"
#include "cli/fcjob.h"
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

int fc_shows(const struct fc_args *a, const struct forecast_result *r, size_t i)
{
    return a->by == FC_BY_ALL || (a->by == FC_BY_SIDE) == r->series[i].is_side;
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

static void grid_build(const struct fc_args *a, const struct forecast_result *r,
                       struct grid *g)
{
    char c[10][32];

    grid_init(g, COLUMNS, N_COLUMNS);
    for (size_t i = 0; i < r->n_series; i++) {
        if (!fc_shows(a, r, i))
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

static void preamble(const struct fc_job *j)
{
    const struct forecast_result *r = &j->result;
    char from[DATE_BUF], to[DATE_BUF];

    date_format(r->dates[0], from);
    date_format(r->dates[r->n_steps], to);
    printf("forecast: %s (%s)\n", j->sc.title ? j->sc.title : j->path, j->path);
    printf("seed %llu, %ld runs, %d monthly steps from %s to %s\n\n",
           (unsigned long long)r->seed, r->runs, r->n_steps, from, to);
}

static void events(const struct fc_job *j)
{
    const struct forecast_model *m = &j->model;
    char day[DATE_BUF], text[600];
    int first = 1;

    for (size_t i = 0; i < m->n_events; i++) {
        if (!fc_major_event(m, &m->events[i]))
            continue;
        if (first)
            printf("\nevents:\n");
        first = 0;
        date_format(m->events[i].date, day);
        words_event(m, &m->events[i], text, sizeof(text));
        printf("  %s  %s\n", day, text);
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

static void print_json(json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                   JSON_REAL_PRECISION(12));

    if (!text)
        BUG("cannot encode the forecast");
    printf("%s\n", text);
    free(text);
}

static json_t *head_json(const struct fc_job *j)
{
    const struct forecast_result *r = &j->result;
    char from[DATE_BUF], to[DATE_BUF];

    date_format(r->dates[0], from);
    date_format(r->dates[r->n_steps], to);
    return json_pack("{s:s, s:o, s:I, s:I, s:s, s:s, s:i}", "scenario", j->path,
                     "title",
                     j->sc.title ? json_string(j->sc.title) : json_null(),
                     "seed", (json_int_t)r->seed, "runs", (json_int_t)r->runs,
                     "start", from, "end", to, "steps", r->n_steps);
}

void fc_print(const struct cli *cli, const struct fc_args *a,
              const struct fc_job *j)
{
    const struct forecast_result *r = &j->result;
    struct grid g;
    json_t *o, *all;

    if (cli->format == OUT_JSON) {
        o = head_json(j);
        all = json_array();
        for (size_t i = 0; i < r->n_series; i++) {
            if (fc_shows(a, r, i))
                json_array_append_new(all, series_json(r, i));
        }
        json_object_set_new(o, "series", all);
        json_object_set_new(o, "events", events_json(&j->model));
        print_json(o);
        json_decref(o);
        return;
    }
    if (cli->format == OUT_TABLE)
        preamble(j);
    else
        fprintf(stderr, "chancery: forecast %s: seed %llu, %ld runs\n", j->path,
                (unsigned long long)r->seed, r->runs);
    grid_build(a, r, &g);
    cli_print_grid(cli, &g);
    grid_release(&g);
    if (cli->format == OUT_TABLE)
        events(j);
}
