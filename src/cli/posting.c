/*
 * `chancery posting list|show|notify|arrive|accredit|refuse|end`: tours of
 * duty. The read commands list records as the interchange files have them
 * (cli/records.h; list renders through report/views.c, as GET
 * /api/v1/postings does); `show` adds the posting's view on a date
 * (rules/postview.h, rendered by report/record.h). The writes follow a
 * posting's milestones, one command each; every one is a table of options bound
 * to the posting's fields and runs through the shared write path (cli/edit.h),
 * so a milestone is validated by the same record rules as an import (date
 * order, a mission open on arrival) and a milestone already recorded is never
 * overwritten: a correction is a later change with its reason, not a silent
 * edit.
 */
#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"
#include "core/presence.h"
#include "report/record.h"
#include "report/views.h"

/* list's command line, resolved into a posting_filter. */
struct posting_list_args {
    const char *mission, *person;
    int32_t present_on;
};

static const struct opt LIST_OPTS[] = {
    { .name = "mission",
      .arg = "M",
      .ref = REF_MISSION,
      .offset = offsetof(struct posting_list_args, mission),
      .def = "any",
      .help = "only the postings to mission M." },
    { .name = "person",
      .arg = "P",
      .ref = REF_PERSON,
      .offset = offsetof(struct posting_list_args, person),
      .def = "any",
      .help = "only the postings of person P." },
    { .name = "present-on",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct posting_list_args, present_on),
      .def = "any date",
      .help = "only the postings present on D." },
    { .name = NULL },
};

static const struct cmd_spec LIST_SPEC = {
    .name = "posting list",
    .operands = "",
    .help = "tours of duty, filtered.",
    .example = { "posting list --mission RUS-USA-EMB --present-on 2021-12-04",
                 "posting list --person P1" },
    .opts = LIST_OPTS,
};

/* Resolves the (checked) options against s. */
static void filter_init(struct posting_filter *f, const struct snapshot *s,
                        const struct posting_list_args *a)
{
    f->mission =
        a->mission ? snapshot_find(s, ENT_MISSION, a->mission) : IDMAP_NONE;
    f->person =
        a->person ? snapshot_find(s, ENT_PERSON, a->person) : IDMAP_NONE;
    f->present_on = a->present_on;
}

static int list(struct cli *cli, int argc, char **argv)
{
    struct posting_list_args a = { NULL, NULL, DATE_NONE };
    struct posting_filter f;
    struct records out;
    struct buf b;
    struct err e;
    int rc = opts_parse(cli, &LIST_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (records_open(&out, cli, ENT_POSTING, &e))
        return cli_fail(&e);
    if (opts_check(&LIST_SPEC, &a, NULL, NULL, &out.s, &e)) {
        records_close(&out);
        return cli_fail(&e);
    }
    filter_init(&f, &out.s, &a);
    buf_init(&b, BUF_MAX_DEFAULT);
    view_postings(&out.s, &f, &VIEW_SCOPE_ALL, cli->format, &b);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

struct show_args {
    int32_t as_of;
};

static const struct opt SHOW_OPTS[] = {
    { .name = "as-of",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct show_args, as_of),
      .def = "today",
      .help = "the date of the status, household, cap dates and findings." },
    { .name = NULL },
};

static const struct cmd_spec SHOW_SPEC = {
    .name = "posting show",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "one tour of duty: its record, and on a date its status, "
            "household, cap dates and open findings.",
    .example = { "posting show T01907 --as-of 2021-12-04",
                 "--format json posting show T01922" },
    .opts = SHOW_OPTS,
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
    struct show_args a = { cli->today };
    struct opts_rest id;
    struct records out;
    uint32_t i;
    int rc = opts_parse(cli, &SHOW_SPEC, argc, argv, &a, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    if ((rc = records_find(&out, cli, ENT_POSTING, id.v[0], &i)))
        return rc;
    rc = show_view(cli, &out, i, a.as_of);
    records_close(&out);
    return rc;
}

#define CATEGORIES                                                    \
    "diplomatic_agent|admin_technical|service_staff|private_servant|" \
    "consular_officer|consular_employee|honorary_consul|local_staff"
#define RANKS                                                           \
    "ambassador|minister|minister_counselor|counselor|first_secretary|" \
    "second_secretary|third_secretary|attache|consul_general|consul|"   \
    "vice_consul|none"
#define NOTE_OPT                                                               \
    {                                                                          \
        .name = "note", .arg = "TEXT", .help = "the change's recorded reason." \
    }

static const struct opt NOTIFY_OPTS[] = {
    { .name = "id",
      .arg = "ID",
      .field = "id",
      .flags = EDIT_REQUIRED,
      .help = "the new posting's id (unique)." },
    { .name = "person",
      .arg = "P",
      .field = "person",
      .ref = REF_PERSON,
      .flags = EDIT_REQUIRED,
      .help = "the person appointed." },
    { .name = "mission",
      .arg = "M",
      .field = "mission",
      .ref = REF_MISSION,
      .flags = EDIT_REQUIRED,
      .help = "the mission of the tour." },
    { .name = "category",
      .arg = "CAT",
      .field = "category",
      .values = CATEGORIES,
      .flags = EDIT_REQUIRED | OPT_HINT,
      .help = "the staff category (Vienna Conventions)." },
    { .name = "rank",
      .arg = "RANK",
      .field = "rank",
      .values = RANKS,
      .flags = OPT_HINT,
      .help = "the diplomatic or consular rank." },
    { .name = "title",
      .arg = "TEXT",
      .field = "title",
      .help = "the title, as the List gives it." },
    { .name = "head",
      .kind = OPT_FLAG,
      .field = "head_of_mission",
      .help = "the person is the head of mission." },
    { .name = "notified",
      .arg = "D",
      .field = "notified",
      .flags = EDIT_TODAY,
      .def = "today",
      .help = "the date of the notification." },
    { .name = "arrived",
      .arg = "D",
      .field = "arrived",
      .help = "the date of arrival, when already known." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec POSTING_NOTIFY_SPEC = {
    .name = "posting notify",
    .operands = "",
    .help = "record a notification of appointment.",
    .example = { "posting notify --id T900 --person P900 --mission RUS-USA-EMB "
                 "--category diplomatic_agent --rank counselor",
                 "posting notify --id T901 --person P901 --mission USA-RUS-EMB "
                 "--category admin_technical --notified 2021-11-01" },
    .opts = NOTIFY_OPTS,
};

static const struct edit_command NOTIFY = { &POSTING_NOTIFY_SPEC, ENT_POSTING,
                                            NULL };

static int notify(struct cli *cli, int argc, char **argv)
{
    return edit_insert(cli, &NOTIFY, argc, argv);
}

/* A milestone is recorded once; accredited and refused exclude each other. */
static const char *const DECIDED[] = { "accredited", "refused", NULL };
static const char *const ARRIVED[] = { "arrived", NULL };
static const char *const ENDED[] = { "ended", NULL };
static const char *const PRESENTED[] = { "credentials", NULL };

#define ON_OPT(field_, what)                                            \
    {                                                                   \
        .name = "on", .arg = "D", .field = field_, .flags = EDIT_TODAY, \
        .def = "today", .help = what                                    \
    }

static const struct opt ARRIVE_OPTS[] = {
    ON_OPT("arrived", "the date of arrival."),
    NOTE_OPT,
    { .name = NULL },
};
static const struct opt ACCREDIT_OPTS[] = {
    ON_OPT("accredited", "the date of accreditation."),
    NOTE_OPT,
    { .name = NULL },
};
static const struct opt REFUSE_OPTS[] = {
    ON_OPT("refused", "the date of the refusal."),
    NOTE_OPT,
    { .name = NULL },
};
static const struct opt END_OPTS[] = {
    ON_OPT("ended", "the last day of the tour."),
    { .name = "reason",
      .arg = "R",
      .field = "end_reason",
      .values = "tour_completed|recalled|persona_non_grata|ordered_departure|"
                "accreditation_withdrawn|transferred|deceased|other",
      .flags = EDIT_REQUIRED | OPT_HINT,
      .help = "why the tour ended." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec ARRIVE_SPEC = {
    .name = "posting arrive",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record a posting's arrival.",
    .example = { "posting arrive T900 --on 2021-12-01",
                 "posting arrive T901 --note 'arrival notified'" },
    .opts = ARRIVE_OPTS,
};
static const struct cmd_spec ACCREDIT_SPEC = {
    .name = "posting accredit",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record a posting's accreditation.",
    .example = { "posting accredit T900 --on 2021-12-03",
                 "posting accredit T901" },
    .opts = ACCREDIT_OPTS,
};
static const struct cmd_spec REFUSE_SPEC = {
    .name = "posting refuse",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the refusal of accreditation.",
    .example = { "posting refuse T900 --on 2021-12-03",
                 "posting refuse T901 --note 'agrement withheld'" },
    .opts = REFUSE_OPTS,
};
static const struct cmd_spec END_SPEC = {
    .name = "posting end",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the end of a tour and its reason.",
    .example = { "posting end T01907 --on 2022-01-30 --reason ordered_departure",
                 "posting end T900 --reason tour_completed" },
    .opts = END_OPTS,
};

static const struct edit_command ARRIVE = { &ARRIVE_SPEC, ENT_POSTING,
                                            ARRIVED };
static const struct edit_command ACCREDIT = { &ACCREDIT_SPEC, ENT_POSTING,
                                              DECIDED };
static const struct edit_command REFUSE = { &REFUSE_SPEC, ENT_POSTING,
                                            DECIDED };
static const struct opt CREDENTIALS_OPTS[] = {
    ON_OPT("credentials", "the day the head of mission took up functions."),
    NOTE_OPT,
    { .name = NULL },
};
static const struct cmd_spec CREDENTIALS_SPEC = {
    .name = "posting credentials",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the day a head of mission took up functions "
            "(presentation of credentials, VCDR art. 13).",
    .example = { "posting credentials T900 --on 2021-12-02",
                 "posting credentials T901 --note 'true copy presented'" },
    .opts = CREDENTIALS_OPTS,
};

static const struct edit_command END = { &END_SPEC, ENT_POSTING, ENDED };
static const struct edit_command CREDENTIALS = { &CREDENTIALS_SPEC, ENT_POSTING,
                                                 PRESENTED };

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

static int credentials(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &CREDENTIALS, argc, argv);
}

static int end(struct cli *cli, int argc, char **argv)
{
    return edit_update(cli, &END, argc, argv);
}

static const struct command POSTING_COMMANDS[] = {
    { "list", list, &LIST_SPEC },
    { "show", show, &SHOW_SPEC },
    { "notify", notify, &POSTING_NOTIFY_SPEC },
    { "arrive", arrive, &ARRIVE_SPEC },
    { "accredit", accredit, &ACCREDIT_SPEC },
    { "refuse", refuse, &REFUSE_SPEC },
    { "credentials", credentials, &CREDENTIALS_SPEC },
    { "end", end, &END_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec POSTING_SPEC = {
    .name = "posting",
    .operands = "list|show|notify|arrive|accredit|refuse|credentials|end ...",
    .help = "tours of duty, from notification to end.",
    .subs = POSTING_COMMANDS,
};

int cmd_posting(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &POSTING_SPEC, argc, argv);
}
