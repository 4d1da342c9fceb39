/*
 * The visa chapter of the report of the UN Committee on Relations with the
 * Host Country. The Headquarters Agreement (sections 11 and 13) covers the
 * transit to the headquarters district of the representatives of Members
 * and their families, so by default the report holds only the cases it
 * covers (un_case_covered): a G visa, a delegate's visa, or a visa of a
 * person serving at (or in the household of a posting at) a mission to
 * the UN. A bilateral case (an embassy's A visa) comes in only when the
 * query asks for it.
 *
 * For each sending state: visas requested for mission staff (purposes
 * posting, dependent, tdy) and for delegates, issued within the deadline,
 * issued late, refused, withdrawn, still pending, and the Kaplan-Meier
 * curve of time to decision with its 95% band (visa/km.h); then every case
 * over its deadline, with its days outstanding and any meeting it missed
 * (decided after the meeting, or still pending on it); and the meetings
 * affected, each with the cases that missed it.
 *
 * The sending state is the applicant's nationality. Deadlines come from the
 * caller, one per case (rules/visa_sla.h computes them from the visa_sla
 * policies), so this module stays free of policy parsing. Figures are as of
 * one date, as in visa/stats.h.
 */
#ifndef VISA_UNREPORT_H
#define VISA_UNREPORT_H

#include "visa/stats.h"

/* The organization whose headquarters the Agreement is about. */
#define UN_HQ_ORGANIZATION "UN"

/* The confidence level of the Kaplan-Meier bands, in percent (visa/km.h). */
#define UN_KM_CONFIDENCE 95

struct un_query {
    int32_t from, to;      /* applied between, inclusive */
    int32_t as_of;         /* figures as known on this date */
    const char *issuing;   /* the host state; NULL: every issuing state */
    int include_bilateral; /* also the cases the Agreement does not cover */
};

/* Why the Agreement covers a case. */
enum un_cover {
    UN_NOT_COVERED, /* a bilateral case */
    UN_G_CLASS,     /* a G visa */
    UN_DELEGATE,    /* a delegate to a UN meeting */
    UN_MISSION,     /* staff of (or household at) a mission to the UN */
    UN__COUNT
};

/* "bilateral", "g_class", "delegate", "un_mission". */
extern const struct enum_names ENUM_UN_COVER;

struct un_state {
    char sending[4];
    uint64_t staff, delegates; /* requested */
    uint64_t in_time, late, refused, withdrawn, pending;
    uint64_t pending_overdue; /* of the pending, past their deadline */
    struct km_curve curve;    /* time to decision; censored: pending and
                                 withdrawn cases */
    struct km_quantile km50, km90;
};

struct un_case {
    uint32_t visa;
    enum un_cover cover;
    int32_t deadline;
    int32_t outstanding; /* days from application to decision or as-of */
    int32_t over;        /* days past the deadline (<= 0: within it) */
    int undecided;       /* still undecided on the as-of date */
    int meeting_missed;
};

/* A meeting affected: the cases that missed it are missed[first ..
 * first + n). */
struct un_meeting {
    int32_t date;
    size_t first, n;
    size_t n_over; /* of them, past their deadline */
};

struct un_report {
    struct un_state *states; /* by sending state */
    size_t n_states;
    struct un_state total;
    uint64_t n_bilateral_left_out; /* selected but not covered */
    struct un_case *cases; /* over the deadline: by state, applied, id */
    size_t n_cases;
    struct un_case *missed; /* cases that missed a meeting, by meeting */
    size_t n_missed;
    struct un_meeting *meetings; /* by date */
    size_t n_meetings;
};

/* Why the Agreement covers visa case i of s, or UN_NOT_COVERED; un_until[p]
 * is the last day person p serves at a mission to the UN, or at a posting
 * there in a household (from un_service_until). */
enum un_cover un_case_covered(const struct snapshot *s, const int32_t *un_until,
                              uint32_t i);

/* For each person of s, the day their service at a mission to the UN ends
 * (INT32_MAX while it goes on), or DATE_NONE when they never served there.
 * Returns a new array the caller frees. */
int32_t *un_service_until(const struct snapshot *s);

/* Fills what q leaves open (DATE_NONE): from, the first day any case of
 * s was applied for (as_of when there is none); to, as_of. */
void un_query_complete(const struct snapshot *s, struct un_query *q);

/* Builds the report from the cases of s, deadlines[i] being case i's.
 * OUT: out, released with un_report_release. */
void un_report_build(const struct snapshot *s, const int32_t *deadlines,
                     const struct un_query *q, struct un_report *out);
void un_report_release(struct un_report *r);

#endif
