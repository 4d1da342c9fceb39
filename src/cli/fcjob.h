/*
 * `chancery forecast` and `forecast compare` (cli/forecast.c): the options,
 * one scenario's job from file to result, and the writers shared by the
 * two commands (cli/fcprint.c) of what report/forecast_render.h renders.
 */
#ifndef CLI_FCJOB_H
#define CLI_FCJOB_H

#include "base/buf.h"
#include "cli/cli.h"
#include "forecast/forecast.h"
#include "forecast/scenario.h"
#include "report/forecast_render.h"

struct fc_args {
    long runs; /* 0: the scenario's */
    uint64_t seed;
    int has_seed;
    int threads; /* 0: one per core */
    const char *svg;
    const char *html;
    enum fc_by by;
    int by_given;
    char **files;
    int n_files;
};

/* One scenario: read, parsed against the registry, modelled and run. */
struct fc_job {
    const char *path;
    struct scenario sc;
    struct forecast_model model;
    struct forecast_result result;
    int stage; /* 1 parsed, 2 modelled, 3 run: what to release */
};

/* Runs the scenario at j->path on s with a's overrides; prints any error
 * and returns its exit code, else 0. Release j in either case. */
int fc_job_run(const struct fc_args *a, const struct snapshot *s,
               struct fc_job *j);
void fc_job_release(struct fc_job *j);

/* Prints a forecast in cli's format. */
void fc_print(const struct cli *cli, const struct fc_args *a,
              const struct fc_job *j);
/* Prints scenarios side by side, and writes their chart to a->svg when
 * set; ST_INVALID (printed) when they differ in dates or sides, else 0
 * or the exit code of a printed error. */
int fc_print_compare(const struct cli *cli, const struct fc_args *a,
                     const struct fc_job *jobs, size_t n);

/* Writes the fan charts (SVG) or the report page (HTML) of j to path;
 * returns 0 or the printed error's exit code. */
int fc_write_svg(const struct fc_job *j, const char *path);
int fc_write_html(const struct fc_job *j, const char *path);

#endif
