/*
 * Views: the compute-and-render step of the read commands that both the
 * CLI and the HTTP API serve (DESIGN.md, "HTTP API and web pages"). Each
 * takes a snapshot and the command's parsed options and renders into a
 * buffer, so `chancery mission list --format json` and
 * `GET /api/v1/missions` print the same bytes because they are the same
 * call. A view_scope narrows what a caller may see: the records of one
 * sending state or mission (a liaison), or persons without birth dates and
 * passport numbers (an analyst); the CLI passes VIEW_SCOPE_ALL.
 */
#ifndef REPORT_VIEWS_H
#define REPORT_VIEWS_H

#include "base/buf.h"
#include "base/status.h"
#include "core/count.h"
#include "core/holidays.h"
#include "core/snapshot.h"
#include "report/grid.h"
#include "rules/check.h"
#include "rules/parity.h"
#include "visa/consular.h"
#include "visa/stats.h"

struct view_scope {
    const char *sending;   /* only this sending state's records; NULL: all */
    const char *mission;   /* only this mission's records; NULL: all */
    int withhold_personal; /* birth dates and passport numbers left blank */
};

extern const struct view_scope VIEW_SCOPE_ALL;

/* ST_OK when states names two different states of s; else ST_USAGE:
 * "unknown state 'X'" or "WHAT needs two different states". */
enum status view_two_states(const struct snapshot *s,
                            const char *const states[2], const char *what,
                            struct err *e);

/* 1 when mission m (an index of s) is within scope. */
int view_mission_visible(const struct snapshot *s, const struct view_scope *vs,
                         uint32_t m);

/* A grid whose columns are the fields of ent (":b"/":n" typed), and one
 * row of it from record i of s: what list, show and export agree on. */
void view_records_init(struct grid *g, const struct entity *ent);
void view_records_add(struct grid *g, const struct snapshot *s,
                      const struct entity *ent, uint32_t i,
                      const struct view_scope *vs);

struct mission_filter {
    const char *sending, *host, *country;
    int32_t open_on; /* DATE_NONE: every mission */
};

/* `mission list`. */
void view_missions(const struct snapshot *s, const struct mission_filter *f,
                   const struct view_scope *vs, enum out_format fmt,
                   struct buf *b);
/* `mission show ID`, `posting show ID` and the like without extras: one
 * record; ST_NOT_FOUND for a key outside s or outside scope. */
enum status view_record(const struct snapshot *s, enum entity_kind kind,
                        const char *key, const struct view_scope *vs,
                        enum out_format fmt, struct buf *b, struct err *e);
/* `person list [--nationality S] [--name TEXT]`. */
void view_persons(const struct snapshot *s, const char *nationality,
                  const char *name, const struct view_scope *vs,
                  enum out_format fmt, struct buf *b);

/* `person show ID [--as-of D]`: the person with postings, households and
 * visa cases; ST_NOT_FOUND outside s or scope. */
enum status view_person(const struct snapshot *s, const char *key,
                        int32_t as_of, const struct view_scope *vs,
                        enum out_format fmt, struct buf *b, struct err *e);

struct posting_filter {
    uint32_t mission, person; /* IDMAP_NONE: any */
    int32_t present_on;       /* DATE_NONE: any date */
};

/* `posting list`. */
void view_postings(const struct snapshot *s, const struct posting_filter *f,
                   const struct view_scope *vs, enum out_format fmt,
                   struct buf *b);
/* `posting show ID [--as-of D]`: the record and its view on as_of under
 * the public holidays h (NULL: weekends only). */
enum status view_posting(const struct snapshot *s, const char *key,
                         int32_t as_of, const struct holidays *h,
                         const struct view_scope *vs, enum out_format fmt,
                         struct buf *b, struct err *e);

/* `consular where`: the answer to q. */
void view_consular_where(const struct snapshot *s, const struct where_query *q,
                         enum out_format fmt, struct buf *b);

/* `roster MISSION [--as-of D]`: mission m's staff present on date. */
void view_roster(const struct snapshot *s, uint32_t m, int32_t date,
                 enum out_format fmt, struct buf *b);
/* `roster --sending S --host H`: every mission of S in H open on date. */
void view_roster_missions(const struct snapshot *s, const char *sending,
                          const char *host, int32_t date, enum out_format fmt,
                          struct buf *b);

/* `parity S1 S2`: on one date (from is DATE_NONE) or as a series. */
struct parity_query {
    struct parity_options o;
    int32_t as_of, from, to;
    enum parity_step step;
};

/* Computes q: *dates (the caller frees) and p (initialised by the
 * caller); an unknown or repeated state, or a series too long, is
 * ST_USAGE. */
enum status view_parity_compute(const struct snapshot *s,
                                const struct parity_query *q, int32_t **dates,
                                size_t *n, struct parity *p, struct err *e);
/* Renders p, computed for q. */
void view_parity_render(const struct parity_query *q, const struct parity *p,
                        enum out_format fmt, struct buf *b);
/* Both, for a caller that needs nothing else (no chart). */
enum status view_parity(const struct snapshot *s, const struct parity_query *q,
                        enum out_format fmt, struct buf *b, struct err *e);

/* `visa stats` (without a chart). */
void view_visa_stats(const struct snapshot *s, const struct visa_query *q,
                     enum out_format fmt, struct buf *b);

/* `check`: the policies' findings as a docket. */
struct check_query {
    struct check_options o; /* with the holidays */
    int as_of_given;
    int32_t as_known_on;
    const char *kind, *policy; /* NULL: any */
};

/* Validates q against s (an unknown state or kind is ST_USAGE, an unknown
 * policy ST_INVALID) and evaluates it: f (initialised here, released by
 * the caller) holds the findings q keeps. check and explain share it. */
enum status view_findings(const struct snapshot *s, const struct check_query *q,
                          struct findings *f, struct err *e);

/* Validates q against s as view_check does, evaluating nothing. */
enum status view_check_options(const struct snapshot *s,
                               const struct check_query *q, struct err *e);

/* view_check of findings f already evaluated (sorted, as rules_check
 * leaves them, for q's date, issuer and target): validates q, keeps the
 * findings of q's kind and policy in f and renders the docket. A page
 * that keeps findings between requests renders with it. */
enum status view_check_of(const struct snapshot *s, const struct check_query *q,
                          struct findings *f, enum out_format fmt,
                          struct buf *b, size_t *n_findings, struct err *e);

/* Validates q against s (an unknown state or kind is ST_USAGE, an unknown
 * policy ST_INVALID), evaluates and renders the docket. OUT: *n_findings. */
enum status view_check(const struct snapshot *s, const struct check_query *q,
                       enum out_format fmt, struct buf *b, size_t *n_findings,
                       struct err *e);

enum headcount_by { BY_PLACE, BY_MISSION, BY_CATEGORY };

struct headcount_args {
    struct count_scope scope;
    int32_t date;
    enum headcount_by by;
};

/* `headcount`: staff present on a date, grouped. */
void view_headcount(const struct snapshot *s, const struct headcount_args *a,
                    enum out_format fmt, struct buf *b);

#endif
