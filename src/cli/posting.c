/*
 * `chancery posting list|show|notify|arrive|accredit|refuse|end`: tours of
 * duty. The read commands list records as the interchange files have them
 * (cli/records.h); `show` adds the posting's view on a date
 * (rules/postview.h, rendered by report/record.h). The writes follow a
 * posting's milestones, one command each; every one is a table of options bound
 * to the posting's fields and runs through the shared write path (cli/edit.h),
 * so a milestone is validated by the same record rules as an import (date
 * order, a mission open on arrival) and a milestone already recorded is never
 * overwritten: a correction is a later change with its reason, not a silent
 * edit.
 */
#include "base/date.h"
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"
#include "core/presence.h"
#include "report/record.h"
#include "report/views.h"

static const struct edit_option LIST_OPTS[] = {
    { "mission", NULL, 0 },
    { "person", NULL, 0 },
    { "present-on", NULL, 0 },
    { NULL, NULL, 0 },
};

#define LIST_USAGE "[--mission M] [--person P] [--present-on D]"

static const struct edit_command LIST = {
    "posting", "list " LIST_USAGE, ENT_POSTING, 0, LIST_OPTS, NULL,
};

/* Resolves the filter options (values in LIST_OPTS order) against s. */
static enum status filter_init(struct posting_filter *f,
                               const struct snapshot *s, const char **v,
                               struct err *e)
{
    f->mission = f->person = IDMAP_NONE;
    f->present_on = DATE_NONE;
    if (v[0] &&
        (f->mission = snapshot_find(s, ENT_MISSION, v[0])) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "--mission: unknown mission '%s'", v[0]);
    if (v[1] && (f->person = snapshot_find(s, ENT_PERSON, v[1])) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "--person: unknown person '%s'", v[1]);
    if (v[2])
        return cli_date("--present-on", v[2], &f->present_on, e);
    return ST_OK;
}

static int list(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct posting_filter f;
    struct records out;
    struct buf b;
    struct err e;
    char **args;
    int rc = edit_args(&LIST, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if (records_open(&out, cli, ENT_POSTING, &e))
        return cli_fail(&e);
    if (filter_init(&f, &out.s, v, &e)) {
        records_close(&out);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_postings(&out.s, &f, &VIEW_SCOPE_ALL, cli->format, &b);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

static const struct edit_option SHOW_OPTS[] = {
    { "as-of", NULL, 0 },
    { NULL, NULL, 0 },
};

#define SHOW_USAGE "ID [--as-of D]"

static const struct edit_command SHOW = {
    "posting", "show " SHOW_USAGE, ENT_POSTING, 1, SHOW_OPTS, NULL,
};

/* The posting's view on the date (rules/postview.h), printed after its
 * record (report/record.h). */
static int show_view(const struct cli *cli, const struct records *out,
                     uint32_t ti, int32_t as_of)
{
    struct check_options o = { as_of, NULL, NULL, NULL, 0, NULL };
    struct holidays h;
    struct postview v;
    struct buf b;
    struct err e;
    int rc = 0;

    holidays_init(&h);
    if (cli_holidays(&h, &e)) {
        holidays_release(&h);
        return cli_fail(&e);
    }
    o.holidays = &h;
    if (postview_build(&out->s, ti, &o, &v, &e)) {
        rc = cli_fail(&e);
    } else {
        buf_init(&b, BUF_MAX_DEFAULT);
        posting_view_render(&b, cli->format, &out->s, &out->g, &v);
        records_print_buf(&b);
    }
    postview_release(&v);
    holidays_release(&h);
    return rc;
}

static int show(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct records out;
    int32_t as_of = cli->today;
    struct err e;
    char **args;
    uint32_t i;
    int rc = edit_args(&SHOW, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if (v[0] && cli_date("--as-of", v[0], &as_of, &e))
        return cli_fail(&e);
    if ((rc = records_find(&out, cli, ENT_POSTING, args[0], &i)))
        return rc;
    rc = show_view(cli, &out, i, as_of);
    records_close(&out);
    return rc;
}

static const struct edit_option NOTIFY_OPTS[] = {
    { "id", "id", EDIT_REQUIRED },
    { "person", "person", EDIT_REQUIRED },
    { "mission", "mission", EDIT_REQUIRED },
    { "category", "category", EDIT_REQUIRED },
    { "rank", "rank", 0 },
    { "title", "title", 0 },
    { "head", "head_of_mission", EDIT_FLAG },
    { "notified", "notified", EDIT_TODAY },
    { "arrived", "arrived", 0 },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define NOTIFY_USAGE                                                      \
    "--id ID --person P --mission M --category C [--rank R] [--title T] " \
    "[--head] [--notified D] [--arrived D] [--note TEXT]"

static const struct edit_command NOTIFY = {
    "posting", "notify " NOTIFY_USAGE, ENT_POSTING, 0, NOTIFY_OPTS, NULL,
};

static int notify(struct cli *cli, int argc, char **argv)
{
    return edit_insert(cli, &NOTIFY, argc, argv);
}

/* A milestone is recorded once; accredited and refused exclude each other. */
static const char *const DECIDED[] = { "accredited", "refused", NULL };
static const char *const ARRIVED[] = { "arrived", NULL };
static const char *const ENDED[] = { "ended", NULL };

static const struct edit_option ARRIVE_OPTS[] = {
    { "on", "arrived", EDIT_TODAY },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};
static const struct edit_option ACCREDIT_OPTS[] = {
    { "on", "accredited", EDIT_TODAY },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};
static const struct edit_option REFUSE_OPTS[] = {
    { "on", "refused", EDIT_TODAY },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};
static const struct edit_option END_OPTS[] = {
    { "on", "ended", EDIT_TODAY },
    { "reason", "end_reason", EDIT_REQUIRED },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define ON_USAGE  "ID [--on D] [--note TEXT]"
#define END_USAGE "ID [--on D] --reason R [--note TEXT]"

static const struct edit_command ARRIVE = {
    "posting", "arrive " ON_USAGE, ENT_POSTING, 1, ARRIVE_OPTS, ARRIVED,
};
static const struct edit_command ACCREDIT = {
    "posting", "accredit " ON_USAGE, ENT_POSTING, 1, ACCREDIT_OPTS, DECIDED,
};
static const struct edit_command REFUSE = {
    "posting", "refuse " ON_USAGE, ENT_POSTING, 1, REFUSE_OPTS, DECIDED,
};
static const struct edit_command END = {
    "posting", "end " END_USAGE, ENT_POSTING, 1, END_OPTS, ENDED,
};

static int arrive(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &ARRIVE, argc, argv);
}

static int accredit(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &ACCREDIT, argc, argv);
}

static int refuse(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &REFUSE, argc, argv);
}

static int end(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &END, argc, argv);
}

static const struct command POSTING_COMMANDS[] = {
    { "list", list, LIST_USAGE, "postings, filtered" },
    { "show", show, SHOW_USAGE,
      "one posting: status, household, cap dates and open findings on a "
      "date" },
    { "notify", notify, NOTIFY_USAGE,
      "record a notification of appointment (--notified: today)" },
    { "arrive", arrive, ON_USAGE, "record the arrival (--on: today)" },
    { "accredit", accredit, ON_USAGE,
      "record the accreditation (--on: today)" },
    { "refuse", refuse, ON_USAGE,
      "record the refusal of accreditation (--on: today)" },
    { "end", end, END_USAGE,
      "record the end of the tour and its reason (--on: today)" },
    { NULL, NULL, NULL, NULL },
};

int cmd_posting(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "posting", POSTING_COMMANDS, argc, argv);
}
