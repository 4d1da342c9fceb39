/*
 * Findings: what evaluating the policies at a date yields (DESIGN.md,
 * "Policies"). Each names the policy, the record it is about (a posting, a
 * dependent, a state), the deadline and whether it has passed, a one-line
 * detail and the explain chain: the steps from the rule's words to the
 * result, each a sentence with the dates and counts it used, so that a
 * lawyer can follow it without the code.
 *
 * A finding's id is "POLICY:SUBJECT" ("usa-rus-tenure:T00123"): stable from
 * one run to the next and readable, so `explain` can name it.
 */
#ifndef RULES_FINDING_H
#define RULES_FINDING_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/entity.h"

enum finding_kind {
    FK_OVER_TENURE,
    FK_DEPARTURE_DUE,
    FK_OVER_CAP,
    FK_DEPENDENT_STATUS,
    FK_LOCAL_STAFF,
    FK_VISA_OVERDUE,
    FK_AMBIGUOUS,      /* the rule cannot decide without guessing a date */
    FK_MISSION_CLOSED, /* a notification's appointment after the closure */
    FK__COUNT
};

extern const struct enum_names ENUM_FINDING_KIND;

struct finding {
    const char *id;
    const char *policy;
    enum finding_kind kind;
    enum entity_kind subject_kind;
    const char *subject; /* the subject's key */
    int32_t as_of;
    int32_t deadline; /* DATE_NONE when the rule cannot say (ambiguous) */
    int overdue;      /* the deadline has passed and nothing complied */
    const char *detail;
    const char **explain;
    size_t n_explain;
    size_t alloc_explain;
};

/* A list of findings owning every string in it. */
struct findings {
    struct finding *items;
    size_t n;
    size_t alloc;
    struct arena strings;
    /* Set by a caller that shows no explain chain (check's table and
     * CSV): finding_explain then keeps nothing, and the evaluators skip
     * the records only a chain names (the person, the mission). */
    int terse;
};

void findings_init(struct findings *f);
void findings_release(struct findings *f);

/* Appends a finding of policy about subject (copied), its id made from
 * both; deadline DATE_NONE and not overdue until set. Returns it, valid
 * until the next findings_add. */
struct finding *findings_add(struct findings *f, const char *policy,
                             enum finding_kind kind,
                             enum entity_kind subject_kind, const char *subject,
                             int32_t as_of);
/* Sets x's detail from a printf format. */
void finding_detail(struct findings *f, struct finding *x, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Appends one step to x's explain chain (nothing when f is terse). */
void finding_explain(struct findings *f, struct finding *x, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));
/* Sets the deadline, and overdue when as_of is past it. */
void finding_deadline(struct finding *x, int32_t deadline);

/* Appends a copy of x (made for another list) to f, its strings in f's
 * arena; the explain chain is left out when f is terse. */
void findings_copy(struct findings *f, const struct finding *x);

/* Orders the findings: overdue first, then by deadline (none last), then
 * by policy and subject, so that equal inputs print in equal order. */
void findings_sort(struct findings *f);
/* The finding with id, or NULL. */
const struct finding *findings_find(const struct findings *f, const char *id);

#endif
