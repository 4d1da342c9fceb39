/*
 * `chancery policy list|show|add|retire`: the policies of the registry.
 * A policy is written like every record, through store_apply and so into
 * the change log; it is never deleted: `retire` ends its effect by setting
 * the last day it applies, in the record and in its JSON body alike, so
 * that history shows when it stopped and an export writes it as it is.
 */
#include "rules/policy.h"

#include <getopt.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"

/* An open write: the registry and its present state. */
struct policy_write {
    struct store *st;
    struct snapshot s;
};

static enum status write_open(struct policy_write *w, struct cli *cli,
                              struct err *e)
{
    snapshot_init(&w->s);
    if (cli_open_for_write(cli, &w->st, &w->s, e)) {
        snapshot_release(&w->s);
        return e->status;
    }
    return ST_OK;
}

static void write_close(struct policy_write *w)
{
    snapshot_release(&w->s);
    store_close(w->st);
}

/* Parses --note (and --on when on is not NULL); returns -1 to go on, else
 * the exit code. OUT: *arg, the one positional argument. */
static int parse_note_on(int argc, char **argv, const char *usage,
                         const char **note, const char **on, char **arg)
{
    static const struct option opts[] = {
        { "note", required_argument, NULL, 'n' },
        { "on", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h')
            return printf("usage: chancery policy %s\n", usage), 0;
        if (c == 'n')
            *note = optarg;
        else if (c == 'o' && on)
            *on = optarg;
        else
            return cli_usage("policy", usage);
    }
    if (argc - optind != 1)
        return cli_usage("policy", usage);
    *arg = argv[optind];
    return -1;
}

static int matches(const struct policy *y, const char *issuer,
                   const char *target)
{
    return (!issuer || !strcmp(y->issuer, issuer)) &&
           (!target || !strcmp(y->target, target));
}

static void add_row(struct grid *g, const struct snapshot *s,
                    const struct policy *y)
{
    static const char *const cols[] = { "id",   "kind", "issuer", "target",
                                        "from", "to",   "unless", "title" };
    const struct entity *ent = ENTITIES[ENT_POLICY];
    char bufs[8][FIELD_BUF];
    const char *cells[8];

    for (int k = 0; k < 8; k++)
        cells[k] = field_text(s, entity_field(ent, cols[k]), y, bufs[k]);
    grid_add_row(g, cells);
}

static int list(struct cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {
        { "issuer", required_argument, NULL, 'i' },
        { "target", required_argument, NULL, 't' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const cols[] = { "id",   "kind", "issuer", "target",
                                        "from", "to",   "unless", "title" };
    const char *issuer = NULL, *target = NULL;
    struct store *st;
    struct snapshot s;
    struct grid g;
    struct err e;
    int c;

    cli_reset_getopt();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == '?')
            return cli_usage("policy", "list [--issuer S] [--target S]");
        *(c == 'i' ? &issuer : &target) = optarg;
    }
    if (optind != argc)
        return cli_usage("policy", "list [--issuer S] [--target S]");
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    grid_init(&g, cols, 8);
    for (uint32_t i = 0; i < snapshot_count(&s, ENT_POLICY); i++)
        if (matches(snapshot_row(&s, ENT_POLICY, i), issuer, target))
            add_row(&g, &s, snapshot_row(&s, ENT_POLICY, i));
    cli_print_grid(cli, &g);
    grid_release(&g);
    snapshot_release(&s);
    store_close(st);
    return 0;
}

static int show(struct cli *cli, int argc, char **argv)
{
    struct store *st;
    struct snapshot s;
    struct err e;
    uint32_t i;
    int rc = 0;

    if (argc != 2 || argv[1][0] == '-')
        return cli_usage("policy", "show ID");
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    i = snapshot_find(&s, ENT_POLICY, argv[1]);
    if (i == IDMAP_NONE) {
        rc = cli_error(ST_NOT_FOUND, "unknown policy '%s'", argv[1]);
    } else {
        char *text = policy_pretty(snapshot_row(&s, ENT_POLICY, i));

        fputs(text, stdout);
        free(text);
    }
    snapshot_release(&s);
    store_close(st);
    return rc;
}

/* Records the policies appended to w's snapshot from index first on. */
static int write_added(struct policy_write *w, size_t first, const char *note)
{
    size_t n = snapshot_count(&w->s, ENT_POLICY) - first;
    struct change *changes = xcalloc(n + 1, sizeof(*changes));
    struct change_meta meta = { NULL, note ? note : "policy add" };
    struct err e;
    int rc = 0;

    for (size_t i = 0; i < n; i++)
        changes[i] = (struct change){ OP_INSERT, ENT_POLICY,
                                      (uint32_t)(first + i), NULL };
    if (store_apply(w->st, &w->s, changes, n, &meta, &e))
        rc = cli_fail(&e);
    for (size_t i = first; !rc && i < first + n; i++)
        printf("policy '%s' added\n",
               ((struct policy *)snapshot_row(&w->s, ENT_POLICY, (uint32_t)i))
                   ->id);
    free(changes);
    return rc;
}

static int add(struct cli *cli, int argc, char **argv)
{
    const char *note = NULL;
    struct policy_write w;
    struct problems p;
    struct buf text;
    struct err e;
    char *path = NULL;
    size_t first, n;
    int rc =
        parse_note_on(argc, argv, "add FILE [--note TEXT]", &note, NULL, &path);

    if (rc >= 0)
        return rc;
    if (cli_read_file(path, &text, &e))
        return cli_fail(&e);
    if (write_open(&w, cli, &e)) {
        buf_release(&text);
        return cli_fail(&e);
    }
    problems_init(&p);
    first = snapshot_count(&w.s, ENT_POLICY);
    policy_read_text(&w.s, path, text.data, text.len, &p, &n);
    if (p.n_total)
        rc = cli_fail_problems(&p);
    else if (!n)
        rc = cli_error(ST_INVALID, "%s: no policy in the file", path);
    else
        rc = write_added(&w, first, note);
    problems_release(&p);
    buf_release(&text);
    write_close(&w);
    return rc;
}

/* Refuses a retirement that would not shorten the policy's effect. */
static enum status retire_check(const struct policy *y, int32_t on,
                                struct err *e)
{
    char a[DATE_BUF], b[DATE_BUF];

    date_format(on, b);
    if (y->to != DATE_NONE && y->to < on) {
        date_format(y->to, a);
        return err_set(e, ST_INVALID,
                       "policy '%s' already ended: its last day in effect "
                       "is %s, before %s",
                       y->id, a, b);
    }
    if (on <= y->from) {
        date_format(y->from, a);
        return err_set(e, ST_INVALID,
                       "policy '%s' takes effect on %s: retire it on a later "
                       "date than %s",
                       y->id, a, b);
    }
    return ST_OK;
}

static int retire_record(struct policy_write *w, uint32_t i, int32_t on,
                         const char *note)
{
    struct policy *y = snapshot_row(&w->s, ENT_POLICY, i);
    struct policy before = *y;
    struct change ch = { OP_UPDATE, ENT_POLICY, i, &before };
    struct change_meta meta = { NULL, note };
    char *body, a[DATE_BUF], b[DATE_BUF];
    struct err e;

    if (retire_check(y, on, &e))
        return cli_fail(&e);
    body = policy_body_with_to(y, on - 1);
    y->to = on - 1;
    y->body = arena_strdup(&w->s.strings, body);
    free(body);
    if (store_apply(w->st, &w->s, &ch, 1, &meta, &e))
        return cli_fail(&e);
    date_format(on, a);
    date_format(on - 1, b);
    printf("policy '%s' retired on %s (last day in effect %s)\n", y->id, a, b);
    return 0;
}

static int retire(struct cli *cli, int argc, char **argv)
{
    static const char usage[] = "retire ID --on D [--note TEXT]";
    const char *note = NULL, *on_text = NULL;
    struct policy_write w;
    struct err e;
    int32_t on;
    uint32_t i;
    char *id = NULL;
    int rc = parse_note_on(argc, argv, usage, &note, &on_text, &id);

    if (rc >= 0)
        return rc;
    if (!on_text)
        return cli_error(ST_USAGE, "--on is required");
    if (cli_date("--on", on_text, &on, &e))
        return cli_fail(&e);
    if (write_open(&w, cli, &e))
        return cli_fail(&e);
    i = snapshot_find(&w.s, ENT_POLICY, id);
    if (i == IDMAP_NONE)
        rc = cli_error(ST_NOT_FOUND, "unknown policy '%s'", id);
    else
        rc = retire_record(&w, i, on, note);
    write_close(&w);
    return rc;
}

static const struct command POLICY_COMMANDS[] = {
    { "list", list, "[--issuer S] [--target S]", "the recorded policies" },
    { "show", show, "ID", "one policy's JSON" },
    { "add", add, "FILE [--note TEXT]",
      "record the policies of a JSON file (one object or an array)" },
    { "retire", retire, "ID --on D [--note TEXT]",
      "end a policy's effect: D is its first day without effect" },
    { NULL, NULL, NULL, NULL },
};

int cmd_policy(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "policy", POLICY_COMMANDS, argc, argv);
}
