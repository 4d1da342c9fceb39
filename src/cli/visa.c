/*
 * `chancery visa list|show|add|decide|annul|revoke|extend|stats|report`:
 * visa cases. The reads list records as visas.csv has them
 * (cli/records.h); every write is a table of options bound to the case's
 * fields and runs through the shared write path (cli/edit.h), so a case
 * written here is validated by the same record rules as an import and
 * recorded in the change log.
 *
 * A case's decision is recorded once: `decide` refuses a case already
 * issued, refused or withdrawn (administrative processing is not a
 * decision, so a case in it may still be decided). Annulment, revocation
 * and extension never touch the case they concern: each is a new case
 * whose previous names it, as the Schengen VIS links them, so the history
 * of a visa reads as a chain of cases. stats and report live in
 * cli/visa_report.c.
 */
#include "cli/visa.h"

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"

static const struct edit_option LIST_OPTS[] = {
    { "issuing", NULL, 0 },      { "nationality", NULL, 0 },
    { "post", NULL, 0 },         { "class", NULL, 0 },
    { "purpose", NULL, 0 },      { "outcome", NULL, 0 },
    { "applied-from", NULL, 0 }, { "applied-to", NULL, 0 },
    { NULL, NULL, 0 },
};

#define LIST_USAGE                                                          \
    "[--issuing S] [--nationality N] [--post P] [--class C] [--purpose P] " \
    "[--outcome O] [--applied-from D] [--applied-to D]"

static const struct edit_command LIST = {
    "visa", "list " LIST_USAGE, ENT_VISA, 0, LIST_OPTS, NULL,
};

/* The list filter; values in LIST_OPTS order. */
struct visa_filter {
    const char *issuing, *nationality, *vclass;
    uint32_t post;
    int purpose, outcome;
    int32_t from, to;
};

static enum status enum_option(const char *option, const struct enum_names *t,
                               const char *text, int *out, struct err *e)
{
    char names[256];

    *out = text ? enum_from_name(t, text) : ENUM_NONE;
    if (!text || *out != ENUM_NONE)
        return ST_OK;
    enum_list(t, names, sizeof(names));
    return err_set(e, ST_USAGE, "%s: invalid %s '%s' (expected one of: %s)",
                   option, t->what, text, names);
}

static enum status filter_init(struct visa_filter *f, const struct snapshot *s,
                               const char **v, struct err *e)
{
    memset(f, 0, sizeof(*f));
    f->issuing = v[0];
    f->nationality = v[1];
    f->vclass = v[3];
    f->post = IDMAP_NONE;
    f->from = f->to = DATE_NONE;
    if ((v[0] && cli_state(s, "--issuing", v[0], e)) ||
        (v[1] && cli_state(s, "--nationality", v[1], e)))
        return ST_USAGE;
    if (v[2] && (f->post = snapshot_find(s, ENT_MISSION, v[2])) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "--post: unknown mission '%s'", v[2]);
    if (enum_option("--purpose", &ENUM_VISA_PURPOSE, v[4], &f->purpose, e) ||
        enum_option("--outcome", &ENUM_VISA_OUTCOME, v[5], &f->outcome, e))
        return ST_USAGE;
    if ((v[6] && cli_date("--applied-from", v[6], &f->from, e)) ||
        (v[7] && cli_date("--applied-to", v[7], &f->to, e)))
        return ST_USAGE;
    return ST_OK;
}

static int matches(const struct snapshot *s, const struct visa *c,
                   const struct visa_filter *f)
{
    return (!f->issuing || !strcmp(c->issuing, f->issuing)) &&
           (!f->nationality ||
            !strcmp(snap_person(s, c->person)->nationality, f->nationality)) &&
           (f->post == IDMAP_NONE || c->post == f->post) &&
           (!f->vclass || !strcmp(c->vclass, f->vclass)) &&
           (f->purpose == ENUM_NONE || c->purpose == f->purpose) &&
           (f->outcome == ENUM_NONE || c->outcome == f->outcome) &&
           (f->from == DATE_NONE || c->applied >= f->from) &&
           (f->to == DATE_NONE || c->applied <= f->to);
}

static int list(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct visa_filter f;
    struct records out;
    struct err e;
    char **args;
    int rc = edit_args(&LIST, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if (records_open(&out, cli, ENT_VISA, &e))
        return cli_fail(&e);
    if (filter_init(&f, &out.s, v, &e)) {
        records_close(&out);
        return cli_fail(&e);
    }
    for (uint32_t i = 0; i < snapshot_count(&out.s, ENT_VISA); i++)
        if (matches(&out.s, snap_visa(&out.s, i), &f))
            records_add(&out, i);
    records_print(&out, cli);
    records_close(&out);
    return 0;
}

static const struct edit_option NO_OPTS[] = { { NULL, NULL, 0 } };

static const struct edit_command SHOW = {
    "visa", "show ID", ENT_VISA, 1, NO_OPTS, NULL,
};

/* The cases linked to case i: those it follows, back to the first, and
 * those that follow it, as a second grid after the record. */
static void print_linked(const struct cli *cli, struct records *r, uint32_t i)
{
    struct records linked = *r;
    const struct snapshot *s = &r->s;

    grid_init(&linked.g, (const char *const *)r->g.names, r->g.n_cols);
    for (uint32_t p = snap_visa(s, i)->previous; p != IDMAP_NONE;
         p = snap_visa(s, p)->previous)
        records_add(&linked, p);
    for (uint32_t k = 0; k < snapshot_count(s, ENT_VISA); k++)
        if (snap_visa(s, k)->previous == i)
            records_add(&linked, k);
    if (linked.g.n_rows) {
        printf("\nlinked cases:\n");
        cli_print_grid(cli, &linked.g);
    }
    grid_release(&linked.g);
}

static int show(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    struct records out;
    char **args;
    uint32_t i;
    int rc = edit_args(&SHOW, argc, argv, v, &args);

    if (rc != EDIT_GO)
        return rc;
    if ((rc = records_show(&out, cli, ENT_VISA, args[0], &i)))
        return rc;
    if (cli->format == OUT_TABLE)
        print_linked(cli, &out, i);
    records_close(&out);
    return 0;
}

/* --outcome and --decided are there to record a past case in one step;
 * without them a case is added pending (see add()). */
static const struct edit_option ADD_OPTS[] = {
    { "id", "id", EDIT_REQUIRED },
    { "person", "person", EDIT_REQUIRED },
    { "issuing", "issuing", EDIT_REQUIRED },
    { "post", "post", EDIT_REQUIRED },
    { "class", "class", EDIT_REQUIRED },
    { "purpose", "purpose", EDIT_REQUIRED },
    { "meeting", "meeting", 0 },
    { "applied", "applied", EDIT_REQUIRED },
    { "previous", "previous", 0 },
    { "outcome", "outcome", 0 },
    { "decided", "decided", 0 },
    { "valid-until", "valid_until", 0 },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define ADD_USAGE                                                          \
    "--id ID --person P --issuing S --post P --class C --purpose P "       \
    "[--meeting D] --applied D [--previous ID] [--outcome O --decided D] " \
    "[--valid-until D] [--note TEXT]"

static const struct edit_command ADD = {
    "visa", "add " ADD_USAGE, ENT_VISA, 0, ADD_OPTS, NULL,
};

/* Adds a pending case unless --outcome says otherwise: "--outcome=pending"
 * goes first on the line, and a later --outcome replaces it. */
static int add(struct cli *cli, int argc, char **argv)
{
    char **args = xcalloc((size_t)argc + 2, sizeof(*args));
    char pending[] = "--outcome=pending";
    int rc;

    args[0] = argv[0];
    args[1] = pending;
    memcpy(args + 2, argv + 1, (size_t)(argc - 1) * sizeof(*args));
    rc = edit_insert(cli, &ADD, argc + 1, args);
    free(args);
    return rc;
}

static const struct edit_option DECIDE_OPTS[] = {
    { "on", "decided", EDIT_TODAY },
    { "outcome", "outcome", EDIT_REQUIRED },
    { "valid-until", "valid_until", 0 },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define DECIDE_USAGE                                                   \
    "ID --outcome issued|refused|withdrawn|admin_processing [--on D] " \
    "[--valid-until D] [--note TEXT]"

static const struct edit_command DECIDE = {
    "visa", "decide " DECIDE_USAGE, ENT_VISA, 1, DECIDE_OPTS, NULL,
};

/* A case is decided once; administrative processing is no decision. */
static int refuse_decided(const struct snapshot *s, const void *row,
                          const char *key)
{
    const struct visa *v = row;
    char on[DATE_BUF];

    (void)s;
    if (v->outcome == VO_PENDING || v->outcome == VO_ADMIN_PROCESSING)
        return 0;
    date_format(v->decided, on);
    return cli_error(ST_INVALID, "visa '%s' was already decided: %s on %s", key,
                     enum_name(&ENUM_VISA_OUTCOME, v->outcome), on);
}

static int decide(struct cli *cli, int argc, char **argv)
{
    const char *v[EDIT_MAX_OPTIONS];
    char **args;
    int rc = edit_args(&DECIDE, argc, argv, v, &args), o;

    if (rc != EDIT_GO)
        return rc;
    o = enum_from_name(&ENUM_VISA_OUTCOME, v[1]);
    if (o != VO_ISSUED && o != VO_REFUSED && o != VO_WITHDRAWN &&
        o != VO_ADMIN_PROCESSING)
        return cli_error(ST_INVALID,
                         "--outcome: '%s' is not issued, refused, withdrawn "
                         "or admin_processing (annul and revoke are commands "
                         "of their own)",
                         v[1]);
    return edit_update_if(cli, &DECIDE, argc, argv, refuse_decided);
}

/* A free id for a case following src: "V1-E", else "V1-E2", "V1-E3"...,
 * src cut so that the id stays within FIELD_ID_MAX. */
static const char *linked_id(struct snapshot *s, const char *src, char tag)
{
    char id[FIELD_ID_MAX + 1], suffix[16];
    int n = 1;

    do {
        size_t keep;

        snprintf(suffix, sizeof(suffix), n > 1 ? "-%c%d" : "-%c", tag, n);
        keep = FIELD_ID_MAX - strlen(suffix);
        snprintf(id, sizeof(id), "%.*s%s",
                 (int)(strlen(src) < keep ? strlen(src) : keep), src, suffix);
        n++;
    } while (snapshot_find(s, ENT_VISA, id) != IDMAP_NONE);
    return arena_strdup(&s->strings, id);
}

/* Fills rec as a case of src's person, state, post, class and purpose
 * that follows src. src must be issued. */
static int follow(struct snapshot *s, uint32_t src, struct visa *rec, char tag,
                  const char *what)
{
    const struct visa *v = snap_visa(s, src);

    if (v->outcome != VO_ISSUED)
        return cli_error(ST_INVALID,
                         "visa '%s' is %s: only an issued visa "
                         "can be %s",
                         v->id, enum_name(&ENUM_VISA_OUTCOME, v->outcome),
                         what);
    for (uint32_t k = 0; k < snapshot_count(s, ENT_VISA); k++) {
        const struct visa *w = snap_visa(s, k);

        if (w->previous == src &&
            (w->outcome == VO_ANNULLED || w->outcome == VO_REVOKED))
            return cli_error(ST_INVALID, "visa '%s' was already %s by '%s'",
                             v->id, enum_name(&ENUM_VISA_OUTCOME, w->outcome),
                             w->id);
    }
    *rec = *v;
    rec->id = linked_id(s, v->id, tag);
    rec->meeting = rec->decided = rec->valid_until = DATE_NONE;
    rec->previous = src;
    return 0;
}

static const struct edit_option END_OPTS[] = {
    { "on", "decided", EDIT_REQUIRED },
    { "id", "id", 0 },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define END_USAGE "ID --on D [--id NEW] [--note TEXT]"

static const struct edit_command ANNUL = {
    "visa", "annul " END_USAGE, ENT_VISA, 1, END_OPTS, NULL,
};
static const struct edit_command REVOKE = {
    "visa", "revoke " END_USAGE, ENT_VISA, 1, END_OPTS, NULL,
};

/* An annulment or revocation is a case applied for and decided on --on. */
static int end_case(struct snapshot *s, uint32_t src, void *rec,
                    const char **values, int outcome)
{
    struct visa *v = rec;
    struct err e;
    int rc = follow(s, src, v, outcome == VO_ANNULLED ? 'A' : 'R',
                    outcome == VO_ANNULLED ? "annulled" : "revoked");

    if (rc)
        return rc;
    if (date_parse(values[0], &v->applied, &e))
        return cli_error(ST_INVALID, "--on: %s", e.msg);
    v->outcome = outcome;
    return 0;
}

static int derive_annul(struct snapshot *s, uint32_t src, void *rec,
                        const char **values)
{
    return end_case(s, src, rec, values, VO_ANNULLED);
}

static int derive_revoke(struct snapshot *s, uint32_t src, void *rec,
                         const char **values)
{
    return end_case(s, src, rec, values, VO_REVOKED);
}

static int annul(struct cli *cli, int argc, char **argv)
{
    return edit_insert_from(cli, &ANNUL, argc, argv, derive_annul);
}

static int revoke(struct cli *cli, int argc, char **argv)
{
    return edit_insert_from(cli, &REVOKE, argc, argv, derive_revoke);
}

static const struct edit_option EXTEND_OPTS[] = {
    { "applied", "applied", EDIT_REQUIRED },
    { "id", "id", 0 },
    { "class", "class", 0 },
    { "post", "post", 0 },
    { "note", NULL, 0 },
    { NULL, NULL, 0 },
};

#define EXTEND_USAGE \
    "ID --applied D [--id NEW] [--class C] [--post P] [--note TEXT]"

static const struct edit_command EXTEND = {
    "visa", "extend " EXTEND_USAGE, ENT_VISA, 1, EXTEND_OPTS, NULL,
};

/* An extension is a new pending application following the issued visa. */
static int derive_extend(struct snapshot *s, uint32_t src, void *rec,
                         const char **values)
{
    struct visa *v = rec;
    int rc = follow(s, src, v, 'E', "extended");

    (void)values;
    if (!rc)
        v->outcome = VO_PENDING;
    return rc;
}

static int extend(struct cli *cli, int argc, char **argv)
{
    return edit_insert_from(cli, &EXTEND, argc, argv, derive_extend);
}

static const struct command VISA_COMMANDS[] = {
    { "list", list, LIST_USAGE, "visa cases, filtered (applied between)" },
    { "show", show, "ID", "one case, with the cases linked to it" },
    { "add", add, ADD_USAGE, "record an application (pending)" },
    { "decide", decide, DECIDE_USAGE,
      "record the decision on a case (--on: today)" },
    { "annul", annul, END_USAGE,
      "record the annulment of an issued visa, as a new linked case" },
    { "revoke", revoke, END_USAGE,
      "record the revocation of an issued visa, as a new linked case" },
    { "extend", extend, EXTEND_USAGE,
      "record an application to extend an issued visa, as a new case" },
    { "stats", visa_cmd_stats, VISA_STATS_USAGE,
      "counts, processing times and Kaplan-Meier time to decision" },
    { "report", visa_cmd_report, VISA_REPORT_USAGE,
      "the visa chapter of the UN Host Country Committee report" },
    { NULL, NULL, NULL, NULL },
};

int cmd_visa(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, "visa", VISA_COMMANDS, argc, argv);
}
