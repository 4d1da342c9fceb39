/*
 * `chancery plan S1 S2 --by D`: the departures that bring the two states'
 * rules on each other into compliance by D, and the proof that they do
 * (rules/plan.h). Prints the departures, then the proof: that check on D,
 * with them applied, finds nothing, or what it still finds, with exit
 * status 4. Findings of kinds departures do not answer (dependents,
 * visas) are counted in a note, not held against the proof.
 */
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "report/read_views.h"

struct plan_args {
    struct plan_options o;
    struct opt_list assumed;
    struct opt_list protect;
};

static const struct opt OPTS[] = {
    { .name = "by",
      .arg = "D",
      .kind = OPT_DATE,
      .flags = OPT_REQUIRED,
      .offset = offsetof(struct plan_args, o.by),
      .help = "the date by which both sides' rules must be met." },
    { .name = "protect",
      .arg = "WHO",
      .kind = OPT_LIST,
      .offset = offsetof(struct plan_args, protect),
      .def = "no one",
      .help = "staff the plan must not send home: head_of_mission, or a "
              "staff category (diplomatic_agent, admin_technical, "
              "service_staff, private_servant, consular_officer, "
              "consular_employee, honorary_consul, local_staff); several "
              "may be given, comma separated." },
    { .name = "assume",
      .arg = "COND",
      .kind = OPT_LIST,
      .ref = REF_CONDITION,
      .offset = offsetof(struct plan_args, assumed),
      .def = "none",
      .help = "assume that condition COND holds: every policy that applies "
              "unless COND is void." },
    { .name = NULL },
};

const struct cmd_spec PLAN_SPEC = {
    .name = "plan",
    .operands = "S1 S2",
    .min_operands = 2,
    .max_operands = 2,
    .operand_refs = { REF_STATE, REF_STATE },
    .help = "the departures that bring both sides' rules into compliance by "
            "a date, and the proof that they do.",
    .more = "The proof is check on the date with the departures applied: "
            "when it still finds something, the exit status is 4.",
    .example = { "plan USA RUS --by 2022-06-30",
                 "plan USA RUS --by 2022-06-30 --assume us-compromise "
                 "--protect head_of_mission" },
    .opts = OPTS,
};

/* Takes a comma-separated list of head_of_mission and staff categories. */
static enum status parse_protect(struct plan_args *a, const char *text,
                                 struct err *e)
{
    char *list = xstrdup(text), *item = list, *next;
    enum status rc = ST_OK;

    for (; !rc && item; item = next) {
        int c;

        if ((next = strchr(item, ',')))
            *next++ = '\0';
        if (!strcmp(item, "head_of_mission"))
            a->o.protect_heads = 1;
        else if ((c = enum_from_name(&ENUM_STAFF_CATEGORY, item)) != ENUM_NONE)
            a->o.protect_categories |= 1u << c;
        else
            rc = err_set(e, ST_USAGE,
                         "--protect: '%s' is not head_of_mission or a staff "
                         "category",
                         item);
    }
    free(list);
    return rc;
}

/* Parses argv into a; returns OPTS_GO to go on, else the exit code. */
static int parse_args(struct plan_args *a, struct cli *cli, int argc,
                      char **argv)
{
    struct opts_rest rest;
    struct err e;
    int rc;

    memset(a, 0, sizeof(*a));
    rc = opts_parse(cli, &PLAN_SPEC, argc, argv, a, NULL, &rest);
    if (rc != OPTS_GO)
        return rc;
    for (int i = 0; i < a->protect.n; i++)
        if (parse_protect(a, a->protect.v[i], &e))
            return cli_fail(&e);
    a->o.assumed = a->assumed.v;
    a->o.n_assumed = (size_t)a->assumed.n;
    a->o.states[0] = rest.v[0];
    a->o.states[1] = rest.v[1];
    return OPTS_GO;
}

/* Prints the plan in cli's format; CSV, which has no room for the proof,
 * says on stderr when it failed. */
static int print_plan(const struct cli *cli, const struct plan_args *a,
                      struct snapshot *s, struct err *e)
{
    char by[DATE_BUF];
    struct buf b;
    size_t n;

    buf_init(&b, BUF_MAX_DEFAULT);
    if (view_plan(s, &a->o, cli->format, &b, &n, e)) {
        buf_release(&b);
        return cli_fail(e);
    }
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    date_format(a->o.by, by);
    if (n && cli->format == OUT_CSV)
        cli_error(ST_FINDINGS,
                  "proof failed: check --as-of %s still finds %zu finding%s",
                  by, n, n == 1 ? "" : "s");
    return n ? ST_FINDINGS : 0;
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
    struct plan_args a;
    struct store *st = NULL;
    struct snapshot s;
    struct err e;
    struct opts_rest states;
    int rc = parse_args(&a, cli, argc, argv);

    if (rc != OPTS_GO)
        return rc;
    states = (struct opts_rest){ (char **)a.o.states, 2 };
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&PLAN_SPEC, &a, NULL, &states, &s, &e))
        rc = cli_fail(&e);
    else
        rc = print_plan(cli, &a, &s, &e);
    if (st)
        store_close(st);
    snapshot_release(&s);
    return rc;
}
