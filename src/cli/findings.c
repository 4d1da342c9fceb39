/*
 * Findings on stdout. Table and CSV go through the grid like every
 * listing; JSON is built here with jansson, because a finding nests (its
 * subject, its explain chain) where a grid row is flat.
 */
#include "cli/findings.h"

#include <getopt.h>
#include <jansson.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "report/docket.h"

#define WRAP 78

static enum status parse_option(void *ctx, int c, struct err *e)
{
    struct check_args *a = ctx;
    switch (c) {
    case 'a':
        a->as_of_given = 1;
        return cli_date("--as-of", optarg, &a->o.as_of, e);
    case 'k':
        a->kind = optarg;
        return ST_OK;
    case 'p':
        a->policy = optarg;
        return ST_OK;
    case 'i':
        a->o.issuer = optarg;
        return ST_OK;
    case 't':
        a->o.target = optarg;
        return ST_OK;
    case 'u':
        XGROW(a->assumed, a->o.n_assumed + 1, a->alloc);
        a->assumed[a->o.n_assumed++] = optarg;
        a->o.assumed = a->assumed;
        return ST_OK;
    default:
        a->strict = 1;
        return ST_OK;
    }
}

int check_args_parse(struct check_args *a, struct cli *cli, int argc,
                     char **argv, const char *command, const char *usage)
{
    static const struct option opts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "issuer", required_argument, NULL, 'i' },
        { "target", required_argument, NULL, 't' },
        { "assume", required_argument, NULL, 'u' },
        { "strict", no_argument, NULL, 's' },
        { "kind", required_argument, NULL, 'k' },
        { "policy", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int rc;

    memset(a, 0, sizeof(*a));
    a->o.as_of = cli->today;
    rc = cli_options(command, usage, opts, argc, argv, parse_option, a);
    if (rc != -1)
        return rc;
    a->rest = argv + optind;
    a->n_rest = argc - optind;
    return -1;
}

void check_args_release(struct check_args *a)
{
    free(a->assumed);
    a->assumed = NULL;
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
    if (a->policy && snapshot_find(s, ENT_POLICY, a->policy) == IDMAP_NONE)
        return err_set(e, ST_INVALID, "--policy: unknown policy '%s'",
                       a->policy);
    return ST_OK;
}

int check_run(struct cli *cli, struct check_args *a, struct findings *out)
{
    int kind;
    struct holidays h;
    struct store *st;
    struct snapshot s;
    struct err e;
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
    rc = (a->o.issuer && cli_state(&s, "--issuer", a->o.issuer, &e)) ||
         (a->o.target && cli_state(&s, "--target", a->o.target, &e)) ||
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
