/*
 * Deadlines of visa cases under visa_sla policies (DESIGN.md, "Policies"),
 * shared by the evaluator (a finding per case still undecided past its
 * deadline, in visa_sla.c) and by the UN report, which needs each case's
 * deadline to count visas issued within it and late.
 *
 * A policy reaches a case when the issuer is the case's issuing state, the
 * applicant's nationality is the target (any but the issuer's under "*"),
 * and the case's purpose and class are among those the params list (none
 * listed: all). The scope's mission kinds and missions reach a case
 * through the applicant's postings (as staff or as a dependent): a person
 * with postings, none of them in scope, is outside; a person with none (a
 * delegate) is selected by purpose and class alone.
 *
 * The clock starts on the later of the application and the policy's start;
 * the deadline is max_days calendar days later, or the day on which
 * max_days working days of the issuer have passed (Monday to Friday, less
 * the issuer's public holidays, core/holidays.h).
 */
#ifndef RULES_VISA_SLA_H
#define RULES_VISA_SLA_H

#include "core/holidays.h"
#include "rules/policy.h"

/* The days of the UN report when no policy reaches a case: the 15 days
 * discussed at the Host Country Committee (FACTS s.4.1). */
#define VISA_SLA_DEFAULT_DAYS 15

/* 1 when visa_sla rule r reaches visa case v of s. sending: the state
 * evaluated under a target of "*" (NULL: any but the issuer). */
int visa_sla_reaches(const struct snapshot *s, const struct policy_rule *r,
                     const char *sending, uint32_t v);

/* The deadline of case v under rule r (which must reach it). */
int32_t visa_sla_deadline(const struct policy_rule *r, const struct holidays *h,
                          const struct visa *v);

/* Each case's deadline, for reports: the earliest under the visa_sla
 * policies in effect on its application that reach it, else
 * VISA_SLA_DEFAULT_DAYS calendar days after it. OUT: out[i] for each visa
 * i of s. ST_INVALID naming a stored policy that no longer validates. */
enum status visa_sla_deadlines(const struct snapshot *s,
                               const struct holidays *h, int32_t *out,
                               struct err *e);

#endif
