/*
 * `chancery parity S1 S2`: each side's staff in the other and the caps
 * between them (rules/parity.h), on one date as a table by staff category,
 * or over a series of dates as a row per step; `--svg FILE` draws the
 * series in both counting views. This file parses the options, computes,
 * and writes what report/parity_render.h renders.
 */
#include "rules/parity.h"

#include <assert.h>
#include <getopt.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "core/interchange.h"
#include "report/parity_render.h"
#include "report/views.h"

static const char USAGE[] =
    "S1 S2 [--as-of D | --from D --to D [--step month|quarter|year]] "
    "[--count bilateral|country] [--assume COND]... [--svg FILE]";

struct parity_args {
    struct parity_options o;
    const char **assumed; /* borrowed from argv */
    size_t alloc;
    int32_t as_of, from, to;
    int has_as_of;
    int has_step;
    enum parity_step step;
    const char *svg;
};

static enum status parse_choice(const char *option, const char *text,
                                const char *const *names, int *out,
                                struct err *e)
{
    for (int i = 0; names[i]; i++) {
        if (!strcmp(names[i], text)) {
            *out = i;
            return ST_OK;
        }
    }
    return err_set(e, ST_USAGE, "%s: unknown value '%s'", option, text);
}

static enum status parse_option(void *ctx, int c, struct err *e)
{
    struct parity_args *a = ctx;
    static const char *const steps[] = { "month", "quarter", "year", NULL };
    static const char *const views[] = { "bilateral", "country", NULL };
    int v = 0;
    enum status rc;

    switch (c) {
    case 'a':
        a->has_as_of = 1;
        return cli_date("--as-of", optarg, &a->as_of, e);
    case 'f':
        return cli_date("--from", optarg, &a->from, e);
    case 't':
        return cli_date("--to", optarg, &a->to, e);
    case 's':
        a->has_step = 1;
        rc = parse_choice("--step", optarg, steps, &v, e);
        a->step = (enum parity_step)v;
        return rc;
    case 'c':
        rc = parse_choice("--count", optarg, views, &v, e);
        a->o.view = (enum parity_view)v;
        return rc;
    case 'u':
        XGROW(a->assumed, a->o.n_assumed + 1, a->alloc);
        a->assumed[a->o.n_assumed++] = optarg;
        a->o.assumed = a->assumed;
        return ST_OK;
    default:
        a->svg = optarg;
        return ST_OK;
    }
}

/* The combinations of options that make sense. */
static enum status check_args(struct parity_args *a, int n_rest, struct err *e)
{
    int series = a->from != DATE_NONE || a->to != DATE_NONE;

    if (n_rest != 2)
        return err_set(e, ST_USAGE, "usage: chancery parity %s", USAGE);
    if (series && a->has_as_of)
        return err_set(e, ST_USAGE,
                       "--as-of and --from/--to exclude each other");
    if (series && (a->from == DATE_NONE || a->to == DATE_NONE))
        return err_set(e, ST_USAGE, "a series needs both --from and --to");
    if (!series && (a->has_step || a->svg))
        return err_set(e, ST_USAGE, "%s needs a series (--from and --to)",
                       a->svg ? "--svg" : "--step");
    if (series && a->from > a->to)
        return err_set(e, ST_USAGE, "--from is after --to");
    return ST_OK;
}

/* Parses argv into a; returns -1 to go on, else the exit code. */
static int parse_args(struct parity_args *a, struct cli *cli, int argc,
                      char **argv)
{
    static const struct option opts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },
        { "step", required_argument, NULL, 's' },
        { "count", required_argument, NULL, 'c' },
        { "assume", required_argument, NULL, 'u' },
        { "svg", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct err e;
    int rc;

    memset(a, 0, sizeof(*a));
    a->as_of = cli->today;
    a->from = a->to = DATE_NONE;
    rc = cli_options("parity", USAGE, opts, argc, argv, parse_option, a);
    if (rc != -1)
        return rc;
    if (check_args(a, argc - optind, &e))
        return cli_fail(&e);
    a->o.states[0] = argv[optind];
    a->o.states[1] = argv[optind + 1];
    return -1;
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
    struct parity_options other = a->o;
    const struct parity *views[2];
    struct parity q;
    struct buf b;
    struct err e;
    int rc = 0;

    other.view =
        a->o.view == PARITY_BILATERAL ? PARITY_COUNTRY : PARITY_BILATERAL;
    parity_init(&q);
    buf_init(&b, BUF_MAX_DEFAULT);
    if (parity_compute(s, &other, dates, p->n_points, &q, &e)) {
        rc = cli_fail(&e);
    } else {
        views[a->o.view] = p;
        views[other.view] = &q;
        parity_render_svg(&a->o, views, &b);
        if (interchange_write_file(a->svg, &b, &e))
            rc = cli_fail(&e);
    }
    buf_release(&b);
    parity_release(&q);
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
    struct store *st;
    struct snapshot s;
    struct err e;
    int rc = parse_args(&a, cli, argc, argv);

    if (rc >= 0) {
        free(a.assumed);
        return rc;
    }
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        rc = cli_fail(&e);
    } else {
        rc = run(cli, &a, &s);
        store_close(st);
    }
    snapshot_release(&s);
    free(a.assumed);
    return rc;
}
