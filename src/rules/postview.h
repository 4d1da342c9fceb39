/*
 * What a protocol officer reads about one posting on a date: its status
 * (from its milestones, never stored), the household present, the cap
 * date and the leave-by date under each tenure rule in force that reaches
 * it, and the findings open against it or its household. Built from the
 * same evaluator as `check`, so that a posting's page and the docket never
 * disagree.
 */
#ifndef RULES_POSTVIEW_H
#define RULES_POSTVIEW_H

#include "rules/check.h"

/* A tenure rule in force that reaches the posting. */
struct postview_cap {
    const char *policy; /* borrowed from the snapshot */
    int32_t cap;        /* arrival + the rule's period; DATE_NONE when the
                           tour has not arrived or the date is ambiguous */
    int32_t leave_by;   /* the rule's deadline for the tour, as above */
    int wave;           /* 1-based wave that sets leave_by; 0: none */
};

struct postview {
    int32_t as_of;
    const char *status;  /* "present, accredited", "ended", ... (static) */
    uint32_t *household; /* dependents present on as_of */
    size_t n_household;
    struct postview_cap *caps;
    size_t n_caps;
    struct findings findings; /* open: about the posting or its household */
};

/* Builds the view of posting ti of s (indexed) on o->as_of, with the
 * policies as o selects them (issuer, target, assumed conditions). OUT:
 * out, released with postview_release. ST_INVALID naming the policy when a
 * stored policy no longer validates. */
enum status postview_build(const struct snapshot *s, uint32_t ti,
                           const struct check_options *o, struct postview *out,
                           struct err *e);
void postview_release(struct postview *v);

/* The status of posting t on date, in words ("notified, not arrived",
 * "present, accredited", "present, accreditation pending", "refused",
 * "ended", "not yet notified"). */
const char *posting_status(const struct posting *t, int32_t date);

/* 1 when dependent d is in its household on date (joined, not left; a
 * revoked accreditation does not take a person out of the household). */
int dependent_present(const struct dependent *d, int32_t date);

#endif
