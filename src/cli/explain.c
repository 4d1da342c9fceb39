/*
 * `chancery explain FINDING`: the steps from a policy's words to one
 * finding, as text a reader can follow. The findings are recomputed with
 * the same options as `check` (a finding's id is stable, "POLICY:SUBJECT"),
 * so what explain shows is what check found on that date.
 */
#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
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

/* "no finding 'X' on D", with the closest ids check found. */
static int no_finding(const struct findings *f, const char *id, int32_t as_of)
{
    const char **ids = xcalloc(f->n + 1, sizeof(*ids));
    char on[DATE_BUF];
    struct buf b;
    int rc;

    for (size_t i = 0; i < f->n; i++)
        ids[i] = f->items[i].id;
    buf_init(&b, ERR_MSG_MAX);
    opts_closest(id, ids, f->n, &b);
    date_format(as_of, on);
    rc = cli_error(ST_NOT_FOUND, "no finding '%s' on %s%s", id, on, b.data);
    buf_release(&b);
    free(ids);
    return rc;
}

int cmd_explain(struct cli *cli, int argc, char **argv)
{
    const struct finding *x;
    struct check_args a;
    struct findings f;
    int rc = check_args_parse(&a, cli, &EXPLAIN_SPEC, argc, argv);

    if (rc != OPTS_GO)
        return rc;
    rc = check_run(cli, &a, &f);
    if (!rc && !(x = findings_find(&f, a.rest[0]))) {
        rc = no_finding(&f, a.rest[0], a.o.as_of);
    } else if (!rc) {
        finding_print_explain(cli, x);
    }
    findings_release(&f);
    check_args_release(&a);
    return rc;
}
