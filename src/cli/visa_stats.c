/*
 * `chancery visa stats`: the figures of visa/stats.h for the cases the
 * options select, rendered by report/visastats_render.h; `--svg FILE`
 * writes the Kaplan-Meier chart of the same groups beside the table. The
 * chart's deadline is --deadline DAYS, else the max_days of the visa_sla
 * policy of the issuing state in effect on the as-of date (the shortest
 * when several are), else none.
 */
#include <errno.h>
#include <limits.h>

#include "base/arena.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "cli/edit.h"
#include "cli/visa.h"
#include "core/interchange.h"
#include "report/views.h"
#include "report/visastats_render.h"
#include "rules/policy.h"

static const struct edit_option STATS_OPTS[] = {
    { "as-of", NULL, 0 },   { "issuing", NULL, 0 }, { "nationality", NULL, 0 },
    { "purpose", NULL, 0 }, { "by", NULL, 0 },      { "from", NULL, 0 },
    { "to", NULL, 0 },      { "svg", NULL, 0 },     { "deadline", NULL, 0 },
    { NULL, NULL, 0 },
};

static const struct edit_command STATS = {
    "visa", "stats " VISA_STATS_USAGE, ENT_VISA, 0, STATS_OPTS, NULL,
};

/* The longest deadline a chart takes, in days. */
#define MAX_DEADLINE 3650

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

/* The chart's deadline as asked: --deadline DAYS (needs --svg). */
static enum status deadline_option(const char **v, int32_t *days, struct err *e)
{
    char *end;
    long n;

    *days = 0;
    if (!v[8])
        return ST_OK;
    if (!v[7])
        return err_set(e, ST_USAGE, "--deadline is for the chart (--svg)");
    errno = 0;
    n = strtol(v[8], &end, 10);
    if (errno || end == v[8] || *end || n < 1 || n > MAX_DEADLINE)
        return err_set(e, ST_USAGE,
                       "--deadline: expected a number of days from 1 to %d, "
                       "not '%s'",
                       MAX_DEADLINE, v[8]);
    *days = (int32_t)n;
    return ST_OK;
}

/* The shortest visa_sla deadline of issuing (any issuer when NULL) in
 * effect on as_of, as calendar days (working days taken as 7 for 5), and
 * its label; 0 when none. */
static int32_t sla_deadline(const struct snapshot *s,
                            const struct visa_query *q, char *label,
                            size_t size)
{
    struct arena a;
    int32_t best = 0;

    arena_init(&a);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, i);
        struct policy_rule r;
        struct err e;
        int32_t days;

        if (y->kind != PK_VISA_SLA ||
            (q->issuing && strcmp(y->issuer, q->issuing)) ||
            policy_rule_load(s, i, &a, &r, &e) ||
            !policy_rule_in_effect(&r, q->as_of))
            continue;
        days = r.u.visa_sla.working_days ? (r.u.visa_sla.max_days * 7 + 4) / 5
                                         : r.u.visa_sla.max_days;
        if (best && days >= best)
            continue;
        best = days;
        if (r.u.visa_sla.working_days)
            snprintf(label, size, "deadline: %d working days, about %ld (%s)",
                     r.u.visa_sla.max_days, (long)days, y->id);
        else
            snprintf(label, size, "deadline: %ld days (%s)", (long)days, y->id);
    }
    arena_release(&a);
    return best;
}

static void chart_subtitle(const struct visa_query *q, char *out, size_t size)
{
    char on[DATE_BUF];

    date_format(q->as_of, on);
    snprintf(out, size,
             "Applications%s%s%s%s, as of %s; pending and withdrawn "
             "cases are censored (ticks).",
             q->nationality ? " of " : "", q->nationality ? q->nationality : "",
             q->issuing ? " to " : "", q->issuing ? q->issuing : "", on);
}

static int write_chart(const struct snapshot *s, const struct visa_query *q,
                       const struct visa_stats *st, int32_t deadline,
                       const char *path)
{
    char label[160], subtitle[256];
    struct visa_stats_chart c = { "Time to a visa decision (Kaplan-Meier)",
                                  subtitle, deadline, label };
    struct buf b;
    struct err e;
    int rc = 0;

    if (deadline > 0)
        snprintf(label, sizeof(label), "deadline: %ld days (--deadline)",
                 (long)deadline);
    else
        c.deadline = sla_deadline(s, q, label, sizeof(label));
    chart_subtitle(q, subtitle, sizeof(subtitle));
    buf_init(&b, BUF_MAX_DEFAULT);
    visa_stats_render_svg(st, q->by, &c, &b);
    if (interchange_write_file(path, &b, &e))
        rc = cli_fail(&e);
    buf_release(&b);
    return rc;
}

static int run(const struct cli *cli, const struct snapshot *s, const char **v)
{
    struct visa_stats st;
    struct visa_query q;
    struct buf out;
    struct err e;
    int32_t deadline;
    int rc;

    if (stats_query(&q, cli, s, v, &e) || deadline_option(v, &deadline, &e))
        return cli_fail(&e);
    if (v[7]) { /* the chart needs the statistics themselves */
        visa_stats_compute(s, &q, &st);
        rc = write_chart(s, &q, &st, deadline, v[7]);
        visa_stats_release(&st);
        if (rc)
            return rc;
    }
    buf_init(&out, BUF_MAX_DEFAULT);
    view_visa_stats(s, &q, cli->format, &out);
    fwrite(out.data, 1, out.len, stdout);
    buf_release(&out);
    return 0;
}

int visa_cmd_stats(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
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
    rc = run(cli, &s, v);
    snapshot_release(&s);
    store_close(store);
    return rc;
}
