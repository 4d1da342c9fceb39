/*
 * visa_sla: a decision on a visa case is due within max_days of the
 * application (rules/visa_sla.h says which cases a policy reaches and how
 * the deadline is counted). `check` at a date reports each case the policy
 * reaches that is still undecided on that date past its deadline:
 * pending, or in administrative processing, which is no decision. A case
 * decided late is a matter for the record (the UN report counts it): a
 * decision already taken binds nothing more, so it yields no finding.
 */
#include "rules/visa_sla.h"

#include <stdint.h>
#include <string.h>

#include "rules/eval.h"

static int has_class(const struct visa_sla_params *p, const char *vclass)
{
    if (!p->n_classes)
        return 1;
    for (size_t i = 0; i < p->n_classes; i++)
        if (!strcmp(p->classes[i], vclass))
            return 1;
    return 0;
}

static int mission_in_scope(const struct snapshot *s,
                            const struct policy_rule *r, uint32_t m)
{
    const struct policy_scope *sc = &r->scope;
    const struct mission *ms = snap_mission(s, m);

    if (strcmp(ms->country, r->issuer) ||
        (sc->kinds && !(sc->kinds & (1u << ms->kind))))
        return 0;
    for (size_t i = 0; i < sc->n_missions; i++)
        if (sc->missions[i] == m)
            return 1;
    return !sc->n_missions;
}

/* 1 in scope, 0 out of it, -1 when the person has no posting at all. */
static int person_in_scope(const struct snapshot *s,
                           const struct policy_rule *r, uint32_t person)
{
    int any = 0;

    ADJ_FOR_EACH(s->postings_by_person, person, t)
    {
        any = 1;
        if (mission_in_scope(s, r, snap_posting(s, t)->mission))
            return 1;
    }
    for (uint32_t i = 0; i < snapshot_count(s, ENT_DEPENDENT); i++) {
        const struct dependent *d = snap_dependent(s, i);

        if (d->person != person)
            continue;
        any = 1;
        if (mission_in_scope(s, r, snap_posting(s, d->posting)->mission))
            return 1;
    }
    return any ? 0 : -1;
}

int visa_sla_reaches(const struct snapshot *s, const struct policy_rule *r,
                     const char *sending, uint32_t vi)
{
    const struct visa *v = snap_visa(s, vi);
    const struct visa_sla_params *p = &r->u.visa_sla;
    const char *nat = snap_person(s, v->person)->nationality;

    if (strcmp(v->issuing, r->issuer) || v->outcome == VO_ANNULLED ||
        v->outcome == VO_REVOKED)
        return 0;
    if (strcmp(r->target, "*") ? strcmp(nat, r->target) != 0
        : sending              ? strcmp(nat, sending) != 0
                               : !strcmp(nat, r->issuer))
        return 0;
    if ((p->purposes && !((p->purposes >> v->purpose) & 1u)) ||
        !has_class(p, v->vclass))
        return 0;
    if (!r->scope.kinds && !r->scope.n_missions)
        return 1;
    return person_in_scope(s, r, v->person) != 0;
}

int32_t visa_sla_deadline(const struct policy_rule *r, const struct holidays *h,
                          const struct visa *v)
{
    int32_t start = v->applied > r->from ? v->applied : r->from;
    const struct visa_sla_params *p = &r->u.visa_sla;

    if (p->working_days)
        return holidays_add_working(h, r->issuer, start, p->max_days);
    return start + p->max_days;
}

/* 1 when case v is still undecided on date: no decision recorded by then,
 * or only administrative processing. */
static int undecided_on(const struct visa *v, int32_t date)
{
    return v->applied <= date &&
           (v->decided == DATE_NONE || v->decided > date ||
            v->outcome == VO_ADMIN_PROCESSING);
}

static void explain_case(const struct eval *ev, struct finding *x,
                         const struct visa *v)
{
    const struct person *p = snap_person(ev->s, v->person);
    char applied[DATE_BUF], meeting[DATE_BUF], note[64] = "";

    date_format(v->applied, applied);
    date_format(v->meeting, meeting);
    if (v->meeting != DATE_NONE)
        snprintf(note, sizeof(note), ", for a meeting on %s", meeting);
    finding_explain(ev->out, x,
                    "Visa case %s: person %s (%s), a national of %s, applied "
                    "on %s at post %s for a %s visa (purpose %s)%s; on the "
                    "date it is %s.",
                    v->id, p->id, p->family_name, p->nationality, applied,
                    snap_mission(ev->s, v->post)->id, v->vclass,
                    enum_name(&ENUM_VISA_PURPOSE, v->purpose), note,
                    v->outcome == VO_ADMIN_PROCESSING ? "in administrative "
                                                        "processing"
                                                      : "undecided");
}

static void explain_deadline(const struct eval *ev, struct finding *x,
                             const struct visa *v, int32_t deadline)
{
    const struct visa_sla_params *p = &ev->r->u.visa_sla;
    int32_t start = v->applied > ev->r->from ? v->applied : ev->r->from;
    char from[DATE_BUF], by[DATE_BUF];

    date_format(start, from);
    date_format(deadline, by);
    if (!p->working_days)
        finding_explain(ev->out, x, "Deadline: %s + %d calendar days = %s.",
                        from, p->max_days, by);
    else
        finding_explain(ev->out, x,
                        "Deadline: %d working days of %s after %s (Monday to "
                        "Friday, less %s public holidays; %zu known in that "
                        "year) = %s.",
                        p->max_days, ev->r->issuer, from, ev->r->issuer,
                        holidays_in_year(ev->holidays, ev->r->issuer, start),
                        by);
}

static void report(const struct eval *ev, const struct visa *v,
                   int32_t deadline)
{
    struct finding *x = eval_finding(ev, FK_VISA_OVERDUE, ENT_VISA, v->id);
    char words[160];

    snprintf(words, sizeof(words),
             "a decision on a visa application is due within %d %s days",
             ev->r->u.visa_sla.max_days,
             ev->r->u.visa_sla.working_days ? "working" : "calendar");
    eval_explain_policy(ev, x, words);
    explain_case(ev, x, v);
    explain_deadline(ev, x, v, deadline);
    eval_explain_result(ev, x, deadline, "a decision is due", NULL);
    finding_detail(ev->out, x, "%s %s visa undecided for %d days",
                   snap_person(ev->s, v->person)->nationality, v->vclass,
                   (int)(ev->as_of - v->applied));
}

void eval_visa_sla(const struct eval *ev)
{
    for (uint32_t i = 0; i < snapshot_count(ev->s, ENT_VISA); i++) {
        const struct visa *v = snap_visa(ev->s, i);
        int32_t deadline;

        if (!undecided_on(v, ev->as_of) ||
            !visa_sla_reaches(ev->s, ev->r, ev->sending, i))
            continue;
        deadline = visa_sla_deadline(ev->r, ev->holidays, v);
        if (ev->as_of > deadline)
            report(ev, v, deadline);
    }
}

/* The earlier of *out and case i's deadline under policy record y. */
static enum status apply_policy(const struct snapshot *s,
                                const struct holidays *h, uint32_t y,
                                int32_t *out, struct err *e)
{
    struct policy_rule r;
    struct arena a;
    enum status rc;

    arena_init(&a);
    rc = policy_rule_load(s, y, &a, &r, e);
    for (uint32_t i = 0; !rc && i < snapshot_count(s, ENT_VISA); i++) {
        const struct visa *v = snap_visa(s, i);
        int32_t d;

        if (!policy_rule_in_effect(&r, v->applied) ||
            !visa_sla_reaches(s, &r, NULL, i))
            continue;
        d = visa_sla_deadline(&r, h, v);
        if (d < out[i])
            out[i] = d;
    }
    arena_release(&a);
    return rc;
}

enum status visa_sla_deadlines(const struct snapshot *s,
                               const struct holidays *h, int32_t *out,
                               struct err *e)
{
    enum status rc = ST_OK;

    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++)
        out[i] = INT32_MAX; /* no policy reaches it yet */
    for (uint32_t y = 0; !rc && y < snapshot_count(s, ENT_POLICY); y++) {
        const struct policy *p = snapshot_row(s, ENT_POLICY, y);

        if (p->kind == PK_VISA_SLA)
            rc = apply_policy(s, h, y, out, e);
    }
    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++)
        if (out[i] == INT32_MAX)
            out[i] = snap_visa(s, i)->applied + VISA_SLA_DEFAULT_DAYS;
    return rc;
}
