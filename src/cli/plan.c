/*
 * `chancery plan S1 S2 --by D`: the departures that bring the two states'
 * rules on each other into compliance by D, and the proof that they do
 * (rules/plan.h). Prints the departures, then the proof: that check on D,
 * with them applied, finds nothing, or what it still finds, with exit
 * status 4. Findings of kinds departures do not answer (dependents,
 * visas) are counted in a note, not held against the proof.
 */
#include "rules/plan.h"

#include <assert.h>
#include <jansson.h>
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/findings.h"

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

static void departures_grid(const struct snapshot *s, const struct plan *p,
                            struct grid *g)
{
    static const char *const cols[] = {
        "posting", "person", "name",     "mission",  "category",
        "reason",  "policy", "deadline", "leave_by", "round:n",
    };
    grid_init(g, cols, 10);
    for (size_t i = 0; i < p->n; i++) {
        const struct plan_departure *d = &p->items[i];
        const struct posting *t = snap_posting(s, d->posting);
        const struct person *who = snap_person(s, t->person);
        char name[256], deadline[DATE_BUF], leave[DATE_BUF], round[16] = "";
        const char *cells[10] = {
            t->id,
            who->id,
            name,
            snap_mission(s, t->mission)->id,
            enum_name(&ENUM_STAFF_CATEGORY, t->category),
            enum_name(&ENUM_FINDING_KIND, (int)d->kind),
            d->policy,
            deadline,
            leave,
            round,
        };

        snprintf(name, sizeof(name), "%s%s%s", who->family_name,
                 who->given_names ? ", " : "",
                 who->given_names ? who->given_names : "");
        date_format(d->deadline, deadline);
        date_format(d->leave_by, leave);
        if (d->round)
            snprintf(round, sizeof(round), "%d", d->round);
        grid_add_row(g, cells);
    }
}

/* "dependent_status: 12, visa_overdue: 1" for the findings in f. */
static void kinds_text(const struct findings *f, char *out, size_t size)
{
    size_t len = 0, per[FK__COUNT] = { 0 };

    out[0] = '\0';
    for (size_t i = 0; i < f->n; i++)
        per[f->items[i].kind]++;
    for (int k = 0; k < FK__COUNT && len < size; k++) {
        if (per[k])
            len += (size_t)snprintf(out + len, size - len, "%s%s: %zu",
                                    len ? ", " : "",
                                    enum_name(&ENUM_FINDING_KIND, k), per[k]);
    }
}

static size_t count_cap_departures(const struct plan *p)
{
    size_t n = 0;

    for (size_t i = 0; i < p->n; i++)
        n += p->items[i].kind == FK_OVER_CAP;
    return n;
}

static void print_table(const struct cli *cli, const struct plan_args *a,
                        const struct snapshot *s, const struct plan *p)
{
    size_t caps = count_cap_departures(p);
    char by[DATE_BUF], kinds[512];
    struct grid g;

    date_format(a->o.by, by);
    printf("Departures that bring the rules of %s and %s on each other into "
           "compliance by %s:\n",
           a->o.states[0], a->o.states[1], by);
    departures_grid(s, p, &g);
    cli_print_grid(cli, &g);
    grid_release(&g);
    printf("\n%zu departure%s: %zu due under a rule or order, %zu for caps "
           "(caps settled after %d round%s).\n",
           p->n, p->n == 1 ? "" : "s", p->n - caps, caps, p->rounds,
           p->rounds == 1 ? "" : "s");
    if (plan_proved(p)) {
        printf("proof: check --as-of %s yields no finding\n", by);
    } else {
        printf("proof failed: check --as-of %s still finds:\n", by);
        findings_print(cli, &p->remaining);
    }
    if (p->other.n) {
        kinds_text(&p->other, kinds, sizeof(kinds));
        printf("note: %zu finding%s of other kinds remain, which departures "
               "do not answer (%s); see check.\n",
               p->other.n, p->other.n == 1 ? "" : "s", kinds);
    }
}

static json_t *findings_brief(const struct findings *f)
{
    json_t *all = json_array();

    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        char d[DATE_BUF];

        date_format(x->deadline, d);
        json_array_append_new(
            all,
            json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:s}", "id", x->id,
                      "policy", x->policy, "kind",
                      enum_name(&ENUM_FINDING_KIND, x->kind), "subject",
                      x->subject, "deadline", *d ? json_string(d) : json_null(),
                      "overdue", x->overdue, "detail", x->detail));
    }
    return all;
}

static json_t *departures_json(const struct snapshot *s, const struct plan *p)
{
    struct grid g;
    struct buf b;
    json_t *v;

    departures_grid(s, p, &g);
    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render(&g, OUT_JSON, &b);
    v = json_loads(b.data, 0, NULL);
    buf_release(&b);
    grid_release(&g);
    if (!v)
        BUG("a grid rendered invalid JSON");
    return v;
}

static void print_json(const struct plan_args *a, const struct snapshot *s,
                       const struct plan *p)
{
    char by[DATE_BUF], *text;
    json_t *o;

    date_format(a->o.by, by);
    o = json_pack("{s:s, s:s, s:s, s:o, s:i, s:{s:b, s:o, s:o}}", "s1",
                  a->o.states[0], "s2", a->o.states[1], "by", by, "departures",
                  departures_json(s, p), "rounds", p->rounds, "proof", "holds",
                  plan_proved(p), "remaining", findings_brief(&p->remaining),
                  "other", findings_brief(&p->other));
    text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    printf("%s\n", text);
    free(text);
    json_decref(o);
}

static void print_plan(const struct cli *cli, const struct plan_args *a,
                       const struct snapshot *s, const struct plan *p)
{
    struct grid g;
    char by[DATE_BUF];

    if (cli->format == OUT_TABLE) {
        print_table(cli, a, s, p);
        return;
    }
    if (cli->format == OUT_JSON) {
        print_json(a, s, p);
        return;
    }
    departures_grid(s, p, &g);
    cli_print_grid(cli, &g);
    grid_release(&g);
    date_format(a->o.by, by);
    if (!plan_proved(p))
        cli_error(ST_FINDINGS,
                  "proof failed: check --as-of %s still finds %zu finding%s",
                  by, p->remaining.n, p->remaining.n == 1 ? "" : "s");
}

static enum status known_states(const struct snapshot *s,
                                const struct plan_options *o, struct err *e)
{
    assert(o->states[0] && o->states[1]); /* set by parse_args */
    for (int k = 0; k < 2; k++) {
        if (snapshot_find(s, ENT_STATE, o->states[k]) == IDMAP_NONE)
            return err_set(e, ST_USAGE, "unknown state '%s'", o->states[k]);
    }
    if (!strcmp(o->states[0], o->states[1]))
        return err_set(e, ST_USAGE, "a plan needs two different states");
    return ST_OK;
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
    struct plan_args a;
    struct store *st = NULL;
    struct snapshot s;
    struct plan p;
    struct err e;
    struct opts_rest states;
    int rc = parse_args(&a, cli, argc, argv);

    if (rc != OPTS_GO)
        return rc;
    states = (struct opts_rest){ (char **)a.o.states, 2 };
    snapshot_init(&s);
    plan_init(&p);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&PLAN_SPEC, &a, NULL, &states, &s, &e) ||
        known_states(&s, &a.o, &e) || plan_compute(&s, &a.o, &p, &e)) {
        rc = cli_fail(&e);
    } else {
        print_plan(cli, &a, &s, &p);
        rc = plan_proved(&p) ? 0 : ST_FINDINGS;
    }
    if (st)
        store_close(st);
    plan_release(&p);
    snapshot_release(&s);
    return rc;
}
