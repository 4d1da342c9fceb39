/*
 * `chancery check`: the findings of every policy in effect on a date
 * (rules/check.h), most urgent first: overdue, then by deadline, as a
 * docket (report/docket.h): the date and the as-known-on date above, the
 * totals by kind and by policy below, --kind and --policy to narrow. With
 * --strict the exit status is 4 when there is any finding, so a script or
 * CI job can tell compliance from its absence.
 */
#include "cli/commands.h"
#include "cli/findings.h"

const struct cmd_spec CHECK_SPEC = {
    .name = "check",
    .operands = "",
    .help = "the findings of every policy in effect on a date, most urgent "
            "first.",
    .more = "A finding is what a policy requires of a record on the date: "
            "over_tenure, departure_due, over_cap, dependent_status, "
            "local_staff or visa_overdue, with its deadline; "
            "'chancery explain ID' shows the steps behind one.",
    .example = { "check --as-of 2021-12-04 --issuer USA",
                 "check --as-of 2022-07-15 --issuer RUS --assume "
                 "us-compromise --strict" },
    .opts = CHECK_OPTS,
};

int cmd_check(struct cli *cli, int argc, char **argv)
{
    struct check_args a;
    size_t n;
    int rc = check_args_parse(&a, cli, &CHECK_SPEC, argc, argv);

    if (rc != OPTS_GO)
        return rc;
    rc = check_run(cli, &a, NULL, &n);
    if (!rc && a.strict && n)
        rc = ST_FINDINGS;
    check_args_release(&a);
    return rc;
}
