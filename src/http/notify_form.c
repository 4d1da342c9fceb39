/*
 * Drawing a liaison's notification forms: the fields of each kind of
 * notification (a table per kind, the path of each field in the
 * interchange's notification object, its label, control and hint), the
 * form drawn from a form_state (values kept, problems beside their
 * fields, a preview's warnings above), a new form's defaults, and the
 * page to choose a kind. Tables rather than code per kind, so that a
 * field added to the interchange is one line here.
 */
#include "http/notify_form.h"

#include "base/date.h"
#include "report/page_registry.h"

/* ---- fields of the forms ---- */

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

const struct kind_form NOTIFY_KINDS[N_NOTIFY_KINDS] = {
    { "appointment", "Appointment of a member of staff", APPOINTMENT, 1 },
    { "arrival", "Arrival", ARRIVAL, 0 },
    { "change", "Change of title, rank or category", CHANGE, 0 },
    { "dependent_join", "A dependent joins a household", DEPENDENT_JOIN, 0 },
    { "dependent_leave", "A dependent leaves a household", DEPENDENT_LEAVE, 0 },
    { "termination", "End of a tour", TERMINATION, 0 },
};

const struct kind_form *notify_kind_form(const char *kind)
{
    for (size_t i = 0; i < N_NOTIFY_KINDS; i++)
        if (!strcmp(NOTIFY_KINDS[i].kind, kind))
            return &NOTIFY_KINDS[i];
    return NULL;
}

enum status pages_notify_kinds(struct page_rq *p, struct err *e)
{
    struct page_card cards[N_NOTIFY_KINDS];
    char hrefs[N_NOTIFY_KINDS][64];

    (void)e;
    for (size_t i = 0; i < N_NOTIFY_KINDS; i++) {
        snprintf(hrefs[i], sizeof(hrefs[i]), "/notify/%s",
                 NOTIFY_KINDS[i].kind);
        cards[i] =
            (struct page_card){ NULL, NOTIFY_KINDS[i].title, hrefs[i], NULL };
    }
    page_open(p, "New notification", "/notify");
    page_para(&p->out, "Choose what to notify to the protocol office.");
    page_cards(&p->out, cards, N_NOTIFY_KINDS);
    page_close(p);
    return ST_OK;
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
        f.value = form_value(fs, path);
        f.error = form_error(fs, path);
        page_field_after(&p->out, &f, not_before(path));
    }
}

/* The missions a liaison may notify for, as select options. */
void notify_mission_options(const struct page_rq *p, struct buf *opts)
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

void notify_render_form(struct page_rq *p, const struct kind_form *k,
                        const char *action, struct form_state *fs,
                        const char *warnings)
{
    struct buf opts;
    char title[160];
    struct page_field fm = { "mission", "Mission", "select", NULL,
                             NULL,      NULL,      NULL,     1 };

    buf_init(&opts, 32768);
    notify_mission_options(p, &opts);
    fm.options = opts.data ? opts.data : "";
    fm.value = form_value(fs, "mission");
    fm.error = form_error(fs, "mission");
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
    page_idem_field(p);
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

void notify_defaults(struct page_rq *p, const struct kind_form *k,
                     struct form_state *fs)
{
    const struct snapshot *s = p->rq.s;
    char id[32], today[DATE_BUF];
    uint32_t own = page_own_mission(p);

    date_format(p->rq.today, today);
    if (own != IDMAP_NONE)
        form_set(fs, "mission", snap_mission(s, own)->id);
    if (!k->household)
        return;
    free_id(s, ENT_PERSON, "P", 0, id);
    form_set(fs, "person.id", id);
    free_id(s, ENT_PERSON, "P", 1, id);
    form_set(fs, "dependents[0].person.id", id);
    free_id(s, ENT_PERSON, "P", 2, id);
    form_set(fs, "dependents[1].person.id", id);
    free_id(s, ENT_POSTING, "T", 0, id);
    form_set(fs, "posting.id", id);
    form_set(fs, "person.nationality", p->rq.scope.sending);
    form_set(fs, "posting.category", "diplomatic_agent");
    form_set(fs, "posting.notified", today);
    form_set(fs, "dependents[0].relation", "spouse");
    form_set(fs, "dependents[1].relation", "child");
}
