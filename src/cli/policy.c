/*
 * `chancery policy list|show|add|retire`: the policies of the registry.
 * A policy is written like every record, through store_apply and so into
 * the change log; it is never deleted: `retire` ends its effect by setting
 * the last day it applies, in the record and in its JSON body alike, so
 * that history shows when it stopped and an export writes it as it is.
 */
#include "rules/policy.h"

#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "report/read_views.h"

/* An open write: the registry and its present state. */
struct policy_write {
    struct store *st;
    struct snapshot s;
    const char *actor; /* --actor */
};

static enum status write_open(struct policy_write *w, struct cli *cli,
                              struct err *e)
{
    snapshot_init(&w->s);
    w->actor = cli->actor;
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

/* The options of every policy subcommand. */
struct policy_args {
    const char *issuer, *target, *note;
    int32_t on;
};

static const struct opt LIST_OPTS[] = {
    { .name = "issuer",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct policy_args, issuer),
      .def = "any",
      .help = "only the policies S applies." },
    { .name = "target",
      .arg = "S",
      .offset = offsetof(struct policy_args, target),
      .def = "any",
      .help = "only the policies applied to S (or to every state, '*')." },
    { .name = NULL },
};

#define NOTE_OPT(what)                                             \
    {                                                              \
        .name = "note", .arg = "TEXT",                             \
        .offset = offsetof(struct policy_args, note), .def = what, \
        .help = "the change's recorded reason."                    \
    }

static const struct opt ADD_OPTS[] = {
    NOTE_OPT("policy add"),
    { .name = NULL },
};

static const struct opt RETIRE_OPTS[] = {
    { .name = "on",
      .arg = "D",
      .kind = OPT_DATE,
      .flags = OPT_REQUIRED,
      .offset = offsetof(struct policy_args, on),
      .help = "the first day without effect: the policy's last day in "
              "effect becomes the day before." },
    NOTE_OPT("none"),
    { .name = NULL },
};

static const struct cmd_spec LIST_SPEC = {
    .name = "policy list",
    .operands = "",
    .help = "the recorded policies: kind, parties, period and condition.",
    .example = { "policy list --issuer RUS", "--format csv policy list" },
    .opts = LIST_OPTS,
};

static const struct cmd_spec SHOW_SPEC = {
    .name = "policy show",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .operand_refs = { REF_POLICY },
    .help = "one policy's JSON, as recorded.",
    .example = { "policy show usa-rus-departure-2021-09",
                 "policy show rus-usa-tenure" },
};

static const struct cmd_spec ADD_SPEC = {
    .name = "policy add",
    .operands = "FILE",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the policies of a JSON file (one object or an array).",
    .more = "docs/rules.md describes a policy's fields; every problem is "
            "reported and nothing is written unless all are valid.",
    .example = { "policy add rus-usa-cap-2017.json",
                 "policy add policies.json --note 'note verbale of 2021-10-22'" },
    .opts = ADD_OPTS,
};

static const struct cmd_spec RETIRE_SPEC = {
    .name = "policy retire",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .operand_refs = { REF_POLICY },
    .help = "end a policy's effect: D is its first day without effect.",
    .example = { "policy retire rus-usa-cap-2017 --on 2022-01-01",
                 "policy retire usa-rus-expulsion-2016 --on 2017-01-01 "
                 "--note 'lifted'" },
    .opts = RETIRE_OPTS,
};

/* Opens the registry and checks the ids of a against it. */
static enum status read_open(struct cli *cli, const struct cmd_spec *c,
                             const struct policy_args *a,
                             const struct opts_rest *rest, struct store **st,
                             struct snapshot *s, struct err *e)
{
    snapshot_init(s);
    *st = NULL;
    if (cli_open(cli, st, s, e) || opts_check(c, a, NULL, rest, s, e)) {
        snapshot_release(s);
        if (*st)
            store_close(*st);
        return e->status;
    }
    return ST_OK;
}

static int list(struct cli *cli, int argc, char **argv)
{
    struct policy_args a = { NULL, NULL, NULL, DATE_NONE };
    struct store *st;
    struct snapshot s;
    struct buf b;
    struct err e;
    int rc = opts_parse(cli, &LIST_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (read_open(cli, &LIST_SPEC, &a, NULL, &st, &s, &e))
        return cli_fail(&e);
    /* '*' is every state's target, so --target is no plain state. */
    if (a.target && strcmp(a.target, "*") &&
        opts_known(&s, REF_STATE, "--target", a.target, &e)) {
        snapshot_release(&s);
        store_close(st);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_policies(&s, a.issuer, a.target, &VIEW_SCOPE_ALL, cli->format, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    snapshot_release(&s);
    store_close(st);
    return 0;
}

static int show(struct cli *cli, int argc, char **argv)
{
    struct policy_args a = { NULL, NULL, NULL, DATE_NONE };
    struct opts_rest id;
    struct store *st;
    struct snapshot s;
    struct buf b;
    struct err e;
    int rc = opts_parse(cli, &SHOW_SPEC, argc, argv, &a, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if (read_open(cli, &SHOW_SPEC, &a, &id, &st, &s, &e))
        return cli_fail(&e);
    buf_init(&b, BUF_MAX_DEFAULT);
    rc = view_policy(&s, id.v[0], &VIEW_SCOPE_ALL, &b, &e) ? cli_fail(&e) : 0;
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    snapshot_release(&s);
    store_close(st);
    return rc;
}

/* Records the policies appended to w's snapshot from index first on. */
static int write_added(struct policy_write *w, size_t first, const char *note)
{
    size_t n = snapshot_count(&w->s, ENT_POLICY) - first;
    struct change *changes = xcalloc(n + 1, sizeof(*changes));
    struct change_meta meta = { w->actor, note ? note : "policy add" };
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
    struct policy_args a = { NULL, NULL, NULL, DATE_NONE };
    struct opts_rest file;
    struct policy_write w;
    struct problems p;
    struct buf text;
    struct err e;
    const char *path, *note;
    size_t first, n;
    int rc = opts_parse(cli, &ADD_SPEC, argc, argv, &a, NULL, &file);

    if (rc != OPTS_GO)
        return rc;
    path = file.v[0];
    note = a.note;
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
    struct change_meta meta = { w->actor, note };
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
    struct policy_args a = { NULL, NULL, NULL, DATE_NONE };
    struct opts_rest id;
    struct policy_write w;
    struct err e;
    int rc = opts_parse(cli, &RETIRE_SPEC, argc, argv, &a, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if (write_open(&w, cli, &e))
        return cli_fail(&e);
    if (opts_check(&RETIRE_SPEC, &a, NULL, &id, &w.s, &e))
        rc = cli_fail(&e);
    else
        rc = retire_record(&w, snapshot_find(&w.s, ENT_POLICY, id.v[0]), a.on,
                           a.note);
    write_close(&w);
    return rc;
}

static const struct command POLICY_COMMANDS[] = {
    { "list", list, &LIST_SPEC }, { "show", show, &SHOW_SPEC },
    { "add", add, &ADD_SPEC },    { "retire", retire, &RETIRE_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec POLICY_SPEC = {
    .name = "policy",
    .operands = "list|show|add|retire ...",
    .help = "the rules one state applies to another's missions.",
    .subs = POLICY_COMMANDS,
};

int cmd_policy(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &POLICY_SPEC, argc, argv);
}
