/*
 * The visa chapter of the report of the UN Committee on Relations with the
 * Host Country, as a table per sending state: visas requested for mission
 * staff (purposes posting, dependent, tdy) and for delegates, issued within
 * the deadline, issued late, refused, withdrawn, still pending; then every
 * case over its deadline, with its days outstanding and any meeting it
 * missed (decided after the meeting, or still pending on it); and the
 * Kaplan-Meier curve of time to decision per sending state.
 *
 * The sending state is the applicant's nationality. Deadlines come from the
 * caller, one per case (rules/visa_sla.h computes them from the visa_sla
 * policies), so this module stays free of policy parsing. Figures are as of
 * one date, as in visa/stats.h.
 */
#ifndef VISA_UNREPORT_H
#define VISA_UNREPORT_H

#include "visa/stats.h"

struct un_query {
    int32_t from, to;    /* applied between, inclusive */
    int32_t as_of;       /* figures as known on this date */
    const char *issuing; /* the host state; NULL: every issuing state */
};

struct un_state {
    char sending[4];
    uint64_t staff, delegates; /* requested */
    uint64_t in_time, late, refused, withdrawn, pending;
    uint64_t pending_overdue; /* of the pending, past their deadline */
};

struct un_case {
    uint32_t visa;
    int32_t deadline;
    int32_t outstanding; /* days from application to decision or as-of */
    int32_t over;        /* days past the deadline */
    int undecided;       /* still undecided on the as-of date */
    int meeting_missed;
};

struct un_report {
    struct un_state *states; /* by sending state */
    size_t n_states;
    struct un_state total;
    struct un_case *cases; /* over the deadline: by state, applied, id */
    size_t n_cases;
    struct visa_stats curves; /* grouped by nationality */
};

/* Builds the report from the cases of s, deadlines[i] being case i's.
 * OUT: out, released with un_report_release. */
void un_report_build(const struct snapshot *s, const int32_t *deadlines,
                     const struct un_query *q, struct un_report *out);
void un_report_release(struct un_report *r);

#endif
