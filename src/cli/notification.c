/*
 * `chancery notification list|show|decide|resubmit|withdraw`: following
 * notifications and the office's decisions on them. Accepting writes the
 * notification's records (rules/notify.h, recomputed on the registry as it
 * is now, warnings included) and its new state in one change set, whose
 * reason names the notification; the store refuses a write on a snapshot
 * older than the change log's head, so two officers deciding at once
 * never both write. Each command's line is its option table (cli/opts.h).
 */
#include "report/notification.h"

#include <jansson.h>
#include <stddef.h>

#include "base/clock.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/notify.h"
#include "rules/notify.h"

struct list_args {
    const char *state, *mission, *kind;
};

static const struct opt LIST_OPTS[] = {
    { .name = "state",
      .arg = "S",
      .offset = offsetof(struct list_args, state),
      .values = "submitted|returned|accepted|refused|withdrawn",
      .def = "any",
      .help = "only notifications in state S.",
      .flags = OPT_HINT },
    { .name = "mission",
      .arg = "M",
      .ref = REF_MISSION,
      .offset = offsetof(struct list_args, mission),
      .def = "any",
      .help = "only the notifications of mission M." },
    { .name = "kind",
      .arg = "K",
      .offset = offsetof(struct list_args, kind),
      .values = "appointment|arrival|change|dependent_join|dependent_leave|"
                "termination|transfer|dependent_accredit|correction",
      .def = "any",
      .help = "only notifications of kind K.",
      .flags = OPT_HINT },
    { .name = NULL },
};

static const struct cmd_spec LIST_SPEC = {
    .name = "notification list",
    .operands = "",
    .help = "notifications, filtered.",
    .example = { "notification list --state submitted",
                 "notification list --mission RUS-USA-EMB --kind appointment" },
    .opts = LIST_OPTS,
};

static const struct cmd_spec SHOW_SPEC = {
    .name = "notification show",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "one notification: payload, warnings with their explanations, "
            "history of states.",
    .example = { "notification show N000001",
                 "--format json notification show N000001" },
};

struct decide_args {
    const char *grounds;
};

static const struct opt DECIDE_OPTS[] = {
    { .name = "grounds",
      .arg = "TEXT",
      .offset = offsetof(struct decide_args, grounds),
      .help = "why: required to refuse or return a notification." },
    { .name = NULL },
};

static const struct cmd_spec DECIDE_SPEC = {
    .name = "notification decide",
    .operands = "ID accept|refuse|return",
    .min_operands = 2,
    .max_operands = 2,
    .help = "the office's decision; accepting writes the notification's "
            "records and its state in one change set.",
    .example = { "notification decide N000001 accept",
                 "notification decide N000002 return --grounds 'passport "
                 "number missing'" },
    .opts = DECIDE_OPTS,
};

static const struct cmd_spec RESUBMIT_SPEC = {
    .name = "notification resubmit",
    .operands = "ID FILE.json",
    .min_operands = 2,
    .max_operands = 2,
    .help = "submit a returned notification again, corrected; it keeps its "
            "id and history.",
    .example = { "notification resubmit N000002 corrected.json",
                 "--format json notification resubmit N000002 fixed.json" },
};

static const struct cmd_spec WITHDRAW_SPEC = {
    .name = "notification withdraw",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "withdraw a notification not yet decided.",
    .example = { "notification withdraw N000003",
                 "--actor liaison-rus notification withdraw N000004" },
};

/* Parses argv against c into args and its n_pos operands. Returns -1 to
 * go on, else the exit code (0 after --help). */
static int parse(struct cli *cli, const struct cmd_spec *c, void *args,
                 int argc, char **argv, char **pos, int n_pos)
{
    struct opts_rest r;
    int rc = opts_parse(cli, c, argc, argv, args, NULL, &r);

    if (rc != OPTS_GO)
        return rc;
    for (int i = 0; i < n_pos; i++)
        pos[i] = r.v[i];
    return -1;
}

/* The notification with id in s, or prints an error (exit 3). */
static struct notification *find(struct snapshot *s, const char *id)
{
    uint32_t i = snapshot_find(s, ENT_NOTIFICATION, id);

    if (i == IDMAP_NONE) {
        cli_error(ST_INVALID, "unknown notification '%s'", id);
        return NULL;
    }
    return snapshot_row(s, ENT_NOTIFICATION, i);
}

static int matches(const struct snapshot *s, const struct notification *n,
                   const char *state, const char *mission, const char *kind)
{
    return (!state ||
            !strcmp(state, enum_name(&ENUM_NOTIFICATION_STATE, n->state))) &&
           (!mission || !strcmp(mission, snap_mission(s, n->mission)->id)) &&
           (!kind ||
            !strcmp(kind, enum_name(&ENUM_NOTIFICATION_KIND, n->kind)));
}

/* 1 (after a usage error) when a filter names no value of t. */
static int bad_filter(const char *option, const char *v,
                      const struct enum_names *t)
{
    char names[256];

    if (!v || enum_from_name(t, v) != ENUM_NONE)
        return 0;
    enum_list(t, names, sizeof(names));
    cli_error(ST_USAGE, "--%s: unknown %s '%s' (%s)", option, t->what, v,
              names);
    return 1;
}

static int list(struct cli *cli, int argc, char **argv)
{
    struct list_args a = { NULL, NULL, NULL };
    int rc = parse(cli, &LIST_SPEC, &a, argc, argv, NULL, 0);
    const char *state, *mission, *kind;
    struct store *st;
    struct snapshot s;
    struct grid g;
    struct err e;

    if (rc >= 0)
        return rc;
    state = a.state;
    mission = a.mission;
    kind = a.kind;
    if (bad_filter("state", state, &ENUM_NOTIFICATION_STATE) ||
        bad_filter("kind", kind, &ENUM_NOTIFICATION_KIND))
        return ST_USAGE;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    notification_grid_init(&g);
    for (uint32_t i = 0; i < snapshot_count(&s, ENT_NOTIFICATION); i++) {
        const struct notification *n = snapshot_row(&s, ENT_NOTIFICATION, i);

        if (matches(&s, n, state, mission, kind))
            notification_grid_add(&g, &s, n);
    }
    cli_print_grid(cli, &g);
    grid_release(&g);
    snapshot_release(&s);
    store_close(st);
    return 0;
}

/* The states of the notification in its change-log entries. */
static size_t steps_of(const struct change_list *list,
                       struct notification_step *steps, json_t **images)
{
    size_t n = 0;

    for (size_t i = 0; i < list->n; i++) {
        const struct change_entry *c = &list->items[i];
        json_t *after = c->after ? json_loads(c->after, 0, NULL) : NULL;
        const char *state = json_string_value(json_object_get(after, "state"));

        images[i] = after;
        if (!state)
            continue;
        steps[n++] = (struct notification_step){ c->recorded, c->actor, state,
                                                 c->reason };
    }
    return n;
}

static int show_history(struct cli *cli, struct store *st,
                        const struct snapshot *s, const struct notification *n)
{
    struct change_list list = { NULL, 0, 0 };
    struct notification_step *steps;
    json_t **images;
    size_t n_steps;
    struct buf b;
    struct err e;

    if (store_history(st, "notification", n->id, &list, &e))
        return cli_fail(&e);
    steps = xcalloc(list.n + 1, sizeof(*steps));
    images = xcalloc(list.n + 1, sizeof(*images));
    n_steps = steps_of(&list, steps, images);
    buf_init(&b, BUF_MAX_DEFAULT * 4);
    notification_render(&b, cli->format, s, n, steps, n_steps);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    for (size_t i = 0; i < list.n; i++)
        json_decref(images[i]);
    free(images);
    free(steps);
    change_list_release(&list);
    return 0;
}

static int show(struct cli *cli, int argc, char **argv)
{
    char *id = NULL;
    int rc = parse(cli, &SHOW_SPEC, NULL, argc, argv, &id, 1);
    const struct notification *n;
    struct store *st;
    struct snapshot s;
    struct err e;

    if (rc >= 0 || !id)
        return rc >= 0 ? rc : ST_USAGE;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    rc = (n = find(&s, id)) ? show_history(cli, st, &s, n) : ST_INVALID;
    snapshot_release(&s);
    store_close(st);
    return rc;
}

/* Refuses a decision on a notification no longer submitted: exit 1. */
static int undecidable(const struct notification *n, int withdrawing)
{
    if (n->state == NS_SUBMITTED || (withdrawing && n->state == NS_RETURNED))
        return 0;
    return cli_error(ST_ERROR,
                     "notification '%s' already decided: %s by %s "
                     "at %s",
                     n->id, enum_name(&ENUM_NOTIFICATION_STATE, n->state),
                     n->decided_by ? n->decided_by : "?",
                     n->decided_at ? n->decided_at : "?");
}

/* A decision being written: the changes of the records, then the
 * notification's own update. */
struct decision {
    struct cli *cli;
    struct store *st;
    struct snapshot *s;
    uint32_t index;
    struct notification before;
    struct change *changes;
    size_t n;
};

/* Writes the notification's new state (and d's record changes). */
static int write_decision(struct decision *d, int state, const char *grounds,
                          const char *verb)
{
    struct notification *n = snapshot_row(d->s, ENT_NOTIFICATION, d->index);
    char now[TIMESTAMP_BUF], reason[96];
    struct change_meta meta = { NULL, reason };
    struct err e;

    if (clock_timestamp(now, &e))
        return cli_fail(&e);
    n->state = state;
    n->decided_by = arena_strdup(&d->s->strings, store_actor(d->st));
    n->decided_at = arena_strdup(&d->s->strings, now);
    n->grounds = grounds ? arena_strdup(&d->s->strings, grounds) : NULL;
    if (state == NS_ACCEPTED)
        n->change_set = (int32_t)(store_known_head(d->st) + 1);
    if (!d->changes) /* room for the update: accept_records makes it */
        d->changes = xcalloc(1, sizeof(*d->changes));
    d->changes[d->n++] =
        (struct change){ OP_UPDATE, ENT_NOTIFICATION, d->index, &d->before };
    snprintf(reason, sizeof(reason), "notification %s %s", n->id, verb);
    if (store_apply(d->st, d->s, d->changes, d->n, &meta, &e)) {
        if (strstr(e.msg, "changed while"))
            return cli_error(ST_ERROR,
                             "notification '%s' may be already decided: %s",
                             n->id, e.msg);
        return cli_fail(&e);
    }
    notification_print(d->cli, d->s, n);
    return 0;
}

/* Applies the payload again on the registry as it is now: its records
 * become d's changes, its warnings the notification's. */
static int accept_records(struct decision *d)
{
    struct notification *n = snapshot_row(d->s, ENT_NOTIFICATION, d->index);
    struct notify_draft draft;
    struct findings w;
    struct problems p;
    struct holidays h;
    char where[64], *warnings;
    struct err e;
    int rc = 0;

    notify_draft_init(&draft);
    draft.accepting = 1;
    findings_init(&w);
    problems_init(&p);
    holidays_init(&h);
    snprintf(where, sizeof(where), "notification %s", n->id);
    if (cli_holidays(&h, &e) ||
        notify_prepare(d->s, where, n->payload, strlen(n->payload),
                       d->cli->today, &h, &draft, &w, &p, &e))
        rc = cli_fail(&e);
    else if (p.n_total)
        rc = cli_fail_problems(&p);
    if (!rc) {
        /* The row may have moved as records were appended. */
        n = snapshot_row(d->s, ENT_NOTIFICATION, d->index);
        warnings = notify_warnings_json(&w);
        n->warnings = arena_strdup(&d->s->strings, warnings);
        free(warnings);
        d->changes = xcalloc(draft.n_changes + 1, sizeof(*d->changes));
        for (size_t i = 0; i < draft.n_changes; i++) {
            const struct notify_change *c = &draft.changes[i];

            d->changes[d->n++] =
                (struct change){ c->update ? OP_UPDATE : OP_INSERT, c->entity,
                                 c->index, c->before };
            draft.changes[i].before = NULL; /* now d's */
        }
    }
    holidays_release(&h);
    problems_release(&p);
    findings_release(&w);
    notify_draft_release(&draft);
    return rc;
}

static void decision_release(struct decision *d)
{
    for (size_t i = 0; i < d->n; i++) {
        if (d->changes[i].entity != ENT_NOTIFICATION)
            free((void *)d->changes[i].before);
    }
    free(d->changes);
}

/* Runs a decision on notification id: state, with grounds (NULL: none). */
static int run_decision(struct cli *cli, const char *id, int state,
                        const char *grounds, const char *verb)
{
    struct decision d = { cli, NULL, NULL, 0, { 0 }, NULL, 0 };
    const struct notification *n;
    struct snapshot s;
    struct err e;
    int rc;

    snapshot_init(&s);
    d.s = &s;
    if (cli_open_for_write(cli, &d.st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    if (!(n = find(&s, id))) {
        rc = ST_INVALID;
    } else if (!(rc = undecidable(n, state == NS_WITHDRAWN))) {
        d.index = snapshot_find(&s, ENT_NOTIFICATION, id);
        d.before = *n;
        if (state == NS_ACCEPTED)
            rc = accept_records(&d);
        if (!rc)
            rc = write_decision(&d, state, grounds, verb);
    }
    decision_release(&d);
    snapshot_release(&s);
    store_close(d.st);
    return rc;
}

static int decide(struct cli *cli, int argc, char **argv)
{
    static const char *const verbs[] = { "accept", "refuse", "return" };
    static const int states[] = { NS_ACCEPTED, NS_REFUSED, NS_RETURNED };
    static const char *const done[] = { "accepted", "refused", "returned" };
    struct decide_args a = { NULL };
    char *pos[2] = { NULL, NULL };
    int rc = parse(cli, &DECIDE_SPEC, &a, argc, argv, pos, 2), k;
    const char *grounds;

    if (rc >= 0 || !pos[0] || !pos[1])
        return rc >= 0 ? rc : ST_USAGE;
    grounds = a.grounds;
    for (k = 0; k < 3 && strcmp(pos[1], verbs[k]); k++)
        ;
    if (k == 3)
        return cli_error(
            ST_USAGE, "unknown decision '%s' (accept, refuse, return)", pos[1]);
    if (k > 0 && (!grounds || !*grounds))
        return cli_error(ST_USAGE, "--grounds is required to %s a notification",
                         verbs[k]);
    return run_decision(cli, pos[0], states[k], grounds, done[k]);
}

static int withdraw(struct cli *cli, int argc, char **argv)
{
    char *id = NULL;
    int rc = parse(cli, &WITHDRAW_SPEC, NULL, argc, argv, &id, 1);

    if (rc >= 0 || !id)
        return rc >= 0 ? rc : ST_USAGE;
    return run_decision(cli, id, NS_WITHDRAWN, NULL, "withdrawn");
}

static int resubmit(struct cli *cli, int argc, char **argv)
{
    char *pos[2] = { NULL, NULL };
    int rc = parse(cli, &RESUBMIT_SPEC, NULL, argc, argv, pos, 2);

    if (rc >= 0 || !pos[0] || !pos[1])
        return rc >= 0 ? rc : ST_USAGE;
    return notification_submit(cli, pos[1], pos[0]);
}

static const struct command NOTIFICATION_COMMANDS[] = {
    { "list", list, &LIST_SPEC },
    { "show", show, &SHOW_SPEC },
    { "decide", decide, &DECIDE_SPEC },
    { "resubmit", resubmit, &RESUBMIT_SPEC },
    { "withdraw", withdraw, &WITHDRAW_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec NOTIFICATION_SPEC = {
    .name = "notification",
    .operands = "list|show|decide|resubmit|withdraw ...",
    .help = "notifications from missions, and the office's decisions.",
    .subs = NOTIFICATION_COMMANDS,
};

int cmd_notification(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &NOTIFICATION_SPEC, argc, argv);
}
