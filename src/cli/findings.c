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
    a->o.as_of = cli->today;
    a->spec = spec;
    rc = opts_parse(cli, spec, argc, argv, a, NULL, &rest);
    if (rc != OPTS_GO)
        return rc;
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

int check_run(struct cli *cli, struct check_args *a, struct findings *out)
{
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
    rc = opts_check(a->spec, a, NULL, &rest, &s, &e);
    if (!rc)
        rc = rules_check(&s, &a->o, out, &e);
    a->o.holidays = NULL;
    holidays_release(&h);
    snapshot_release(&s);
    store_close(st);
    return rc ? cli_fail(&e) : 0;
}

static void subject_text(const struct finding *x, char *out, size_t size)
{
    snprintf(out, size, "%s %s", ENTITIES[x->subject_kind]->name, x->subject);
}

static json_t *finding_json(const struct finding *x)
{
    json_t *o = json_object(), *steps = json_array();
    char d[DATE_BUF], as_of[DATE_BUF];

    date_format(x->deadline, d);
    date_format(x->as_of, as_of);
    for (size_t i = 0; i < x->n_explain; i++)
        json_array_append_new(steps, json_string(x->explain[i]));
    json_object_set_new(o, "id", json_string(x->id));
    json_object_set_new(o, "policy", json_string(x->policy));
    json_object_set_new(o, "kind",
                        json_string(enum_name(&ENUM_FINDING_KIND, x->kind)));
    json_object_set_new(o, "subject",
                        json_pack("{s:s, s:s}", "entity",
                                  ENTITIES[x->subject_kind]->name, "id",
                                  x->subject));
    json_object_set_new(o, "as_of", json_string(as_of));
    json_object_set_new(o, "deadline", *d ? json_string(d) : json_null());
    json_object_set_new(o, "overdue", json_boolean(x->overdue));
    json_object_set_new(o, "detail", json_string(x->detail));
    json_object_set_new(o, "explain", steps);
    return o;
}

static void print_json(json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (!text)
        BUG("cannot encode findings");
    printf("%s\n", text);
    free(text);
}

static void print_grid(const struct cli *cli, const struct findings *f)
{
    static const char *const cols[] = { "id",      "policy",   "kind",
                                        "subject", "deadline", "overdue:b",
                                        "detail" };
    struct grid g;

    grid_init(&g, cols, 7);
    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        char subject[300], d[DATE_BUF];
        const char *cells[7] = {
            x->id,     x->policy, enum_name(&ENUM_FINDING_KIND, x->kind),
            subject,   d,         x->overdue ? "true" : "false",
            x->detail,
        };

        subject_text(x, subject, sizeof(subject));
        date_format(x->deadline, d);
        grid_add_row(&g, cells);
    }
    cli_print_grid(cli, &g);
    grid_release(&g);
}

void findings_print(const struct cli *cli, const struct findings *f)
{
    json_t *all;

    if (cli->format != OUT_JSON) {
        print_grid(cli, f);
        return;
    }
    all = json_array();
    for (size_t i = 0; i < f->n; i++)
        json_array_append_new(all, finding_json(&f->items[i]));
    print_json(all);
    json_decref(all);
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
    char subject[300], d[DATE_BUF], as_of[DATE_BUF];
    json_t *v;

    if (cli->format == OUT_JSON) {
        print_json(v = finding_json(x));
        json_decref(v);
        return;
    }
    if (cli->format == OUT_CSV) {
        print_steps_grid(cli, x);
        return;
    }
    subject_text(x, subject, sizeof(subject));
    date_format(x->deadline, d);
    date_format(x->as_of, as_of);
    printf("%s (%s) as of %s\n", x->id, enum_name(&ENUM_FINDING_KIND, x->kind),
           as_of);
    printf("%s: %s\n", subject, x->detail);
    printf("deadline: %s%s\n\n", *d ? d : "none",
           x->overdue ? " (overdue)" : "");
    for (size_t i = 0; i < x->n_explain; i++) {
        int n = printf("%3zu. ", i + 1);

        print_wrapped(x->explain[i], n);
    }
}
