/*
 * `chancery demo`: loads the bundled 2016-2022 US-Russia registry
 * (data/demo, see its README) into the embedded database and prints a
 * short tour: each side's staff in the other's country on the day of the
 * seed report, counted bilaterally and with the UN mission, and the
 * commands to try next. Running it again keeps the registry as it is.
 *
 * The registry is recorded as the office would have learned it, so that
 * --as-known-on walks through the episode: each record is inserted on the
 * first day it carries (a posting on its notification, a visa case on its
 * application), with the dates learned later (arrival, accreditation, end,
 * decision, closure) left empty and filled in by an update on their own
 * day; a policy is recorded on the day it was announced
 * (data/demo/announced.tsv, else its start). Each day is one change set
 * recorded on that day (store_begin_at). Nothing is recorded after today
 * nor before the change log's last entry: such days are recorded then.
 * The files are read and validated whole before anything is written.
 * The notifications of the episode are made from the records read
 * (cli/demo_notify.c) and recorded the same way: each on the day it was
 * submitted, its decision on the day it was made. This file reads and
 * plans; cli/demo_write.c writes the plan and cli/demo_tour.c prints the
 * tour (cli/demo_replay.h).
 */
#include "cli/demo.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/demo_replay.h"
#include "cli/demo_witness.h"
#include "core/interchange.h"
#include "rules/policy.h"

/* The registry's first day: the reference data, and anything the demo
 * knew before (the 1947 visa practice), are recorded then. */
#define DEMO_SINCE "1992-01-01"

/* A date field learned after its record, on its own date, with the fields
 * that come with it. */
struct dated {
    enum entity_kind kind;
    const char *field;
    const char *with[2];
};

static const struct dated DATED[] = {
    { ENT_MISSION, "closed", { NULL, NULL } },
    { ENT_POSTING, "arrived", { NULL, NULL } },
    { ENT_POSTING, "accredited", { NULL, NULL } },
    { ENT_POSTING, "refused", { NULL, NULL } },
    { ENT_POSTING, "ended", { "end_reason", NULL } },
    { ENT_DEPENDENT, "accredited", { NULL, NULL } },
    { ENT_DEPENDENT, "left", { NULL, NULL } },
    { ENT_DEPENDENT, "revoked", { NULL, NULL } },
    { ENT_VISA, "decided", { "outcome", "valid_until" } },
    { ENT_CONSULAR, "to", { NULL, NULL } },
};
#define N_DATED (sizeof(DATED) / sizeof(*DATED))

static int32_t *date_field(void *rec, const struct field *f)
{
    return (int32_t *)((char *)rec + f->offset);
}

static size_t field_size(const struct field *f)
{
    switch (f->type) {
    case FT_TEXT:
    case FT_HOST:
        return sizeof(const char *);
    case FT_CODE:
        return sizeof(state_code);
    case FT_REF:
        return sizeof(uint32_t);
    case FT_DATE:
    case FT_INT:
        return sizeof(int32_t);
    default:
        return sizeof(int);
    }
}

/* The day a change of that date is recorded: not after today, not before
 * the log's last entry. */
static int32_t clamp(const struct replay *r, int32_t day)
{
    if (day == DATE_NONE)
        return day;
    if (day > r->today)
        day = r->today;
    return day < r->floor ? r->floor : day;
}

static size_t n_demo(const struct replay *r, enum entity_kind k)
{
    return snapshot_count(r->s, k) - r->start[k];
}

void *replay_final(const struct replay *r, enum entity_kind k, uint32_t i)
{
    return (char *)r->final[k] + (i - r->start[k]) * ENTITIES[k]->size;
}

/* The day of a timestamp "YYYY-MM-DDT...", or DATE_NONE. */
static int32_t stamp_day(const char *at)
{
    char d[DATE_BUF];
    int32_t day;

    if (!at)
        return DATE_NONE;
    snprintf(d, sizeof(d), "%.10s", at);
    return date_parse(d, &day, NULL) ? DATE_NONE : day;
}

/* The earliest date a record carries: when the office first heard of it
 * (a notification: when it was submitted). */
static int32_t own_day(const struct replay *r, enum entity_kind k, uint32_t i)
{
    const struct entity *ent = ENTITIES[k];
    int32_t day = DATE_NONE;

    if (k == ENT_NOTIFICATION) {
        day = stamp_day(
            ((struct notification *)replay_final(r, k, i))->submitted_at);
        return day == DATE_NONE ? r->floor : clamp(r, day);
    }

    for (int f = 0; f < ent->n_fields; f++) {
        int32_t d;

        if (ent->fields[f].type != FT_DATE)
            continue;
        d = *date_field(replay_final(r, k, i), &ent->fields[f]);
        if (d != DATE_NONE && (day == DATE_NONE || d < day))
            day = d;
    }
    return day == DATE_NONE ? r->floor : clamp(r, day);
}

/* A person is recorded with the first record that names them. */
static void person_days(struct replay *r)
{
    static const enum entity_kind naming[] = { ENT_POSTING, ENT_DEPENDENT,
                                               ENT_VISA };
    int32_t *known = r->known[ENT_PERSON];

    for (size_t i = 0; i < n_demo(r, ENT_PERSON); i++)
        known[i] = DATE_NONE;
    for (size_t n = 0; n < sizeof(naming) / sizeof(*naming); n++) {
        enum entity_kind k = naming[n];
        const struct field *f = entity_field(ENTITIES[k], "person");

        for (uint32_t i = r->start[k]; i < snapshot_count(r->s, k); i++) {
            uint32_t p =
                *(uint32_t *)((char *)replay_final(r, k, i) + f->offset);
            int32_t day = own_day(r, k, i), *at;

            if (p < r->start[ENT_PERSON])
                continue; /* recorded before the demo */
            at = &known[p - r->start[ENT_PERSON]];
            if (*at == DATE_NONE || day < *at)
                *at = day;
        }
    }
    for (size_t i = 0; i < n_demo(r, ENT_PERSON); i++)
        if (known[i] == DATE_NONE)
            known[i] = r->floor;
}

/* A record is recorded no earlier than the records it refers to. */
static int32_t after_refs(const struct replay *r, enum entity_kind k,
                          uint32_t i, int32_t day)
{
    const struct entity *ent = ENTITIES[k];

    for (int f = 0; f < ent->n_fields; f++) {
        const struct field *fd = &ent->fields[f];
        uint32_t to;

        if (fd->type != FT_REF)
            continue;
        to = *(uint32_t *)((char *)replay_final(r, k, i) + fd->offset);
        if (to != IDMAP_NONE && to >= r->start[fd->ref] &&
            r->known[fd->ref][to - r->start[fd->ref]] > day)
            day = r->known[fd->ref][to - r->start[fd->ref]];
    }
    return day;
}

static void add_event(struct replay *r, int32_t day, int update,
                      enum entity_kind k, uint32_t i)
{
    XGROW(r->events, r->n_events + 1, r->alloc);
    r->events[r->n_events++] = (struct event){ day, update, k, i };
}

/* Sets field name of rec to absent; a required enum (a visa's outcome)
 * to its first value, pending. */
static void blank(void *rec, const struct entity *ent, const char *name)
{
    const struct field *f = entity_field(ent, name);

    if (f->type == FT_DATE)
        *date_field(rec, f) = DATE_NONE;
    else if (f->type == FT_ENUM)
        *(int *)((char *)rec + f->offset) =
            f->flags & FIELD_REQUIRED ? 0 : ENUM_NONE;
    else
        memset((char *)rec + f->offset, 0, field_size(f));
}

/* A notification decided after it was submitted is recorded submitted,
 * and its decision on its own day. */
static void schedule_notification(struct replay *r, uint32_t i, int32_t known)
{
    struct notification *n = snapshot_row(r->s, ENT_NOTIFICATION, i);
    int32_t day = clamp(r, stamp_day(n->decided_at));

    if (n->state == NS_SUBMITTED || day == DATE_NONE || day <= known)
        return;
    n->state = NS_SUBMITTED;
    n->decided_by = n->decided_at = n->grounds = NULL;
    n->change_set = FIELD_INT_NONE;
    add_event(r, day, 1, ENT_NOTIFICATION, i);
}

/* Leaves out of record i the fields learned after it is recorded, and
 * schedules an update for each day they are learned. */
static void schedule(struct replay *r, enum entity_kind k, uint32_t i)
{
    const struct entity *ent = ENTITIES[k];
    int32_t known = r->known[k][i - r->start[k]], days[N_DATED];
    size_t n_days = 0;

    add_event(r, known, 0, k, i);
    if (k == ENT_NOTIFICATION)
        schedule_notification(r, i, known);
    for (size_t d = 0; d < N_DATED; d++) {
        const struct field *f;
        int32_t day;
        size_t j;

        if (DATED[d].kind != k)
            continue;
        f = entity_field(ent, DATED[d].field);
        day = clamp(r, *date_field(replay_final(r, k, i), f));
        if (day == DATE_NONE || day <= known)
            continue;
        blank(snapshot_row(r->s, k, i), ent, DATED[d].field);
        for (size_t w = 0; w < 2 && DATED[d].with[w]; w++)
            blank(snapshot_row(r->s, k, i), ent, DATED[d].with[w]);
        for (j = 0; j < n_days && days[j] != day; j++)
            ;
        if (j == n_days) {
            days[n_days++] = day;
            add_event(r, day, 1, k, i);
        }
    }
}

void replay_learn(struct replay *r, enum entity_kind k, uint32_t i, int32_t day)
{
    const struct entity *ent = ENTITIES[k];
    char *rec = snapshot_row(r->s, k, i), *fin = replay_final(r, k, i);

    if (k == ENT_NOTIFICATION) /* its decision, whole */
        memcpy(rec, fin, ent->size);

    for (size_t d = 0; d < N_DATED; d++) {
        const struct field *f;

        if (DATED[d].kind != k)
            continue;
        f = entity_field(ent, DATED[d].field);
        if (clamp(r, *date_field(fin, f)) != day)
            continue;
        memcpy(rec + f->offset, fin + f->offset, field_size(f));
        for (size_t w = 0; w < 2 && DATED[d].with[w]; w++) {
            const struct field *g = entity_field(ent, DATED[d].with[w]);

            memcpy(rec + g->offset, fin + g->offset, field_size(g));
        }
    }
}

static int by_day(const void *a, const void *b)
{
    const struct event *x = a, *y = b;

    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->update != y->update)
        return x->update - y->update;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Each policy's day: its announcement (announced.tsv), else its start. */
static enum status policy_days(struct replay *r, const char *dir,
                               struct problems *p, struct err *e)
{
    char *path = xasprintf("%s/announced.tsv", dir), *line, *rest;
    struct buf b;
    int n_line = 0;

    for (uint32_t i = r->start[ENT_POLICY];
         i < snapshot_count(r->s, ENT_POLICY); i++)
        r->known[ENT_POLICY][i - r->start[ENT_POLICY]] =
            clamp(r, ((struct policy *)replay_final(r, ENT_POLICY, i))->from);
    if (cli_read_file(path, &b, e)) {
        free(path);
        return e->status;
    }
    for (rest = b.data; (line = strsep(&rest, "\n"));) {
        char *id = strsep(&line, "\t"),
             *day = line ? strsep(&line, "\t") : NULL;
        uint32_t i;
        int32_t d;

        n_line++;
        if (!*id || *id == '#')
            continue;
        i = snapshot_find(r->s, ENT_POLICY, id);
        if (i == IDMAP_NONE || i < r->start[ENT_POLICY])
            problems_add(p, "%s:%d: unknown policy '%s'", path, n_line, id);
        else if (!day || date_parse(day, &d, NULL))
            problems_add(p, "%s:%d: bad date '%s'", path, n_line,
                         day ? day : "");
        else
            r->known[ENT_POLICY][i - r->start[ENT_POLICY]] = clamp(r, d);
    }
    buf_release(&b);
    free(path);
    return ST_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the policy files of dir/policies into s, in name order. */
static enum status read_policies(struct snapshot *s, const char *dir,
                                 struct problems *p, struct err *e)
{
    char *folder = xasprintf("%s/policies", dir), **names = NULL;
    size_t n = 0, alloc = 0, added;
    enum status rc = ST_OK;
    struct dirent *de;
    DIR *d = opendir(folder);

    if (!d)
        rc = err_set(e, ST_ERROR, "cannot read '%s'", folder);
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name);

        if (len > 5 && !strcmp(de->d_name + len - 5, ".json")) {
            XGROW(names, n + 1, alloc);
            names[n++] = xasprintf("%s/%s", folder, de->d_name);
        }
    }
    if (d)
        closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        struct buf b;

        if (!rc && !(rc = cli_read_file(names[i], &b, e))) {
            policy_read_text(s, names[i], b.data, b.len, p, &added);
            buf_release(&b);
        }
        free(names[i]);
    }
    free(names);
    free(folder);
    return rc;
}

/* Reads the demo's files into s; every problem goes to p. */
static enum status read_demo(struct snapshot *s, const char *dir,
                             struct problems *p, struct err *e)
{
    struct stat sb;

    for (int i = 0; i < INTERCHANGE_N_ENTITIES; i++) {
        const struct entity *ent = ENTITIES[INTERCHANGE_ENTITIES[i]];
        char *path = xasprintf("%s/%s.csv", dir, ent->table);
        enum status rc = ST_OK;

        if (!stat(path, &sb))
            rc = interchange_read_file(s, ent, path, p, NULL, e);
        free(path);
        if (rc)
            return rc;
    }
    return read_policies(s, dir, p, e);
}

/* The record days and the events, the records in s set as first
 * recorded. */
static void plan_replay(struct replay *r)
{
    static const enum entity_kind order[] = {
        ENT_MISSION, ENT_POSTING,  ENT_DEPENDENT,
        ENT_VISA,    ENT_CONSULAR, ENT_NOTIFICATION,
    };

    person_days(r);
    for (size_t o = 0; o < sizeof(order) / sizeof(*order); o++) {
        enum entity_kind k = order[o];

        for (uint32_t i = r->start[k]; i < snapshot_count(r->s, k); i++)
            r->known[k][i - r->start[k]] =
                after_refs(r, k, i, own_day(r, k, i));
    }
    for (int k = 0; k < ENT__COUNT; k++)
        for (uint32_t i = r->start[k]; i < snapshot_count(r->s, k); i++)
            schedule(r, k, i);
    qsort(r->events, r->n_events, sizeof(*r->events), by_day);
}

/* Copies the records read, as they are final, and sizes the days. */
static void keep_finals(struct replay *r)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        size_t size = ENTITIES[k]->size, n = n_demo(r, k);

        r->final[k] = xmalloc(n * size + 1);
        r->known[k] = xcalloc(n + 1, sizeof(int32_t));
        for (size_t i = 0; i < n; i++)
            memcpy((char *)r->final[k] + i * size,
                   snapshot_row(r->s, k, r->start[k] + (uint32_t)i), size);
        if (size > r->max_size)
            r->max_size = size;
    }
}

static void replay_release(struct replay *r)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        free(r->final[k]);
        free(r->known[k]);
    }
    free(r->events);
}

/* Reads data/demo into s and records it day by day; returns an exit
 * code. */
static int replay_demo(struct cli *cli, struct store *st, struct snapshot *s,
                       struct replay_stats *rs)
{
    struct replay r = { .s = s, .today = cli->today };
    char *dir = cli_data_path("demo"), first[DATE_BUF];
    struct problems p;
    struct err e;
    int rc = 0;

    problems_init(&p);
    for (int k = 0; k < ENT__COUNT; k++)
        r.start[k] = (uint32_t)snapshot_count(s, k);
    if (store_last_recorded(st, r.floor_at, sizeof(r.floor_at), &e) ||
        read_demo(s, dir, &p, &e))
        rc = cli_fail(&e);
    snprintf(first, sizeof(first), "%.10s",
             r.floor_at[0] ? r.floor_at : DEMO_SINCE);
    if (!rc && date_parse(first, &r.floor, &e))
        rc = cli_fail(&e);
    if (!rc && !p.n_total) {
        demo_notifications(s, r.start, cli->today);
        keep_finals(&r);
        if (policy_days(&r, dir, &p, &e))
            rc = cli_fail(&e);
    }
    if (!rc && p.n_total)
        rc = cli_fail_problems(&p);
    if (!rc) {
        plan_replay(&r);
        rc = replay_write(&r, st, &rs->n_sets);
    }
    if (!rc && r.n_events) {
        if (strcmp(r.floor_at, DEMO_SINCE "T00:00:00Z") > 0)
            snprintf(rs->begun, sizeof(rs->begun), "%s", r.floor_at);
        rs->n_changes = r.n_events;
        date_format(r.events[0].day, rs->first);
        date_format(r.events[r.n_events - 1].day, rs->last);
    }
    replay_release(&r);
    problems_release(&p);
    free(dir);
    return rc;
}

/* Loads the registry into s; returns an exit code. */
static int load(struct cli *cli, struct snapshot *s)
{
    struct store *st;
    struct err e;

    if (cli_open(cli, &st, s, &e))
        return cli_fail(&e);
    store_close(st);
    return 0;
}

const struct cmd_spec DEMO_SPEC = {
    .name = "demo",
    .operands = "",
    .help = "load the 2016-2022 US-Russia demo registry and print a tour of "
            "it.",
    .example = { "demo", "--db demo.db demo" },
};

int cmd_demo(struct cli *cli, int argc, char **argv)
{
    struct replay_stats rs = { 0, 0, "", "", "" };
    struct snapshot s;
    struct store *st;
    struct err e;
    int created;
    int rc = opts_parse(cli, &DEMO_SPEC, argc, argv, NULL, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    rc = 0;
    if (registry_init_at(cli, DEMO_SINCE "T00:00:00Z", &created, &e))
        return cli_fail(&e);
    snapshot_init(&s);
    if (cli_open_for_write(cli, &st, &s, &e)) {
        snapshot_release(&s);
        return cli_fail(&e);
    }
    if (!snapshot_count(&s, ENT_MISSION))
        rc = replay_demo(cli, st, &s, &rs);
    store_close(st);
    snapshot_release(&s);
    snapshot_init(&s);
    if (!rc)
        rc = load(cli, &s);
    if (!rc)
        demo_print_tour(cli, &s, &rs);
    snapshot_release(&s);
    return rc ? rc : demo_witness(cli);
}
