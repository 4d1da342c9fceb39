/*
 * Record views: `posting show` and `person show` as an officer reads them.
 * A posting: its fields, then its status on the date, the household
 * present, the cap dates under the tenure rules in force and the open
 * findings (rules/postview.h). A person: their fields, then their
 * postings (with each one's status on the date), the households they
 * belong to as a dependent, and their visa cases. As a table, the record
 * and then one titled table per part; as JSON, the record's object with
 * one key per part added; as CSV, the record alone (one header, one row),
 * as before.
 */
#ifndef REPORT_RECORD_H
#define REPORT_RECORD_H

#include "base/buf.h"
#include "report/grid.h"
#include "rules/postview.h"

/* Appends the posting whose fields are record's first row, with view v. */
void posting_view_render(struct buf *b, enum out_format format,
                         const struct snapshot *s, const struct grid *record,
                         const struct postview *v);

/* Appends person p of s, whose fields are record's first row, on as_of. */
void person_view_render(struct buf *b, enum out_format format,
                        const struct snapshot *s, const struct grid *record,
                        uint32_t p, int32_t as_of);

#endif
