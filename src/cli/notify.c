/*
 * `chancery notify FILE.json`: a sending state's mission submits one
 * notification. The payload is read and validated against the registry
 * with the import's own row checks (rules/notify.h), its warnings are
 * computed, and only the notification itself is written, in state
 * submitted: its records wait for an officer to accept it (`notification
 * decide`). The steps are store/notice.h's, which the server's write
 * routes share; this file reads the file, opens the registry and prints.
 */
#include "cli/notify.h"

#include "cli/commands.h"
#include "report/notification.h"
#include "store/notice.h"

void notification_print(const struct cli *cli, const struct snapshot *s,
                        const struct notification *n)
{
    struct buf b;

    buf_init(&b, BUF_MAX_DEFAULT * 4);
    notification_render(&b, cli->format, s, n, NULL, 0);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
}

/* Submits text (read from path) on the registry st holds in s. */
static int submit(struct cli *cli, struct store *st, struct snapshot *s,
                  const char *path, const struct buf *text, const char *id)
{
    struct notice_args a = { .id = id,
                             .file = path,
                             .text = text->data,
                             .len = text->len,
                             .today = cli->today };
    struct notice_outcome out;
    struct problems p;
    struct holidays h;
    struct err e;
    int rc = 0;

    problems_init(&p);
    holidays_init(&h);
    a.holidays = &h;
    if (cli_holidays(&h, &e))
        rc = cli_fail(&e);
    else if (notice_submit(st, s, &a, &p, &out, &e))
        rc = p.n_total ? cli_fail_problems(&p) : cli_fail(&e);
    else
        notification_print(cli, s,
                           snapshot_row(s, ENT_NOTIFICATION, out.index));
    holidays_release(&h);
    problems_release(&p);
    return rc;
}

int notification_submit(struct cli *cli, const char *path, const char *id)
{
    struct store *st;
    struct snapshot s;
    struct buf text;
    struct err e;
    int rc;

    if (cli_read_file(path, &text, &e))
        return cli_fail(&e);
    snapshot_init(&s);
    if (cli_open_for_write(cli, &st, &s, &e)) {
        snapshot_release(&s);
        buf_release(&text);
        return cli_fail(&e);
    }
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
