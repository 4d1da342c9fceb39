/*
 * Renderers of the web pages about registry records and the office's
 * work: a mission's staff and households, the docket and one finding's
 * explanation, notifications (a list, and one with its warnings and
 * history), the policies, and the cards of a home page. Everything is
 * escaped through report/page.h; lists are cut at PAGE_ROWS.
 */
#ifndef REPORT_PAGE_REGISTRY_H
#define REPORT_PAGE_REGISTRY_H

#include <jansson.h>

#include "core/snapshot.h"
#include "report/page.h"
#include "report/views.h"

/* Mission m's staff present on date, in roster order, each with the
 * household present then; rows first .. first + PAGE_ROWS. */
void page_staff(struct buf *b, const struct snapshot *s, uint32_t m,
                int32_t date, size_t first);
/* How many staff page_staff lists in all. */
size_t page_staff_count(const struct snapshot *s, uint32_t m, int32_t date);

/* The docket of a check's JSON: its findings from first, each linking to
 * explain + its id. */
void page_docket(struct buf *b, const json_t *docket, const char *explain,
                 size_t first);
/* One finding (a docket's JSON element) with its explain chain. */
void page_explain(struct buf *b, const json_t *finding);

/* A table of notifications (indexes of s). */
void page_notifications(struct buf *b, const struct snapshot *s,
                        const uint32_t *rows, size_t n, const char *caption);

/* One state of a notification's history. */
struct page_step {
    const char *recorded, *actor, *state, *reason;
};

/* A notification's warnings (the JSON array notify_warnings_json makes),
 * each with its explanation, under a heading; "no warning" when none. */
void page_warnings(struct buf *b, const char *text);

/* Notification n: its fields, warnings with their explanations, what it
 * would record and its history. */
void page_notification(struct buf *b, const struct snapshot *s,
                       const struct notification *n,
                       const struct page_step *steps, size_t n_steps);

/* The policies of s that vs sees, PAGE_ROWS of them from the first-th;
 * returns how many vs sees in all (for page_pager). */
size_t page_policies(struct buf *b, const struct snapshot *s,
                     const struct view_scope *vs, size_t first);

/* A summary card of a home page. */
struct page_card {
    const char *count; /* a figure, or NULL */
    const char *label, *href;
    const char *text; /* or NULL */
};
void page_cards(struct buf *b, const struct page_card *cards, size_t n);

#endif
