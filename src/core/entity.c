/*
 * The entity descriptors and the generic field codec. Text is the common
 * form of every value (CSV, SQL, JSON images), so each field type has one
 * parse and one format here; references and state codes are resolved against
 * the snapshot as they are parsed, which is how an import finds an unknown
 * mission or state without a second pass.
 */
#include "core/entity.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "core/model.h"
#include "core/snapshot.h"

#define F(st, fld, ty, fl)                                       \
    {                                                            \
#fld, ty, offsetof(struct st, fld), fl, NULL, ENT__COUNT \
    }
#define FE(st, fld, en, fl)                                          \
    {                                                                \
#fld, FT_ENUM, offsetof(struct st, fld), fl, &en, ENT__COUNT \
    }
#define FC(st, fld, fl)                                              \
    {                                                                \
#fld, FT_CODE, offsetof(struct st, fld), fl, NULL, ENT_STATE \
    }
#define FR(st, fld, target, fl)                                  \
    {                                                            \
#fld, FT_REF, offsetof(struct st, fld), fl, NULL, target \
    }
#define REQ         FIELD_REQUIRED
#define KEY         (FIELD_KEY | FIELD_REQUIRED)
#define N_FIELDS(a) ((int)(sizeof(a) / sizeof(a[0])))

static const struct field state_fields[] = {
    F(state, code, FT_CODE, KEY),
    F(state, name, FT_TEXT, REQ),
};

static const struct field org_fields[] = {
    F(organization, code, FT_TEXT, KEY),
    F(organization, name, FT_TEXT, REQ),
    FC(organization, seat, REQ),
};

static const struct field mission_fields[] = {
    F(mission, id, FT_TEXT, KEY),
    F(mission, name, FT_TEXT, REQ),
    FC(mission, sending, REQ),
    F(mission, host, FT_HOST, REQ),
    FC(mission, country, REQ),
    F(mission, city, FT_TEXT, 0),
    FE(mission, kind, ENUM_MISSION_KIND, REQ),
    F(mission, opened, FT_DATE, 0),
    F(mission, closed, FT_DATE, 0),
};

static const struct field person_fields[] = {
    F(person, id, FT_TEXT, KEY),        F(person, family_name, FT_TEXT, REQ),
    F(person, given_names, FT_TEXT, 0), FE(person, sex, ENUM_SEX, 0),
    F(person, birth_date, FT_DATE, 0),  FC(person, nationality, 0),
    F(person, passport, FT_TEXT, 0),
};

static const struct field posting_fields[] = {
    F(posting, id, FT_TEXT, KEY),
    FR(posting, person, ENT_PERSON, REQ),
    FR(posting, mission, ENT_MISSION, REQ),
    F(posting, title, FT_TEXT, 0),
    FE(posting, rank, ENUM_RANK, 0),
    FE(posting, category, ENUM_STAFF_CATEGORY, REQ),
    F(posting, head_of_mission, FT_BOOL, 0),
    F(posting, notified, FT_DATE, 0),
    F(posting, arrived, FT_DATE, 0),
    F(posting, accredited, FT_DATE, 0),
    F(posting, refused, FT_DATE, 0),
    F(posting, ended, FT_DATE, 0),
    FE(posting, end_reason, ENUM_END_REASON, 0),
    F(posting, credentials, FT_DATE, FIELD_ADDED),
};

static const struct field dependent_fields[] = {
    FR(dependent, person, ENT_PERSON, KEY),
    FR(dependent, posting, ENT_POSTING, KEY),
    FE(dependent, relation, ENUM_RELATION, REQ),
    F(dependent, joined, FT_DATE, 0),
    F(dependent, left, FT_DATE, 0),
    F(dependent, accredited, FT_DATE, 0),
    F(dependent, revoked, FT_DATE, 0),
};

static const struct field policy_fields[] = {
    F(policy, id, FT_TEXT, KEY),
    FE(policy, kind, ENUM_POLICY_KIND, REQ),
    FC(policy, issuer, REQ),
    F(policy, target, FT_TEXT, REQ),
    F(policy, from, FT_DATE, REQ),
    F(policy, to, FT_DATE, 0),
    F(policy, unless, FT_TEXT, 0),
    F(policy, title, FT_TEXT, 0),
    F(policy, body, FT_TEXT, REQ | FIELD_JSON),
};

static const struct field visa_fields[] = {
    F(visa, id, FT_TEXT, KEY),
    FR(visa, person, ENT_PERSON, REQ),
    FC(visa, issuing, REQ),
    FR(visa, post, ENT_MISSION, REQ),
    { "class", FT_TEXT, offsetof(struct visa, vclass), REQ, NULL, ENT__COUNT },
    FE(visa, purpose, ENUM_VISA_PURPOSE, REQ),
    F(visa, meeting, FT_DATE, 0),
    F(visa, applied, FT_DATE, REQ),
    F(visa, decided, FT_DATE, 0),
    FE(visa, outcome, ENUM_VISA_OUTCOME, REQ),
    F(visa, valid_until, FT_DATE, 0),
    FR(visa, previous, ENT_VISA, 0),
};

static const struct field consular_fields[] = {
    FR(consular, post, ENT_MISSION, KEY),
    FC(consular, nationality, KEY),
    FE(consular, service, ENUM_CONSULAR_SERVICE, KEY),
    FE(consular, status, ENUM_CONSULAR_STATUS, REQ),
    F(consular, from, FT_DATE, KEY),
    F(consular, to, FT_DATE, 0),
    F(consular, wait_days, FT_INT, 0),
    F(consular, designated, FT_TEXT, 0),
};

static const struct field notification_fields[] = {
    F(notification, id, FT_TEXT, KEY),
    FE(notification, kind, ENUM_NOTIFICATION_KIND, REQ),
    FR(notification, mission, ENT_MISSION, REQ),
    F(notification, payload, FT_TEXT, REQ | FIELD_JSON),
    F(notification, replaces, FT_TEXT, 0),
    F(notification, justification, FT_TEXT, 0),
    F(notification, submitted_by, FT_TEXT, REQ),
    F(notification, submitted_at, FT_TEXT, REQ),
    FE(notification, state, ENUM_NOTIFICATION_STATE, REQ),
    F(notification, warnings, FT_TEXT, FIELD_JSON),
    F(notification, decided_by, FT_TEXT, 0),
    F(notification, decided_at, FT_TEXT, 0),
    F(notification, grounds, FT_TEXT, 0),
    F(notification, change_set, FT_INT, 0),
};

static void problem(struct problems *p, const char *where, const char *column,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct problems *p, const char *where, const char *column,
                    const char *fmt, ...)
{
    char msg[ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    problems_add(p, "%s: column '%s': %s", where, column, msg);
}

/* Reports when date `later` (column later_name) is before `earlier`. */
static void check_order(int32_t earlier, const char *earlier_name,
                        int32_t later, const char *later_name,
                        const char *where, struct problems *p)
{
    char a[DATE_BUF], b[DATE_BUF];

    if (earlier == DATE_NONE || later == DATE_NONE || earlier <= later)
        return;
    date_format(earlier, a);
    date_format(later, b);
    problem(p, where, later_name, "%s %s is before %s %s", later_name, b,
            earlier_name, a);
}

/* A birth date lies in the past: a later one is a typing error. */
static void check_person(const struct snapshot *s, const void *rec,
                         const char *where, struct problems *p)
{
    const struct person *x = rec;
    char b[DATE_BUF];
    int32_t today;

    (void)s;
    if (x->birth_date == DATE_NONE || date_today(&today, NULL) ||
        x->birth_date <= today)
        return;
    date_format(x->birth_date, b);
    problem(p, where, "birth_date", "birth date %s is after today", b);
}

/* A mission closes once its tours have ended: checked here when the
 * snapshot is indexed (a command closing it), as the posting rule below
 * checks each tour on import. */
static void check_mission_tours(const struct snapshot *s,
                                const struct mission *m, const char *where,
                                struct problems *p)
{
    uint32_t i;
    char c[DATE_BUF];

    if (!s->indexed || m->closed == DATE_NONE ||
        (i = snapshot_find(s, ENT_MISSION, m->id)) == IDMAP_NONE ||
        i >= s->n_indexed[ENT_MISSION])
        return;
    ADJ_FOR_EACH(s->postings_by_mission, i, ti)
    {
        const struct posting *t = snap_posting(s, ti);

        /* The posting rule's own test (check_posting_mission). */
        if (t->arrived == DATE_NONE ||
            (t->ended != DATE_NONE && t->ended <= m->closed))
            continue;
        date_format(m->closed, c);
        problem(p, where, "closed",
                "mission '%s' closed on %s: posting '%s' must end by then",
                m->id, c, t->id);
        return;
    }
}

static void check_mission(const struct snapshot *s, const void *rec,
                          const char *where, struct problems *p)
{
    const struct mission *m = rec;

    check_order(m->opened, "opened", m->closed, "closed", where, p);
    check_mission_tours(s, m, where, p);
}

/* A posting must begin while its mission is open and end by its closure. */
static void check_posting_mission(const struct snapshot *s,
                                  const struct posting *t, const char *where,
                                  struct problems *p)
{
    const struct mission *m = snap_mission(s, t->mission);
    int32_t start = t->arrived != DATE_NONE ? t->arrived : t->notified;
    const char *column = t->arrived != DATE_NONE ? "arrived" : "notified";
    char d[DATE_BUF], c[DATE_BUF];

    /* Dates are formatted only for a message: this runs once per row of an
     * import. */
    if (start != DATE_NONE && m->opened != DATE_NONE && start < m->opened) {
        date_format(start, d);
        date_format(m->opened, c);
        problem(p, where, column, "mission '%s' was not open on %s (opened %s)",
                m->id, d, c);
    }
    if (m->closed == DATE_NONE || start == DATE_NONE)
        return;
    date_format(m->closed, c);
    if (start >= m->closed) {
        date_format(start, d);
        problem(p, where, column, "mission '%s' was not open on %s (closed %s)",
                m->id, d, c);
    } else if (t->arrived != DATE_NONE &&
               (t->ended == DATE_NONE || t->ended > m->closed)) {
        problem(p, where, "ended",
                "mission '%s' closed on %s: the posting must end by then",
                m->id, c);
    }
}

/* Credentials are a head of mission's, presented after arrival and before
 * the posting's end (the day it ends is the first day away). */
static void check_credentials(const struct posting *t, const char *where,
                              struct problems *p)
{
    char c[DATE_BUF], d[DATE_BUF];

    if (t->credentials == DATE_NONE)
        return;
    date_format(t->credentials, c);
    if (!t->head_of_mission)
        problem(p, where, "credentials",
                "only a head of mission presents credentials");
    if (t->arrived == DATE_NONE)
        problem(p, where, "credentials",
                "credentials %s need the posting's arrival", c);
    check_order(t->arrived, "arrived", t->credentials, "credentials", where, p);
    if (t->ended != DATE_NONE && t->credentials >= t->ended) {
        date_format(t->ended, d);
        problem(p, where, "credentials",
                "credentials %s are not before ended %s", c, d);
    }
}

/* The start and end of a tour (end INT32_MAX while open); 0 when it has
 * no start. */
static int tour_span(const struct posting *t, int32_t *start, int32_t *end)
{
    *start = t->arrived != DATE_NONE ? t->arrived : t->notified;
    *end = t->ended != DATE_NONE ? t->ended : INT32_MAX;
    return *start != DATE_NONE;
}

/* 1 when two tours are the same tour: one person at one mission, in one
 * category, rank and title (a promotion is another tour, and may be
 * notified while the first still runs). */
int posting_same_tour(const struct posting *a, const struct posting *b)
{
    return a->person == b->person && a->mission == b->mission &&
           a->category == b->category && a->rank == b->rank &&
           !strcmp(a->title ? a->title : "", b->title ? b->title : "");
}

/* The same tour is not held twice at once (under two ids it would count
 * one diplomat twice). Checked here when the snapshot is indexed (a
 * command); an import checks a whole file at once (core/interchange.c),
 * the same rule in n log n. */
static void check_tour_overlap(const struct snapshot *s,
                               const struct posting *t, const char *where,
                               struct problems *p)
{
    int32_t a0, a1, b0, b1;
    char d[DATE_BUF];

    if (!s->indexed || t->person >= snapshot_count(s, ENT_PERSON) ||
        !tour_span(t, &a0, &a1))
        return;
    ADJ_FOR_EACH(s->postings_by_person, t->person, i)
    {
        const struct posting *o = snap_posting(s, i);

        if (!posting_same_tour(o, t) || !strcmp(o->id, t->id) ||
            !tour_span(o, &b0, &b1) || a0 >= b1 || b0 >= a1)
            continue;
        date_format(a0 > b0 ? a0 : b0, d);
        problem(p, where, "person",
                "person '%s' already holds posting '%s' at mission '%s' on "
                "%s: the same tour is not held twice at once",
                snap_person(s, t->person)->id, o->id,
                snap_mission(s, t->mission)->id, d);
        return;
    }
}

static void check_posting(const struct snapshot *s, const void *rec,
                          const char *where, struct problems *p)
{
    const struct posting *t = rec;

    if (t->notified == DATE_NONE && t->arrived == DATE_NONE)
        problem(p, where, "arrived", "a posting needs notified or arrived");
    check_order(t->notified, "notified", t->arrived, "arrived", where, p);
    check_order(t->arrived, "arrived", t->ended, "ended", where, p);
    check_order(t->notified, "notified", t->accredited, "accredited", where, p);
    check_order(t->notified, "notified", t->refused, "refused", where, p);
    if (t->accredited != DATE_NONE && t->refused != DATE_NONE)
        problem(p, where, "refused",
                "a posting is either accredited or refused, not both");
    if ((t->ended == DATE_NONE) != (t->end_reason == ENUM_NONE))
        problem(p, where, t->ended == DATE_NONE ? "ended" : "end_reason",
                "ended and end_reason go together");
    check_credentials(t, where, p);
    if (t->mission != IDMAP_NONE)
        check_posting_mission(s, t, where, p);
    if (t->mission != IDMAP_NONE)
        check_tour_overlap(s, t, where, p);
    if (t->person != IDMAP_NONE)
        check_order(snap_person(s, t->person)->birth_date,
                    "the person's birth date", t->notified, "notified", where,
                    p);
}

static void check_dependent(const struct snapshot *s, const void *rec,
                            const char *where, struct problems *p)
{
    const struct dependent *d = rec;
    const struct posting *t;

    check_order(d->joined, "joined", d->left, "left", where, p);
    check_order(d->accredited, "accredited", d->revoked, "revoked", where, p);
    if (d->revoked != DATE_NONE && d->accredited == DATE_NONE)
        problem(p, where, "revoked",
                "an accreditation is revoked only after 'accredited'");
    if (d->posting == IDMAP_NONE)
        return;
    t = snap_posting(s, d->posting);
    if (t->person == d->person && d->person != IDMAP_NONE)
        problem(p, where, "person",
                "person '%s' holds posting '%s' and cannot be its dependent",
                snap_person(s, d->person)->id, t->id);
    check_order(t->arrived, "the posting's arrival", d->joined, "joined", where,
                p);
    if (d->left != DATE_NONE && t->ended != DATE_NONE && d->left > t->ended) {
        char a[DATE_BUF], b[DATE_BUF];

        /* The column at fault is the dependent's own, 'left'. */
        date_format(d->left, a);
        date_format(t->ended, b);
        problem(p, where, "left", "the posting's end %s is before left %s", b,
                a);
    }
}

static void check_policy(const struct snapshot *s, const void *rec,
                         const char *where, struct problems *p)
{
    const struct policy *y = rec;

    (void)s;
    check_order(y->from, "from", y->to, "to", where, p);
}

/* The case a linked case follows must be issued, when the link is an
 * annulment or revocation of it. */
static void check_visa_previous(const struct snapshot *s, const struct visa *v,
                                const char *where, struct problems *p)
{
    const struct visa *prev;

    if (v->previous == IDMAP_NONE) {
        if (v->outcome == VO_ANNULLED || v->outcome == VO_REVOKED)
            problem(p, where, "previous",
                    "an annulment or revocation names the visa it ends");
        return;
    }
    prev = snap_visa(s, v->previous);
    if (prev->person != v->person)
        problem(p, where, "previous", "visa '%s' is another person's",
                prev->id);
    if (v->outcome != VO_ANNULLED && v->outcome != VO_REVOKED)
        return;
    if (prev->outcome != VO_ISSUED) {
        problem(p, where, "previous", "visa '%s' was not issued", prev->id);
    } else if (v->applied != DATE_NONE && v->applied < prev->decided) {
        char a[DATE_BUF], b[DATE_BUF];

        date_format(prev->decided, a);
        date_format(v->applied, b);
        problem(p, where, "applied", "visa '%s' was issued on %s, after %s",
                prev->id, a, b);
    }
}

static void check_visa(const struct snapshot *s, const void *rec,
                       const char *where, struct problems *p)
{
    const struct visa *v = rec;
    const struct mission *m;

    check_order(v->applied, "applied", v->decided, "decided", where, p);
    check_order(v->decided, "decided", v->valid_until, "valid_until", where, p);
    if (v->outcome == VO_PENDING && v->decided != DATE_NONE)
        problem(p, where, "decided", "a pending case has no decision date");
    else if (v->outcome != VO_PENDING && v->outcome != ENUM_NONE &&
             v->decided == DATE_NONE)
        problem(p, where, "decided", "outcome '%s' needs a decision date",
                enum_name(&ENUM_VISA_OUTCOME, v->outcome));
    if (v->valid_until != DATE_NONE && v->outcome != VO_ISSUED)
        problem(p, where, "valid_until", "only an issued visa has a validity");
    if (v->post != IDMAP_NONE && v->issuing[0] &&
        strcmp((m = snap_mission(s, v->post))->sending, v->issuing))
        problem(p, where, "post", "post '%s' is a mission of %s, not of %s",
                m->id, m->sending, v->issuing);
    if (v->person != IDMAP_NONE)
        check_visa_previous(s, v, where, p);
}

/* Each designated id must be a mission of the post's own state. */
static void check_designated(const struct snapshot *s, const struct consular *c,
                             const char *where, struct problems *p)
{
    const char *sending = snap_mission(s, c->post)->sending;
    const char *at = c->designated;

    while (at && *at) {
        size_t n = strcspn(at, ";");
        char id[256];
        uint32_t m;

        snprintf(id, sizeof(id), "%.*s", (int)n, at);
        m = n < sizeof(id) ? snapshot_find(s, ENT_MISSION, id) : IDMAP_NONE;
        if (m == IDMAP_NONE)
            problem(p, where, "designated", "unknown mission '%s'", id);
        else if (strcmp(snap_mission(s, m)->sending, sending))
            problem(p, where, "designated",
                    "designated post '%s' is not a mission of %s", id, sending);
        at += n + (at[n] == ';');
    }
}

/* The rows of one post, nationality and service must not overlap. */
static void check_overlap(const struct snapshot *s, const struct consular *c,
                          const char *where, struct problems *p)
{
    for (uint32_t i = 0; i < snapshot_count(s, ENT_CONSULAR); i++) {
        const struct consular *o = snap_consular(s, i);
        char a[DATE_BUF];

        /* The same key is the record itself (or a duplicate, which the
         * key index reports). */
        if (o->from == c->from || o->post != c->post ||
            o->service != c->service ||
            strcmp(o->nationality, c->nationality) ||
            (o->to != DATE_NONE && o->to < c->from) ||
            (c->to != DATE_NONE && c->to < o->from))
            continue;
        date_format(o->from, a);
        problem(p, where, "from",
                "overlaps the row from %s of the same post, "
                "nationality and service",
                a);
        return;
    }
}

static void check_consular(const struct snapshot *s, const void *rec,
                           const char *where, struct problems *p)
{
    const struct consular *c = rec;

    check_order(c->from, "from", c->to, "to", where, p);
    if (c->post == IDMAP_NONE)
        return;
    check_designated(s, c, where, p);
    if (c->from != DATE_NONE && c->service != ENUM_NONE)
        check_overlap(s, c, where, p);
}

static const struct entity state_entity = {
    ENT_STATE,    "state",
    "states",     sizeof(struct state),
    state_fields, N_FIELDS(state_fields),
    NULL,         NULL,
};
static const struct entity org_entity = {
    ENT_ORGANIZATION,
    "organization",
    "organizations",
    sizeof(struct organization),
    org_fields,
    N_FIELDS(org_fields),
    NULL,
    NULL,
};
static const struct entity mission_entity = {
    ENT_MISSION,
    "mission",
    "missions",
    sizeof(struct mission),
    mission_fields,
    N_FIELDS(mission_fields),
    check_mission,
    "CHECK (closed IS NULL OR opened IS NULL OR opened <= closed)",
};
static const struct entity person_entity = {
    ENT_PERSON,    "person",
    "persons",     sizeof(struct person),
    person_fields, N_FIELDS(person_fields),
    check_person,  NULL,
};
static const struct entity posting_entity = {
    ENT_POSTING,
    "posting",
    "postings",
    sizeof(struct posting),
    posting_fields,
    N_FIELDS(posting_fields),
    check_posting,
    "CHECK (notified IS NOT NULL OR arrived IS NOT NULL), "
    "CHECK (ended IS NULL OR arrived IS NULL OR arrived <= ended), "
    "CHECK (arrived IS NULL OR notified IS NULL OR notified <= arrived), "
    "CHECK ((ended IS NULL) = (end_reason IS NULL)), "
    "CHECK (accredited IS NULL OR refused IS NULL)",
};
static const struct entity dependent_entity = {
    ENT_DEPENDENT,
    "dependent",
    "dependents",
    sizeof(struct dependent),
    dependent_fields,
    N_FIELDS(dependent_fields),
    check_dependent,
    "CHECK (joined IS NULL OR \"left\" IS NULL OR joined <= \"left\")",
};

static const struct entity policy_entity = {
    ENT_POLICY,    "policy",
    "policies",    sizeof(struct policy),
    policy_fields, N_FIELDS(policy_fields),
    check_policy,  "CHECK (\"to\" IS NULL OR \"from\" <= \"to\")",
};

static const struct entity visa_entity = {
    ENT_VISA,
    "visa",
    "visas",
    sizeof(struct visa),
    visa_fields,
    N_FIELDS(visa_fields),
    check_visa,
    "CHECK (decided IS NULL OR applied <= decided), "
    "CHECK ((decided IS NULL) = (outcome = 'pending'))",
};

static const struct entity consular_entity = {
    ENT_CONSULAR,    "consular",
    "consular",      sizeof(struct consular),
    consular_fields, N_FIELDS(consular_fields),
    check_consular,  "CHECK (\"to\" IS NULL OR \"from\" <= \"to\")",
};

static const struct entity notification_entity = {
    ENT_NOTIFICATION,
    "notification",
    "notifications",
    sizeof(struct notification),
    notification_fields,
    N_FIELDS(notification_fields),
    NULL,
    NULL,
};

const struct entity *const ENTITIES[ENT__COUNT] = {
    &state_entity,    &org_entity,          &mission_entity, &person_entity,
    &posting_entity,  &dependent_entity,    &policy_entity,  &visa_entity,
    &consular_entity, &notification_entity,
};

const struct entity *entity_by_table(const char *table)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        if (!strcmp(ENTITIES[k]->table, table))
            return ENTITIES[k];
    }
    return NULL;
}

const struct entity *entity_by_name(const char *name)
{
    for (int k = 0; k < ENT__COUNT; k++) {
        if (!strcmp(ENTITIES[k]->name, name))
            return ENTITIES[k];
    }
    return NULL;
}

const struct field *entity_field(const struct entity *ent, const char *name)
{
    for (int i = 0; i < ent->n_fields; i++) {
        if (!strcmp(ent->fields[i].name, name))
            return &ent->fields[i];
    }
    return NULL;
}
