/*
 * Findings on stdout. Table and CSV go through the grid like every
 * listing; JSON is built here with jansson, because a finding nests (its
 * subject, its explain chain) where a grid row is flat.
 */
#include "cli/findings.h"

#include <jansson.h>
#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "report/docket.h"

#define WRAP 78

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

/* Checks --kind and --policy; OUT: *kind, the kind's number or -1. */
static enum status filters_check(const struct snapshot *s,
                                 const struct check_args *a, int *kind,
                                 struct err *e)
{
    *kind = -1;
    if (a->kind &&
        (*kind = enum_from_name(&ENUM_FINDING_KIND, a->kind)) == ENUM_NONE)
        return err_set(e, ST_USAGE,
                       "--kind: '%s' is not over_tenure, departure_due, "
                       "over_cap, dependent_status, local_staff, "
                       "visa_overdue or ambiguous",
                       a->kind);
    (void)s; /* --policy is checked with the other ids (opts_check) */
    return ST_OK;
}

int check_run(struct cli *cli, struct check_args *a, struct findings *out)
{
    int kind;
    struct holidays h;
    struct store *st = NULL;
    struct snapshot s;
    struct err e;
    struct opts_rest rest = { a->rest, a->n_rest };
    enum status rc;

    findings_init(out);
    snapshot_init(&s);
    holidays_init(&h);
    if (cli_holidays(&h, &e) || cli_open(cli, &st, &s, &e)) {
        holidays_release(&h);
        snapshot_release(&s);
        return cli_fail(&e);
    }
    a->o.holidays = &h;
    rc = opts_check(a->spec, a, NULL, &rest, &s, &e) ||
         filters_check(&s, a, &kind, &e);
    if (!rc)
        rc = rules_check(&s, &a->o, out, &e);
    if (!rc)
        findings_keep(out, kind, a->policy);
    a->o.holidays = NULL;
    holidays_release(&h);
    snapshot_release(&s);
    store_close(st);
    return rc ? cli_fail(&e) : 0;
}

static void print_buf(struct buf *b)
{
    fwrite(b->data, 1, b->len, stdout);
    buf_release(b);
}

void findings_print(const struct cli *cli, const struct findings *f)
{
    struct buf b;
    json_t *all;

    buf_init(&b, BUF_MAX_DEFAULT);
    if (cli->format != OUT_JSON) {
        findings_render(&b, cli->format, f);
    } else {
        all = json_array();
        for (size_t i = 0; i < f->n; i++)
            json_array_append_new(all, finding_json(&f->items[i]));
        json_render(&b, all);
        json_decref(all);
    }
    print_buf(&b);
}

void docket_print(const struct cli *cli, const struct check_args *a,
                  const struct findings *f)
{
    const struct docket_head h = {
        a->o.as_of,  a->as_of_given, cli->as_known_on,
        a->o.issuer, a->o.target,    a->kind,
        a->policy,   a->o.assumed,   a->o.n_assumed,
    };
    struct docket d;
    struct buf b;

    docket_summarize(f, &d);
    buf_init(&b, BUF_MAX_DEFAULT);
    docket_render(&b, cli->format, &h, f, &d);
    docket_release(&d);
    print_buf(&b);
}

/* Prints text wrapped at WRAP columns, the first line after a prefix of
 * indent columns already printed, the rest indented as much. */
static void print_wrapped(const char *text, int indent)
{
    int col = indent;

    while (*text) {
        size_t word = strcspn(text, " ");

        if (col > indent && col + 1 + (int)word > WRAP) {
            printf("\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            putchar(' ');
            col++;
        }
        printf("%.*s", (int)word, text);
        col += (int)word;
        text += word;
        text += strspn(text, " ");
    }
    putchar('\n');
}

static void print_steps_grid(const struct cli *cli, const struct finding *x)
{
    static const char *const cols[] = { "step:n", "text" };
    struct grid g;

    grid_init(&g, cols, 2);
    for (size_t i = 0; i < x->n_explain; i++) {
        char n[16];
        const char *cells[2] = { n, x->explain[i] };

        snprintf(n, sizeof(n), "%zu", i + 1);
        grid_add_row(&g, cells);
    }
    cli_print_grid(cli, &g);
    grid_release(&g);
}

void finding_print_explain(const struct cli *cli, const struct finding *x)
{
    char d[DATE_BUF], as_of[DATE_BUF];
    struct buf b;
    json_t *v;

    if (cli->format == OUT_JSON) {
        buf_init(&b, BUF_MAX_DEFAULT);
        json_render(&b, v = finding_json(x));
        json_decref(v);
        print_buf(&b);
        return;
    }
    if (cli->format == OUT_CSV) {
        print_steps_grid(cli, x);
        return;
    }
    date_format(x->deadline, d);
    date_format(x->as_of, as_of);
    printf("%s (%s) as of %s\n", x->id, enum_name(&ENUM_FINDING_KIND, x->kind),
           as_of);
    printf("%s %s: %s\n", ENTITIES[x->subject_kind]->name, x->subject,
           x->detail);
    printf("deadline: %s%s\n\n", *d ? d : "none",
           x->overdue ? " (overdue)" : "");
    for (size_t i = 0; i < x->n_explain; i++) {
        int n = printf("%3zu. ", i + 1);

        print_wrapped(x->explain[i], n);
    }
}
