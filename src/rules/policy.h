/*
 * Policies parsed and validated (DESIGN.md, "Policies"). A policy is a JSON
 * object; this module checks it field by field against the snapshot (states,
 * missions and persons must exist, enumeration values must be known) and
 * turns it into a struct policy_rule with the typed parameters of its kind,
 * which is what the evaluator reads. Every problem is reported, each as
 * "FILE: policy 'ID': field 'params.max_tenure': message", so one pass over
 * a file names all that is wrong with it.
 *
 * Pure: no file is read here and nothing is printed; the caller hands over
 * the text and prints the problems.
 */
#ifndef RULES_POLICY_H
#define RULES_POLICY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/date.h"
#include "base/problems.h"
#include "core/snapshot.h"

/* Which missions and staff a policy reaches, beyond "the target's missions
 * in the issuer's country". Empty masks and lists mean every value. */
struct policy_scope {
    unsigned kinds;      /* mask of 1 << enum mission_kind */
    unsigned categories; /* mask of 1 << enum staff_category */
    uint32_t *missions;  /* mission indexes */
    size_t n_missions;
};

struct wave {
    int32_t over_by;
    int32_t leave_by;
};

struct tenure_params {
    struct period max_tenure;
    enum rounding rounding;
    struct wave *waves; /* in order of over_by */
    size_t n_waves;
    struct period grace;
    /* The cap dates the rule reaches: on or after cap_from and before
     * cap_before (DATE_NONE: no bound), so that a rule announcing one
     * group can leave the next to another rule. */
    int32_t cap_from, cap_before;
};

/* How a headcount cap counts staff (DESIGN.md, "headcount_cap"). */
struct cap_count {
    unsigned kinds;      /* 0: every kind */
    unsigned categories; /* 0: every category */
    int include_local_staff;
    int include_organizations;
    int include_dependents;
};

struct cap_params {
    int mirrored; /* 0: limit applies; 1: ratio and lag do */
    long limit;
    double ratio;
    struct period lag;
    struct cap_count count;
};

enum departure_reason { DEPART_PNG, DEPART_ORDERED };

struct departure_params {
    uint32_t *persons; /* person indexes; NULL when the order selects */
    size_t n_persons;
    int selects; /* 1: the select filter names the postings */
    struct policy_scope select;
    int32_t arrived_before; /* select only; DATE_NONE: any arrival */
    int32_t declared;
    int32_t leave_by;
    enum departure_reason reason;
};

enum family_choice { FAMILY_UNSET, FAMILY_ALLOW, FAMILY_DENY };

struct dependent_params {
    enum family_choice spouse;     /* accredit | deny */
    enum family_choice child_visa; /* issue | deny */
    int child_max_age;             /* -1: none */
    int student_max_age;           /* -1: none */
};

struct local_staff_params {
    char (*nationalities)[4]; /* state codes */
    size_t n_nationalities;
    int third_country; /* "third_country" listed: any other nationality */
};

struct visa_sla_params {
    int max_days;
    int working_days;  /* 0: calendar days */
    unsigned purposes; /* mask of visa purposes; 0: all */
    const char **classes;
    size_t n_classes;
};

struct policy_rule {
    const char *id;
    const char *title;
    int kind; /* enum policy_kind */
    char issuer[4];
    char target[4]; /* a state code or "*" */
    struct policy_scope scope;
    int32_t from;
    int32_t to;         /* DATE_NONE: open-ended */
    const char *unless; /* NULL: unconditional */
    union {
        struct tenure_params tenure;
        struct cap_params cap;
        struct departure_params departure;
        struct dependent_params dependent;
        struct local_staff_params local_staff;
        struct visa_sla_params visa_sla;
    } u;
};

/* Where problems are reported: "FILE" or "FILE: policy 'ID'". */
#define POLICY_WHERE_MAX 512

/* Parses the policy object obj (borrowed) against s,
 * every string and array allocated in arena a. Each problem is added to p
 * as "FILE: policy 'ID': field 'X': message" (file names the source, index
 * its position in an array, for a policy without an id). Returns the
 * number of problems found; out is meaningful only when it is 0. */
size_t policy_rule_parse(const struct snapshot *s, json_t *obj,
                         const char *file, size_t index, struct arena *a,
                         struct policy_rule *out, struct problems *p);

/* Parses JSON text (one policy object or an array of them) from file and
 * appends a policy record per object to s, its body the object as given in
 * compact form. A duplicate id, in the text or in s, is a problem as any
 * other. Records are appended only for valid policies. OUT: *n_added. */
void policy_read_text(struct snapshot *s, const char *file, const char *text,
                      size_t len, struct problems *p, size_t *n_added);

/* Parses the body of policy record i of s; ST_INVALID with the first
 * problem as e's message when the stored body no longer validates (a
 * person it names was removed). */
enum status policy_rule_load(const struct snapshot *s, uint32_t i,
                             struct arena *a, struct policy_rule *out,
                             struct err *e);

/* The body of policy record y in the interchange form: indented by two
 * spaces, keys in their order, ending with a newline. Returns a new string
 * the caller frees. */
char *policy_pretty(const struct policy *y);

/* The body of y with effective.to set to the date to (the last day in
 * effect), compact; a new string the caller frees. */
char *policy_body_with_to(const struct policy *y, int32_t to);

/* 1 when the rule is in effect on date (from <= date, and date <= to when
 * to is set). */
int policy_rule_in_effect(const struct policy_rule *r, int32_t date);

#endif
