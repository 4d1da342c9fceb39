/*
 * `chancery visa report --un`: option parsing and output for the pure
 * analysis of visa/unreport.h (`visa stats` is in cli/visa_stats.c); the
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
