/*
 * Printing findings (rules/finding.h) for `check` and `explain`: a table
 * or CSV of one row per finding, JSON with every field of each (the
 * explain chain as an array of strings), and the chain as readable text.
 * Both commands share the evaluation's options and their parsing here, so
 * `explain` recomputes exactly what `check` printed.
 */
#ifndef CLI_FINDINGS_H
#define CLI_FINDINGS_H

#include "cli/cli.h"
#include "rules/check.h"

/* The options of check and explain: --as-of, --issuer, --target, --assume
 * (repeated), --strict, and the docket's filters --kind and --policy. */
struct check_args {
    struct check_options o;
    int as_of_given;    /* 0: o.as_of is today */
    const char *kind;   /* --kind, borrowed from argv; NULL: any */
    const char *policy; /* --policy, borrowed from argv; NULL: any */
    struct opt_list assumed;
    int strict;
    const struct cmd_spec *spec; /* check's or explain's */
    char **rest;                 /* positional arguments */
    int n_rest;
};

/* The option table of check; --strict comes first, so that explain's are
 * CHECK_OPTS + 1. */
extern const struct opt CHECK_OPTS[];

/* Parses argv against spec (CHECK_SPEC or EXPLAIN_SPEC). Returns OPTS_GO
 * to go on, else the exit code (0 after --help). Release with
 * check_args_release. */
int check_args_parse(struct check_args *a, struct cli *cli,
                     const struct cmd_spec *spec, int argc, char **argv);
void check_args_release(struct check_args *a);

/* Loads the registry and evaluates the policies into out (initialised
 * here; the caller releases it), keeping the findings of --kind and
 * --policy. Returns 0 or the exit code after printing the error: 2 for a
 * kind that is no finding kind, 3 for a policy the registry lacks. */
int check_run(struct cli *cli, struct check_args *a, struct findings *out);

/* Prints the findings in cli's format: a table, CSV or a JSON array. */
void findings_print(const struct cli *cli, const struct findings *f);
/* Prints the findings of a check as a docket (report/docket.h) in cli's
 * format: a header, the findings and their totals. */
void docket_print(const struct cli *cli, const struct check_args *a,
                  const struct findings *f);
/* Prints one finding's explain chain in cli's format: numbered, wrapped
 * text for a table, one row per step for CSV, the finding for JSON. */
void finding_print_explain(const struct cli *cli, const struct finding *x);

#endif
