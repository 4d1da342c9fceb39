/*
 * More views (report/views.h): the compute-and-render steps of explain,
 * plan, policy list and show, visa list and show, the UN visa report and
 * the visa statistics' chart, which both the CLI and `chancery serve`
 * call, so that a GET route answers the bytes of the command with
 * `--format json`. Each takes the command's parsed options and renders
 * into a buffer; a view_scope narrows what a liaison sees.
 */
#ifndef REPORT_READ_VIEWS_H
#define REPORT_READ_VIEWS_H

#include "report/views.h"
#include "rules/plan.h"
#include "visa/unreport.h"

/* The state a scoped caller belongs to: the scope's sending state, or the
 * sending state of its mission; NULL for an unscoped caller or an unknown
 * mission. */
const char *view_scope_state(const struct snapshot *s,
                             const struct view_scope *vs);

/* `explain FINDING`: the steps of finding x; wrapped, numbered text for a
 * table, one row per step for CSV, the finding's object for JSON. */
void view_explain_render(const struct finding *x, enum out_format fmt,
                         struct buf *b);

/* `explain ID` whole: ST_NOT_FOUND "no finding 'ID' on D" when check on q
 * does not find it. */
enum status view_explain(const struct snapshot *s, const struct check_query *q,
                         const char *id, enum out_format fmt, struct buf *b,
                         struct err *e);

/* `plan S1 S2 --by D`: the departures and the proof. s is changed while
 * the plan is proved and restored before the return, so it must be the
 * caller's own. Unknown or equal states are ST_USAGE. OUT: *n_remaining,
 * the findings the proof still finds (0: it holds). */
enum status view_plan(struct snapshot *s, const struct plan_options *o,
                      enum out_format fmt, struct buf *b, size_t *n_remaining,
                      struct err *e);

/* `policy list [--issuer S] [--target S]`; a scoped caller sees the
 * policies its state applies or that are applied to it (or to all). */
void view_policies(const struct snapshot *s, const char *issuer,
                   const char *target, const struct view_scope *vs,
                   enum out_format fmt, struct buf *b);
/* 1 when policy y is the scoped caller's: its state applies it, or it is
 * applied to that state (or to every state). */
int view_policy_visible(const struct snapshot *s, const struct policy *y,
                        const struct view_scope *vs);
/* `policy show ID`: the policy's JSON as recorded (every format). */
enum status view_policy(const struct snapshot *s, const char *id,
                        const struct view_scope *vs, struct buf *b,
                        struct err *e);

/* `visa list`'s filter: NULL, IDMAP_NONE, ENUM_NONE or DATE_NONE for
 * any. */
struct visa_filter {
    const char *issuing, *nationality, *vclass;
    uint32_t post;
    int purpose, outcome;
    int32_t from, to;
};

/* `visa list`; a scoped caller sees its nationals' cases. */
void view_visas(const struct snapshot *s, const struct visa_filter *f,
                const struct view_scope *vs, enum out_format fmt,
                struct buf *b);
/* `visa show ID`: the case, and for a table the cases linked to it. */
enum status view_visa(const struct snapshot *s, const char *id,
                      const struct view_scope *vs, enum out_format fmt,
                      struct buf *b, struct err *e);

/* `visa report --un`: q completed (un_query_complete) and checked by the
 * caller; deadlines under the public holidays h. */
enum status view_visa_report(const struct snapshot *s, const struct un_query *q,
                             const struct holidays *h, enum out_format fmt,
                             struct buf *b, struct err *e);

/* `visa stats --svg`: the Kaplan-Meier chart of q's groups, with the
 * deadline line at deadline days (0: the issuing state's visa_sla policy
 * in effect on q->as_of, else none). */
void view_visa_stats_svg(const struct snapshot *s, const struct visa_query *q,
                         int32_t deadline, struct buf *b);

#endif
