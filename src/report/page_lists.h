/*
 * The published lists (publish/dlist.h) as pages of the web interface:
 * paged by whole states, with contents and the order of precedence as a
 * part of its own; printable through the style sheet's print rules.
 */
#ifndef REPORT_PAGE_LISTS_H
#define REPORT_PAGE_LISTS_H

#include "publish/dlist.h"
#include "report/page.h"

struct page_list_view {
    const char *host_name;
    const char *base; /* the list's URL with its query so far, "...?x=1&" */
    size_t from;      /* the first state of the page */
    int precedence;   /* 1: the order of precedence instead */
};

/* Appends the part of l that v names (inside the layout) to b. */
void page_dlist(struct buf *b, const struct snapshot *s, const struct dlist *l,
                const struct page_list_view *v);

#endif
