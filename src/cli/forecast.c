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
#include <limits.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/fcjob.h"

/* The command line, before it becomes fc_args. */
struct forecast_cmdline {
    long runs, seed, threads; /* -1 when not given */
    const char *svg, *html;
    int by; /* enum fc_by order: side, mission; -1 when not given */
};

static const struct opt OPTS[] = {
    { .name = "runs",
      .arg = "N",
      .kind = OPT_INT,
      .offset = offsetof(struct forecast_cmdline, runs),
      .def = "the scenario's runs",
      .help = "how many Monte Carlo runs (1 to 1000000)." },
    { .name = "seed",
      .arg = "N",
      .kind = OPT_INT,
      .offset = offsetof(struct forecast_cmdline, seed),
      .def = "the scenario's seed",
      .help = "the seed of the random generator; the same seed gives the "
              "same output on any number of threads." },
    { .name = "threads",
      .arg = "N",
      .kind = OPT_INT,
      .offset = offsetof(struct forecast_cmdline, threads),
      .def = "one per core",
      .help = "how many threads run (1 to 256)." },
    { .name = "svg",
      .arg = "FILE",
      .offset = offsetof(struct forecast_cmdline, svg),
      .help = "also draw the chart in FILE: one scenario's fan charts, or "
              "with compare each scenario's median and band against the "
              "first." },
    { .name = "html",
      .arg = "FILE",
      .offset = offsetof(struct forecast_cmdline, html),
      .help = "one scenario only: also write a report page to FILE." },
    { .name = "by",
      .arg = "BY",
      .kind = OPT_ENUM,
      .values = "side|mission",
      .offset = offsetof(struct forecast_cmdline, by),
      .def = "the scenario's own choice, else side",
      .help = "one series per side, or per mission." },
    { .name = NULL },
};

const struct cmd_spec FORECAST_SPEC = {
    .name = "forecast",
    .operands = "SCENARIO.json | compare A.json B.json ...",
    .min_operands = 1,
    .max_operands = -1,
    .help = "staffing forecasts under a scenario's measures (Monte Carlo), "
            "or several scenarios compared.",
    .more = "A scenario is a JSON file (docs/forecast.md): the sides, the "
            "horizon, the measures and the conditions assumed. The seed is "
            "printed with the result.",
    .example = { "forecast data/demo/scenarios/measures-as-announced.json --runs 2000 "
                 "--svg fan.svg",
                 "forecast compare data/demo/scenarios/measures-as-announced.json "
                 "data/demo/scenarios/us-compromise.json" },
    .opts = OPTS,
};

/* A whole number option in min..max (-1: not given, kept). */
static enum status in_range(const char *option, long v, long min, long max,
                            struct err *e)
{
    if (v != -1 && (v < min || v > max))
        return err_set(e, ST_USAGE,
                       "%s: expected a whole number from %ld to %ld, not "
                       "'%ld'",
                       option, min, max, v);
    return ST_OK;
}

/* Returns OPTS_GO to go on, else the exit code. */
static int parse(struct fc_args *a, struct cli *cli, int argc, char **argv)
{
    struct forecast_cmdline c = { -1, -1, -1, NULL, NULL, -1 };
    struct opts_rest files;
    struct err e;
    int rc;

    memset(a, 0, sizeof(*a));
    rc = opts_parse(cli, &FORECAST_SPEC, argc, argv, &c, NULL, &files);
    if (rc != OPTS_GO)
        return rc;
    if (in_range("--runs", c.runs, 1, SCENARIO_MAX_RUNS, &e) ||
        in_range("--threads", c.threads, 1, 256, &e))
        return cli_fail(&e);
    a->runs = c.runs < 0 ? 0 : c.runs;
    a->has_seed = c.seed >= 0;
    a->seed = a->has_seed ? (uint64_t)c.seed : 0;
    a->threads = c.threads < 0 ? 0 : (int)c.threads;
    a->svg = c.svg;
    a->html = c.html;
    a->by_given = c.by >= 0;
    a->by = c.by < 0 ? FC_BY_ALL : c.by == 1 ? FC_BY_MISSION : FC_BY_SIDE;
    a->files = files.v;
    a->n_files = files.n;
    return OPTS_GO;
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
    int rc = parse(&a, cli, argc, argv);
    int comparing;

    if (rc != OPTS_GO)
        return rc;
    comparing = a.n_files > 0 && !strcmp(a.files[0], "compare");
    if (comparing && a.n_files < 3)
        return cli_error(ST_USAGE, "forecast compare needs two scenarios at "
                                   "least");
    if (!comparing && a.n_files != 1)
        return cli_error(ST_USAGE, "forecast takes one scenario (or compare "
                                   "A.json B.json ...)");
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
