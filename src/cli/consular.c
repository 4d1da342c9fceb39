/*
 * `chancery consular status|history|where`: consular availability from
 * consular.csv (visa/consular.h). status is laid out as the US global visa
 * wait-time table: a row per post and nationality, a column per service,
 * each cell the wait in days where the post is open and has a known wait,
 * else its status ("limited: 30" when limited with a wait), empty when
 * nothing is recorded. history lists a post's rows as recorded; where
 * answers where a national can apply on a date, and why there.
 */
#include "visa/consular.h"

#include "base/date.h"
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"
#include "report/views.h"

static const struct edit_option STATUS_OPTS[] = {
    { "post", NULL, 0 },
    { "nationality", NULL, 0 },
    { "as-of", NULL, 0 },
    { NULL, NULL, 0 },
};

#define STATUS_USAGE "[--post P] [--nationality N] [--as-of D]"

static const struct edit_command STATUS = {
    "consular", "status " STATUS_USAGE, ENT_CONSULAR, 0, STATUS_OPTS, NULL,
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
    const char *v[EDIT_MAX_OPTIONS];
    struct records r;
    struct err e;
    char **args;
    uint32_t post = IDMAP_NONE;
    int32_t date = cli->today;
    struct grid g;
    int rc = edit_args(&STATUS, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    rc = 0;
    if (records_open(&r, cli, ENT_CONSULAR, &e))
        return cli_fail(&e);
    if (v[0] && (post = snapshot_find(&r.s, ENT_MISSION, v[0])) == IDMAP_NONE)
        rc = cli_error(ST_USAGE, "--post: unknown mission '%s'", v[0]);
    else if ((v[1] && cli_state(&r.s, "--nationality", v[1], &e)) ||
             (v[2] && cli_date("--as-of", v[2], &date, &e)))
        rc = cli_fail(&e);
    if (rc) {
        records_close(&r);
        return rc;
    }
    grid_init(&g, STATUS_COLUMNS, 3 + CS__COUNT);
    for (uint32_t i = 0; i < snapshot_count(&r.s, ENT_CONSULAR); i++) {
        const struct consular *c = snap_consular(&r.s, i);

        if ((post == IDMAP_NONE || c->post == post) &&
            (!v[1] || !strcmp(c->nationality, v[1])) && first_of_pair(&r.s, i))
            add_status_row(&g, &r.s, c, date);
    }
    cli_print_grid(cli, &g);
    grid_release(&g);
    records_close(&r);
    return 0;
}

static const struct edit_option HISTORY_OPTS[] = {
    { "post", NULL, EDIT_REQUIRED },
    { NULL, NULL, 0 },
};

static const struct edit_command HISTORY = {
    "consular", "history --post P", ENT_CONSULAR, 0, HISTORY_OPTS, NULL,
};

static int history(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct records r;
    struct err e;
    char **args;
    uint32_t post;
    int rc = edit_args(&HISTORY, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if (records_open(&r, cli, ENT_CONSULAR, &e))
        return cli_fail(&e);
    post = snapshot_find(&r.s, ENT_MISSION, v[0]);
    if (post == IDMAP_NONE) {
        records_close(&r);
        return cli_error(ST_USAGE, "--post: unknown mission '%s'", v[0]);
    }
    for (uint32_t i = 0; i < snapshot_count(&r.s, ENT_CONSULAR); i++)
        if (snap_consular(&r.s, i)->post == post)
            records_add(&r, i);
    records_print(&r, cli);
    records_close(&r);
    return 0;
}

static const struct edit_option WHERE_OPTS[] = {
    { "nationality", NULL, EDIT_REQUIRED },
    { "service", NULL, 0 },
    { "residence", NULL, 0 },
    { "as-of", NULL, 0 },
    { "issuing", NULL, 0 },
    { NULL, NULL, 0 },
};

#define WHERE_USAGE                                              \
    "--nationality N [--service S] [--residence C] [--as-of D] " \
    "[--issuing S]"

static const struct edit_command WHERE = {
    "consular", "where " WHERE_USAGE, ENT_CONSULAR, 0, WHERE_OPTS, NULL,
};

static enum status where_query(struct where_query *q, const struct cli *cli,
                               const struct snapshot *s, const char **v,
                               struct err *e)
{
    *q = (struct where_query){ v[0], CS_NONIMMIGRANT_VISA, v[2] ? v[2] : v[0],
                               cli->today, v[4] };
    if (cli_state(s, "--nationality", v[0], e) ||
        (v[2] && cli_state(s, "--residence", v[2], e)) ||
        (v[3] && cli_date("--as-of", v[3], &q->date, e)) ||
        (v[4] && cli_state(s, "--issuing", v[4], e)))
        return ST_USAGE;
    if (v[1] && (q->service = enum_from_name(&ENUM_CONSULAR_SERVICE, v[1])) ==
                    ENUM_NONE)
        return err_set(e, ST_USAGE,
                       "--service: '%s' is not nonimmigrant_visa, "
                       "immigrant_visa, diplomatic_visa or citizen_services",
                       v[1]);
    return ST_OK;
}

static int where(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct where_query q;
    struct records r;
    struct buf b;
    struct err e;
    char **args;
    int rc = edit_args(&WHERE, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if (records_open(&r, cli, ENT_CONSULAR, &e))
        return cli_fail(&e);
    if (where_query(&q, cli, &r.s, v, &e)) {
        records_close(&r);
        return cli_fail(&e);
    }
    buf_init(&b, BUF_MAX_DEFAULT);
    view_consular_where(&r.s, &q, cli->format, &b);
    records_print_buf(&b);
    records_close(&r);
    return 0;
}

static const struct command CONSULAR_COMMANDS[] = {
    { "status", status, STATUS_USAGE,
      "post x service: wait in days, or status, on a date" },
    { "history", history, "--post P", "a post's consular rows as recorded" },
    { "where", where, WHERE_USAGE,
      "where a national can apply for a service on a date, and why" },
    { NULL, NULL, NULL, NULL },
};

int cmd_consular(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "consular", CONSULAR_COMMANDS, argc, argv);
}
