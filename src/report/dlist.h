/*
 * Rendering the published lists (publish/dlist.h): as a table, CSV or JSON
 * (the output of `publish diplomatic-list|consular-list` and of the API's
 * /api/v1/lists/), and as a printable HTML document (A4, a page header
 * with the dates, a table of contents by state, the order of precedence
 * at the end). The renderers read the snapshot the list was built from.
 */
#ifndef REPORT_DLIST_H
#define REPORT_DLIST_H

#include "base/buf.h"
#include "publish/dlist.h"
#include "report/grid.h"

/* Appends l in format to b. JSON is one object:
 * {"host","as_of","as_known_on","missions":[{"mission","sending","name",
 * "staff":[{"posting","name","title","rank","spouse"}]}],
 * "precedence":[{"posting","mission","sending","rank","credentials"}]}
 * (absent values null). A table is a title line, the staff by state and
 * mission, and the order of precedence; CSV is the staff rows, a blank
 * line, and the precedence rows, each with its header. */
void dlist_render(const struct snapshot *s, const struct dlist *l,
                  enum out_format format, struct buf *b);

/* Appends l as a self-contained HTML document (no external resource),
 * every string escaped. */
void dlist_render_html(const struct snapshot *s, const struct dlist *l,
                       struct buf *b);

/* The name a list prints for posting i's holder or a person: given names
 * then family name, into out of size bytes. */
void dlist_person_name(const struct snapshot *s, uint32_t person, char *out,
                       size_t size);

#endif
