/*
 * dependent_rule: what the receiving State grants the households of the
 * target's staff (VCDR art. 37(1) leaves "family" undefined, so its
 * practice decides). Under `spouse: deny` an accredited spouse's
 * accreditation must be revoked; under `child_visa: deny` a child's visa is
 * to be refused, and a child whose latest decided case to the issuer is a
 * refusal has nothing left to do (the cases are gathered once per
 * evaluation, by person, so the rule stays linear in the registry); a
 * child older than child_max_age (student_max_age for a student) is
 * outside the household. Each binds from the policy's start, or from the
 * day the dependent came under it when that is later.
 */
#include <string.h>

#include "base/xalloc.h"
#include "rules/eval.h"

/* One evaluation: the rule, and for each person the latest visa case to
 * the issuer decided by the date (IDMAP_NONE for none). */
struct family_eval {
    const struct eval *ev;
    uint32_t *decided;
};

static int present(const struct dependent *d, int32_t date)
{
    return (d->joined == DATE_NONE || d->joined <= date) &&
           (d->left == DATE_NONE || date < d->left);
}

static int32_t later(int32_t a, int32_t b)
{
    return a != DATE_NONE && a > b ? a : b;
}

static void rule_words(const struct eval *ev, char *out, size_t size)
{
    const struct dependent_params *d = &ev->r->u.dependent;

    snprintf(out, size,
             "spouses' accreditation: %s; children's visas: %s; children "
             "belong to the household up to age %d (students %d)",
             d->spouse == FAMILY_DENY    ? "denied"
             : d->spouse == FAMILY_ALLOW ? "granted"
                                         : "not ruled",
             d->child_visa == FAMILY_DENY    ? "refused"
             : d->child_visa == FAMILY_ALLOW ? "issued"
                                             : "not ruled",
             d->child_max_age, d->student_max_age);
}

static void report(const struct eval *ev, uint32_t di, int32_t deadline,
                   const char *why, const char *duty)
{
    const struct dependent *d = snap_dependent(ev->s, di);
    char key[FIELD_BUF * 2 + 2], words[512];
    struct finding *x;

    record_key(ev->s, ENTITIES[ENT_DEPENDENT], d, key, sizeof(key));
    x = eval_finding(ev, FK_DEPENDENT_STATUS, ENT_DEPENDENT, key);
    rule_words(ev, words, sizeof(words));
    eval_explain_policy(ev, x, words);
    eval_explain_posting(ev, x, d->posting);
    finding_explain(ev->out, x, "%s.", why);
    eval_explain_result(ev, x, deadline, duty, NULL);
    finding_detail(ev->out, x, "%s: %s", why, duty);
}

static void spouse(const struct eval *ev, uint32_t di)
{
    const struct dependent *d = snap_dependent(ev->s, di);
    char why[256], on[DATE_BUF];

    if (ev->r->u.dependent.spouse != FAMILY_DENY ||
        d->accredited == DATE_NONE || d->accredited > ev->as_of ||
        (d->revoked != DATE_NONE && d->revoked <= ev->as_of))
        return;
    date_format(d->accredited, on);
    snprintf(why, sizeof(why), "Spouse %s was accredited on %s",
             snap_person(ev->s, d->person)->id, on);
    report(ev, di, later(d->accredited, ev->r->from), why,
           "the accreditation must be revoked");
}

/* The child's age on date, or -1 when the birth date is not known. */
static int age(const struct person *p, int32_t date)
{
    if (p->birth_date == DATE_NONE || p->birth_date > date)
        return -1;
    return date_diff(p->birth_date, date).years;
}

/* 1 when the person's latest decided case to the issuer was refused. */
static int visa_refused(const struct family_eval *fe, uint32_t person)
{
    uint32_t vi = fe->decided[person];

    return vi != IDMAP_NONE && snap_visa(fe->ev->s, vi)->outcome == VO_REFUSED;
}

static void child(const struct family_eval *fe, uint32_t di)
{
    const struct eval *ev = fe->ev;
    const struct dependent_params *r = &ev->r->u.dependent;
    const struct dependent *d = snap_dependent(ev->s, di);
    const struct person *p = snap_person(ev->s, d->person);
    int years = age(p, ev->as_of);
    struct period limit = { r->child_max_age + 1, 0, 0 };
    int32_t over;
    char why[256];

    if (r->child_visa == FAMILY_DENY) {
        if (visa_refused(fe, d->person))
            return;
        snprintf(why, sizeof(why), "Child %s is in the household", p->id);
        report(ev, di, later(d->joined, ev->r->from), why,
               "the child's visa is to be refused");
        return;
    }
    if (r->child_max_age < 0 || years <= r->child_max_age ||
        date_add_period(p->birth_date, &limit, ROUND_DOWN, &over, NULL))
        return;
    snprintf(why, sizeof(why), "Child %s is %d, above the age limit of %d%s",
             p->id, years, r->child_max_age,
             r->student_max_age >= 0 && years <= r->student_max_age
                 ? " (unless a full-time student)"
                 : "");
    report(ev, di, later(over, ev->r->from), why,
           "the child leaves the household");
}

/* Applies the rule to the household of posting ti. */
static void household(const struct family_eval *fe, uint32_t ti)
{
    const struct eval *ev = fe->ev;

    ADJ_FOR_EACH(ev->s->dependents_by_posting, ti, di)
    {
        const struct dependent *d = snap_dependent(ev->s, di);

        if (!present(d, ev->as_of))
            continue;
        if (d->relation == REL_SPOUSE)
            spouse(ev, di);
        else if (d->relation == REL_CHILD)
            child(fe, di);
    }
}

/* Each person's latest case to the issuer decided by the date; of two
 * decided the same day, the one recorded later. */
static uint32_t *latest_decided(const struct eval *ev)
{
    size_t n = snapshot_count(ev->s, ENT_PERSON);
    uint32_t *out = xmalloc((n + 1) * sizeof(*out));

    for (size_t i = 0; i < n; i++)
        out[i] = IDMAP_NONE;
    for (uint32_t vi = 0; vi < snapshot_count(ev->s, ENT_VISA); vi++) {
        const struct visa *v = snap_visa(ev->s, vi);
        uint32_t *at = &out[v->person];

        /* Administrative processing is not a decision (docs/visas.md). */
        if (v->decided == DATE_NONE || v->decided > ev->as_of ||
            v->outcome == VO_PENDING || v->outcome == VO_ADMIN_PROCESSING ||
            strcmp(v->issuing, ev->r->issuer))
            continue;
        if (*at == IDMAP_NONE || snap_visa(ev->s, *at)->decided <= v->decided)
            *at = vi;
    }
    return out;
}

void eval_family(const struct eval *ev)
{
    struct mission_list ml = snapshot_missions_sent(ev->s, ev->sending);
    struct family_eval fe = { ev, latest_decided(ev) };

    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);

        if (!eval_has_mission(ev, &ev->r->scope, m))
            continue;
        const struct posting *t;

        MISSION_POSTINGS_FOR_EACH(ev->s, m, ti, t)
        {
            if (posting_present(t, ev->as_of) &&
                eval_has_category(&ev->r->scope, t->category))
                household(&fe, ti);
        }
    }
    free(fe.decided);
}
