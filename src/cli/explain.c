/*
 * `chancery explain FINDING`: the steps from a policy's words to one
 * finding, as text a reader can follow. The findings are recomputed with
 * the same options as `check` (a finding's id is stable, "POLICY:SUBJECT"),
 * so what explain shows is what check found on that date.
 */
#include "base/date.h"
#include "cli/commands.h"
#include "cli/findings.h"

static const char USAGE[] = "FINDING [--as-of D] [--assume COND]...";

int cmd_explain(struct cli *cli, int argc, char **argv)
{
    const struct finding *x;
    struct check_args a;
    struct findings f;
    char on[DATE_BUF];
    int rc = check_args_parse(&a, cli, argc, argv, "explain", USAGE);

    if (rc >= 0)
        return rc;
    if (a.n_rest != 1 || a.strict) {
        check_args_release(&a);
        return cli_usage("explain", USAGE);
    }
    rc = check_run(cli, &a, &f);
    if (!rc && !(x = findings_find(&f, a.rest[0]))) {
        date_format(a.o.as_of, on);
        rc = cli_error(ST_NOT_FOUND, "no finding '%s' on %s", a.rest[0], on);
    } else if (!rc) {
        finding_print_explain(cli, x);
    }
    findings_release(&f);
    check_args_release(&a);
    return rc;
}
