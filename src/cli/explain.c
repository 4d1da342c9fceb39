/*
 * `chancery explain FINDING`: the steps from a policy's words to one
 * finding, as text a reader can follow. The findings are recomputed with
 * the same options as `check` (a finding's id is stable, "POLICY:SUBJECT"),
 * so what explain shows is what check found on that date.
 */
#include "cli/commands.h"
#include "cli/findings.h"

const struct cmd_spec EXPLAIN_SPEC = {
    .name = "explain",
    .operands = "FINDING",
    .min_operands = 1,
    .max_operands = 1,
    .help = "the steps from a policy's words to one finding of check.",
    .more = "FINDING is an id that check prints (POLICY:SUBJECT); the "
            "findings are recomputed with the same options, so give the "
            "same --as-of and --assume as to check.",
    .example = { "explain usa-rus-tenure:T01907 --as-of 2021-12-04",
                 "--format json explain rus-usa-tenure:T01922 --as-of "
                 "2022-07-15" },
    .opts = CHECK_OPTS + 1, /* without --strict */
};

int cmd_explain(struct cli *cli, int argc, char **argv)
{
    struct check_args a;
    size_t n;
    int rc = check_args_parse(&a, cli, &EXPLAIN_SPEC, argc, argv);

    if (rc != OPTS_GO)
        return rc;
    rc = check_run(cli, &a, a.rest[0], &n);
    check_args_release(&a);
    return rc;
}
