/*
 * `check` and `explain` share the evaluation's options and their parsing
 * here, so `explain` recomputes exactly what `check` printed; both render
 * through the views the HTTP API calls.
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

/* Loads the registry, evaluates the policies and prints, in cli's format,
 * the docket of check (explain_id NULL) or the steps of finding
 * explain_id. Returns 0 or the exit code after printing the error: 2 for
 * a kind that is no finding kind, 3 for a policy the registry lacks or a
 * finding check does not find. OUT: *n_findings, the docket's. */
int check_run(struct cli *cli, struct check_args *a, const char *explain_id,
              size_t *n_findings);

#endif
