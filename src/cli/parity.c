/*
 * `chancery parity S1 S2`: each side's staff in the other and the caps
 * between them (rules/parity.h), on one date as a table by staff category,
 * or over a series of dates as a row per step; `--svg FILE` draws the
 * series in both counting views. This file parses the options, computes,
 * and writes what report/parity_render.h renders.
 */
#include "rules/parity.h"

#include <assert.h>
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "core/interchange.h"
#include "report/parity_render.h"
#include "report/views.h"

struct parity_args {
    struct parity_options o;
    struct opt_list assumed;
    int32_t as_of, from, to;
    int step; /* enum parity_step; -1 when not given */
    int view; /* enum parity_view */
    const char *svg;
};

static const struct opt OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct parity_args, as_of),
      .def = "today",
      .help = "the one date of a table by staff category; not with --from." },
    { .name = "from",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct parity_args, from),
      .help = "the first date of a series (with --to): one row per step." },
    { .name = "to",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct parity_args, to),
      .help = "the last date of a series (with --from)." },
    { .name = "step",
      .arg = "STEP",
      .kind = OPT_ENUM,
      .values = "month|quarter|year",
      .offset = offsetof(struct parity_args, step),
      .def = "month",
      .help = "the interval between the dates of a series." },
    { .name = "count",
      .arg = "VIEW",
      .kind = OPT_ENUM,
      .values = "bilateral|country",
      .offset = offsetof(struct parity_args, view),
      .def = "bilateral",
      .help = "bilateral counts the missions each state sends to the other; "
              "country also counts missions to organizations seated in the "
              "other." },
    { .name = "assume",
      .arg = "COND",
      .kind = OPT_LIST,
      .ref = REF_CONDITION,
      .offset = offsetof(struct parity_args, assumed),
      .def = "none",
      .help = "assume that condition COND holds: every cap that applies "
              "unless COND is void." },
    { .name = "svg",
      .arg = "FILE",
      .offset = offsetof(struct parity_args, svg),
      .help = "also draw the series as an SVG chart in FILE (a series "
              "only)." },
    { .name = NULL },
};

const struct cmd_spec PARITY_SPEC = {
    .name = "parity",
    .operands = "S1 S2",
    .min_operands = 2,
    .max_operands = 2,
    .operand_refs = { REF_STATE, REF_STATE },
    .help = "each side's staff in the other, the gap and the caps between "
            "them.",
    .example = { "parity RUS USA --as-of 2021-12-04",
                 "parity RUS USA --from 2016-01-01 --to 2022-12-31 --step "
                 "quarter --svg parity.svg" },
    .opts = OPTS,
};

/* The combinations of options that make sense. */
static enum status check_args(struct parity_args *a, struct err *e)
{
    int series = a->from != DATE_NONE || a->to != DATE_NONE;

    if (series && a->as_of != DATE_NONE)
        return err_set(e, ST_USAGE,
                       "--as-of and --from/--to exclude each other");
    if (series && (a->from == DATE_NONE || a->to == DATE_NONE))
        return err_set(e, ST_USAGE, "a series needs both --from and --to");
    if (!series && (a->step >= 0 || a->svg))
        return err_set(e, ST_USAGE, "%s needs a series (--from and --to)",
                       a->svg ? "--svg" : "--step");
    if (series && a->from > a->to)
        return err_set(e, ST_USAGE, "--from is after --to");
    return ST_OK;
}

/* Parses argv into a; returns OPTS_GO to go on, else the exit code. */
static int parse_args(struct parity_args *a, struct cli *cli, int argc,
                      char **argv)
{
    struct opts_rest rest;
    struct err e;
    int rc;

    memset(a, 0, sizeof(*a));
    a->as_of = a->from = a->to = DATE_NONE;
    a->step = -1;
    rc = opts_parse(cli, &PARITY_SPEC, argc, argv, a, NULL, &rest);
    if (rc != OPTS_GO)
        return rc;
    if (check_args(a, &e))
        return cli_fail(&e);
    if (a->as_of == DATE_NONE)
        a->as_of = cli->today;
    if (a->step < 0)
        a->step = PARITY_MONTH;
    a->o.view = (enum parity_view)a->view;
    a->o.assumed = a->assumed.v;
    a->o.n_assumed = (size_t)a->assumed.n;
    a->o.states[0] = rest.v[0];
    a->o.states[1] = rest.v[1];
    return OPTS_GO;
}

/* Writes out to stdout. */
static void print(const struct buf *out)
{
    fwrite(out->data, 1, out->len, stdout);
}

/* The chart: the series p (in a's view) and the other view's, computed
 * on the same dates; ST_ERROR (printed) when the file cannot be written. */
static int write_svg(const struct parity_args *a, const struct snapshot *s,
                     const int32_t *dates, const struct parity *p)
{
    struct buf b;
    struct err e;
    int rc = 0;

    buf_init(&b, BUF_MAX_DEFAULT);
    if (parity_render_chart(s, &a->o, dates, p, &b, &e) ||
        interchange_write_file(a->svg, &b, &e))
        rc = cli_fail(&e);
    buf_release(&b);
    return rc;
}

static int run(struct cli *cli, struct parity_args *a, const struct snapshot *s)
{
    struct parity_query q = { a->o, a->as_of, a->from, a->to, a->step };
    struct parity p;
    struct buf out;
    int32_t *dates = NULL;
    size_t n = 0;
    struct err e;
    int rc = 0;

    parity_init(&p);
    buf_init(&out, BUF_MAX_DEFAULT);
    if (view_parity_compute(s, &q, &dates, &n, &p, &e))
        rc = cli_fail(&e);
    else if (!(rc = a->svg ? write_svg(a, s, dates, &p) : 0))
        view_parity_render(&q, &p, cli->format, &out);
    print(&out);
    buf_release(&out);
    free(dates);
    parity_release(&p);
    return rc;
}

int cmd_parity(struct cli *cli, int argc, char **argv)
{
    struct parity_args a;
    struct store *st = NULL;
    struct snapshot s;
    struct err e;
    struct opts_rest states;
    int rc = parse_args(&a, cli, argc, argv);

    if (rc != OPTS_GO)
        return rc;
    states = (struct opts_rest){ (char **)a.o.states, 2 };
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&PARITY_SPEC, &a, NULL, &states, &s, &e)) {
        rc = cli_fail(&e);
        if (st)
            store_close(st);
    } else {
        rc = run(cli, &a, &s);
        store_close(st);
    }
    snapshot_release(&s);
    return rc;
}
