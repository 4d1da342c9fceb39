/*
 * Helpers of the kinds' evaluators: the reach of a policy (the target's
 * missions in the issuer's country, narrowed by the scope) and the steps
 * every explain chain shares, worded once so that all kinds read alike.
 */
#include "rules/eval.h"

#include <string.h>

int eval_has_mission(const struct eval *ev, const struct policy_scope *scope,
                     uint32_t m)
{
    const struct mission *ms = snap_mission(ev->s, m);

    if (ms->country[0] != ev->r->issuer[0] ||
        strcmp(ms->country, ev->r->issuer))
        return 0;
    if (ev->sending ? strcmp(ms->sending, ev->sending) != 0
                    : !strcmp(ms->sending, ev->r->issuer))
        return 0;
    if (scope->kinds && !(scope->kinds & (1u << ms->kind)))
        return 0;
    if (!scope->n_missions)
        return 1;
    for (size_t i = 0; i < scope->n_missions; i++) {
        if (scope->missions[i] == m)
            return 1;
    }
    return 0;
}

int eval_has_category(const struct policy_scope *scope, int category)
{
    if (category == CAT_LOCAL_STAFF)
        return (scope->categories >> CAT_LOCAL_STAFF) & 1u;
    return !scope->categories || (scope->categories & (1u << category));
}

struct finding *eval_finding(const struct eval *ev, enum finding_kind kind,
                             enum entity_kind subject_kind, const char *subject)
{
    return findings_add(ev->out, ev->r->id, kind, subject_kind, subject,
                        ev->as_of);
}

/* "USA on RUS", or "USA on every state" for a policy on "*". */
static void parties(const struct eval *ev, char *out, size_t size)
{
    const struct policy_rule *r = ev->r;

    if (strcmp(r->target, "*"))
        snprintf(out, size, "%s on %s", r->issuer, r->target);
    else if (ev->sending)
        snprintf(out, size, "%s on every state, here %s", r->issuer,
                 ev->sending);
    else
        snprintf(out, size, "%s on every state", r->issuer);
}

void eval_explain_policy(const struct eval *ev, struct finding *x,
                         const char *rule_words)
{
    const struct policy_rule *r = ev->r;
    char who[64], from[DATE_BUF], to[DATE_BUF], on[DATE_BUF];
    char unless[300] = "";

    if (ev->out->terse)
        return;
    parties(ev, who, sizeof(who));
    date_format(r->from, from);
    date_format(r->to, to);
    date_format(ev->as_of, on);
    if (r->unless)
        snprintf(unless, sizeof(unless),
                 " It is void while '%s' is assumed, and that is not "
                 "assumed.",
                 r->unless);
    finding_explain(ev->out, x,
                    "Policy %s (%s, %s): \"%s\". In effect from %s %s%s, so "
                    "on %s.%s Rule: %s.",
                    r->id, enum_name(&ENUM_POLICY_KIND, r->kind), who,
                    r->title ? r->title : r->id, from,
                    r->to == DATE_NONE ? "with no end date" : "to ",
                    r->to == DATE_NONE ? "" : to, on, unless, rule_words);
}

void eval_explain_posting(const struct eval *ev, struct finding *x, uint32_t ti)
{
    const struct posting *t = snap_posting(ev->s, ti);
    const struct person *p = snap_person(ev->s, t->person);
    const struct mission *m = snap_mission(ev->s, t->mission);
    char arrived[DATE_BUF], on[DATE_BUF], end[DATE_BUF], ends[64] = "";

    if (ev->out->terse)
        return;
    date_format(t->arrived, arrived);
    date_format(ev->as_of, on);
    date_format(t->ended, end);
    if (t->ended != DATE_NONE)
        snprintf(ends, sizeof(ends), "; its end is recorded for %s", end);
    finding_explain(ev->out, x,
                    "Posting %s: person %s (%s%s%s), %s at mission %s (%s of "
                    "%s in %s), arrived on %s and is present on %s%s.",
                    t->id, p->id, p->family_name, p->given_names ? ", " : "",
                    p->given_names ? p->given_names : "",
                    enum_name(&ENUM_STAFF_CATEGORY, t->category), m->id,
                    enum_name(&ENUM_MISSION_KIND, m->kind), m->sending,
                    m->country, arrived, on, ends);
}

void eval_explain_result(const struct eval *ev, struct finding *x,
                         int32_t deadline, const char *duty,
                         const char *consequence)
{
    char by[DATE_BUF], on[DATE_BUF];
    int32_t days = ev->as_of - deadline;

    finding_deadline(x, deadline);
    if (ev->out->terse)
        return;
    date_format(deadline, by);
    date_format(ev->as_of, on);
    if (!x->overdue)
        finding_explain(ev->out, x,
                        "Result: %s by %s; on %s that is %d day%s away.", duty,
                        by, on, -days, days == -1 ? "" : "s");
    else
        finding_explain(ev->out, x,
                        "Result: %s by %s; on %s that date has passed by %d "
                        "day%s and the duty is not met: overdue.%s%s",
                        duty, by, on, days, days == 1 ? "" : "s",
                        consequence ? " " : "", consequence ? consequence : "");
}
