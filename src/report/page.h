/*
 * The web pages of `chancery serve` (DESIGN.md, "HTTP API and web
 * pages"): the layout every page shares and the pieces pages are built
 * from. A page is HTML5 with landmarks (a skip link, header, nav, main,
 * footer), the style sheet and the one small script the server serves
 * from the binary (/static/), and nothing inline: no style attribute, no
 * script element with a body, so a Content-Security-Policy of
 * `default-src 'self'` holds. Every text passes through page_text or an
 * attribute writer, which escape it; markup is only ever a literal of
 * this code. http/ chooses what to render; nothing here reads a request.
 */
#ifndef REPORT_PAGE_H
#define REPORT_PAGE_H

#include <jansson.h>
#include <stddef.h>

#include "base/buf.h"
#include "report/grid.h"

/* The biggest page (charts included): a buffer that would grow past it
 * is a bug of a page that forgot to paginate. */
#define PAGE_MAX ((size_t)4 << 20)

/* Rows a list shows before it pages. */
#define PAGE_ROWS 100

/* Who sees the page and what frames it. */
struct page_frame {
    const char *title;  /* the page's heading and <title> */
    const char *user;   /* NULL: not signed in */
    const char *role;   /* "officer", ...; NULL when not signed in */
    const char *scope;  /* a liaison's state or mission, else NULL */
    const char *csrf;   /* the session's form token (the sign-out form) */
    const char *active; /* the nav entry's path to mark current, or NULL */
    int print;          /* 1: a printable list (its print style applies) */
};

/* Opens the page: head, skip link, header with the signed-in account
 * and a sign-out button, the role's navigation, <main> and the <h1>. */
void page_begin(struct buf *b, const struct page_frame *f);
/* Closes main, adds the footer and ends the document. */
void page_end(struct buf *b);

/* Markup as it is (a literal of the caller, never data). */
void page_raw(struct buf *b, const char *markup);
/* Text, escaped for an element's content or an attribute value. */
void page_text(struct buf *b, const char *text);
/* printf into the page, every %s argument escaped; for numbers and
 * short texts around literal markup. */
void page_fmt(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Text percent-encoded for a URL's path segment or query value. */
void page_url(struct buf *b, const char *text);
/* <a href="prefix + url-encoded key">text</a>. */
void page_link(struct buf *b, const char *prefix, const char *key,
               const char *text);

/* A heading of level 2 or 3 and a paragraph, escaped. */
void page_heading(struct buf *b, int level, const char *text);
void page_para(struct buf *b, const char *text);
/* A message box: kind is "error", "warning", "notice" (role=status or
 * alert as the kind says). */
void page_message(struct buf *b, const char *kind, const char *text);

/* A description list of a change set's (or any act's) recorded time,
 * actor and reason. */
void page_summary(struct buf *b, const char *recorded, const char *actor,
                  const char *reason);

/* A column whose cells link to prefix + cell. */
struct page_link {
    const char *column;
    const char *prefix;
};

/* A grid as an accessible table with a caption; cells of the columns in
 * links (NULL-ended, may be NULL) link to their records. */
void page_grid(struct buf *b, const struct grid *g, const char *caption,
               const struct page_link *links);

/* JSON as HTML: an array of objects as a table (rows first .. first +
 * PAGE_ROWS), an object as a description list (nested values in turn),
 * a scalar as text. links as for page_grid. */
void page_json(struct buf *b, const json_t *v, const char *caption,
               const struct page_link *links, size_t first);
/* The same from JSON text (as a view renders it); a parse failure is a
 * bug of the view. */
void page_json_text(struct buf *b, const char *text, const char *caption,
                    const struct page_link *links, size_t first);

/* Links to the pages of a list of total rows shown PAGE_ROWS at a time,
 * from first: base is the URL with its query so far ("/missions?x=1&"),
 * to which "offset=N" is added. */
void page_pager(struct buf *b, const char *base, size_t first, size_t total);

/* An SVG document (a chart of report/) inline, without its XML
 * declaration, in a figure with a caption. */
void page_svg(struct buf *b, const char *svg, const char *caption);

/* The body of a self-contained HTML document of report/ (the UN
 * report's), without its first <h1>, inside the page. Such documents
 * carry their style in <head> only, which this leaves out. */
void page_embed_body(struct buf *b, const char *html);

/* ---- forms ---- */

/* Opens a POST form to action with the CSRF token as a hidden field. */
void page_form_begin(struct buf *b, const char *action, const char *csrf);
/* A second submit button of a form, sending name=1 (a preview). */
void page_preview_button(struct buf *b, const char *name, const char *label);
/* Closes it with a submit button. */
void page_form_end(struct buf *b, const char *submit);
/* Opens a GET form (filters; no token: it changes nothing). */
void page_filter_begin(struct buf *b, const char *action);

/* Closes a GET form with its button. */
void page_filter_end(struct buf *b, const char *submit);
/* A labelled date input. */
void page_date_field(struct buf *b, const char *name, const char *label,
                     const char *value);
/* A paragraph linking to the history of a record (/history/ENTITY/ID). */
void page_history_link(struct buf *b, const char *entity, const char *id);

/* A labelled field. */
struct page_field {
    const char *name;
    const char *label;
    const char *type;    /* "text", "date", "number", "password",
                            "textarea", "select" */
    const char *value;   /* kept on a failed submit; may be NULL */
    const char *error;   /* shown beside the field; NULL: none */
    const char *hint;    /* a short help line; NULL: none */
    const char *options; /* select: values joined by '|' ("" first =
                            none) */
    int required;
};
void page_field(struct buf *b, const struct page_field *f);
/* The same, for a date that may not precede the field named not_before
 * (a hint web/app.js gives while typing; the server checks again). */
void page_field_after(struct buf *b, const struct page_field *f,
                      const char *not_before);
/* A fieldset with a legend around fields. */
void page_fieldset_begin(struct buf *b, const char *legend);
void page_fieldset_end(struct buf *b);

#endif
