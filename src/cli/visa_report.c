/*
 * `chancery visa stats` and `chancery visa report --un`: option parsing
 * and output for the pure analyses of visa/ (stats.h, unreport.h). The
 * deadlines of the UN report come from the visa_sla policies through
 * rules/visa_sla.h, with the public holidays of data/holidays.csv for
 * deadlines in working days. Figures that do not exist print as an empty
 * cell (no decided case) or "not reached" (a Kaplan-Meier quantile the
 * curve never falls to).
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/visa.h"
#include "report/html.h"
#include "report/kmchart.h"
#include "rules/visa_sla.h"
#include "visa/unreport.h"

/* stats's command line; by is VISA_BY_NAMES's index less one. */
struct stats_args {
    struct visa_query q;
    int purpose, by;
};

static const struct opt STATS_OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct stats_args, q.as_of),
      .def = "today",
      .help = "the date of the figures: cases undecided then are pending." },
    { .name = "issuing",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct stats_args, q.issuing),
      .def = "any",
      .help = "only cases of the issuing state S." },
    { .name = "nationality",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct stats_args, q.nationality),
      .def = "any",
      .help = "only applicants of nationality S." },
    { .name = "purpose",
      .arg = "P",
      .kind = OPT_ENUM,
      .values = "posting|dependent|delegate|tdy|private",
      .offset = offsetof(struct stats_args, purpose),
      .def = "any",
      .help = "only cases of that purpose." },
    { .name = "by",
      .arg = "BY",
      .kind = OPT_ENUM,
      .values = "post|class|purpose|nationality|month|quarter|year",
      .offset = offsetof(struct stats_args, by),
      .def = "one row in all",
      .help = "one row per group, and a total." },
    { .name = "from",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct stats_args, q.from),
      .def = "open",
      .help = "only cases applied for on D or later." },
    { .name = "to",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct stats_args, q.to),
      .def = "open",
      .help = "only cases applied for on D or earlier." },
    { .name = NULL },
};

const struct cmd_spec VISA_STATS_SPEC = {
    .name = "visa stats",
    .operands = "",
    .help = "counts, processing times and Kaplan-Meier time to decision.",
    .example = { "visa stats --issuing USA --nationality RUS --by year",
                 "visa stats --issuing USA --purpose delegate --from "
                 "2021-01-01 --to 2021-12-31" },
    .opts = STATS_OPTS,
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
    struct stats_args a = { { cli->today, NULL, NULL, 0, DATE_NONE, DATE_NONE,
                              VISA_BY_NONE },
                            -1,
                            -1 };
    struct visa_query q;
    struct visa_stats st;
    struct store *store = NULL;
    struct snapshot s;
    struct err e;
    int rc = opts_parse(cli, &VISA_STATS_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (a.q.from != DATE_NONE && a.q.to != DATE_NONE && a.q.to < a.q.from)
        return cli_error(ST_USAGE, "--to is before --from");
    q = a.q;
    q.purposes = a.purpose >= 0 ? 1u << a.purpose : 0;
    q.by = (enum visa_by)(a.by + 1);
    snapshot_init(&s);
    if (cli_open(cli, &store, &s, &e) ||
        opts_check(&VISA_STATS_SPEC, &a, NULL, NULL, &s, &e)) {
        snapshot_release(&s);
        if (store)
            store_close(store);
        return cli_fail(&e);
    }
    rc = 0;
    visa_stats_compute(&s, &q, &st);
    print_stats(cli, &st, q.by);
    visa_stats_release(&st);
    snapshot_release(&s);
    store_close(store);
    return rc;
}

static const char *const STATE_COLUMNS[] = {
    "sending",     "staff:n",
    "delegates:n", "requested:n",
    "in_time:n",   "late:n",
    "refused:n",   "withdrawn:n",
    "pending:n",   "pending_over_deadline:n",
};
#define N_STATE_COLUMNS (sizeof(STATE_COLUMNS) / sizeof(STATE_COLUMNS[0]))

static const char *const CASE_COLUMNS[] = {
    "sending",
    "visa",
    "person",
    "purpose",
    "class",
    "post",
    "applied",
    "deadline",
    "decided",
    "outcome",
    "days_outstanding:n",
    "days_over:n",
    "meeting",
    "meeting_missed:b",
};
#define N_CASE_COLUMNS (sizeof(CASE_COLUMNS) / sizeof(CASE_COLUMNS[0]))

static void add_state_row(struct grid *g, const struct un_state *st)
{
    const uint64_t n[] = {
        st->staff,     st->delegates, st->staff + st->delegates,
        st->in_time,   st->late,      st->refused,
        st->withdrawn, st->pending,   st->pending_overdue
    };
    char cells[N_STATE_COLUMNS][24];
    const char *row[N_STATE_COLUMNS];

    snprintf(cells[0], 24, "%s", st->sending);
    for (size_t i = 0; i < N_STATE_COLUMNS - 1; i++)
        snprintf(cells[i + 1], 24, "%llu", (unsigned long long)n[i]);
    for (size_t i = 0; i < N_STATE_COLUMNS; i++)
        row[i] = cells[i];
    grid_add_row(g, row);
}

static void add_case_row(struct grid *g, const struct snapshot *s,
                         const struct un_case *c)
{
    const struct visa *v = snap_visa(s, c->visa);
    char applied[DATE_BUF], deadline[DATE_BUF], decided[DATE_BUF],
        meeting[DATE_BUF], days[16], over[16];
    const char *row[N_CASE_COLUMNS] = {
        snap_person(s, v->person)->nationality,
        v->id,
        snap_person(s, v->person)->id,
        enum_name(&ENUM_VISA_PURPOSE, v->purpose),
        v->vclass,
        snap_mission(s, v->post)->id,
        applied,
        deadline,
        decided,
        c->undecided ? "pending" : enum_name(&ENUM_VISA_OUTCOME, v->outcome),
        days,
        over,
        meeting,
        c->meeting_missed ? "true" : "false",
    };

    date_format(v->applied, applied);
    date_format(c->deadline, deadline);
    date_format(c->undecided ? DATE_NONE : v->decided, decided);
    date_format(v->meeting, meeting);
    snprintf(days, sizeof(days), "%ld", (long)c->outstanding);
    snprintf(over, sizeof(over), "%ld", (long)c->over);
    grid_add_row(g, row);
}

/* The report's two tables. */
static void report_grids(const struct snapshot *s, const struct un_report *r,
                         struct grid *states, struct grid *cases)
{
    grid_init(states, STATE_COLUMNS, N_STATE_COLUMNS);
    for (size_t i = 0; i < r->n_states; i++)
        add_state_row(states, &r->states[i]);
    add_state_row(states, &r->total);
    grid_init(cases, CASE_COLUMNS, N_CASE_COLUMNS);
    for (size_t i = 0; i < r->n_cases; i++)
        add_case_row(cases, s, &r->cases[i]);
}

static void print_report(const struct cli *cli, const struct grid *states,
                         const struct grid *cases)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT);
    if (cli->format == OUT_JSON) {
        buf_addstr(&b, "{\"summary\": ");
        grid_render(states, OUT_JSON, &b);
        buf_addstr(&b, ", \"over_deadline\": ");
        grid_render(cases, OUT_JSON, &b);
        buf_addstr(&b, "}\n");
    } else {
        if (cli->format == OUT_TABLE)
            buf_addstr(&b, "Visas requested for mission staff and "
                           "delegates, by sending state:\n");
        grid_render(states, cli->format, &b);
        buf_addstr(&b, cli->format == OUT_TABLE ? "\nCases over the deadline:\n"
                                                : "\n");
        grid_render(cases, cli->format, &b);
    }
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
}

/* One chart series per sending state. Returns the series (their names
 * and arrays are freed by free_series). */
static struct km_series *chart_series(const struct visa_stats *curves)
{
    struct km_series *ks = xcalloc(curves->n + 1, sizeof(*ks));

    for (size_t i = 0; i < curves->n; i++) {
        const struct visa_group *g = &curves->groups[i];
        int32_t *t = xcalloc(g->curve.n_steps + 1, sizeof(*t));
        double *sv = xcalloc(g->curve.n_steps + 1, sizeof(*sv));

        for (size_t k = 0; k < g->curve.n_steps; k++) {
            t[k] = g->curve.steps[k].t;
            sv[k] = g->curve.steps[k].s;
        }
        ks[i] = (struct km_series){
            xasprintf("%s (%llu cases)", g->key,
                      (unsigned long long)g->applied),
            t,
            sv,
            g->curve.n_steps,
            g->curve.last_day,
        };
    }
    return ks;
}

static void free_series(struct km_series *ks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)ks[i].name);
        free((int32_t *)ks[i].t);
        free((double *)ks[i].s);
    }
    free(ks);
}

struct report_args {
    struct un_query q;
    const char *html;
    int un;
};

static const struct opt REPORT_OPTS[] = {
    { .name = "un",
      .kind = OPT_FLAG,
      .flags = OPT_REQUIRED,
      .offset = offsetof(struct report_args, un),
      .help = "the report of the UN Host Country Committee (the only one "
              "so far)." },
    { .name = "from",
      .arg = "D",
      .kind = OPT_DATE,
      .flags = OPT_REQUIRED,
      .offset = offsetof(struct report_args, q.from),
      .help = "the first day of applications covered." },
    { .name = "to",
      .arg = "D",
      .kind = OPT_DATE,
      .flags = OPT_REQUIRED,
      .offset = offsetof(struct report_args, q.to),
      .help = "the last day of applications covered." },
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct report_args, q.as_of),
      .def = "today",
      .help = "the date of the figures: cases undecided then are pending." },
    { .name = "issuing",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct report_args, q.issuing),
      .def = "every issuing state",
      .help = "the host state." },
    { .name = "html",
      .arg = "FILE",
      .offset = offsetof(struct report_args, html),
      .help = "write a printable HTML report to FILE instead." },
    { .name = NULL },
};

const struct cmd_spec VISA_REPORT_SPEC = {
    .name = "visa report",
    .operands = "",
    .help = "the visa chapter of the UN Host Country Committee report.",
    .example = { "visa report --un --from 2021-01-01 --to 2021-12-31 "
                 "--issuing USA",
                 "visa report --un --from 2021-01-01 --to 2021-12-31 "
                 "--issuing USA --html un-report.html" },
    .opts = REPORT_OPTS,
};

static void html_body(struct buf *b, const struct report_args *a,
                      const struct un_report *r, const struct grid *states,
                      const struct grid *cases)
{
    struct km_series *ks = chart_series(&r->curves);
    char from[DATE_BUF], to[DATE_BUF], on[DATE_BUF], text[512];

    date_format(a->q.from, from);
    date_format(a->q.to, to);
    date_format(a->q.as_of, on);
    snprintf(text, sizeof(text),
             "Visa applications of mission staff and delegates made from %s "
             "to %s, as known on %s",
             from, to, on);
    html_begin(b, text);
    html_heading(b, 1, text);
    html_paragraph(b, "Each case is due within the deadline of the visa_sla "
                      "policy of its issuing state that reaches it, else 15 "
                      "calendar days. Pending means undecided on the date "
                      "of the report: administrative processing is no "
                      "decision.");
    html_heading(b, 2, "By sending state");
    html_table(b, states);
    html_heading(b, 2, "Time to decision (Kaplan-Meier)");
    html_paragraph(b, "The share of applications still undecided after a "
                      "number of days. Cases pending on the date of the "
                      "report, and withdrawn cases, count as censored.");
    kmchart_svg(b, ks, r->curves.n, "Share of applications undecided");
    html_heading(b, 2, "Cases over the deadline");
    html_table(b, cases);
    html_end(b);
    free_series(ks, r->curves.n);
}

static int write_html(const struct report_args *a, const struct un_report *r,
                      const struct grid *states, const struct grid *cases)
{
    FILE *f = fopen(a->html, "wb");
    struct buf b;
    int rc = 0;

    if (!f)
        return cli_error(ST_ERROR, "cannot write '%s': %s", a->html,
                         strerror(errno));
    buf_init(&b, BUF_MAX_DEFAULT);
    html_body(&b, a, r, states, cases);
    if (fwrite(b.data, 1, b.len, f) != b.len)
        rc = cli_error(ST_ERROR, "cannot write '%s'", a->html);
    if (fclose(f) && !rc)
        rc = cli_error(ST_ERROR, "cannot write '%s'", a->html);
    buf_release(&b);
    if (!rc)
        printf("wrote %s\n", a->html);
    return rc;
}

/* Deadlines, report, output: the part of the command after the load. */
static int run_report(const struct cli *cli, const struct snapshot *s,
                      const struct report_args *a)
{
    int32_t *deadlines =
        xcalloc(snapshot_count(s, ENT_VISA) + 1, sizeof(*deadlines));
    struct grid states, cases;
    struct holidays h;
    struct un_report r;
    struct err e;
    int rc;

    holidays_init(&h);
    memset(&r, 0, sizeof(r));
    if (cli_holidays(&h, &e) || visa_sla_deadlines(s, &h, deadlines, &e)) {
        rc = cli_fail(&e);
    } else {
        un_report_build(s, deadlines, &a->q, &r);
        report_grids(s, &r, &states, &cases);
        rc = a->html ? write_html(a, &r, &states, &cases) : 0;
        if (!a->html)
            print_report(cli, &states, &cases);
        grid_release(&states);
        grid_release(&cases);
        un_report_release(&r);
    }
    holidays_release(&h);
    free(deadlines);
    return rc;
}

int visa_cmd_report(struct cli *cli, int argc, char **argv)
{
    struct report_args a = { { DATE_NONE, DATE_NONE, cli->today, NULL },
                             NULL,
                             0 };
    struct store *store = NULL;
    struct snapshot s;
    struct err e;
    int rc = opts_parse(cli, &VISA_REPORT_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (a.q.to < a.q.from)
        return cli_error(ST_USAGE, "--to is before --from");
    snapshot_init(&s);
    if (cli_open(cli, &store, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    if (opts_check(&VISA_REPORT_SPEC, &a, NULL, NULL, &s, &e))
        rc = cli_fail(&e);
    else
        rc = run_report(cli, &s, &a);
    snapshot_release(&s);
    store_close(store);
    return rc;
}
