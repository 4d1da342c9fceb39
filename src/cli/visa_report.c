/*
 * `chancery visa stats` and `chancery visa report --un`: option parsing
 * and output for the pure analyses of visa/ (stats.h, unreport.h); the UN
 * report is rendered by report/unreport_html.h, this file only chooses
 * stdout or the --html file. The
 * deadlines of the UN report come from the visa_sla policies through
 * rules/visa_sla.h, with the public holidays of data/holidays.csv for
 * deadlines in working days. Figures that do not exist print as an empty
 * cell (no decided case) or "not reached" (a Kaplan-Meier quantile the
 * curve never falls to).
 */
#include <errno.h>
#include <math.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/edit.h"
#include "cli/visa.h"
#include "report/unreport_html.h"
#include "rules/visa_sla.h"
#include "visa/unreport.h"

static const struct edit_option STATS_OPTS[] = {
    { "as-of", NULL, 0 },   { "issuing", NULL, 0 }, { "nationality", NULL, 0 },
    { "purpose", NULL, 0 }, { "by", NULL, 0 },      { "from", NULL, 0 },
    { "to", NULL, 0 },      { NULL, NULL, 0 },
};

static const struct edit_command STATS = {
    "visa", "stats " VISA_STATS_USAGE, ENT_VISA, 0, STATS_OPTS, NULL,
};

static const char *const STATS_COLUMNS[] = {
    "group",           "applied:n",        "issued:n",
    "refused:n",       "withdrawn:n",      "pending:n",
    "refusal_rate:n",  "p50_days:n",       "p90_days:n",
    "max_days:n",      "km_median:n",      "km_median_lo:n",
    "km_median_hi:n",  "km_p90:n",         "km_p90_lo:n",
    "km_p90_hi:n",     "backlog_0_15:n",   "backlog_16_30:n",
    "backlog_31_90:n", "backlog_91_365:n", "backlog_over_365:n",
};
#define N_STATS_COLUMNS (sizeof(STATS_COLUMNS) / sizeof(STATS_COLUMNS[0]))

static void days_cell(char *out, int32_t days, const char *none)
{
    if (days < 0)
        snprintf(out, 16, "%s", none);
    else
        snprintf(out, 16, "%ld", (long)days);
}

static void add_stats_row(struct grid *g, const struct visa_group *v)
{
    char cells[N_STATS_COLUMNS][24];
    const char *row[N_STATS_COLUMNS];
    const uint64_t counts[] = { v->applied, v->issued, v->refused, v->withdrawn,
                                v->pending };
    const int32_t km[] = { v->km50.days, v->km50.lower, v->km50.upper,
                           v->km90.days, v->km90.lower, v->km90.upper };
    size_t c = 0;

    snprintf(cells[c++], 24, "%s", v->key);
    for (size_t i = 0; i < 5; i++)
        snprintf(cells[c++], 24, "%llu", (unsigned long long)counts[i]);
    if (isnan(v->refusal_rate))
        cells[c++][0] = '\0';
    else
        snprintf(cells[c++], 24, "%.3f", v->refusal_rate);
    days_cell(cells[c++], v->p50, "");
    days_cell(cells[c++], v->p90, "");
    days_cell(cells[c++], v->max, "");
    for (size_t i = 0; i < 6; i++)
        days_cell(cells[c++], km[i], v->curve.n ? "not reached" : "");
    for (size_t i = 0; i < VISA_N_AGES; i++)
        snprintf(cells[c++], 24, "%llu", (unsigned long long)v->backlog[i]);
    for (size_t i = 0; i < N_STATS_COLUMNS; i++)
        row[i] = cells[i];
    grid_add_row(g, row);
}

static enum status stats_purpose(const char *text, unsigned *mask,
                                 struct err *e)
{
    int p;

    *mask = 0;
    if (!text)
        return ST_OK;
    if ((p = enum_from_name(&ENUM_VISA_PURPOSE, text)) == ENUM_NONE)
        return err_set(e, ST_USAGE, "--purpose: invalid visa purpose '%s'",
                       text);
    *mask = 1u << p;
    return ST_OK;
}

/* The query from the options (values in STATS_OPTS order). */
static enum status stats_query(struct visa_query *q, const struct cli *cli,
                               const struct snapshot *s, const char **v,
                               struct err *e)
{
    int by = VISA_BY_NONE;

    *q = (struct visa_query){ cli->today, v[1],      v[2],        0,
                              DATE_NONE,  DATE_NONE, VISA_BY_NONE };
    if ((v[0] && cli_date("--as-of", v[0], &q->as_of, e)) ||
        (v[1] && cli_state(s, "--issuing", v[1], e)) ||
        (v[2] && cli_state(s, "--nationality", v[2], e)) ||
        stats_purpose(v[3], &q->purposes, e) ||
        (v[5] && cli_date("--from", v[5], &q->from, e)) ||
        (v[6] && cli_date("--to", v[6], &q->to, e)))
        return ST_USAGE;
    if (v[4] && ((by = enum_from_name(&VISA_BY_NAMES, v[4])) == ENUM_NONE))
        return err_set(e, ST_USAGE,
                       "--by: '%s' is not post, class, purpose, "
                       "nationality, month, quarter or year",
                       v[4]);
    if (q->from != DATE_NONE && q->to != DATE_NONE && q->to < q->from)
        return err_set(e, ST_USAGE, "--to is before --from");
    q->by = (enum visa_by)by;
    return ST_OK;
}

static void print_stats(const struct cli *cli, const struct visa_stats *st,
                        enum visa_by by)
{
    struct grid g;

    grid_init(&g, STATS_COLUMNS, N_STATS_COLUMNS);
    for (size_t i = 0; i < st->n; i++)
        add_stats_row(&g, &st->groups[i]);
    if (by != VISA_BY_NONE)
        add_stats_row(&g, &st->total);
    cli_print_grid(cli, &g);
    grid_release(&g);
}

int visa_cmd_stats(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct visa_stats st;
    struct visa_query q;
    struct store *store;
    struct snapshot s;
    struct err e;
    char **args;
    int rc = edit_args(&STATS, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &store, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    rc = stats_query(&q, cli, &s, v, &e) ? cli_fail(&e) : 0;
    if (!rc) {
        visa_stats_compute(&s, &q, &st);
        print_stats(cli, &st, q.by);
        visa_stats_release(&st);
    }
    snapshot_release(&s);
    store_close(store);
    return rc;
}

static const struct edit_option REPORT_OPTS[] = {
    { "un", NULL, EDIT_FLAG | EDIT_REQUIRED },
    { "from", NULL, 0 },
    { "to", NULL, 0 },
    { "as-of", NULL, 0 },
    { "issuing", NULL, 0 },
    { "html", NULL, 0 },
    { "include-bilateral", NULL, EDIT_FLAG },
    { NULL, NULL, 0 },
};

static const struct edit_command REPORT = {
    "visa", "report " VISA_REPORT_USAGE, ENT_VISA, 0, REPORT_OPTS, NULL,
};

struct report_args {
    struct un_query q;
    const char *html;
};

static void print_report(const struct cli *cli, const struct snapshot *s,
                         const struct report_args *a, const struct un_report *r)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    un_report_render(&b, cli->format, s, &a->q, r);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
}

static int write_html(const struct snapshot *s, const struct report_args *a,
                      const struct un_report *r)
{
    FILE *f = fopen(a->html, "wb");
    struct buf b;
    int rc = 0;

    if (!f)
        return cli_error(ST_ERROR, "cannot write '%s': %s", a->html,
                         strerror(errno));
    buf_init(&b, BUF_MAX_DEFAULT);
    un_report_html(&b, s, &a->q, r);
    if (fwrite(b.data, 1, b.len, f) != b.len)
        rc = cli_error(ST_ERROR, "cannot write '%s'", a->html);
    if (fclose(f) && !rc)
        rc = cli_error(ST_ERROR, "cannot write '%s'", a->html);
    buf_release(&b);
    if (!rc)
        printf("wrote %s\n", a->html);
    return rc;
}

/* The query from the options (values in REPORT_OPTS order). */
static enum status report_args_parse(struct report_args *a,
                                     const struct cli *cli,
                                     const struct snapshot *s, const char **v,
                                     struct err *e)
{
    a->q = (struct un_query){ DATE_NONE, DATE_NONE, cli->today, v[4],
                              v[6] != NULL };
    a->html = v[5];
    if ((v[1] && cli_date("--from", v[1], &a->q.from, e)) ||
        (v[2] && cli_date("--to", v[2], &a->q.to, e)) ||
        (v[3] && cli_date("--as-of", v[3], &a->q.as_of, e)) ||
        (v[4] && cli_state(s, "--issuing", v[4], e)))
        return ST_USAGE;
    un_query_complete(s, &a->q);
    if (a->q.to < a->q.from)
        return err_set(e, ST_USAGE, "--to is before --from");
    return ST_OK;
}

/* Deadlines, report, output: the part of the command after the load. */
static int run_report(const struct cli *cli, const struct snapshot *s,
                      const struct report_args *a)
{
    int32_t *deadlines =
        xcalloc(snapshot_count(s, ENT_VISA) + 1, sizeof(*deadlines));
    struct holidays h;
    struct un_report r;
    struct err e;
    int rc = 0;

    holidays_init(&h);
    memset(&r, 0, sizeof(r));
    if (cli_holidays(&h, &e) || visa_sla_deadlines(s, &h, deadlines, &e)) {
        rc = cli_fail(&e);
    } else {
        un_report_build(s, deadlines, &a->q, &r);
        if (a->html)
            rc = write_html(s, a, &r);
        else
            print_report(cli, s, a, &r);
        un_report_release(&r);
    }
    holidays_release(&h);
    free(deadlines);
    return rc;
}

int visa_cmd_report(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct report_args a;
    struct store *store;
    struct snapshot s;
    struct err e;
    char **args;
    int rc = edit_args(&REPORT, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &store, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    if (report_args_parse(&a, cli, &s, v, &e))
        rc = cli_fail(&e);
    else
        rc = run_report(cli, &s, &a);
    snapshot_release(&s);
    store_close(store);
    return rc;
}
