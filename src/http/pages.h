/*
 * What the files of the web pages share (pages.c and pages_*.c): a page
 * request, the page route table's entry, and the helpers a page handler
 * calls. A handler reads its parameters and form fields here, checks them
 * as the matching API route does, and renders through report/page*.h
 * into p->out, or sets p->location to redirect. Access is decided by the
 * table (the same role sets as routes.c) and by the scope in p->rq, as
 * for the API: a liaison's records outside its scope are 404.
 */
#ifndef HTTP_PAGES_H
#define HTTP_PAGES_H

#include "http/http.h"
#include "report/page.h"

#define MAX_FORM 96

struct page_rq {
    struct request rq;
    struct page_exchange *px;
    struct param form[MAX_FORM]; /* a POST's fields, decoded */
    int n_form;
    char *form_text;              /* their storage (owned) */
    char session[AUTH_TOKEN_BUF]; /* the session cookie's token, or "" */
    char csrf[AUTH_TOKEN_BUF];    /* the session's form token, or "" */
    int expired;                  /* a cookie that names no live session */
    struct buf out;
    const char *type;     /* Content-Type; NULL: HTML */
    char location[512];   /* a redirect (303) when set */
    char cookies[2][256]; /* Set-Cookie headers, "" when none */
    int secure;           /* the connection is TLS: cookies are Secure */
    int32_t as_known_on;  /* a read page's registry as recorded on that
                             day (DATE_NONE: now) */
};

typedef enum status (*page_fn)(struct page_rq *p, struct err *e);

struct page_route {
    const char *method;
    const char *pattern; /* "/missions/{id}" */
    unsigned roles;
    page_fn handler;
    int reads; /* gets the registry in p->rq.s */
};

#define PAGE_READERS (ROLE_OFFICER | ROLE_LIAISON | ROLE_ANALYST)
#define PAGE_LOGGED  (PAGE_READERS | ROLE_AUDITOR)
#define PAGE_ANYONE  (PAGE_LOGGED | ROLE_PUBLIC)

/* The value of a query parameter, or NULL; of a form field, or NULL. */
const char *page_param(const struct page_rq *p, const char *name);
const char *page_form(const struct page_rq *p, const char *name);
/* A parameter as a date (absent: def); ST_USAGE naming it when bad. */
enum status page_date(const struct page_rq *p, const char *name, int32_t def,
                      int32_t *out, struct err *e);
/* A row offset parameter ("offset"), 0 when absent or bad. */
size_t page_offset(const struct page_rq *p);

/* The key (memo.h) of what a page renders from its registry and its
 * request alone: what, the registry's head and day, today, the caller's
 * role and scope, and the query's parameters as given. */
void page_memo_key(const struct page_rq *p, const char *what, struct buf *key);
/* The same with the head given (page_relevant_seq). */
void page_memo_key_at(const struct page_rq *p, const char *what, int64_t seq,
                      struct buf *key);

/* A write form's one-time key (docs/api.md, "Idempotency-Key"): a hidden
 * field `idem`, random, drawn again each time a form is rendered, which
 * the form's handler uses as the write's Idempotency-Key, so that the
 * same form sent twice (a double click, a browser's re-POST) writes once
 * and answers the second as the first. */
void page_idem_field(struct page_rq *p);
/* The form's key into key (IDEM_KEY_MAX + 1 bytes; "" when the form has
 * none: a page drawn before keys); ST_USAGE, naming it, when malformed. */
enum status page_idem_key(const struct page_rq *p, char *key, struct err *e);

/* Starts the page: the layout for the caller's account. */
void page_open(struct page_rq *p, const char *title, const char *active);
void page_open_print(struct page_rq *p, const char *title, const char *active);
/* Ends it. */
void page_close(struct page_rq *p);
/* Redirects (303 See Other) to a local path. */
void page_redirect(struct page_rq *p, const char *path);

/* The route tables of the page files, each ended by a NULL method. */
extern const struct page_route PAGES_PUBLIC[];
extern const struct page_route PAGES_OFFICER[];
extern const struct page_route PAGES_LIAISON[];
extern const struct page_route PAGES_ANALYST[];
extern const struct page_route PAGES_AUDITOR[];

/* The home page of each role. */
enum status pages_home_officer(struct page_rq *p, struct err *e);
enum status pages_home_liaison(struct page_rq *p, struct err *e);
enum status pages_home_analyst(struct page_rq *p, struct err *e);
enum status pages_home_auditor(struct page_rq *p, struct err *e);

/* The analyst's "forecasts compared" page (pages_forecast.c). */
enum status pages_forecasts(struct page_rq *p, struct err *e);
/* The registry's last change-log entry, up to p's, that changed a record
 * of the entity kinds in kinds (bits 1u << ENT_*): the head a page that
 * reads only those kinds keys what it keeps by (pages_kept.c); p's own
 * head when p reads a past registry or an older one. */
int64_t page_relevant_seq(struct page_rq *p, unsigned kinds);
/* For page_relevant_seq: what the UN report reads (visa cases, policies,
 * states; persons' nationality; missions at the UN, their postings and
 * households), a narrower set than whole kinds. */
#define PAGE_KIND_UN (1u << ENT__COUNT)
/* The kinds every page but the inbox's may read: all but notifications. */
#define PAGE_KINDS_REGISTRY \
    (((1u << ENT__COUNT) - 1) & ~(1u << ENT_NOTIFICATION))

/* The findings of q (validated as view_check does) on p's registry, into
 * out (initialised here, released by the caller), from the findings kept
 * per policy (pages_docket.c). */
enum status docket_findings(struct page_rq *p, const struct check_query *q,
                            struct findings *out, struct err *e);

/* The "as of" and "as recorded on" fields of a record page (a form to
 * action), and a notice when the page shows the registry as recorded on
 * an earlier day; as_of NULL: the record has no date to show it on. */
void page_known_form(struct page_rq *p, const char *action, const char *as_of);

/* The mission a liaison's scope names, or IDMAP_NONE. */
uint32_t page_own_mission(const struct page_rq *p);

#endif
