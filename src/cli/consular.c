/*
 * `chancery consular status|history|where`: consular availability from
 * consular.csv (visa/consular.h). status is laid out as the US global visa
 * wait-time table: a row per post and nationality, a column per service,
 * each cell the wait in days where the post is open and has a known wait,
 * else its status ("limited: 30" when limited with a wait), empty when
 * nothing is recorded. history lists a post's rows as recorded; where
 * answers where a national can apply on a date, and why there, rendered by
 * report/views.c (the same view as GET /api/v1/consular/where).
 */
#include "visa/consular.h"

#include <stddef.h>

#include "base/date.h"
#include "cli/commands.h"
#include "cli/records.h"
#include "report/views.h"

/* The options of every consular subcommand. */
struct consular_args {
    const char *post, *nationality, *residence, *issuing;
    int32_t as_of;
    int service; /* enum consular_service */
};

#define POST_OPT(flags_, what)                                           \
    {                                                                    \
        .name = "post", .arg = "M", .ref = REF_MISSION, .flags = flags_, \
        .offset = offsetof(struct consular_args, post), .help = what     \
    }
#define AS_OF_OPT                                                        \
    {                                                                    \
        .name = "as-of", .arg = "D", .kind = OPT_DATE,                   \
        .offset = offsetof(struct consular_args, as_of), .def = "today", \
        .help = "the date of the answer."                                \
    }

static const struct opt STATUS_OPTS[] = {
    POST_OPT(0, "only post M (a mission). Default: every post."),
    { .name = "nationality",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct consular_args, nationality),
      .def = "any",
      .help = "only rows for applicants of nationality S." },
    AS_OF_OPT,
    { .name = NULL },
};

static const struct cmd_spec STATUS_SPEC = {
    .name = "consular status",
    .operands = "",
    .help = "post x service: the wait in days, or the status, on a date.",
    .example = { "consular status --post USA-RUS-EMB",
                 "consular status --nationality RUS --as-of 2021-06-01" },
    .opts = STATUS_OPTS,
};

static const char *const STATUS_COLUMNS[] = {
    "post",
    "city",
    "nationality",
    "nonimmigrant_visa",
    "immigrant_visa",
    "diplomatic_visa",
    "citizen_services",
};

static void status_cell(const struct snapshot *s, uint32_t r, char *out,
                        size_t size)
{
    const struct consular *c;

    if (r == IDMAP_NONE) {
        out[0] = '\0';
        return;
    }
    c = snap_consular(s, r);
    if (c->status == CST_OPEN && c->wait_days != FIELD_INT_NONE)
        snprintf(out, size, "%ld", (long)c->wait_days);
    else if (c->wait_days != FIELD_INT_NONE)
        snprintf(out, size, "%s: %ld",
                 enum_name(&ENUM_CONSULAR_STATUS, c->status),
                 (long)c->wait_days);
    else
        snprintf(out, size, "%s", enum_name(&ENUM_CONSULAR_STATUS, c->status));
}

/* 1 when row i is the first of its post and nationality (so each pair is
 * one line of the grid). */
static int first_of_pair(const struct snapshot *s, uint32_t i)
{
    const struct consular *c = snap_consular(s, i);

    for (uint32_t k = 0; k < i; k++) {
        const struct consular *o = snap_consular(s, k);

        if (o->post == c->post && !strcmp(o->nationality, c->nationality))
            return 0;
    }
    return 1;
}

static void add_status_row(struct grid *g, const struct snapshot *s,
                           const struct consular *c, int32_t date)
{
    char cells[CS__COUNT][48];
    const struct mission *m = snap_mission(s, c->post);
    const char *row[3 + CS__COUNT] = { m->id, m->city ? m->city : "",
                                       c->nationality };

    for (int k = 0; k < CS__COUNT; k++) {
        status_cell(s, consular_row_on(s, c->post, c->nationality, k, date),
                    cells[k], sizeof(cells[k]));
        row[3 + k] = cells[k];
    }
    grid_add_row(g, row);
}

static int status(struct cli *cli, int argc, char **argv)
{
    struct consular_args a = { NULL, NULL, NULL, NULL, cli->today, 0 };
    struct records r;
    struct err e;
    uint32_t post = IDMAP_NONE;
    struct grid g;
    int rc = opts_parse(cli, &STATUS_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (records_open(&r, cli, ENT_CONSULAR, &e))
        return cli_fail(&e);
    if (opts_check(&STATUS_SPEC, &a, NULL, NULL, &r.s, &e)) {
        records_close(&r);
        return cli_fail(&e);
    }
    if (a.post)
        post = snapshot_find(&r.s, ENT_MISSION, a.post);
    grid_init(&g, STATUS_COLUMNS, 3 + CS__COUNT);
    for (uint32_t i = 0; i < snapshot_count(&r.s, ENT_CONSULAR); i++) {
        const struct consular *c = snap_consular(&r.s, i);

        if ((post == IDMAP_NONE || c->post == post) &&
            (!a.nationality || !strcmp(c->nationality, a.nationality)) &&
            first_of_pair(&r.s, i))
            add_status_row(&g, &r.s, c, a.as_of);
    }
    cli_print_grid(cli, &g);
    grid_release(&g);
    records_close(&r);
    return 0;
}

static const struct opt HISTORY_OPTS[] = {
    POST_OPT(OPT_REQUIRED, "the post (a mission)."),
    { .name = NULL },
};

static const struct cmd_spec POST_HISTORY_SPEC = {
    .name = "consular history",
    .operands = "",
    .help = "a post's consular rows as recorded.",
    .example = { "consular history --post USA-RUS-EMB",
                 "--format csv consular history --post USA-RUS-CG-VVO" },
    .opts = HISTORY_OPTS,
};

static int history(struct cli *cli, int argc, char **argv)
{
    struct consular_args a = { NULL, NULL, NULL, NULL, cli->today, 0 };
    struct records r;
    struct err e;
    uint32_t post;
    int rc = opts_parse(cli, &POST_HISTORY_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (records_open(&r, cli, ENT_CONSULAR, &e))
        return cli_fail(&e);
    if (opts_check(&POST_HISTORY_SPEC, &a, NULL, NULL, &r.s, &e)) {
        records_close(&r);
        return cli_fail(&e);
    }
    post = snapshot_find(&r.s, ENT_MISSION, a.post);
    for (uint32_t i = 0; i < snapshot_count(&r.s, ENT_CONSULAR); i++)
        if (snap_consular(&r.s, i)->post == post)
            records_add(&r, i);
    records_print(&r, cli);
    records_close(&r);
    return 0;
}

static const struct opt WHERE_OPTS[] = {
    { .name = "nationality",
      .arg = "S",
      .ref = REF_STATE,
      .flags = OPT_REQUIRED,
      .offset = offsetof(struct consular_args, nationality),
      .help = "the applicant's nationality." },
    { .name = "service",
      .arg = "SERVICE",
      .kind = OPT_ENUM,
      .values = "nonimmigrant_visa|immigrant_visa|diplomatic_visa|"
                "citizen_services",
      .offset = offsetof(struct consular_args, service),
      .def = "nonimmigrant_visa",
      .help = "the service wanted." },
    { .name = "residence",
      .arg = "C",
      .ref = REF_STATE,
      .offset = offsetof(struct consular_args, residence),
      .def = "the nationality",
      .help = "the country of residence." },
    AS_OF_OPT,
    { .name = "issuing",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct consular_args, issuing),
      .def = "every issuing state",
      .help = "only the posts of state S." },
    { .name = NULL },
};

static const struct cmd_spec WHERE_SPEC = {
    .name = "consular where",
    .operands = "",
    .help = "where a national can apply for a service on a date, and why "
            "there.",
    .example = { "consular where --nationality RUS --issuing USA",
                 "consular where --nationality RUS --residence RUS --service "
                 "immigrant_visa --as-of 2021-06-01" },
    .opts = WHERE_OPTS,
};

static int where(struct cli *cli, int argc, char **argv)
{
    struct consular_args o = { NULL, NULL,       NULL,
                               NULL, cli->today, CS_NONIMMIGRANT_VISA };
    struct where_query q;
    struct records r;
    struct buf b;
    struct err e;
    int rc = opts_parse(cli, &WHERE_SPEC, argc, argv, &o, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    if (records_open(&r, cli, ENT_CONSULAR, &e))
        return cli_fail(&e);
    if (opts_check(&WHERE_SPEC, &o, NULL, NULL, &r.s, &e)) {
        records_close(&r);
        return cli_fail(&e);
    }
    q = (struct where_query){ o.nationality, o.service,
                              o.residence ? o.residence : o.nationality,
                              o.as_of, o.issuing };
    buf_init(&b, BUF_MAX_DEFAULT);
    view_consular_where(&r.s, &q, cli->format, &b);
    fwrite(b.data, 1, b.len, stdout);
    buf_release(&b);
    records_close(&r);
    return 0;
}

static const struct command CONSULAR_COMMANDS[] = {
    { "status", status, &STATUS_SPEC },
    { "history", history, &POST_HISTORY_SPEC },
    { "where", where, &WHERE_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec CONSULAR_SPEC = {
    .name = "consular",
    .operands = "status|history|where ...",
    .help = "consular availability: post x service, and where to apply.",
    .subs = CONSULAR_COMMANDS,
};

int cmd_consular(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &CONSULAR_SPEC, argc, argv);
}
