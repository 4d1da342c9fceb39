/*
 * The UN report (visa/unreport.h) rendered for the Committee on Relations
 * with the Host Country: a summary by sending state, the cases past their
 * deadline, the meetings affected (each with the cases that missed it),
 * the statistics (Kaplan-Meier time to decision with its confidence level)
 * and the legal basis (Headquarters Agreement sections 11, 13 and 21,
 * quoted with their sources; the 15-day frame named as a practice). As a
 * table with a heading per section, as CSV (the summary and the cases, as
 * before), as one JSON object, or as a printable HTML page (A4).
 */
#ifndef REPORT_UNREPORT_HTML_H
#define REPORT_UNREPORT_HTML_H

#include "base/buf.h"
#include "report/grid.h"
#include "visa/unreport.h"

/* Appends r, built from s for q, in format to b. */
void un_report_render(struct buf *b, enum out_format format,
                      const struct snapshot *s, const struct un_query *q,
                      const struct un_report *r);

/* Appends r as a self-contained, printable HTML page to b. */
void un_report_html(struct buf *b, const struct snapshot *s,
                    const struct un_query *q, const struct un_report *r);

/* The same page with PAGE_ROWS of the cases past the deadline from the
 * first-th, and a pager to the others whose links are pager_base then
 * "offset=N" (the web page: the whole list of a large registry runs to
 * megabytes). */
void un_report_html_paged(struct buf *b, const struct snapshot *s,
                          const struct un_query *q, const struct un_report *r,
                          size_t first, const char *pager_base);

#endif
