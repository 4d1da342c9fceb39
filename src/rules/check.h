/*
 * The evaluator's entry point: every policy of the snapshot in effect on a
 * date, and not void under the conditions assumed, yields its findings
 * (DESIGN.md, "Counting" and "Policies"). Pure: it reads the snapshot and
 * fills a findings list; the caller prints.
 */
#ifndef RULES_CHECK_H
#define RULES_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "core/holidays.h"
#include "core/snapshot.h"
#include "rules/cap.h"
#include "rules/finding.h"

struct check_options {
    int32_t as_of;
    const char *issuer;         /* NULL: every issuing state */
    const char *target;         /* NULL: every target state */
    const char *const *assumed; /* conditions assumed to hold */
    size_t n_assumed;
    /* Public holidays for working-day deadlines (NULL: weekends only). */
    const struct holidays *holidays;
};

/* Appends the findings of every policy of s (which must be indexed) in
 * effect on o->as_of, issued by o->issuer on o->target, and sorts them
 * (findings_sort). A policy whose `unless` condition is assumed is void.
 * ST_INVALID naming the policy when a stored policy no longer validates;
 * the findings already made stay in out. */
enum status rules_check(const struct snapshot *s, const struct check_options *o,
                        struct findings *out, struct err *e);

/* 1 when policy y binds on o's date between o's parties and is not void
 * under o's assumptions (the policies rules_check evaluates). */
int rules_selected(const struct policy *y, const struct check_options *o);

/* Appends the findings of policy i of s as rules_check makes them (the
 * caller selected it with rules_selected), unsorted; memo (NULL: none)
 * shares the headcounts between the policies of one registry and date.
 * A cache of findings per policy (http/pages_docket.c) evaluates only the
 * policies a change touched this way. */
enum status rules_check_policy(const struct snapshot *s, uint32_t i,
                               const struct check_options *o,
                               struct cap_memo *memo, struct findings *out,
                               struct err *e);

#endif
