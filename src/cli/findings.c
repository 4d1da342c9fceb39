/*
 * The options check and explain share, and the run of either: both
 * render through the views (report/views.h, report/read_views.h), as
 * `GET /api/v1/check` and `GET /api/v1/findings/{id}/explain` do, so the
 * bytes are the same; this file only adds the closest ids to an explain
 * of a finding that does not exist.
 */
#include "cli/findings.h"

#include <jansson.h>
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "report/read_views.h"

const struct opt CHECK_OPTS[] = {
    { .name = "strict",
      .kind = OPT_FLAG,
      .offset = offsetof(struct check_args, strict),
      .help = "exit 4 when there is any finding." },
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct check_args, o.as_of),
      .def = "today",
      .help = "the date on which the policies are evaluated." },
    { .name = "issuer",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct check_args, o.issuer),
      .def = "every state",
      .help = "only the policies S applies." },
    { .name = "target",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct check_args, o.target),
      .def = "every state",
      .help = "only the policies applied to S's missions." },
    { .name = "kind",
      .arg = "K",
      .offset = offsetof(struct check_args, kind),
      .values = "over_tenure|departure_due|over_cap|dependent_status|"
                "local_staff|visa_overdue|ambiguous",
      .def = "every kind",
      .help = "only the findings of kind K.",
      .flags = OPT_HINT },
    { .name = "policy",
      .arg = "P",
      .ref = REF_POLICY,
      .offset = offsetof(struct check_args, policy),
      .def = "every policy",
      .help = "only the findings of policy P." },
    { .name = "assume",
      .arg = "COND",
      .kind = OPT_LIST,
      .ref = REF_CONDITION,
      .offset = offsetof(struct check_args, assumed),
      .def = "none",
      .help = "assume that condition COND holds: every policy that applies "
              "unless COND is void." },
    { .name = NULL },
};

int check_args_parse(struct check_args *a, struct cli *cli,
                     const struct cmd_spec *spec, int argc, char **argv)
{
    struct opts_rest rest;
    int rc;

    memset(a, 0, sizeof(*a));
    a->o.as_of = DATE_NONE;
    a->spec = spec;
    rc = opts_parse(cli, spec, argc, argv, a, NULL, &rest);
    if (rc != OPTS_GO)
        return rc;
    a->as_of_given = a->o.as_of != DATE_NONE;
    if (!a->as_of_given)
        a->o.as_of = cli->today;
    a->o.assumed = a->assumed.v;
    a->o.n_assumed = (size_t)a->assumed.n;
    a->rest = rest.v;
    a->n_rest = rest.n;
    return OPTS_GO;
}

void check_args_release(struct check_args *a)
{
    (void)a; /* the values are argv's */
}

/* The view's query from the command line. */
static struct check_query query_of(const struct cli *cli,
                                   const struct check_args *a,
                                   const struct holidays *h)
{
    struct check_query q;

    q.o = a->o;
    q.o.holidays = h;
    q.as_of_given = a->as_of_given;
    q.as_known_on = cli->as_known_on;
    q.kind = a->kind;
    q.policy = a->policy;
    return q;
}

/* "no finding 'X' on D", with the closest ids check found. */
static void no_finding(const struct findings *f, const char *id, int32_t as_of,
                       struct err *e)
{
    const char **ids = xcalloc(f->n + 1, sizeof(*ids));
    char on[DATE_BUF];
    struct buf b;

    for (size_t i = 0; i < f->n; i++)
        ids[i] = f->items[i].id;
    buf_init(&b, ERR_MSG_MAX);
    opts_closest(id, ids, f->n, &b);
    date_format(as_of, on);
    err_set(e, ST_NOT_FOUND, "no finding '%s' on %s%s", id, on, b.data);
    buf_release(&b);
    free(ids);
}

/* explain's view: the finding's steps, or the closest ids. */
static enum status explain(const struct snapshot *s,
                           const struct check_query *q, const char *id,
                           enum out_format fmt, struct buf *b, struct err *e)
{
    const struct finding *x;
    struct findings f;

    if (!view_findings(s, q, &f, e)) {
        if ((x = findings_find(&f, id)))
            view_explain_render(x, fmt, b);
        else
            no_finding(&f, id, q->o.as_of, e);
    }
    findings_release(&f);
    return e->status;
}

int check_run(struct cli *cli, struct check_args *a, const char *explain_id,
              size_t *n_findings)
{
    struct holidays h;
    struct store *st = NULL;
    struct snapshot s;
    struct check_query q;
    struct buf b;
    struct err e;
    struct opts_rest rest = { a->rest, a->n_rest };
    enum status rc;

    *n_findings = 0;
    err_clear(&e);
    snapshot_init(&s);
    holidays_init(&h);
    if (cli_holidays(&h, &e) || cli_open(cli, &st, &s, &e)) {
        holidays_release(&h);
        snapshot_release(&s);
        return cli_fail(&e);
    }
    q = query_of(cli, a, &h);
    buf_init(&b, BUF_MAX_DEFAULT);
    rc = opts_check(a->spec, a, NULL, &rest, &s, &e);
    if (!rc && explain_id)
        rc = explain(&s, &q, explain_id, cli->format, &b, &e);
    else if (!rc)
        rc = view_check(&s, &q, cli->format, &b, n_findings, &e);
    if (!rc)
        fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    holidays_release(&h);
    snapshot_release(&s);
    store_close(st);
    return rc ? cli_fail(&e) : 0;
}
