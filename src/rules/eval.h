/*
 * What the evaluators of the kinds of policy share (one file per kind:
 * tenure.c, departure.c, cap.c, family.c, local_staff.c). An evaluator gets
 * one policy in effect and the date, finds the records the policy reaches,
 * and appends a finding with its explain chain for each record the policy
 * binds on that date (a posting binds while it is present: leaving is how
 * it complies). The helpers here say which missions and staff a
 * policy reaches and write the steps every chain has.
 */
#ifndef RULES_EVAL_H
#define RULES_EVAL_H

#include "base/date.h"
#include "core/holidays.h"
#include "core/presence.h"
#include "rules/cap.h"
#include "rules/finding.h"
#include "rules/policy.h"

struct eval {
    const struct snapshot *s;
    const struct policy_rule *r;
    /* The sending state evaluated: the policy's target, or under "*" the
     * state the caller asked about (NULL: every state but the issuer). */
    const char *sending;
    int32_t as_of;
    struct findings *out;
    /* Public holidays, for deadlines in working days (NULL: none known). */
    const struct holidays *holidays;
    /* The headcounts the run has made (rules/cap.h; NULL: none kept). */
    struct cap_memo *memo;
};

/* 1 when mission m is in the policy's reach: sent by the target state,
 * sitting in the issuer's country, and within scope. */
int eval_has_mission(const struct eval *ev, const struct policy_scope *scope,
                     uint32_t m);
/* 1 when a staff category is within scope; local staff only when the
 * scope lists them. */
int eval_has_category(const struct policy_scope *scope, int category);

/* A new finding of the evaluated policy about a posting. */
struct finding *eval_finding(const struct eval *ev, enum finding_kind kind,
                             enum entity_kind subject_kind,
                             const char *subject);
/* The eval_explain_* write nothing when ev->out is terse (the deadline is
 * set all the same). Step 1 of every chain: the policy, its parties, its period
 * of effect and its title, then the rule's words as the evaluator states them.
 */
void eval_explain_policy(const struct eval *ev, struct finding *x,
                         const char *rule_words);
/* A step naming posting t: person, category, mission, arrival, presence. */
void eval_explain_posting(const struct eval *ev, struct finding *x, uint32_t t);
/* The last step: the deadline against the date, and what follows from
 * passing it (consequence, may be NULL). Sets the finding's deadline. */
void eval_explain_result(const struct eval *ev, struct finding *x,
                         int32_t deadline, const char *duty,
                         const char *consequence);

void eval_tenure(const struct eval *ev);
void eval_departure(const struct eval *ev);
void eval_cap(const struct eval *ev);
void eval_family(const struct eval *ev);
void eval_local_staff(const struct eval *ev);
void eval_visa_sla(const struct eval *ev);

#endif
