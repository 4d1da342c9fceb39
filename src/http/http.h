/*
 * `chancery serve` (DESIGN.md, "HTTP API and web pages"): the interface
 * cli/serve.c calls, and what the files of http/ share. server.c runs
 * libmicrohttpd and turns each request into a call of one route of
 * routes.c's table, the only place that says which role may do what;
 * auth.c logs accounts in and finds the account behind a bearer token;
 * resident.c holds the snapshot every read shares. http/ prints nothing:
 * the access log goes to the caller's log function.
 */
#ifndef HTTP_HTTP_H
#define HTTP_HTTP_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"
#include "core/snapshot.h"
#include "report/views.h"
#include "store/account.h"

struct http_options {
    const char *db_path;
    const char *listen;              /* "ADDR:PORT"; NULL: 127.0.0.1:8080 */
    unsigned threads;                /* 0: one per core */
    const struct holidays *holidays; /* for deadlines; NULL: weekends */
    /* Called once listening, with the port (the one picked for port 0). */
    void (*ready)(unsigned port, void *ctx);
    /* One access-log line (no newline). */
    void (*log)(const char *line, void *ctx);
    void *ctx;
    /* PEM text of the certificate (chain) and its key; NULL: plain HTTP. */
    const char *tls_cert, *tls_key;
    /* Writes out the log lines the caller keeps (may be NULL): called
     * once a second and once the requests in flight have finished. */
    void (*flush)(void *ctx);
};

/* Serves until SIGTERM or SIGINT, then lets the requests in flight finish
 * and returns ST_OK. */
enum status http_serve(const struct http_options *o, struct err *e);

/* The OpenAPI 3.1 document of the route table, into b. */
void http_openapi(struct buf *b);

/* ---- shared by http/ ---- */

enum role {
    ROLE_OFFICER = 1 << 0,
    ROLE_LIAISON = 1 << 1,
    ROLE_ANALYST = 1 << 2,
    ROLE_AUDITOR = 1 << 3,
    ROLE_PUBLIC = 1 << 4 /* no token needed */
};

/* The role bit of a role name; 0 for none. */
unsigned role_bit(const char *name);

/* A snapshot shared by the requests that read it. */
struct snap_ref {
    struct snapshot s;
    int64_t seq;    /* the change log's head it was loaded at */
    size_t strings; /* its arena's bytes once loaded (resident.c) */
    int refs;
    int resident; /* 0: a one-request snapshot (as_known_on) */
};

struct store_watch;
struct write_wait;

struct resident {
    pthread_mutex_t mu;    /* cur and every refs */
    pthread_mutex_t db_mu; /* st: loads the registry, may take a while */
    struct store *st;
    /* A second connection for short statements (sessions, accounts, the
     * change log), so that a token is checked while a load runs. */
    pthread_mutex_t side_mu;
    struct store *side;
    struct snap_ref *cur;
    /* The twin of cur (resident.c): the registry before the last swap,
     * held by the readers that took it then, brought to the change log's
     * head and swapped in at the next catch-up once they released it
     * (freed is signalled as they do). NULL until loaded. */
    struct snap_ref *spare;
    pthread_cond_t freed;
    /* The writer: its own connection, durable (synchronous=FULL), and
     * its own snapshot, which a write may change as it goes (rules/notify.h
     * applies a payload in place), so that no reader ever sees a write
     * half done. ws_ok is 0 when ws must be loaded again. */
    pthread_mutex_t wr_mu;
    struct store *wr;
    struct snapshot ws;
    int ws_ok;
    size_t ws_strings; /* ws's arena bytes once loaded */
    /* Compaction (resident.c): a thread of its own, with a connection of
     * its own, loads afresh a registry whose arena has gained
     * compact_bytes since its load (strings an update replaced stay in
     * it) and swaps it in. log (may be NULL) tells of each load of the
     * server's registries under CHANCERY_DEBUG_LOAD. */
    struct store *cst;
    pthread_t compactor;
    int compactor_on, c_stop;
    pthread_mutex_t c_mu;
    pthread_cond_t c_wake;
    size_t compact_bytes;
    int compact_bytes_set; /* by CHANCERY_SERVE_COMPACT_BYTES */
    int64_t image_seq;     /* the head when compaction last wrote the image */
    void (*log)(const char *line, void *ctx);
    void *log_ctx;
    /* Called by the compactor's thread once a second (may be NULL): the
     * server flushes its access log and, under CHANCERY_DEBUG_LOAD,
     * logs its memory there. */
    void (*tick)(void *ctx);
    void *tick_ctx;
    /* Group commit (resident.c): the writes waiting, and whether one of
     * their callers is writing a batch for all of them. */
    pthread_mutex_t q_mu;
    pthread_cond_t q_done;
    struct write_wait *q_head, **q_tail;
    int q_leader;
    /* st's data version when the change log was last read: until it
     * moves, no other connection has written, and the log is not read. */
    int64_t version;
    /* On PostgreSQL, what tells the connections' data version without a
     * query and catches up as other offices write (store/watch.h). */
    struct store_watch *watch;
    int watch_busy; /* under mu: the watch's thread is catching up */
};

enum status resident_open(struct resident *r, const char *db_path,
                          struct err *e);
/* Shared by resident.c and compact.c: a line of what was loaded, to the
 * log under CHANCERY_DEBUG_LOAD; the registry loaded at the change log's
 * head (refs 0); a reference dropped (the last frees the registry); the
 * spare taken once no reader holds it (under db_mu; NULL: none, or left
 * to its readers); and compaction's threshold (*set: from
 * CHANCERY_SERVE_COMPACT_BYTES) and its stop. */
void resident_note(struct resident *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum status resident_load(struct store *st, int32_t as_known_on,
                          struct snap_ref **out, struct err *e);
void resident_unref(struct snap_ref *ref);
struct snap_ref *resident_take_spare(struct resident *r);
size_t compact_bytes(int *set);
void compact_stop(struct resident *r);
void resident_close(struct resident *r);
/* Starts compaction (compact.c) once the server is up; log as in struct
 * resident. */
void resident_compact_start(struct resident *r,
                            void (*log)(const char *line, void *ctx),
                            void *ctx);
/* The present registry, reloaded first when the change log moved (unless
 * another request is reloading or writing: then the last loaded one), or
 * the registry as known on a date (not DATE_NONE), loaded for this
 * request. Release with resident_release. */
enum status resident_acquire(struct resident *r, int32_t as_known_on,
                             struct snap_ref **out, struct err *e);
void resident_release(struct resident *r, struct snap_ref *ref);
/* A snapshot of the request's own, loaded for it (as known on a date, or
 * now for DATE_NONE), which it may change (plan proves by applying its
 * departures). Release with resident_release. */
enum status resident_acquire_own(struct resident *r, int32_t as_known_on,
                                 struct snap_ref **out, struct err *e);

/* A write: fn runs under the write lock with the writer's connection and
 * snapshot (the registry at the change log's head); it sets *exact to 1
 * when s still matches the registry afterwards (it changed in s only
 * what it committed), else s is loaded again before the next write.
 * Returns fn's status; the change set fn commits is durable when it
 * returns. Writes waiting together are committed together (one
 * transaction, one sync): when that commit fails, each fn is run again
 * on its own, so fn starts afresh each time it runs (its output, its
 * problems) and must not count on running once. */
typedef enum status (*resident_write_fn)(struct store *st, struct snapshot *s,
                                         void *ctx, int *exact, struct err *e);
enum status resident_write(struct resident *r, resident_write_fn fn, void *ctx,
                           struct err *e);

/* One query parameter as given. */
struct param {
    const char *name, *value;
};

#define MAX_PARAMS   16
#define MAX_CAPTURES 4

/* What a client may send (server.c answers 414, 431, 400 and 413 past
 * them, each as {"error": ...}): the path and query together, the
 * headers together and their number, one parameter's value, a body's
 * nesting and each of its strings. */
#define HTTP_URL_MAX         8192
#define HTTP_HEADERS_MAX     16384
#define HTTP_HEADERS_COUNT   64
#define HTTP_PARAM_MAX       1024
#define HTTP_JSON_DEPTH_MAX  32
#define HTTP_JSON_STRING_MAX 16384

/* A request as a handler sees it. */
struct request {
    struct resident *res;
    const char *method, *path, *address;
    const char *captures[MAX_CAPTURES]; /* the {x} of the path, in order */
    struct param params[MAX_PARAMS];
    int n_params;
    const char *body;
    size_t body_len;
    const char *token;      /* the bearer token, or NULL */
    struct account account; /* name NULL: anonymous */
    unsigned role;          /* ROLE_PUBLIC when anonymous */
    struct view_scope scope;
    const struct snapshot *s; /* for routes that read the registry */
    struct snapshot *own;     /* s, for routes with READS_OWN */
    int64_t s_seq;            /* the change log's head s was loaded at */
    const char *content_type; /* NULL: application/json */
    int32_t today;
    const struct holidays *holidays;
    int code; /* the HTTP status a handler may set beyond its status */
    /* A write's Idempotency-Key header ("" without one; checked by
     * admit), and whether its answer is the one recorded for it before
     * (write_routes.c): sent with Idempotent-Replayed: true. */
    char idem_key[65];
    int replayed;
};

/* The value of query parameter name, or NULL. */
const char *request_param(const struct request *rq, const char *name);
/* Parameter name as a date (unset: *out untouched); a bad one is
 * ST_USAGE naming the parameter. */
enum status param_date(const struct request *rq, const char *name, int32_t *out,
                       struct err *e);
/* Parameter name as a state or organization of rq's registry (unset:
 * *out NULL); an unknown one is ST_USAGE naming the parameter. */
enum status param_state(const struct request *rq, const char *name,
                        const char **out, struct err *e);

typedef enum status (*route_fn)(struct request *rq, struct buf *out,
                                struct err *e);

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/missions/{id}" */
    unsigned roles;
    route_fn handler;
    /* The query parameters it takes, NULL-ended; "!name" is required,
     * "*name" may be repeated (a repeated option of the command). */
    const char *const *params;
    int reads; /* READS_*: takes as_known_on, gets rq->s */
    const char *summary;
};

/* What a route's entry does not say, for /openapi.json: the JSON Schema
 * of its body (text) and the media type of its 200 when not JSON. */
struct route_doc {
    const char *method, *pattern;
    const char *body;   /* NULL: no body */
    const char *type;   /* NULL: application/json */
    const char *answer; /* the JSON Schema of a 200; NULL: any JSON */
};

extern const struct route_doc ROUTE_DOCS[];

/* A parameter's name in a route's list, without its marker. */
const char *param_name(const char *entry);

/* What a route reads: nothing, the shared registry, or a copy of its own
 * that it may change. */
enum { READS_NONE, READS_SHARED, READS_OWN };

extern const struct route ROUTES[];

/* The route for method and path (captures filled in); NULL, with
 * *path_known set when the path exists under another method. */
const struct route *route_match(const char *method, const char *path,
                                const char **captures, int *path_known);

/* parse.c: query parameter key=value for route r into rq: ST_USAGE for a
 * parameter r does not list, a value missing or too long, a parameter
 * given twice that may not be, or too many. */
enum status request_add_param(struct request *rq, const struct route *r,
                              const char *key, const char *value,
                              struct err *e);
/* ST_USAGE naming the first parameter that r requires and rq lacks. */
enum status request_check_required(const struct request *rq,
                                   const struct route *r, struct err *e);
/* ST_USAGE when the n bytes of text nest deeper than HTTP_JSON_DEPTH_MAX
 * or hold a string longer than HTTP_JSON_STRING_MAX (checked before
 * parsing; the text need not be valid JSON). */
enum status http_json_check(const char *text, size_t n, struct err *e);
/* The body of rq as JSON within those limits, without duplicate keys;
 * ST_USAGE (400) else. OUT: *out, the caller's to json_decref. */
enum status request_json(const struct request *rq, json_t **out, struct err *e);

/* The HTTP code of a status. */
int http_code(enum status st);

/* auth.c: the login and logout handlers; request_authenticate finds the
 * account of rq->token (ST_OK and rq->role ROLE_PUBLIC without one; a
 * token that names no live session is ST_ERROR with rq->code 401). */
enum status auth_login(struct request *rq, struct buf *out, struct err *e);
enum status auth_logout(struct request *rq, struct buf *out, struct err *e);
enum status request_authenticate(struct request *rq, struct err *e);
void auth_init(void);

/* A token's text: 64 hex digits and the NUL. */
#define AUTH_TOKEN_BUF 65

/* Checks user's password (with the failed-login limits: rq->code 429 or
 * 401 on refusal) and opens a session; OUT: its token. */
enum status auth_sign_in(struct request *rq, const char *user,
                         const char *password, char token[AUTH_TOKEN_BUF],
                         struct err *e);

/* ---- pages.c: the web pages ---- */

struct MHD_Connection;

/* One page request as server.c hands it over. */
struct page_exchange {
    struct resident *res;
    const struct holidays *holidays;
    const char *method, *url, *address;
    const char *body;
    size_t body_len;
    int code;         /* OUT: the HTTP status sent */
    char account[64]; /* OUT: who asked, for the access log */
};

/* 1 when url is a page's (not under /api/ nor /openapi.json). */
int pages_path(const char *url);
/* Answers a page request on c; returns libmicrohttpd's MHD_Result. */
int pages_dispatch(struct MHD_Connection *c, struct page_exchange *px);

/* write_routes.c: the notification routes and the Diplomatic List. */
enum status route_notifications(struct request *rq, struct buf *out,
                                struct err *e);
enum status route_notification(struct request *rq, struct buf *out,
                               struct err *e);
/* 1 when route r writes the registry (through resident_write): the
 * server runs it off the pool's threads (server.c). */
int route_writes(const struct route *r);
enum status route_notify(struct request *rq, struct buf *out, struct err *e);
enum status route_decide(struct request *rq, struct buf *out, struct err *e);
enum status route_resubmit(struct request *rq, struct buf *out, struct err *e);
enum status route_withdraw(struct request *rq, struct buf *out, struct err *e);
enum status route_diplomatic_list(struct request *rq, struct buf *out,
                                  struct err *e);

#endif
