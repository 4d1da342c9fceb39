/*
 * `chancery forecast SCENARIO.json` and `chancery forecast compare A.json
 * B.json ...`: staffing forecasts under a scenario's measures (issue 5,
 * docs/forecast.md). The registry is loaded once; each scenario is read,
 * checked field by field (every problem printed, exit 3), modelled and run
 * (forecast/), then printed, charted (--svg, also for a comparison) or
 * written up (--html).
 *
 * The seed is printed with the result, and --runs, --seed and --threads
 * override the file; the output depends on the seed and the runs only, so
 * the same seed gives the same bytes on any number of threads. Progress
 * goes to stderr when stderr is a terminal.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/fcjob.h"

static const char USAGE[] =
    "SCENARIO.json [--runs N] [--seed N] [--threads N] [--svg FILE] "
    "[--html FILE] [--by side|mission]\n"
    "       chancery forecast compare A.json B.json ... [--runs N] [--seed N] "
    "[--threads N] [--by side|mission] [--svg FILE]";

/* A whole number option in min..max. */
static enum status number(const char *option, const char *text, long min,
                          long max, long *out, struct err *e)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return err_set(e, ST_USAGE,
                       "%s: expected a whole number from %ld to "
                       "%ld, not '%s'",
                       option, min, max, text);
    *out = v;
    return ST_OK;
}

static enum status by_option(struct fc_args *a, const char *text, struct err *e)
{
    a->by_given = 1;
    if (!strcmp(text, "side"))
        a->by = FC_BY_SIDE;
    else if (!strcmp(text, "mission"))
        a->by = FC_BY_MISSION;
    else
        return err_set(e, ST_USAGE, "--by: '%s' is not side or mission", text);
    return ST_OK;
}

static enum status option(void *ctx, int c, struct err *e)
{
    struct fc_args *a = ctx;
    long v = 0;
    enum status st = ST_OK;

    switch (c) {
    case 'r':
        st = number("--runs", optarg, 1, SCENARIO_MAX_RUNS, &a->runs, e);
        break;
    case 's':
        st = number("--seed", optarg, 0, LONG_MAX, &v, e);
        a->seed = (uint64_t)v;
        a->has_seed = 1;
        break;
    case 't':
        st = number("--threads", optarg, 1, 256, &v, e);
        a->threads = (int)v;
        break;
    case 'g':
        a->svg = optarg;
        break;
    case 'w':
        a->html = optarg;
        break;
    default:
        st = by_option(a, optarg, e);
    }
    return st;
}

/* Returns -1 to go on, else the exit code. */
static int parse(struct fc_args *a, int argc, char **argv)
{
    static const struct option opts[] = {
        { "runs", required_argument, NULL, 'r' },
        { "seed", required_argument, NULL, 's' },
        { "threads", required_argument, NULL, 't' },
        { "svg", required_argument, NULL, 'g' },
        { "html", required_argument, NULL, 'w' },
        { "by", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int rc;

    memset(a, 0, sizeof(*a));
    rc = cli_options("forecast", USAGE, opts, argc, argv, option, a);
    if (rc != -1)
        return rc;
    a->files = argv + optind;
    a->n_files = argc - optind;
    return -1;
}

static void progress(void *ctx, long done, long total)
{
    (void)ctx;
    if (done < total)
        fprintf(stderr, "\rforecast: %ld of %ld runs", done, total);
    else
        fprintf(stderr, "\r%40s\r", "");
    fflush(stderr);
}

static int read_scenario(const struct snapshot *s, struct fc_job *j)
{
    struct problems p;
    struct buf text;
    struct err e;
    size_t n;

    if (cli_read_file(j->path, &text, &e))
        return cli_fail(&e);
    problems_init(&p);
    n = scenario_parse(s, j->path, text.data, text.len, &j->sc, &p);
    j->stage = 1;
    buf_release(&text);
    if (n) {
        for (size_t i = 0; i < p.n_kept; i++)
            fprintf(stderr, "%s\n", p.msgs[i]);
        cli_error(ST_INVALID, "%s: %zu error%s in the scenario", j->path, n,
                  n == 1 ? "" : "s");
    }
    problems_release(&p);
    return n ? ST_INVALID : 0;
}

/* A seed for a scenario that gives none: from the clock, printed with
 * the result so that the run can be repeated. */
static uint64_t clock_seed(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec ^
            (uint64_t)getpid() << 20) &
           (uint64_t)LONG_MAX;
}

int fc_job_run(const struct fc_args *a, const struct snapshot *s,
               struct fc_job *j)
{
    struct forecast_options o = { 0 };
    struct err e;
    int rc;

    if ((rc = read_scenario(s, j)))
        return rc;
    if (forecast_model_build(s, &j->sc, &j->model, &e))
        return cli_fail(&e);
    j->stage = 2;
    o.runs = a->runs ? a->runs : j->sc.runs;
    o.seed = a->has_seed ? a->seed : j->sc.has_seed ? j->sc.seed : clock_seed();
    o.threads = a->threads;
    if (isatty(STDERR_FILENO))
        o.progress = progress;
    forecast_run(&j->model, &o, &j->result);
    j->stage = 3;
    return 0;
}

void fc_job_release(struct fc_job *j)
{
    if (j->stage >= 3)
        forecast_result_release(&j->result);
    if (j->stage >= 2)
        forecast_model_release(&j->model);
    if (j->stage >= 1)
        scenario_release(&j->sc);
    j->stage = 0;
}

static int load(struct cli *cli, struct snapshot *s)
{
    struct store *st;
    struct err e;

    if (cli_open(cli, &st, s, &e))
        return cli_fail(&e);
    store_close(st);
    return 0;
}

static int one(struct cli *cli, const struct fc_args *a,
               const struct snapshot *s)
{
    struct fc_job j;
    int rc;

    memset(&j, 0, sizeof(j));
    j.path = a->files[0];
    rc = fc_job_run(a, s, &j);

    if (!rc)
        fc_print(cli, a, &j);
    if (!rc && a->svg)
        rc = fc_write_svg(&j, a->svg);
    if (!rc && a->html)
        rc = fc_write_html(&j, a->html);
    fc_job_release(&j);
    return rc;
}

static int compare(struct cli *cli, struct fc_args *a, const struct snapshot *s)
{
    size_t n = (size_t)a->n_files - 1;
    struct fc_job *jobs = xcalloc(n, sizeof(*jobs));
    int rc = 0;

    if (!a->by_given)
        a->by = FC_BY_SIDE;
    for (size_t i = 0; i < n && !rc; i++) {
        jobs[i].path = a->files[i + 1];
        rc = fc_job_run(a, s, &jobs[i]);
    }
    if (!rc)
        rc = fc_print_compare(cli, a, jobs, n);
    for (size_t i = 0; i < n; i++)
        fc_job_release(&jobs[i]);
    free(jobs);
    return rc;
}

int cmd_forecast(struct cli *cli, int argc, char **argv)
{
    struct fc_args a;
    struct snapshot s;
    int rc = parse(&a, argc, argv);
    int comparing;

    if (rc >= 0)
        return rc;
    comparing = a.n_files > 0 && !strcmp(a.files[0], "compare");
    if (!a.n_files || (comparing && a.n_files < 3) ||
        (!comparing && a.n_files != 1))
        return cli_usage("forecast", USAGE);
    if (comparing && a.html)
        return cli_error(ST_USAGE, "forecast compare: --html is for one "
                                   "scenario");
    snapshot_init(&s);
    rc = load(cli, &s);
    if (!rc)
        rc = comparing ? compare(cli, &a, &s) : one(cli, &a, &s);
    snapshot_release(&s);
    return rc;
}
