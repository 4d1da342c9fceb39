/*
 * The notification pages: a liaison's home (its missions' staff and
 * households), the notifications of a mission (a liaison's own; every
 * one for an officer), one notification with its warnings, explanations
 * and history, the officer's decision forms, and a liaison's forms per
 * kind to submit a notification or correct a returned one.
 *
 * A form's fields are named by their path in the notification object
 * of the interchange ("person.family_name", "dependents[0].relation"), so
 * the payload is built from the form without a table of names, and each
 * problem the store's check reports ("form: person.sex: invalid sex")
 * goes back beside the field it names, the form kept as it was filled.
 * The writes run store/notice.h through resident_write, as the API's
 * write routes do, with the signed-in account as the actor.
 */
#include <jansson.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "http/pages.h"
#include "report/page_registry.h"
#include "rules/notify.h"
#include "store/notice.h"

/* ---- fields of the forms ---- */

struct nfield {
    const char *path, *label, *type, *options, *hint;
    int required;
};

/* Dates a field may not precede (hints of web/app.js while typing). */
static const char *const NOT_BEFORE[][2] = {
    { "posting.arrived", "posting.notified" },
    { "planned_end", "posting.notified" },
};

static const char *not_before(const char *path)
{
    for (size_t i = 0; i < sizeof(NOT_BEFORE) / sizeof(NOT_BEFORE[0]); i++)
        if (!strcmp(NOT_BEFORE[i][0], path))
            return NOT_BEFORE[i][1];
    return NULL;
}

#define END_FIELDS                      \
    {                                   \
        NULL, NULL, NULL, NULL, NULL, 0 \
    }

static const char SEX[] = "|F|M|X";
static const char RANKS[] =
    "|ambassador|minister|minister_counselor|counselor|first_secretary|"
    "second_secretary|third_secretary|attache|consul_general|consul|"
    "vice_consul|none";
static const char CATEGORIES[] =
    "|diplomatic_agent|admin_technical|service_staff|private_servant|"
    "consular_officer|consular_employee|honorary_consul|local_staff";
static const char REASONS[] =
    "|tour_completed|recalled|persona_non_grata|ordered_departure|"
    "accreditation_withdrawn|transferred|deceased|other";
static const char RELATIONS[] = "|spouse|child|parent|household_member";

static const struct nfield APPOINTMENT[] = {
    { "person.id", "Person id", "text", NULL,
      "A new id for the person; the one proposed is free.", 1 },
    { "person.family_name", "Family name", "text", NULL, NULL, 1 },
    { "person.given_names", "Given names", "text", NULL, NULL, 0 },
    { "person.sex", "Sex", "select", SEX, NULL, 1 },
    { "person.birth_date", "Birth date", "date", NULL, NULL, 0 },
    { "person.nationality", "Nationality", "text", NULL, "A state code.", 0 },
    { "person.passport", "Passport number", "text", NULL, NULL, 0 },
    { "posting.id", "Posting id", "text", NULL, "A new id for the tour.", 1 },
    { "posting.title", "Title", "text", NULL, NULL, 0 },
    { "posting.rank", "Rank", "select", RANKS, NULL, 1 },
    { "posting.category", "Staff category", "select", CATEGORIES, NULL, 1 },
    { "posting.notified", "Notified on", "date", NULL, NULL, 1 },
    { "posting.arrived", "Arrived on", "date", NULL,
      "Leave empty until the arrival; notify it then.", 0 },
    { "planned_end", "Planned end of the tour", "date", NULL,
      "The rules warn when a tenure cap ends the tour before.", 0 },
    { "replaces", "Replaces posting", "text", NULL,
      "The posting of the person replaced, if any.", 0 },
    { "justification", "Justification of a new position", "textarea", NULL,
      NULL, 0 },
    END_FIELDS,
};

/* The household of an appointment: two members, each optional. */
static const struct nfield MEMBER[] = {
    { "person.id", "Person id", "text", NULL, NULL, 0 },
    { "person.family_name", "Family name", "text", NULL, NULL, 0 },
    { "person.given_names", "Given names", "text", NULL, NULL, 0 },
    { "person.sex", "Sex", "select", SEX, NULL, 0 },
    { "person.birth_date", "Birth date", "date", NULL, NULL, 0 },
    { "relation", "Relation", "select", RELATIONS, NULL, 0 },
    { "joined", "Joins the household on", "date", NULL, NULL, 0 },
    END_FIELDS,
};

static const struct nfield ARRIVAL[] = {
    { "posting", "Posting", "text", NULL, "The posting's id.", 1 },
    { "arrived", "Arrived on", "date", NULL, NULL, 1 },
    { "planned_end", "Planned end of the tour", "date", NULL, NULL, 0 },
    END_FIELDS,
};

static const struct nfield CHANGE[] = {
    { "posting", "Posting", "text", NULL, "The posting's id.", 1 },
    { "on", "On", "date", NULL, NULL, 1 },
    { "title", "New title", "text", NULL, NULL, 0 },
    { "rank", "New rank", "select", RANKS, NULL, 0 },
    { "category", "New staff category", "select", CATEGORIES, NULL, 0 },
    END_FIELDS,
};

static const struct nfield DEPENDENT_JOIN[] = {
    { "posting", "Posting", "text", NULL, "The posting's id.", 1 },
    { "person.id", "Person id", "text", NULL, NULL, 1 },
    { "person.family_name", "Family name", "text", NULL, NULL, 1 },
    { "person.given_names", "Given names", "text", NULL, NULL, 0 },
    { "person.sex", "Sex", "select", SEX, NULL, 1 },
    { "relation", "Relation", "select", RELATIONS, NULL, 1 },
    { "joined", "Joins on", "date", NULL, NULL, 1 },
    END_FIELDS,
};

static const struct nfield DEPENDENT_LEAVE[] = {
    { "posting", "Posting", "text", NULL, "The posting's id.", 1 },
    { "person", "Person", "text", NULL, "The dependent's person id.", 1 },
    { "left", "Leaves on", "date", NULL, NULL, 1 },
    END_FIELDS,
};

static const struct nfield TERMINATION[] = {
    { "posting", "Posting", "text", NULL, "The posting's id.", 1 },
    { "ended", "Ends on", "date", NULL, NULL, 1 },
    { "end_reason", "Reason", "select", REASONS, NULL, 1 },
    END_FIELDS,
};

struct kind_form {
    const char *kind, *title;
    const struct nfield *fields;
    int household; /* an appointment's spouse and child */
};

static const struct kind_form KINDS[] = {
    { "appointment", "Appointment of a member of staff", APPOINTMENT, 1 },
    { "arrival", "Arrival", ARRIVAL, 0 },
    { "change", "Change of title, rank or category", CHANGE, 0 },
    { "dependent_join", "A dependent joins a household", DEPENDENT_JOIN, 0 },
    { "dependent_leave", "A dependent leaves a household", DEPENDENT_LEAVE, 0 },
    { "termination", "End of a tour", TERMINATION, 0 },
};

static const struct kind_form *kind_form(const char *kind)
{
    for (size_t i = 0; i < sizeof(KINDS) / sizeof(KINDS[0]); i++)
        if (!strcmp(KINDS[i].kind, kind))
            return &KINDS[i];
    return NULL;
}

/* ---- values and errors by path ---- */

#define MAX_VALUES 64

struct form_state {
    char *paths[MAX_VALUES], *values[MAX_VALUES], *errors[MAX_VALUES];
    int n;
    int n_errors;  /* problems placed beside their fields */
    char *general; /* problems that name no field of the form */
};

static int slot(struct form_state *f, const char *path)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->paths[i], path))
            return i;
    if (f->n == MAX_VALUES)
        return -1;
    f->paths[f->n] = xstrdup(path);
    f->values[f->n] = f->errors[f->n] = NULL;
    return f->n++;
}

static void set_value(struct form_state *f, const char *path, const char *v)
{
    int i = slot(f, path);

    if (i >= 0 && v) {
        free(f->values[i]);
        f->values[i] = xstrdup(v);
    }
}

static const char *value_of(const struct form_state *f, const char *path)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->paths[i], path))
            return f->values[i];
    return NULL;
}

static const char *error_of(const struct form_state *f, const char *path)
{
    for (int i = 0; i < f->n; i++)
        if (!strcmp(f->paths[i], path))
            return f->errors[i];
    return NULL;
}

static void form_state_release(struct form_state *f)
{
    for (int i = 0; i < f->n; i++) {
        free(f->paths[i]);
        free(f->values[i]);
        free(f->errors[i]);
    }
    free(f->general);
    memset(f, 0, sizeof(*f));
}

/* A payload's values flattened into paths: a returned notification's
 * form is filled from what was submitted. */
static void flatten(struct form_state *f, const json_t *v, const char *path)
{
    char sub[160], num[64];
    const char *key;
    const json_t *x;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, x)
        {
            snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
            flatten(f, x, sub);
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, x)
        {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            flatten(f, x, sub);
        }
    } else if (json_is_string(v)) {
        set_value(f, path, json_string_value(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
        set_value(f, path, num);
    } else if (json_is_boolean(v)) {
        set_value(f, path, json_is_true(v) ? "true" : "false");
    }
}

/* Sets path ("a.b", "d[1].person.id") in root to the string v. */
static void json_set_path(json_t *root, const char *path, const char *v)
{
    char seg[64];
    json_t *at = root;
    const char *p = path;

    while (*p) {
        size_t n = strcspn(p, ".[");
        int last;

        snprintf(seg, sizeof(seg), "%.*s", (int)n, p);
        p += n;
        if (*p == '[') {
            size_t k = strtoul(p + 1, NULL, 10);
            json_t *arr = json_object_get(at, seg);

            if (!arr)
                json_object_set_new(at, seg, arr = json_array());
            while (json_array_size(arr) <= k)
                json_array_append_new(arr, json_object());
            at = json_array_get(arr, k);
            p = strchr(p, ']') + 1;
            p += *p == '.';
            continue;
        }
        last = !*p;
        if (last) {
            json_object_set_new(at, seg, json_string(v));
            return;
        }
        p++;
        if (!json_object_get(at, seg))
            json_object_set_new(at, seg, json_object());
        at = json_object_get(at, seg);
    }
}

/* The problems of a check, each beside its field: "form: PATH: message". */
static void place_problems(struct form_state *f, const struct problems *p)
{
    struct buf general;

    buf_init(&general, 4096);
    for (size_t i = 0; i < p->n_kept; i++) {
        const char *m = p->msgs[i];
        const char *rest = strncmp(m, "form: ", 6) ? m : m + 6;
        const char *colon = strstr(rest, ": ");
        char path[160];
        int k = -1;

        if (colon && colon - rest < (long)sizeof(path)) {
            snprintf(path, sizeof(path), "%.*s", (int)(colon - rest), rest);
            for (int j = 0; j < f->n; j++)
                if (!strcmp(f->paths[j], path))
                    k = j;
        }
        if (k >= 0 && !f->errors[k]) {
            f->errors[k] = xstrdup(colon + 2);
            f->n_errors++;
        } else
            buf_addf(&general, "%s. ", rest);
    }
    if (general.len)
        f->general = buf_detach(&general);
    buf_release(&general);
}

/* ---- rendering a form ---- */

static void fields(struct page_rq *p, const struct nfield *nf,
                   const char *prefix, const struct form_state *fs)
{
    char path[160];

    for (size_t i = 0; nf[i].path; i++) {
        struct page_field f = {
            path, nf[i].label, nf[i].type,    NULL,
            NULL, nf[i].hint,  nf[i].options, nf[i].required
        };

        snprintf(path, sizeof(path), "%s%s", prefix, nf[i].path);
        f.value = value_of(fs, path);
        f.error = error_of(fs, path);
        page_field_after(&p->out, &f, not_before(path));
    }
}

/* The missions a liaison may notify for, as select options. */
static void mission_options(const struct page_rq *p, struct buf *opts)
{
    const struct snapshot *s = p->rq.s;
    struct mission_list l = snapshot_missions_sent(s, p->rq.scope.sending);

    for (size_t i = 0; i < l.n && opts->len < 16000; i++) {
        uint32_t m = mission_list_at(&l, i);

        if (view_mission_visible(s, &p->rq.scope, m) &&
            snap_mission(s, m)->closed == DATE_NONE)
            buf_addf(opts, "%s%s", opts->len ? "|" : "",
                     snap_mission(s, m)->id);
    }
}

static void render_form(struct page_rq *p, const struct kind_form *k,
                        const char *action, struct form_state *fs,
                        const char *warnings)
{
    struct buf opts;
    char title[160];
    struct page_field fm = { "mission", "Mission", "select", NULL,
                             NULL,      NULL,      NULL,     1 };

    buf_init(&opts, 32768);
    mission_options(p, &opts);
    fm.options = opts.data ? opts.data : "";
    fm.value = value_of(fs, "mission");
    fm.error = error_of(fs, "mission");
    snprintf(title, sizeof(title), "Notification: %s", k->title);
    page_open(p, title, "/notify");
    if (fs->general || fs->n_errors)
        page_message(&p->out, "error",
                     fs->general ? fs->general
                                 : "The notification was not sent: correct "
                                   "the fields marked below.");
    if (warnings)
        page_warnings(&p->out, warnings);
    page_form_begin(&p->out, action, p->csrf);
    page_field(&p->out, &fm);
    page_fieldset_begin(&p->out, k->title);
    fields(p, k->fields, "", fs);
    page_fieldset_end(&p->out);
    if (k->household) {
        page_fieldset_begin(&p->out, "Spouse (optional)");
        fields(p, MEMBER, "dependents[0].", fs);
        page_fieldset_end(&p->out);
        page_fieldset_begin(&p->out, "Child (optional)");
        fields(p, MEMBER, "dependents[1].", fs);
        page_fieldset_end(&p->out);
    }
    page_preview_button(&p->out, "preview", "Check for warnings first");
    page_form_end(&p->out, "Submit the notification");
    page_close(p);
    buf_release(&opts);
}

/* ---- submitting ---- */

/* A free id: prefix and five digits, the first free from the count of
 * kind's records plus skip. */
static void free_id(const struct snapshot *s, enum entity_kind kind,
                    const char *prefix, size_t skip, char out[32])
{
    for (size_t n = snapshot_count(s, kind) + 1 + skip;; n++) {
        snprintf(out, 32, "%s%05zu", prefix, n);
        if (snapshot_find(s, kind, out) == IDMAP_NONE)
            return;
    }
}

static void defaults(struct page_rq *p, const struct kind_form *k,
                     struct form_state *fs)
{
    const struct snapshot *s = p->rq.s;
    char id[32], today[DATE_BUF];
    uint32_t own = page_own_mission(p);

    date_format(p->rq.today, today);
    if (own != IDMAP_NONE)
        set_value(fs, "mission", snap_mission(s, own)->id);
    if (!k->household)
        return;
    free_id(s, ENT_PERSON, "P", 0, id);
    set_value(fs, "person.id", id);
    free_id(s, ENT_PERSON, "P", 1, id);
    set_value(fs, "dependents[0].person.id", id);
    free_id(s, ENT_PERSON, "P", 2, id);
    set_value(fs, "dependents[1].person.id", id);
    free_id(s, ENT_POSTING, "T", 0, id);
    set_value(fs, "posting.id", id);
    set_value(fs, "person.nationality", p->rq.scope.sending);
    set_value(fs, "posting.category", "diplomatic_agent");
    set_value(fs, "posting.notified", today);
    set_value(fs, "dependents[0].relation", "spouse");
    set_value(fs, "dependents[1].relation", "child");
}

/* 1 when path belongs to a household member left blank (no family
 * name): such a member is no part of the notification. */
static int blank_member(const struct form_state *fs, const char *path)
{
    char key[64];
    const char *v;

    if (strncmp(path, "dependents[", 11))
        return 0;
    snprintf(key, sizeof(key), "%.14sperson.family_name", path);
    v = value_of(fs, key);
    return !v || !*v;
}

/* The notification object the form describes (compact JSON, malloc'd). */
static char *payload_of(const struct form_state *fs, const char *kind)
{
    json_t *root = json_pack("{s:s}", "kind", kind);
    char *text;

    for (int i = 0; i < fs->n; i++)
        if (fs->values[i] && *fs->values[i] && !blank_member(fs, fs->paths[i]))
            json_set_path(root, fs->paths[i], fs->values[i]);
    text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(root);
    return text;
}

struct submit_job {
    struct notice_args a;
    struct problems *p;
    char id[32];
    int conflict;
};

static enum status submit_job(struct store *st, struct snapshot *s, void *ctx,
                              int *exact, struct err *e)
{
    struct submit_job *j = ctx;
    struct notice_outcome o = { 0, 0, 0 };
    int64_t head = store_known_head(st);
    enum status rc;

    /* Run again when its group's commit failed (resident_write). */
    problems_release(j->p);
    problems_init(j->p);
    rc = notice_submit(st, s, &j->a, j->p, &o, e);

    /* As the API's write routes: a submission takes its payload back out
     * of s, so s matches the log when nothing but this write went in. */
    *exact = !rc && store_known_head(st) - head == (int64_t)o.n_changes;
    j->conflict = o.conflict;
    if (!rc)
        snprintf(j->id, sizeof(j->id), "%s",
                 ((const struct notification *)snapshot_row(s, ENT_NOTIFICATION,
                                                            o.index))
                     ->id);
    return rc;
}

struct preview_job {
    const struct notice_args *a;
    struct problems *p;
    char *warnings; /* malloc'd JSON array */
};

/* The warnings the notification would bring, computed on the writer's
 * snapshot as a submission computes them, without writing anything. */
static enum status preview_job(struct store *st, struct snapshot *s, void *ctx,
                               int *exact, struct err *e)
{
    struct preview_job *j = ctx;
    struct notify_draft d;
    struct findings w;
    enum status rc;

    (void)st;
    *exact = 0;        /* the payload is applied to s to check it */
    free(j->warnings); /* run again when its group's commit failed */
    j->warnings = NULL;
    problems_release(j->p);
    problems_init(j->p);
    notify_draft_init(&d);
    findings_init(&w);
    rc = notify_prepare(s, j->a->file, j->a->text, j->a->len, j->a->today,
                        j->a->holidays, &d, &w, j->p, e);
    if (!rc && !j->p->n_total)
        j->warnings = notify_warnings_json(&w);
    else if (!rc)
        rc = ST_INVALID;
    findings_release(&w);
    notify_draft_release(&d);
    return rc;
}

/* Submits the form's notification (again, for id); redirects to it, or
 * renders the form again with its problems. */
static enum status submit(struct page_rq *p, const struct kind_form *k,
                          const char *id, const char *action, struct err *e)
{
    struct form_state fs;
    struct problems probs;
    struct submit_job j;
    uint32_t m;
    char *text, to[80];
    enum status rc;

    memset(&fs, 0, sizeof(fs));
    for (int i = 0; i < p->n_form; i++)
        if (strcmp(p->form[i].name, "csrf") &&
            strcmp(p->form[i].name, "preview"))
            set_value(&fs, p->form[i].name, p->form[i].value);
    m = value_of(&fs, "mission")
            ? snapshot_find(p->rq.s, ENT_MISSION, value_of(&fs, "mission"))
            : IDMAP_NONE;
    problems_init(&probs);
    if (m == IDMAP_NONE || !view_mission_visible(p->rq.s, &p->rq.scope, m)) {
        problems_add(&probs, "form: mission: choose one of your missions");
        rc = ST_INVALID;
    } else {
        text = payload_of(&fs, k->kind);
        memset(&j, 0, sizeof(j));
        j.a = (struct notice_args){ .id = id,
                                    .file = "form",
                                    .text = text,
                                    .len = strlen(text),
                                    .today = p->rq.today,
                                    .holidays = p->rq.holidays,
                                    .actor = p->rq.account.name,
                                    .restore = 1 };
        j.p = &probs;
        if (page_form(p, "preview")) {
            struct preview_job pj = { &j.a, &probs, NULL };

            rc = resident_write(p->rq.res, preview_job, &pj, e);
            if (!rc)
                render_form(p, k, action, &fs,
                            pj.warnings ? pj.warnings : "[]");
            free(pj.warnings);
            free(text);
            if (!rc) {
                problems_release(&probs);
                form_state_release(&fs);
                return ST_OK;
            }
        } else {
            rc = resident_write(p->rq.res, submit_job, &j, e);
            free(text);
        }
        if (rc && j.conflict)
            p->rq.code = 409;
    }
    if (!rc) {
        snprintf(to, sizeof(to), "/notifications/%s?sent=1", j.id);
        page_redirect(p, to);
    } else if (rc == ST_INVALID || p->rq.code == 409) {
        if (!probs.n_kept)
            problems_add(&probs, "%s", e->msg);
        place_problems(&fs, &probs);
        p->rq.code = p->rq.code ? p->rq.code : 422;
        err_clear(e);
        render_form(p, k, action, &fs, NULL);
        rc = ST_OK;
    }
    problems_release(&probs);
    form_state_release(&fs);
    return rc;
}

static enum status notify_kinds(struct page_rq *p, struct err *e)
{
    struct page_card cards[sizeof(KINDS) / sizeof(KINDS[0])];
    char hrefs[sizeof(KINDS) / sizeof(KINDS[0])][64];

    (void)e;
    for (size_t i = 0; i < sizeof(KINDS) / sizeof(KINDS[0]); i++) {
        snprintf(hrefs[i], sizeof(hrefs[i]), "/notify/%s", KINDS[i].kind);
        cards[i] = (struct page_card){ NULL, KINDS[i].title, hrefs[i], NULL };
    }
    page_open(p, "New notification", "/notify");
    page_para(&p->out, "Choose what to notify to the protocol office.");
    page_cards(&p->out, cards, sizeof(KINDS) / sizeof(KINDS[0]));
    page_close(p);
    return ST_OK;
}

static enum status notify_get(struct page_rq *p, struct err *e)
{
    const struct kind_form *k = kind_form(p->rq.captures[0]);
    struct form_state fs;
    char action[80];

    if (!k)
        return err_set(e, ST_NOT_FOUND, "no notification kind '%s'",
                       p->rq.captures[0]);
    memset(&fs, 0, sizeof(fs));
    defaults(p, k, &fs);
    snprintf(action, sizeof(action), "/notify/%s", k->kind);
    render_form(p, k, action, &fs, NULL);
    form_state_release(&fs);
    return ST_OK;
}

static enum status notify_post(struct page_rq *p, struct err *e)
{
    const struct kind_form *k = kind_form(p->rq.captures[0]);
    char action[80];

    if (!k)
        return err_set(e, ST_NOT_FOUND, "no notification kind '%s'",
                       p->rq.captures[0]);
    snprintf(action, sizeof(action), "/notify/%s", k->kind);
    return submit(p, k, NULL, action, e);
}

/* ---- one notification ---- */

/* The notification id within the caller's scope. */
static const struct notification *visible(const struct page_rq *p,
                                          const char *id, struct err *e)
{
    uint32_t i = snapshot_find(p->rq.s, ENT_NOTIFICATION, id);
    const struct notification *n;

    if (i != IDMAP_NONE) {
        n = snapshot_row(p->rq.s, ENT_NOTIFICATION, i);
        if (view_mission_visible(p->rq.s, &p->rq.scope, n->mission))
            return n;
    }
    err_set(e, ST_NOT_FOUND, "unknown notification '%s'", id);
    return NULL;
}

static void decision_form(struct page_rq *p, const struct notification *n)
{
    char action[80];
    struct page_field fd = { "decision",
                             "Decision",
                             "select",
                             "accept",
                             NULL,
                             NULL,
                             "accept|return|refuse",
                             1 };
    struct page_field fg = { "grounds",
                             "Grounds",
                             "textarea",
                             NULL,
                             NULL,
                             "Required to return or refuse: the mission sees "
                             "them.",
                             NULL,
                             0 };

    snprintf(action, sizeof(action), "/notifications/%s/decision", n->id);
    page_heading(&p->out, 2, "Decision");
    page_form_begin(&p->out, action, p->csrf);
    page_field(&p->out, &fd);
    page_field(&p->out, &fg);
    page_form_end(&p->out, "Record the decision");
}

/* A liaison withdraws its own submitted or returned notification. */
static void withdraw_form(struct page_rq *p, const struct notification *n)
{
    char action[80];

    snprintf(action, sizeof(action), "/notifications/%s/withdraw", n->id);
    page_heading(&p->out, 2, "Withdraw");
    page_para(&p->out, "The office will not decide a withdrawn "
                       "notification; it cannot be submitted again.");
    page_form_begin(&p->out, action, p->csrf);
    page_form_end(&p->out, "Withdraw the notification");
}

static enum status show(struct page_rq *p, const char *message,
                        const char *kind, struct err *e)
{
    const struct notification *n = visible(p, p->rq.captures[0], e);
    struct notice_history h;
    struct page_step *steps;
    char title[64], link[80];
    enum status rc;

    if (!n)
        return e->status;
    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = notice_history_load(p->rq.res->side, n->id, &h, e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc)
        return rc;
    steps = xcalloc(h.n_steps + 1, sizeof(*steps));
    for (size_t i = 0; i < h.n_steps; i++)
        steps[i] = (struct page_step){ h.steps[i].recorded, h.steps[i].actor,
                                       h.steps[i].state, h.steps[i].reason };
    snprintf(title, sizeof(title), "Notification %s", n->id);
    page_open(p, title,
              p->rq.role == ROLE_OFFICER ? "/inbox" : "/notifications");
    if (message)
        page_message(&p->out, kind, message);
    else if (page_param(p, "sent"))
        page_message(&p->out, "notice",
                     "The notification was submitted to the protocol office.");
    if (p->rq.role == ROLE_OFFICER && n->state == NS_SUBMITTED)
        decision_form(p, n);
    if (p->rq.role == ROLE_LIAISON && n->state == NS_RETURNED) {
        snprintf(link, sizeof(link), "/notifications/%s/", n->id);
        page_heading(&p->out, 2, "Returned to the mission");
        page_link(&p->out, link, "resubmit", "Correct it and submit it again");
    }
    page_notification(&p->out, p->rq.s, n, steps, h.n_steps);
    if (p->rq.role == ROLE_LIAISON &&
        (n->state == NS_SUBMITTED || n->state == NS_RETURNED))
        withdraw_form(p, n);
    page_close(p);
    free(steps);
    notice_history_release(&h);
    return ST_OK;
}

static enum status notification_get(struct page_rq *p, struct err *e)
{
    return show(p, NULL, NULL, e);
}

static enum status decision_post(struct page_rq *p, struct err *e)
{
    const char *decision = page_form(p, "decision");
    const char *grounds = page_form(p, "grounds");
    json_t *body = json_object();
    struct request rq = p->rq;
    struct buf scratch;
    char *text, to[80];
    enum status rc;

    if (!visible(p, p->rq.captures[0], e)) {
        json_decref(body);
        return e->status;
    }
    json_object_set_new(body, "decision",
                        json_string(decision ? decision : ""));
    if (grounds && *grounds)
        json_object_set_new(body, "grounds", json_string(grounds));
    text = json_dumps(body, JSON_COMPACT);
    rq.body = text;
    rq.body_len = strlen(text);
    buf_init(&scratch, PAGE_MAX);
    rc = route_decide(&rq, &scratch, e);
    buf_release(&scratch);
    free(text);
    json_decref(body);
    if (!rc) {
        snprintf(to, sizeof(to), "/notifications/%s", p->rq.captures[0]);
        page_redirect(p, to);
        return ST_OK;
    }
    if (rc == ST_ERROR && !rq.code)
        return rc;
    p->rq.code = rq.code ? rq.code : 422;
    return show(p, e->msg, "error", e);
}

/* POST /notifications/{id}/withdraw: the API's route_withdraw, so the
 * scope, the states allowed and the change set are the API's. */
static enum status withdraw_post(struct page_rq *p, struct err *e)
{
    struct request rq = p->rq;
    struct buf scratch;
    char to[80];
    enum status rc;

    if (!visible(p, p->rq.captures[0], e))
        return e->status;
    rq.body = "{}";
    rq.body_len = 2;
    buf_init(&scratch, PAGE_MAX);
    rc = route_withdraw(&rq, &scratch, e);
    buf_release(&scratch);
    if (!rc) {
        snprintf(to, sizeof(to), "/notifications/%s", p->rq.captures[0]);
        page_redirect(p, to);
        return ST_OK;
    }
    if (rc == ST_ERROR && !rq.code)
        return rc;
    p->rq.code = rq.code ? rq.code : 422;
    return show(p, e->msg, "error", e);
}

static enum status resubmit_get(struct page_rq *p, struct err *e)
{
    const struct notification *n = visible(p, p->rq.captures[0], e);
    const struct kind_form *k;
    struct form_state fs;
    json_t *payload;
    char action[80];

    if (!n)
        return e->status;
    k = kind_form(enum_name(&ENUM_NOTIFICATION_KIND, n->kind));
    if (!k || n->state != NS_RETURNED)
        return err_set(e, ST_NOT_FOUND,
                       "notification '%s' is not returned to be corrected",
                       n->id);
    memset(&fs, 0, sizeof(fs));
    payload = json_loads(n->payload, 0, NULL);
    flatten(&fs, payload, "");
    json_decref(payload);
    if (n->grounds)
        fs.general = xasprintf("Returned: %s", n->grounds);
    snprintf(action, sizeof(action), "/notifications/%s/resubmit", n->id);
    render_form(p, k, action, &fs, NULL);
    form_state_release(&fs);
    return ST_OK;
}

static enum status resubmit_post(struct page_rq *p, struct err *e)
{
    const struct notification *n = visible(p, p->rq.captures[0], e);
    const struct kind_form *k;
    char action[80];

    if (!n)
        return e->status;
    k = kind_form(enum_name(&ENUM_NOTIFICATION_KIND, n->kind));
    if (!k)
        return err_set(e, ST_NOT_FOUND, "no form for this kind");
    snprintf(action, sizeof(action), "/notifications/%s/resubmit", n->id);
    return submit(p, k, n->id, action, e);
}

/* ---- lists and the liaison's home ---- */

static enum status notifications(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    size_t total = snapshot_count(s, ENT_NOTIFICATION), n = 0;
    uint32_t *rows = xcalloc(total + 1, sizeof(*rows));
    const char *state = page_param(p, "state");
    int want = state ? enum_from_name(&ENUM_NOTIFICATION_STATE, state) : -1;
    struct page_field fs = { "state",
                             "State",
                             "select",
                             state,
                             NULL,
                             NULL,
                             "|submitted|returned|accepted|refused|withdrawn",
                             0 };

    (void)e;
    /* Newest first. */
    for (uint32_t i = (uint32_t)total; i-- > 0;) {
        const struct notification *x = snapshot_row(s, ENT_NOTIFICATION, i);

        if (view_mission_visible(s, &p->rq.scope, x->mission) &&
            (want < 0 || x->state == want))
            rows[n++] = i;
    }
    page_open(p, "Notifications", "/notifications");
    page_filter_begin(&p->out, "/notifications");
    page_field(&p->out, &fs);
    page_filter_end(&p->out, "Filter");
    page_notifications(&p->out, s, rows, n, "Notifications, newest first");
    page_close(p);
    free(rows);
    return ST_OK;
}

enum status pages_home_liaison(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    const char *want = page_param(p, "mission");
    uint32_t m = want ? snapshot_find(s, ENT_MISSION, want) : IDMAP_NONE;
    struct mission_list l = snapshot_missions_sent(s, p->rq.scope.sending);
    struct buf opts;
    struct page_field fm = { "mission", "Mission", "select", NULL,
                             NULL,      NULL,      NULL,     0 };
    static const struct page_card cards[] = {
        { NULL, "New notification", "/notify",
          "Appointment, arrival, change, household, end of a tour." },
        { NULL, "Your notifications", "/notifications",
          "Their states, and those returned to correct." },
    };

    if (m != IDMAP_NONE && !view_mission_visible(s, &p->rq.scope, m))
        return err_set(e, ST_NOT_FOUND, "unknown mission '%s'", want);
    if (m == IDMAP_NONE)
        m = page_own_mission(p);
    for (size_t i = 0; m == IDMAP_NONE && i < l.n && p->rq.scope.sending; i++)
        if (snap_mission(s, mission_list_at(&l, i))->closed == DATE_NONE)
            m = mission_list_at(&l, i);
    buf_init(&opts, 32768);
    mission_options(p, &opts);
    fm.options = opts.data ? opts.data : "";
    fm.value = m != IDMAP_NONE ? snap_mission(s, m)->id : NULL;
    page_open(p, "Your mission", "/");
    page_cards(&p->out, cards, 2);
    page_filter_begin(&p->out, "/");
    page_field(&p->out, &fm);
    page_filter_end(&p->out, "Show");
    if (m != IDMAP_NONE) {
        buf_reset(&opts);
        buf_addstr(&opts, "/?mission=");
        page_url(&opts, snap_mission(s, m)->id);
        buf_addch(&opts, '&');
        page_heading(&p->out, 2, snap_mission(s, m)->name);
        page_staff(&p->out, s, m, p->rq.today, page_offset(p));
        page_pager(&p->out, opts.data, page_offset(p),
                   page_staff_count(s, m, p->rq.today));
    }
    page_close(p);
    buf_release(&opts);
    return ST_OK;
}

#define MISSIONS (ROLE_LIAISON)

const struct page_route PAGES_LIAISON[] = {
    { "GET", "/notifications", ROLE_OFFICER | ROLE_LIAISON, notifications, 1 },
    { "GET", "/notifications/{id}", ROLE_OFFICER | ROLE_LIAISON,
      notification_get, 1 },
    { "POST", "/notifications/{id}/decision", ROLE_OFFICER, decision_post, 1 },
    { "POST", "/notifications/{id}/withdraw", MISSIONS, withdraw_post, 1 },
    { "GET", "/notifications/{id}/resubmit", MISSIONS, resubmit_get, 1 },
    { "POST", "/notifications/{id}/resubmit", MISSIONS, resubmit_post, 1 },
    { "GET", "/notify", MISSIONS, notify_kinds, 1 },
    { "GET", "/notify/{kind}", MISSIONS, notify_get, 1 },
    { "POST", "/notify/{kind}", MISSIONS, notify_post, 1 },
    { NULL, NULL, 0, NULL, 0 },
};
