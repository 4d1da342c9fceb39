/*
 * `forecast compare`: scenarios side by side. Each scenario gets a letter
 * (a, b, c ...) in the order given; each row is one series on one step,
 * with every scenario's expected headcount and chance of a shortage, then
 * each later scenario's difference from the first. Scenarios compare only
 * over the same dates and the same sides, which is checked first.
 */
#include <jansson.h>
#include <math.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/fcjob.h"

#define MAX_COMPARED 26

static int comparable(const struct fc_job *a, const struct fc_job *b)
{
    const struct forecast_result *x = &a->result, *y = &b->result;

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

/* Scenario j's figures on series i, step k, and (j > 0) its difference
 * from the first scenario's. */
static void figures(const struct fc_job *jobs, size_t j, size_t i, int k,
                    char (*own)[32], char (*diff)[32])
{
    const struct forecast_cell *x = forecast_cell(&jobs[j].result, i, k);
    const struct forecast_cell *a = forecast_cell(&jobs[0].result, i, k);

    snprintf(own[0], 32, "%.2f", x->mean);
    shortage_text(x->shortage, own[1]);
    if (!diff)
        return;
    snprintf(diff[0], 32, "%+.2f", nonzero(x->mean - a->mean, 0.005));
    if (x->shortage >= 0)
        snprintf(diff[1], 32, "%+.3f",
                 nonzero(x->shortage - a->shortage, 0.0005));
    else
        diff[1][0] = '\0';
}

static void row(struct grid *g, const struct fc_job *jobs, size_t n, size_t i,
                int k, size_t n_cols)
{
    const struct forecast_result *r = &jobs[0].result;
    char(*text)[32] = xcalloc(n_cols, sizeof(*text));
    const char **cells = xcalloc(n_cols, sizeof(*cells));

    cells[0] = r->series[i].name;
    cells[1] = r->series[i].is_side ? "side" : "mission";
    snprintf(text[2], 32, "%d", k);
    date_format(r->dates[k], text[3]);
    for (size_t j = 0; j < n; j++)
        figures(jobs, j, i, k, &text[4 + 2 * j],
                j ? &text[4 + 2 * n + 2 * (j - 1)] : NULL);
    for (size_t c = 2; c < n_cols; c++)
        cells[c] = text[c];
    grid_add_row(g, cells);
    free(cells);
    free(text);
}

/* JSON: the scenarios, then the rows as the grid renders them. */
static void print_json(const struct fc_job *jobs, size_t n,
                       const struct grid *g)
{
    json_t *o = json_object(), *list = json_array(), *rows;
    struct buf b;
    char *text;

    for (size_t j = 0; j < n; j++)
        json_array_append_new(
            list, json_pack("{s:s%, s:s, s:o, s:I, s:I}", "letter",
                            (const char *)"abcdefghijklmnopqrstuvwxyz" + j,
                            (size_t)1, "scenario", jobs[j].path, "title",
                            jobs[j].sc.title ? json_string(jobs[j].sc.title)
                                             : json_null(),
                            "seed", (json_int_t)jobs[j].result.seed, "runs",
                            (json_int_t)jobs[j].result.runs));
    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render(g, OUT_JSON, &b);
    rows = json_loads(b.data, 0, NULL);
    buf_release(&b);
    json_object_set_new(o, "scenarios", list);
    json_object_set_new(o, "rows", rows ? rows : json_array());
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (!text)
        BUG("cannot encode the comparison");
    printf("%s\n", text);
    free(text);
    json_decref(o);
}

static void legend(const struct fc_job *jobs, size_t n, FILE *out)
{
    fprintf(out, "forecast compare:\n");
    for (size_t j = 0; j < n; j++)
        fprintf(out, "  %c: %s (%s), seed %llu, %ld runs\n", (int)('a' + j),
                jobs[j].sc.title ? jobs[j].sc.title : jobs[j].path,
                jobs[j].path, (unsigned long long)jobs[j].result.seed,
                jobs[j].result.runs);
}

int fc_print_compare(const struct cli *cli, const struct fc_args *a,
                     const struct fc_job *jobs, size_t n)
{
    const struct forecast_result *r = &jobs[0].result;
    size_t n_cols;
    char **cols;
    struct grid g;

    if (n > MAX_COMPARED)
        return cli_error(ST_USAGE, "forecast compare: at most %d scenarios",
                         MAX_COMPARED);
    for (size_t j = 1; j < n; j++) {
        if (!comparable(&jobs[0], &jobs[j]))
            return cli_error(ST_INVALID,
                             "forecast compare: '%s' and '%s' differ in "
                             "their start, horizon or sides",
                             jobs[0].path, jobs[j].path);
    }
    cols = columns(n, &n_cols);
    grid_init(&g, (const char *const *)cols, n_cols);
    for (size_t i = 0; i < r->n_series; i++) {
        for (int k = 0; k <= r->n_steps && fc_shows(a, r, i); k++)
            row(&g, jobs, n, i, k, n_cols);
    }
    if (cli->format == OUT_TABLE)
        legend(jobs, n, stdout), putchar('\n');
    else if (cli->format == OUT_CSV)
        legend(jobs, n, stderr);
    if (cli->format == OUT_JSON)
        print_json(jobs, n, &g);
    else
        cli_print_grid(cli, &g);
    grid_release(&g);
    for (size_t c = 0; c < n_cols; c++)
        free(cols[c]);
    free(cols);
    return 0;
}
