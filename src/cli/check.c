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

static const char USAGE[] = "[--as-of D] [--issuer S] [--target S] "
                            "[--kind K] [--policy P] [--assume COND]... "
                            "[--strict]";

int cmd_check(struct cli *cli, int argc, char **argv)
{
    struct check_args a;
    struct findings f;
    int rc = check_args_parse(&a, cli, argc, argv, "check", USAGE);

    if (rc >= 0)
        return rc;
    if (a.n_rest) {
        check_args_release(&a);
        return cli_usage("check", USAGE);
    }
    rc = check_run(cli, &a, &f);
    if (!rc) {
        docket_print(cli, &a, &f);
        if (a.strict && f.n)
            rc = ST_FINDINGS;
    }
    findings_release(&f);
    check_args_release(&a);
    return rc;
}
