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
#include "report/views.h"

static const char USAGE[] = "[--as-of D] [--issuer S] [--target S] "
                            "[--kind K] [--policy P] [--assume COND]... "
                            "[--strict]";

/* Evaluates and prints the docket (report/views.h, as the API does). */
static int run(struct cli *cli, const struct check_args *a)
{
    struct check_query q = { a->o, a->as_of_given, cli->as_known_on, a->kind,
                             a->policy };
    struct holidays h;
    struct store *st;
    struct snapshot s;
    struct buf b;
    struct err e;
    size_t n;
    int rc;

    snapshot_init(&s);
    holidays_init(&h);
    if (cli_holidays(&h, &e) || cli_open(cli, &st, &s, &e)) {
        holidays_release(&h);
        snapshot_release(&s);
        return cli_fail(&e);
    }
    q.o.holidays = &h;
    buf_init(&b, BUF_MAX_DEFAULT);
    rc = view_check(&s, &q, cli->format, &b, &n, &e) ? cli_fail(&e) : 0;
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    holidays_release(&h);
    snapshot_release(&s);
    store_close(st);
    return !rc && a->strict && n ? ST_FINDINGS : rc;
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
    struct check_args a;
    int rc = check_args_parse(&a, cli, argc, argv, "check", USAGE);

    if (rc >= 0)
        return rc;
    if (a.n_rest) {
        check_args_release(&a);
        return cli_usage("check", USAGE);
    }
    rc = run(cli, &a);
    check_args_release(&a);
    return rc;
}
