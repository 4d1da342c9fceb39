/*
 * The docket of `check` rendered: for a table, a header naming the date,
 * the as-known-on date and the filters, the findings, and the totals by
 * kind and by policy ("usa-rus-tenure: 55, 27 by 2022-01-30, 28 by
 * 2022-06-30"); for CSV, the findings' rows alone, so that a spreadsheet
 * or a script reads one header and one row per finding; for JSON, one
 * object holding the same header, the findings (each as `explain` prints
 * it) and the same totals.
 */
#ifndef REPORT_DOCKET_H
#define REPORT_DOCKET_H

#include <jansson.h>

#include "base/buf.h"
#include "report/grid.h"
#include "rules/docket.h"

struct docket_head {
    int32_t as_of;
    int as_of_given;     /* 0: as_of is today, and the header says so */
    int32_t as_known_on; /* DATE_NONE: every change recorded */
    const char *issuer, *target, *kind, *policy; /* NULL: any */
    const char *const *assumed;
    size_t n_assumed;
};

/* Appends the docket of f (totalled in d) in format to b. */
void docket_render(struct buf *b, enum out_format format,
                   const struct docket_head *h, const struct findings *f,
                   const struct docket *d);

/* Appends the findings alone as a table or CSV (one row each). */
void findings_render(struct buf *b, enum out_format format,
                     const struct findings *f);

/* One finding as a JSON object: id, policy, kind, subject {entity, id},
 * as_of, deadline, overdue, detail, explain (an array of strings). The
 * caller owns the result. */
json_t *finding_json(const struct finding *x);

/* Appends v, indented, and a newline to b; v stays the caller's. */
void json_render(struct buf *b, const json_t *v);

#endif
