/*
 * Self-contained HTML pages: one file with its style inline and no
 * external resource (no script, font or image fetched), so a report can be
 * mailed, archived or opened offline exactly as it was made. A page is
 * built in a buffer from headings, paragraphs, grids (report/grid.h) as
 * tables and inline SVG; all text is escaped here.
 */
#ifndef REPORT_HTML_H
#define REPORT_HTML_H

#include "base/buf.h"
#include "report/grid.h"

/* Starts a page titled title (escaped). */
void html_begin(struct buf *b, const char *title);
/* A heading of level 1-3, a paragraph, both escaped. */
void html_heading(struct buf *b, int level, const char *text);
void html_paragraph(struct buf *b, const char *text);
/* The grid as a table: a header row, numbers aligned right. */
void html_table(struct buf *b, const struct grid *g);
/* Appends markup as it is (an SVG made by report/kmchart.h). */
void html_raw(struct buf *b, const char *markup);
/* Ends the page. */
void html_end(struct buf *b);

/* Appends text with &, <, >, " escaped. */
void html_escape(struct buf *b, const char *text);

#endif
