/*
 * `chancery notify FILE.json`: a sending state's mission submits one
 * notification. The payload is read and validated against the registry
 * with the import's own row checks (rules/notify.h), its warnings are
 * computed, and only the notification itself is written, in state
 * submitted: its records wait for an officer to accept it (`notification
 * decide`). Parsing stays a small table-free function here, since the
 * command has one operand.
 */
#include "cli/notify.h"

#include "base/clock.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "report/notification.h"
#include "rules/notify.h"

void notification_print(const struct cli *cli, const struct snapshot *s,
                        const struct notification *n)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT * 4);
    notification_render(&b, cli->format, s, n, NULL, 0);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
}

/* The notification record of a draft d, submitted now by the actor. */
static enum status fill(struct snapshot *s, struct store *st,
                        const struct notify_draft *d, const struct findings *w,
                        struct notification *n, struct err *e)
{
    char now[TIMESTAMP_BUF];
    char *warnings = notify_warnings_json(w);

    if (clock_timestamp(now, e)) {
        free(warnings);
        return e->status;
    }
    n->kind = d->kind;
    n->mission = d->mission;
    n->payload = arena_strdup(&s->strings, d->payload);
    n->replaces = d->replaces;
    n->justification = d->justification;
    n->submitted_by = arena_strdup(&s->strings, store_actor(st));
    n->submitted_at = arena_strdup(&s->strings, now);
    n->state = NS_SUBMITTED;
    n->warnings = arena_strdup(&s->strings, warnings);
    n->decided_by = n->decided_at = n->grounds = NULL;
    n->change_set = FIELD_INT_NONE;
    free(warnings);
    return ST_OK;
}

/* Writes the notification of draft d: a new one, or returned
 * notification id submitted again (an update: the change log keeps what
 * it was). */
static int write_notification(struct cli *cli, struct store *st,
                              struct snapshot *s, const struct notify_draft *d,
                              const struct findings *w, const char *id)
{
    struct notification n, before;
    struct change ch = { OP_INSERT, ENT_NOTIFICATION, 0, NULL };
    struct change_meta meta = { NULL, NULL };
    char reason[96], next[16];
    struct err e;

    if (id) {
        ch.op = OP_UPDATE;
        ch.index = snapshot_find(s, ENT_NOTIFICATION, id);
        before =
            *(struct notification *)snapshot_row(s, ENT_NOTIFICATION, ch.index);
        ch.before = &before;
        n = before;
    } else {
        notify_next_id(s, next);
        n.id = arena_strdup(&s->strings, next);
    }
    if (fill(s, st, d, w, &n, &e))
        return cli_fail(&e);
    if (id)
        *(struct notification *)snapshot_row(s, ENT_NOTIFICATION, ch.index) = n;
    else if (snapshot_add(s, ENT_NOTIFICATION, &n, &ch.index, &e))
        return cli_fail(&e);
    snprintf(reason, sizeof(reason), "notification %s %s", n.id,
             id ? "resubmitted" : "submitted");
    meta.reason = reason;
    (void)cli;
    if (store_apply(st, s, &ch, 1, &meta, &e))
        return cli_fail(&e);
    notification_print(cli, s, snapshot_row(s, ENT_NOTIFICATION, ch.index));
    return 0;
}

/* Validates the file and writes the notification (new, or id again). */
static int submit(struct cli *cli, struct store *st, struct snapshot *s,
                  const char *path, const struct buf *text, const char *id)
{
    struct notify_draft d;
    struct findings w;
    struct problems p;
    struct holidays h;
    struct err e;
    int rc = 0;

    notify_draft_init(&d);
    findings_init(&w);
    problems_init(&p);
    holidays_init(&h);
    if (cli_holidays(&h, &e) || notify_prepare(s, path, text->data, text->len,
                                               cli->today, &h, &d, &w, &p, &e))
        rc = cli_fail(&e);
    else if (p.n_total)
        rc = cli_fail_problems(&p);
    else
        rc = write_notification(cli, st, s, &d, &w, id);
    holidays_release(&h);
    problems_release(&p);
    findings_release(&w);
    notify_draft_release(&d);
    return rc;
}

int notification_submit(struct cli *cli, const char *path, const char *id)
{
    struct store *st;
    struct snapshot s;
    struct buf text;
    struct err e;
    uint32_t i;
    int rc;

    if (cli_read_file(path, &text, &e))
        return cli_fail(&e);
    snapshot_init(&s);
    if (cli_open_for_write(cli, &st, &s, &e)) {
        snapshot_release(&s);
        buf_release(&text);
        return cli_fail(&e);
    }
    if (id && (i = snapshot_find(&s, ENT_NOTIFICATION, id)) == IDMAP_NONE)
        rc = cli_error(ST_INVALID, "unknown notification '%s'", id);
    else if (id && ((const struct notification *)snapshot_row(
                        &s, ENT_NOTIFICATION, i))
                           ->state != NS_RETURNED)
        rc = cli_error(ST_ERROR,
                       "notification '%s' is %s: only a returned one can be "
                       "resubmitted",
                       id,
                       enum_name(&ENUM_NOTIFICATION_STATE,
                                 ((const struct notification *)snapshot_row(
                                      &s, ENT_NOTIFICATION, i))
                                     ->state));
    else
        rc = submit(cli, st, &s, path, &text, id);
    snapshot_release(&s);
    store_close(st);
    buf_release(&text);
    return rc;
}

const struct cmd_spec NOTIFY_SPEC = {
    .name = "notify",
    .operands = "FILE.json",
    .min_operands = 1,
    .max_operands = 1,
    .help = "submit a mission's notification to the protocol office.",
    .more = "FILE.json holds one notification (appointment, arrival, change, "
            "dependent_join, dependent_leave, termination, transfer, "
            "dependent_accredit or correction) with the interchange column "
            "names. It is validated as an import validates the same records "
            "and printed with its warnings: the findings the registry would "
            "gain if it were accepted.",
    .example = { "notify appointment.json",
                 "--format json --actor rus-embassy notify termination.json" },
};

int cmd_notify(struct cli *cli, int argc, char **argv)
{
    struct opts_rest file;
    int rc = opts_parse(cli, &NOTIFY_SPEC, argc, argv, NULL, NULL, &file);

    if (rc != OPTS_GO)
        return rc;
    return notification_submit(cli, file.v[0], NULL);
}
