/*
 * What other modules ask of a headcount cap (rules/cap.c): which staff it
 * counts and the ceiling it sets on a date, so that parity and the planner
 * count exactly as `check` does. The parameters are a parsed headcount_cap
 * rule; the counting scope is DESIGN.md's "headcount_cap" with the
 * readings of cap.c.
 */
#ifndef RULES_CAP_H
#define RULES_CAP_H

#include <stdint.h>

#include "base/arena.h"
#include "base/idmap.h"
#include "rules/policy.h"

/* The headcounts one run of `check` has made. A cap counts its target's
 * staff in its issuer's country and, mirrored, the issuer's in the
 * target's; with a policy each way between two states, and the findings'
 * explanations counting again, each side was counted up to four times.
 * Kept by what the count depends on (both states, the date and the
 * counting scope), every count is made once. */
struct cap_memo {
    struct idmap counts; /* key text -> count */
    struct arena keys;
};

void cap_memo_init(struct cap_memo *m);
void cap_memo_release(struct cap_memo *m);

/* 1 when cap r, counting sending's staff in place, counts the staff of
 * mission m: a mission of sending accredited to place (sitting in place
 * when r includes organizations) of a kind r counts, and on the target's
 * side (place is r's issuer) one the scope lists. */
int cap_counts_mission(const struct snapshot *s, const struct policy_rule *r,
                       const char *sending, const char *place, uint32_t m);
/* 1 when r counts a posting of staff category category. */
int cap_counts_category(const struct policy_rule *r, int category);
/* Dependents present on date in the household of posting ti. */
uint32_t cap_household(const struct snapshot *s, uint32_t ti, int32_t date);
/* sending's staff in place on date counted r's way, dependents too when r
 * counts them. s must be indexed. */
uint32_t cap_count(const struct snapshot *s, const struct policy_rule *r,
                   const char *sending, const char *place, int32_t date);
/* The date a mirrored cap evaluated on date counts the issuer's staff:
 * date minus the lag (date itself when that leaves the calendar). */
int32_t cap_mirror_date(const struct policy_rule *r, int32_t date);
/* The ceiling r sets on sending's staff in r's issuer on date: its limit,
 * or ratio x the issuer's staff in sending on the mirror date, rounded
 * down. */
long cap_limit(const struct snapshot *s, const struct policy_rule *r,
               const char *sending, int32_t date);
/* cap_count, answered from memo (may be NULL) when it counted the same
 * before. */
uint32_t cap_count_memo(struct cap_memo *memo, const struct snapshot *s,
                        const struct policy_rule *r, const char *sending,
                        const char *place, int32_t date);

#endif
