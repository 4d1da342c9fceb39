/*
 * `chancery notification list|show|decide|resubmit|withdraw`: following
 * notifications and the office's decisions on them. Deciding runs
 * store/notice.h's steps, which the server's write routes share (accepting
 * writes the notification's records and its new state in one change set);
 * this file parses, opens the registry and prints. Each command's line is
 * its option table (cli/opts.h).
 */
#include "report/notification.h"

#include <stddef.h>

#include "cli/commands.h"
#include "cli/notify.h"
#include "store/notice.h"

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

static int show_history(struct cli *cli, struct store *st,
                        const struct snapshot *s, const struct notification *n)
{
    struct notice_history h;
    struct buf b;
    struct err e;

    if (notice_history_load(st, n->id, &h, &e))
        return cli_fail(&e);
    buf_init(&b, BUF_MAX_DEFAULT * 4);
    notification_render(&b, cli->format, s, n, h.steps, h.n_steps);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    notice_history_release(&h);
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

/* Runs a decision on notification id: state, with grounds (NULL: none),
 * through store/notice.h, and prints the notification as decided. */
static int run_decision(struct cli *cli, const char *id, int state,
                        const char *grounds)
{
    struct notice_args a = {
        .id = id, .state = state, .grounds = grounds, .today = cli->today
    };
    struct notice_outcome out;
    struct problems p;
    struct holidays h;
    struct store *st;
    struct snapshot s;
    struct err e;
    int rc = 0;

    snapshot_init(&s);
    if (cli_open_for_write(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    problems_init(&p);
    holidays_init(&h);
    a.holidays = &h;
    if (state == NS_ACCEPTED && cli_holidays(&h, &e))
        rc = cli_fail(&e);
    else if (notice_decide(st, &s, &a, &p, &out, &e))
        rc = p.n_total ? cli_fail_problems(&p) : cli_fail(&e);
    else
        notification_print(cli, &s,
                           snapshot_row(&s, ENT_NOTIFICATION, out.index));
    holidays_release(&h);
    problems_release(&p);
    snapshot_release(&s);
    store_close(st);
    return rc;
}

static int decide(struct cli *cli, int argc, char **argv)
{
    static const char *const verbs[] = { "accept", "refuse", "return" };
    static const int states[] = { NS_ACCEPTED, NS_REFUSED, NS_RETURNED };
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
    return run_decision(cli, pos[0], states[k], grounds);
}

static int withdraw(struct cli *cli, int argc, char **argv)
{
    char *id = NULL;
    int rc = parse(cli, &WITHDRAW_SPEC, NULL, argc, argv, &id, 1);

    if (rc >= 0 || !id)
        return rc >= 0 ? rc : ST_USAGE;
    return run_decision(cli, id, NS_WITHDRAWN, NULL);
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
