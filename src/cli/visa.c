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
 * of a visa reads as a chain of cases. stats lives in cli/visa_stats.c,
 * report in cli/visa_report.c.
 */
#include "cli/visa.h"

#include <stddef.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "cli/commands.h"
#include "cli/edit.h"
#include "cli/records.h"
#include "report/read_views.h"

#define PURPOSES "posting|dependent|delegate|tdy|private"
#define OUTCOMES \
    "pending|admin_processing|issued|refused|withdrawn|annulled|revoked"

/* The list filter (report/read_views.h); the options fill it, and the
 * post is then resolved. */
struct list_args {
    struct visa_filter f;
    const char *post_id;
};

static const struct opt LIST_OPTS[] = {
    { .name = "issuing",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct list_args, f.issuing),
      .def = "any",
      .help = "only cases of the issuing state S." },
    { .name = "nationality",
      .arg = "S",
      .ref = REF_STATE,
      .offset = offsetof(struct list_args, f.nationality),
      .def = "any",
      .help = "only applicants of nationality S." },
    { .name = "post",
      .arg = "M",
      .ref = REF_MISSION,
      .offset = offsetof(struct list_args, post_id),
      .def = "any",
      .help = "only cases at post M (a mission of the issuing state)." },
    { .name = "class",
      .arg = "CLASS",
      .offset = offsetof(struct list_args, f.vclass),
      .def = "any",
      .help = "only visas of class CLASS (A-1, G-1, ...)." },
    { .name = "purpose",
      .arg = "P",
      .kind = OPT_ENUM,
      .values = PURPOSES,
      .offset = offsetof(struct list_args, f.purpose),
      .def = "any",
      .help = "only cases of that purpose." },
    { .name = "outcome",
      .arg = "O",
      .kind = OPT_ENUM,
      .values = OUTCOMES,
      .offset = offsetof(struct list_args, f.outcome),
      .def = "any",
      .help = "only cases with that outcome." },
    { .name = "applied-from",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct list_args, f.from),
      .def = "any",
      .help = "only cases applied for on D or later." },
    { .name = "applied-to",
      .arg = "D",
      .kind = OPT_DATE,
      .offset = offsetof(struct list_args, f.to),
      .def = "any",
      .help = "only cases applied for on D or earlier." },
    { .name = NULL },
};

static const struct cmd_spec LIST_SPEC = {
    .name = "visa list",
    .operands = "",
    .help = "visa cases, filtered.",
    .example = { "visa list --issuing USA --nationality RUS --outcome pending",
                 "visa list --post USA-RUS-EMB --applied-from 2021-01-01" },
    .opts = LIST_OPTS,
};

static int list(struct cli *cli, int argc, char **argv)
{
    struct list_args a = { { NULL, NULL, NULL, IDMAP_NONE, ENUM_NONE, ENUM_NONE,
                             DATE_NONE, DATE_NONE },
                           NULL };
    struct store *st = NULL;
    struct snapshot s;
    struct buf b;
    struct err e;
    int rc = opts_parse(cli, &LIST_SPEC, argc, argv, &a, NULL, NULL);

    if (rc != OPTS_GO)
        return rc;
    snapshot_init(&s);
    if (cli_open(cli, &st, &s, &e) ||
        opts_check(&LIST_SPEC, &a, NULL, NULL, &s, &e)) {
        snapshot_release(&s);
        if (st)
            store_close(st);
        return cli_fail(&e);
    }
    if (a.post_id)
        a.f.post = snapshot_find(&s, ENT_MISSION, a.post_id);
    buf_init(&b, BUF_MAX_DEFAULT);
    view_visas(&s, &a.f, &VIEW_SCOPE_ALL, cli->format, &b);
    records_print_buf(&b);
    snapshot_release(&s);
    store_close(st);
    return 0;
}

static const struct cmd_spec SHOW_SPEC = {
    .name = "visa show",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "one visa case, with the cases linked to it.",
    .example = { "visa show V0001", "--format json visa show V0001" },
};

static int show(struct cli *cli, int argc, char **argv)
{
    struct opts_rest id;
    struct records out;
    struct buf b;
    struct err e;
    uint32_t i;
    int rc = opts_parse(cli, &SHOW_SPEC, argc, argv, NULL, NULL, &id);

    if (rc != OPTS_GO)
        return rc;
    /* records_find names the closest key of an unknown one. */
    if ((rc = records_find(&out, cli, ENT_VISA, id.v[0], &i)))
        return rc;
    buf_init(&b, BUF_MAX_DEFAULT);
    if (view_visa(&out.s, id.v[0], &VIEW_SCOPE_ALL, cli->format, &b, &e))
        BUG("visa '%s' found, then not", id.v[0]);
    records_print_buf(&b);
    records_close(&out);
    return 0;
}

/* --outcome and --decided are there to record a past case in one step;
 * without them a case is added pending (see add()). */
#define NOTE_OPT                                                               \
    {                                                                          \
        .name = "note", .arg = "TEXT", .help = "the change's recorded reason." \
    }

static const struct opt ADD_OPTS[] = {
    { .name = "id",
      .arg = "ID",
      .field = "id",
      .flags = EDIT_REQUIRED,
      .help = "the new case's id (unique)." },
    { .name = "person",
      .arg = "P",
      .field = "person",
      .ref = REF_PERSON,
      .flags = EDIT_REQUIRED,
      .help = "the applicant." },
    { .name = "issuing",
      .arg = "S",
      .field = "issuing",
      .ref = REF_STATE,
      .flags = EDIT_REQUIRED,
      .help = "the state asked for the visa." },
    { .name = "post",
      .arg = "M",
      .field = "post",
      .ref = REF_MISSION,
      .flags = EDIT_REQUIRED,
      .help = "the post applied at (a mission of the issuing state)." },
    { .name = "class",
      .arg = "CLASS",
      .field = "class",
      .flags = EDIT_REQUIRED,
      .help = "the visa class (A-1, G-1, ...)." },
    { .name = "purpose",
      .arg = "P",
      .field = "purpose",
      .values = PURPOSES,
      .flags = EDIT_REQUIRED | OPT_HINT,
      .help = "why the applicant travels." },
    { .name = "meeting",
      .arg = "D",
      .field = "meeting",
      .help = "a delegate's meeting: its first day." },
    { .name = "applied",
      .arg = "D",
      .field = "applied",
      .flags = EDIT_REQUIRED,
      .help = "the date of the application." },
    { .name = "previous",
      .arg = "ID",
      .field = "previous",
      .ref = REF_VISA,
      .help = "the case this one follows." },
    { .name = "outcome",
      .arg = "O",
      .field = "outcome",
      .values = OUTCOMES,
      .flags = OPT_HINT,
      .def = "pending",
      .help = "the outcome, to record a past case in one step." },
    { .name = "decided",
      .arg = "D",
      .field = "decided",
      .help = "the date of the decision (with --outcome)." },
    { .name = "valid-until",
      .arg = "D",
      .field = "valid_until",
      .help = "the last day of the visa's validity." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec ADD_SPEC = {
    .name = "visa add",
    .operands = "",
    .help = "record a visa application (pending unless --outcome).",
    .example = { "visa add --id V900 --person P900 --issuing USA --post "
                 "USA-RUS-EMB --class A-1 --purpose posting --applied 2021-11-02",
                 "visa add --id V901 --person P901 --issuing USA --post "
                 "USA-RUS-EMB --class G-1 --purpose delegate --meeting 2021-12-06 "
                 "--applied 2021-11-01" },
    .opts = ADD_OPTS,
};

static const struct edit_command ADD = { &ADD_SPEC, ENT_VISA, NULL };

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

static const struct opt DECIDE_OPTS[] = {
    { .name = "on",
      .arg = "D",
      .field = "decided",
      .flags = EDIT_TODAY,
      .def = "today",
      .help = "the date of the decision." },
    { .name = "outcome",
      .arg = "O",
      .field = "outcome",
      .values = "issued|refused|withdrawn|admin_processing",
      .flags = EDIT_REQUIRED | OPT_HINT,
      .help = "the decision (annul and revoke are commands of their own)." },
    { .name = "valid-until",
      .arg = "D",
      .field = "valid_until",
      .help = "the last day of an issued visa's validity." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec DECIDE_SPEC = {
    .name = "visa decide",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the decision on a case.",
    .example = { "visa decide V900 --outcome issued --on 2021-11-20 "
                 "--valid-until 2024-11-19",
                 "visa decide V901 --outcome refused" },
    .opts = DECIDE_OPTS,
};

static const struct edit_command DECIDE = { &DECIDE_SPEC, ENT_VISA, NULL };

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
    const char *outcome;
    int rc = edit_args(cli, &DECIDE, argc, argv, v, &args), o;

    if (rc != EDIT_GO)
        return rc;
    outcome = edit_value(&DECIDE, v, "outcome");
    o = enum_from_name(&ENUM_VISA_OUTCOME, outcome);
    if (o != VO_ISSUED && o != VO_REFUSED && o != VO_WITHDRAWN &&
        o != VO_ADMIN_PROCESSING)
        return cli_error(ST_INVALID,
                         "--outcome: '%s' is not issued, refused, withdrawn "
                         "or admin_processing (annul and revoke are commands "
                         "of their own)",
                         outcome);
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

static const struct opt END_OPTS[] = {
    { .name = "on",
      .arg = "D",
      .field = "decided",
      .flags = EDIT_REQUIRED,
      .help = "the date of the decision." },
    { .name = "id",
      .arg = "NEW",
      .field = "id",
      .def = "ID-A or ID-R",
      .help = "the new case's id." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec ANNUL_SPEC = {
    .name = "visa annul",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the annulment of an issued visa, as a new linked case.",
    .example = { "visa annul V900 --on 2021-12-01",
                 "visa annul V900 --on 2021-12-01 --id V900-X" },
    .opts = END_OPTS,
};
static const struct cmd_spec REVOKE_SPEC = {
    .name = "visa revoke",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record the revocation of an issued visa, as a new linked case.",
    .example = { "visa revoke V900 --on 2021-12-01",
                 "visa revoke V900 --on 2021-12-01 --note 'declared PNG'" },
    .opts = END_OPTS,
};

static const struct edit_command ANNUL = { &ANNUL_SPEC, ENT_VISA, NULL };
static const struct edit_command REVOKE = { &REVOKE_SPEC, ENT_VISA, NULL };

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
    if (date_parse(opts_text(&ANNUL_SPEC, values, "on"), &v->applied, &e))
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

static const struct opt EXTEND_OPTS[] = {
    { .name = "applied",
      .arg = "D",
      .field = "applied",
      .flags = EDIT_REQUIRED,
      .help = "the date of the application." },
    { .name = "id",
      .arg = "NEW",
      .field = "id",
      .def = "ID-E, ID-E2, ...",
      .help = "the new case's id." },
    { .name = "class",
      .arg = "CLASS",
      .field = "class",
      .def = "the visa's class",
      .help = "the class applied for." },
    { .name = "post",
      .arg = "M",
      .field = "post",
      .ref = REF_MISSION,
      .def = "the visa's post",
      .help = "the post applied at." },
    NOTE_OPT,
    { .name = NULL },
};

static const struct cmd_spec EXTEND_SPEC = {
    .name = "visa extend",
    .operands = "ID",
    .min_operands = 1,
    .max_operands = 1,
    .help = "record an application to extend an issued visa, as a new case.",
    .example = { "visa extend V900 --applied 2024-10-01",
                 "visa extend V900 --applied 2024-10-01 --class A-2" },
    .opts = EXTEND_OPTS,
};

static const struct edit_command EXTEND = { &EXTEND_SPEC, ENT_VISA, NULL };

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
    { "list", list, &LIST_SPEC },
    { "show", show, &SHOW_SPEC },
    { "add", add, &ADD_SPEC },
    { "decide", decide, &DECIDE_SPEC },
    { "annul", annul, &ANNUL_SPEC },
    { "revoke", revoke, &REVOKE_SPEC },
    { "extend", extend, &EXTEND_SPEC },
    { "stats", visa_cmd_stats, &VISA_STATS_SPEC },
    { "report", visa_cmd_report, &VISA_REPORT_SPEC },
    { NULL, NULL, NULL },
};

const struct cmd_spec VISA_SPEC = {
    .name = "visa",
    .operands = "list|show|add|decide|annul|revoke|extend|stats|report ...",
    .help = "visa cases, their statistics and the UN report.",
    .subs = VISA_COMMANDS,
};

int cmd_visa(struct cli *cli, int argc, char **argv)
{
    return cli_dispatch(cli, &VISA_SPEC, argc, argv);
}
