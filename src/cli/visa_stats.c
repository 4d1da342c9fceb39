/*
 * `chancery visa stats`: the figures of visa/stats.h for the cases the
 * options select, rendered by report/visastats_render.h; `--svg FILE`
 * writes the Kaplan-Meier chart of the same groups beside the table. The
 * chart's deadline is --deadline DAYS, else the max_days of the visa_sla
 * policy of the issuing state in effect on the as-of date (the shortest
 * when several are), else none.
 */
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/visa.h"
#include "core/interchange.h"
#include "report/read_views.h"

/* The command line; by is VISA_BY_NAMES's index less one. */
struct stats_args {
    struct visa_query q;
    int purpose, by;
    const char *svg;
    long deadline; /* -1 when not given */
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
    { .name = "svg",
      .arg = "FILE",
      .offset = offsetof(struct stats_args, svg),
      .help = "also draw the Kaplan-Meier chart of the same groups in FILE, "
              "with censoring ticks and the deadline." },
    { .name = "deadline",
      .arg = "DAYS",
      .kind = OPT_INT,
      .offset = offsetof(struct stats_args, deadline),
      .def = "the issuing state's visa_sla policy, else none",
      .help = "with --svg: the deadline line of the chart, in days (1 to "
              "3650)." },
    { .name = NULL },
};

const struct cmd_spec VISA_STATS_SPEC = {
    .name = "visa stats",
    .operands = "",
    .help = "counts, processing times and Kaplan-Meier time to decision.",
    .example = { "visa stats --issuing USA --nationality RUS --by year",
                 "visa stats --issuing USA --purpose delegate --svg km.svg" },
    .opts = STATS_OPTS,
};

/* The longest deadline a chart takes, in days. */
#define MAX_DEADLINE 3650

/* Completes the query from the options; checks what the table cannot. */
static enum status stats_query(struct stats_args *a, struct err *e)
{
    if (a->q.from != DATE_NONE && a->q.to != DATE_NONE && a->q.to < a->q.from)
        return err_set(e, ST_USAGE, "--to is before --from");
    if (a->deadline != -1 && !a->svg)
        return err_set(e, ST_USAGE, "--deadline is for the chart (--svg)");
    if (a->deadline != -1 && (a->deadline < 1 || a->deadline > MAX_DEADLINE))
        return err_set(e, ST_USAGE,
                       "--deadline: expected a number of days from 1 to %d, "
                       "not '%ld'",
                       MAX_DEADLINE, a->deadline);
    a->q.purposes = a->purpose >= 0 ? 1u << a->purpose : 0;
    a->q.by = (enum visa_by)(a->by + 1);
    return ST_OK;
}

/* The chart into --svg, then the table on stdout: both views. */
static int run(const struct cli *cli, const struct snapshot *s,
               const struct stats_args *a)
{
    int32_t deadline = a->deadline > 0 ? (int32_t)a->deadline : 0;
    struct buf b;
    struct err e;
    int rc = 0;

    buf_init(&b, BUF_MAX_DEFAULT);
    if (a->svg) {
        view_visa_stats_svg(s, &a->q, deadline, &b);
        if (interchange_write_file(a->svg, &b, &e))
            rc = cli_fail(&e);
        buf_reset(&b);
    }
    if (!rc) {
        view_visa_stats(s, &a->q, cli->format, &b);
        fwrite(b.data, 1, b.len, stdout);
    }
    buf_release(&b);
    return rc;
}

int visa_cmd_stats(struct cli *cli, int argc, char **argv)
{
    struct stats_args a = { { cli->today, NULL, NULL, 0, DATE_NONE, DATE_NONE,
                              VISA_BY_NONE },
                            -1,
                            -1,
                            NULL,
                            -1 };
    struct store *store = NULL;
    struct snapshot s;
    struct err e;
    int rc = opts_parse(cli, &VISA_STATS_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (stats_query(&a, &e))
        return cli_fail(&e);
    snapshot_init(&s);
    if (cli_open(cli, &store, &s, &e) ||
        opts_check(&VISA_STATS_SPEC, &a, NULL, NULL, &s, &e)) {
        snapshot_release(&s);
        if (store)
            store_close(store);
        return cli_fail(&e);
    }
    rc = run(cli, &s, &a);
    snapshot_release(&s);
    store_close(store);
    return rc;
}
