/*
 * A docket: the findings of one `check`, narrowed to a kind or a policy,
 * and their totals: how many, how many overdue, by kind and by policy, and
 * for a policy whose findings fall due on a few dates (the waves of a
 * tenure cap, the leave-by date of a departure order) how many fall due on
 * each. The totals are computed here, apart from any rendering, so that the
 * table, the JSON and any later page say the same numbers.
 */
#ifndef RULES_DOCKET_H
#define RULES_DOCKET_H

#include <stddef.h>
#include <stdint.h>

#include "rules/finding.h"

/* A policy's findings are split by deadline when they fall due on at most
 * this many dates; beyond, the deadlines are a spread, not waves. */
#define DOCKET_MAX_WAVES 4

struct docket_wave {
    int32_t deadline; /* DATE_NONE: no deadline (ambiguous) */
    size_t n;
    size_t overdue;
};

struct docket_policy {
    const char *policy;     /* borrowed from the findings */
    enum finding_kind kind; /* the kind of its first finding */
    size_t n;
    size_t overdue;
    struct docket_wave waves[DOCKET_MAX_WAVES]; /* by deadline, increasing */
    size_t n_waves; /* 0 when the deadlines are more than the waves */
};

struct docket {
    size_t n;
    size_t overdue;
    size_t by_kind[FK__COUNT];
    size_t overdue_by_kind[FK__COUNT];
    struct docket_policy *policies; /* by policy id */
    size_t n_policies;
};

/* Keeps only the findings of kind (-1: any) and of policy (NULL: any), in
 * their order; the others are released. */
void findings_keep(struct findings *f, int kind, const char *policy);

/* Totals f into out (initialised here; release with docket_release). The
 * policy names stay borrowed from f. */
void docket_summarize(const struct findings *f, struct docket *out);
void docket_release(struct docket *d);

#endif
