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
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/visa.h"
#include "report/read_views.h"
#include "report/unreport_html.h"
#include "rules/visa_sla.h"
#include "visa/unreport.h"

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
      .offset = offsetof(struct report_args, q.from),
      .def = "the first application",
      .help = "the first day of applications covered." },
    { .name = "to",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct report_args, q.to),
      .def = "the --as-of date",
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
    { .name = "include-bilateral",
      .kind = OPT_FLAG,
      .offset = offsetof(struct report_args, q.include_bilateral),
      .help = "also the cases the Headquarters Agreement does not cover "
              "(bilateral embassy and consular visas)." },
    { .name = NULL },
};

const struct cmd_spec VISA_REPORT_SPEC = {
    .name = "visa report",
    .operands = "",
    .help = "the visa chapter of the UN Host Country Committee report.",
    .example = { "visa report --un --issuing USA --as-of 2022-12-31",
                 "visa report --un --from 2021-01-01 --to 2021-12-31 "
                 "--issuing USA --html un-report.html" },
    .opts = REPORT_OPTS,
};

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

/* Deadlines, report, output: the part of the command after the load. The
 * HTML file needs the report itself; stdout gets the view's bytes. */
static int run_report(const struct cli *cli, const struct snapshot *s,
                      const struct report_args *a)
{
    int32_t *deadlines;
    struct holidays h;
    struct un_report r;
    struct buf b;
    struct err e;
    int rc = 0;

    holidays_init(&h);
    buf_init(&b, BUF_MAX_DEFAULT);
    if (cli_holidays(&h, &e)) {
        rc = cli_fail(&e);
    } else if (!a->html) {
        rc = view_visa_report(s, &a->q, &h, cli->format, &b, &e) ? cli_fail(&e)
                                                                 : 0;
        fwrite(b.data, 1, b.len, stdout);
    } else {
        deadlines =
            xcalloc(snapshot_count(s, ENT_VISA) + 1, sizeof(*deadlines));
        memset(&r, 0, sizeof(r));
        if (visa_sla_deadlines(s, &h, deadlines, &e)) {
            rc = cli_fail(&e);
        } else {
            un_report_build(s, deadlines, &a->q, &r);
            rc = write_html(s, a, &r);
            un_report_release(&r);
        }
        free(deadlines);
    }
    buf_release(&b);
    holidays_release(&h);
    return rc;
}

int visa_cmd_report(struct cli *cli, int argc, char **argv)
{
    struct report_args a = { { DATE_NONE, DATE_NONE, cli->today, NULL, 0 },
                             NULL,
                             0 };
    struct store *store = NULL;
    struct snapshot s;
    struct err e;
    int rc = opts_parse(cli, &VISA_REPORT_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &store, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    un_query_complete(&s, &a.q);
    if (opts_check(&VISA_REPORT_SPEC, &a, NULL, NULL, &s, &e))
        rc = cli_fail(&e);
    else if (a.q.to < a.q.from)
        rc = cli_error(ST_USAGE, "--to is before --from");
    else
        rc = run_report(cli, &s, &a);
    snapshot_release(&s);
    store_close(store);
    return rc;
}
