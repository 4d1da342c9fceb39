/*
 * Evaluating every policy at a date. The record's columns (parties, period
 * of effect, condition) select the policies first, so only those that bind
 * are parsed; each is parsed from its body into a scratch arena and handed
 * to its kind's evaluator through one table. The evaluators share the
 * run's headcounts (rules/cap.h), so that the caps of many policies
 * between the same states count each side once.
 */
#include "rules/check.h"

#include <string.h>

#include "rules/eval.h"

typedef void (*evaluator)(const struct eval *);

static const evaluator EVALUATORS[PK__COUNT] = {
    [PK_TENURE_CAP] = eval_tenure,           [PK_HEADCOUNT_CAP] = eval_cap,
    [PK_DEPARTURE_ORDER] = eval_departure,   [PK_DEPENDENT_RULE] = eval_family,
    [PK_LOCAL_STAFF_BAN] = eval_local_staff, [PK_VISA_SLA] = eval_visa_sla,
};

static int assumed(const struct check_options *o, const char *condition)
{
    for (size_t i = 0; i < o->n_assumed; i++) {
        if (!strcmp(o->assumed[i], condition))
            return 1;
    }
    return 0;
}

int rules_selected(const struct policy *y, const struct check_options *o)
{
    if (o->issuer && strcmp(y->issuer, o->issuer))
        return 0;
    if (o->target && strcmp(y->target, o->target) && strcmp(y->target, "*"))
        return 0;
    if (y->from > o->as_of || (y->to != DATE_NONE && o->as_of > y->to))
        return 0;
    if (y->unless && assumed(o, y->unless))
        return 0;
    return EVALUATORS[y->kind] != NULL;
}

enum status rules_check_policy(const struct snapshot *s, uint32_t i,
                               const struct check_options *o,
                               struct cap_memo *memo, struct findings *out,
                               struct err *e)
{
    struct policy_rule r;
    struct arena a;
    enum status rc;

    arena_init(&a);
    rc = policy_rule_load(s, i, &a, &r, e);
    if (!rc) {
        struct eval ev = {
            s,        &r,  strcmp(r.target, "*") ? r.target : o->target,
            o->as_of, out, o->holidays,
            memo
        };

        EVALUATORS[r.kind](&ev);
    }
    arena_release(&a);
    return rc;
}

enum status rules_check(const struct snapshot *s, const struct check_options *o,
                        struct findings *out, struct err *e)
{
    struct cap_memo memo;
    enum status rc = ST_OK;

    cap_memo_init(&memo);
    for (uint32_t i = 0; !rc && i < snapshot_count(s, ENT_POLICY); i++) {
        if (rules_selected(snapshot_row(s, ENT_POLICY, i), o))
            rc = rules_check_policy(s, i, o, &memo, out, e);
    }
    cap_memo_release(&memo);
    findings_sort(out);
    return rc;
}
