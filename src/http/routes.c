/*
 * The route table: every path the server answers, who may call it, which
 * query parameters it takes, and its handler. Nothing else decides access:
 * server.c checks the role set and the parameters before any handler runs,
 * and the handlers pass the caller's scope (report/views.h) to the views,
 * so a liaison's records outside its state or mission do not exist for it.
 * A handler maps query parameters to the options of the matching command
 * and calls the view the command calls, so the bytes are the same.
 */
#include <jansson.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/enums.h"
#include "http/http.h"
#include "http/read_routes.h"
#include "report/history_view.h"
#include "store/store.h"

#define READERS (ROLE_OFFICER | ROLE_LIAISON | ROLE_ANALYST)
#define ANYONE  (READERS | ROLE_AUDITOR | ROLE_PUBLIC)
#define LOGGED  (READERS | ROLE_AUDITOR)
#define WRITERS (ROLE_OFFICER | ROLE_LIAISON) /* notifications */

unsigned role_bit(const char *name)
{
    static const char *const names[] = { "officer", "liaison", "analyst",
                                         "auditor" };

    for (unsigned i = 0; i < 4; i++)
        if (name && !strcmp(name, names[i]))
            return 1u << i;
    return 0;
}

int http_code(enum status st)
{
    switch (st) {
    case ST_OK:
    case ST_FINDINGS:
        return 200;
    case ST_USAGE:
        return 400;
    case ST_INVALID:
    case ST_AMBIGUOUS:
        return 422;
    case ST_NOT_FOUND:
        return 404;
    case ST_ERROR:
    default:
        return 500;
    }
}

const char *request_param(const struct request *rq, const char *name)
{
    for (int i = 0; i < rq->n_params; i++)
        if (!strcmp(rq->params[i].name, name))
            return rq->params[i].value;
    return NULL;
}

enum status param_date(const struct request *rq, const char *name, int32_t *out,
                       struct err *e)
{
    const char *v = request_param(rq, name);

    if (v && date_parse(v, out, e)) {
        err_prefix(e, "%s", name);
        return e->status = ST_USAGE;
    }
    return ST_OK;
}

enum status param_state(const struct request *rq, const char *name,
                        const char **out, struct err *e)
{
    const char *v = request_param(rq, name);

    *out = v;
    if (v && snapshot_find(rq->s, ENT_STATE, v) == IDMAP_NONE &&
        snapshot_find(rq->s, ENT_ORGANIZATION, v) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "%s: unknown state '%s'", name, v);
    return ST_OK;
}

/* GET /api/v1/missions: `mission list`. */
static enum status missions(struct request *rq, struct buf *out, struct err *e)
{
    struct mission_filter f = { request_param(rq, "sending"),
                                request_param(rq, "host"),
                                request_param(rq, "country"), DATE_NONE };

    if (param_date(rq, "open_on", &f.open_on, e))
        return e->status;
    view_missions(rq->s, &f, &rq->scope, OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/missions/{id}: `mission show ID`. */
static enum status mission(struct request *rq, struct buf *out, struct err *e)
{
    return view_record(rq->s, ENT_MISSION, rq->captures[0], &rq->scope,
                       OUT_JSON, out, e);
}

/* GET /api/v1/missions/{id}/roster: `roster MISSION [--as-of D]`. */
static enum status roster(struct request *rq, struct buf *out, struct err *e)
{
    uint32_t m = snapshot_find(rq->s, ENT_MISSION, rq->captures[0]);
    int32_t date = rq->today;

    if (param_date(rq, "as_of", &date, e))
        return e->status;
    if (m == IDMAP_NONE || !view_mission_visible(rq->s, &rq->scope, m))
        return err_set(e, ST_NOT_FOUND, "unknown mission '%s'",
                       rq->captures[0]);
    view_roster(rq->s, m, date, OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/persons: `person list`. */
static enum status persons(struct request *rq, struct buf *out, struct err *e)
{
    const char *nationality;

    if (param_state(rq, "nationality", &nationality, e))
        return e->status;
    view_persons(rq->s, nationality, request_param(rq, "name"), &rq->scope,
                 OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/persons/{id}: `person show ID [--as-of D]`. */
static enum status person(struct request *rq, struct buf *out, struct err *e)
{
    int32_t as_of = rq->today;

    if (param_date(rq, "as_of", &as_of, e))
        return e->status;
    return view_person(rq->s, rq->captures[0], as_of, &rq->scope, OUT_JSON, out,
                       e);
}

/* GET /api/v1/postings: `posting list`. */
static enum status postings(struct request *rq, struct buf *out, struct err *e)
{
    struct posting_filter f = { IDMAP_NONE, IDMAP_NONE, DATE_NONE };
    const char *m = request_param(rq, "mission");
    const char *p = request_param(rq, "person");

    if (m && (f.mission = snapshot_find(rq->s, ENT_MISSION, m)) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "mission: unknown mission '%s'", m);
    if (p && (f.person = snapshot_find(rq->s, ENT_PERSON, p)) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "person: unknown person '%s'", p);
    if (param_date(rq, "present_on", &f.present_on, e))
        return e->status;
    view_postings(rq->s, &f, &rq->scope, OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/postings/{id}: `posting show ID [--as-of D]`. */
static enum status posting(struct request *rq, struct buf *out, struct err *e)
{
    int32_t as_of = rq->today;

    if (param_date(rq, "as_of", &as_of, e))
        return e->status;
    return view_posting(rq->s, rq->captures[0], as_of, rq->holidays, &rq->scope,
                        OUT_JSON, out, e);
}

/* GET /api/v1/consular/where: `consular where` (public). */
static enum status consular_where_route(struct request *rq, struct buf *out,
                                        struct err *e)
{
    struct where_query q = { NULL, CS_NONIMMIGRANT_VISA, NULL, rq->today,
                             NULL };
    const char *service = request_param(rq, "service");

    if (!request_param(rq, "nationality"))
        return err_set(e, ST_USAGE, "nationality is required");
    if (param_state(rq, "nationality", &q.nationality, e) ||
        param_state(rq, "residence", &q.residence, e) ||
        param_date(rq, "as_of", &q.date, e) ||
        param_state(rq, "issuing", &q.issuing, e))
        return e->status;
    if (!q.residence)
        q.residence = q.nationality;
    if (service && (q.service = enum_from_name(&ENUM_CONSULAR_SERVICE,
                                               service)) == ENUM_NONE)
        return err_set(e, ST_USAGE,
                       "service: '%s' is not nonimmigrant_visa, "
                       "immigrant_visa, diplomatic_visa or citizen_services",
                       service);
    view_consular_where(rq->s, &q, OUT_JSON, out);
    return ST_OK;
}

static enum status headcount_option(struct request *rq, int i,
                                    struct headcount_args *a, struct err *e)
{
    const char *n = rq->params[i].name, *v = rq->params[i].value;
    int c;

    if (!strcmp(n, "by")) {
        if (strcmp(v, "category") && strcmp(v, "mission"))
            return err_set(e, ST_USAGE, "by: '%s' is not category or mission",
                           v);
        a->by = v[0] == 'c' ? BY_CATEGORY : BY_MISSION;
    } else if (!strcmp(n, "category")) {
        if ((c = enum_from_name(&ENUM_STAFF_CATEGORY, v)) == ENUM_NONE)
            return err_set(e, ST_USAGE, "category: unknown category '%s'", v);
        a->scope.categories |= 1u << c;
    }
    return ST_OK;
}

/* GET /api/v1/headcount: `headcount`; a liaison counts its own state. */
static enum status headcount(struct request *rq, struct buf *out, struct err *e)
{
    struct headcount_args a;

    memset(&a, 0, sizeof(a));
    a.date = rq->today;
    a.scope.sending = request_param(rq, "sending");
    a.scope.host = request_param(rq, "host");
    a.scope.country = request_param(rq, "country");
    if (param_date(rq, "as_of", &a.date, e))
        return e->status;
    for (int i = 0; i < rq->n_params; i++)
        if (headcount_option(rq, i, &a, e))
            return e->status;
    if (a.scope.host && a.scope.country)
        return err_set(e, ST_USAGE, "host and country exclude each other");
    if (rq->scope.sending) {
        if (a.scope.sending && strcmp(a.scope.sending, rq->scope.sending))
            return err_set(e, ST_NOT_FOUND, "unknown state '%s'",
                           a.scope.sending);
        a.scope.sending = rq->scope.sending;
    }
    view_headcount(rq->s, &a, OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/history/{entity}/{id}: `history ENTITY ID`. */
static enum status history(struct request *rq, struct buf *out, struct err *e)
{
    const struct entity *ent = entity_by_name(rq->captures[0]);
    int32_t known = DATE_NONE;
    struct change_list list = { NULL, 0, 0 };
    struct history_entry *h;
    enum status rc;
    size_t n;

    if (!ent)
        return err_set(e, ST_USAGE, "unknown entity '%s'", rq->captures[0]);
    if (param_date(rq, "as_known_on", &known, e))
        return e->status;
    pthread_mutex_lock(&rq->res->side_mu);
    rc = store_history(rq->res->side, ent->name, rq->captures[1], &list, e);
    pthread_mutex_unlock(&rq->res->side_mu);
    if (rc)
        return rc;
    h = xcalloc(list.n + 1, sizeof(*h));
    for (size_t i = 0; i < list.n; i++) {
        const struct change_entry *c = &list.items[i];

        h[i] = (struct history_entry){ c->seq,    c->recorded, c->actor,
                                       c->op,     c->entity,   c->key,
                                       c->before, c->after,    c->reason };
    }
    n = view_history(h, list.n, known, 0, OUT_JSON, out);
    free(h);
    change_list_release(&list);
    if (!n)
        return err_set(e, ST_NOT_FOUND, "no recorded changes for %s '%s'",
                       ent->name, rq->captures[1]);
    return ST_OK;
}

/* The value of parameter name among names, into *out; ST_USAGE else. */
static enum status param_choice(const struct request *rq, const char *name,
                                const char *const *names, int *out,
                                struct err *e)
{
    const char *v = request_param(rq, name);

    if (!v)
        return ST_OK;
    for (int i = 0; names[i]; i++)
        if (!strcmp(names[i], v))
            return *out = i, ST_OK;
    return err_set(e, ST_USAGE, "%s: unknown value '%s'", name, v);
}

/* The option combinations `parity` accepts. */
static enum status parity_series(const struct request *rq,
                                 const struct parity_query *q, struct err *e)
{
    int series = q->from != DATE_NONE || q->to != DATE_NONE;

    if (series && request_param(rq, "as_of"))
        return err_set(e, ST_USAGE, "as_of and from/to exclude each other");
    if (series && (q->from == DATE_NONE || q->to == DATE_NONE))
        return err_set(e, ST_USAGE, "a series needs both from and to");
    if (!series && request_param(rq, "step"))
        return err_set(e, ST_USAGE, "step needs a series (from and to)");
    if (series && q->from > q->to)
        return err_set(e, ST_USAGE, "from is after to");
    return ST_OK;
}

enum status route_parity_query(const struct request *rq, struct parity_query *q,
                               const char **assumed, struct err *e)
{
    static const char *const steps[] = { "month", "quarter", "year", NULL };
    static const char *const views[] = { "bilateral", "country", NULL };
    int step = 0, view = 0;

    memset(q, 0, sizeof(*q));
    q->as_of = rq->today;
    q->from = q->to = DATE_NONE;
    q->o.states[0] = rq->captures[0];
    q->o.states[1] = rq->captures[1];
    for (int i = 0; i < rq->n_params; i++)
        if (!strcmp(rq->params[i].name, "assume"))
            assumed[q->o.n_assumed++] = rq->params[i].value;
    q->o.assumed = assumed;
    if (param_date(rq, "as_of", &q->as_of, e) ||
        param_date(rq, "from", &q->from, e) ||
        param_date(rq, "to", &q->to, e) ||
        param_choice(rq, "step", steps, &step, e) ||
        param_choice(rq, "count", views, &view, e) || parity_series(rq, q, e))
        return e->status;
    q->step = (enum parity_step)step;
    q->o.view = (enum parity_view)view;
    if (rq->scope.sending && strcmp(q->o.states[0], rq->scope.sending) &&
        strcmp(q->o.states[1], rq->scope.sending))
        return err_set(e, ST_NOT_FOUND, "no parity of %s and %s for you",
                       q->o.states[0], q->o.states[1]);
    return ST_OK;
}

/* GET /api/v1/parity/{s1}/{s2}: `parity S1 S2`; a liaison only for
 * pairs with its own state. */
static enum status parity(struct request *rq, struct buf *out, struct err *e)
{
    struct parity_query q;
    const char *assumed[MAX_PARAMS];

    if (route_parity_query(rq, &q, assumed, e))
        return e->status;
    return view_parity(rq->s, &q, OUT_JSON, out, e);
}

/* GET /api/v1/visas/stats: `visa stats`; a liaison's are its nationals'. */
static enum status visa_stats(struct request *rq, struct buf *out,
                              struct err *e)
{
    struct visa_query q = { rq->today, NULL,      NULL,        0,
                            DATE_NONE, DATE_NONE, VISA_BY_NONE };
    const char *purpose = request_param(rq, "purpose");
    const char *by = request_param(rq, "by");
    int v;

    if (param_date(rq, "as_of", &q.as_of, e) ||
        param_state(rq, "issuing", &q.issuing, e) ||
        param_state(rq, "nationality", &q.nationality, e) ||
        param_date(rq, "from", &q.from, e) || param_date(rq, "to", &q.to, e))
        return e->status;
    if (purpose &&
        (v = enum_from_name(&ENUM_VISA_PURPOSE, purpose)) == ENUM_NONE)
        return err_set(e, ST_USAGE, "purpose: invalid visa purpose '%s'",
                       purpose);
    if (purpose)
        q.purposes = 1u << v;
    if (by && (v = enum_from_name(&VISA_BY_NAMES, by)) == ENUM_NONE)
        return err_set(e, ST_USAGE,
                       "by: '%s' is not post, class, purpose, nationality, "
                       "month, quarter or year",
                       by);
    if (by)
        q.by = (enum visa_by)v;
    if (q.from != DATE_NONE && q.to != DATE_NONE && q.to < q.from)
        return err_set(e, ST_USAGE, "to is before from");
    if (rq->scope.sending || rq->scope.mission) {
        uint32_t m = rq->scope.mission
                         ? snapshot_find(rq->s, ENT_MISSION, rq->scope.mission)
                         : IDMAP_NONE;
        const char *own = m != IDMAP_NONE ? snap_mission(rq->s, m)->sending
                                          : rq->scope.sending;

        if (!own || (q.nationality && strcmp(q.nationality, own)))
            return err_set(e, ST_NOT_FOUND, "no visa statistics for you");
        q.nationality = own;
    }
    view_visa_stats(rq->s, &q, OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/check: `check`; a liaison's findings are those about its
 * state (as the target of the policies). */
static enum status check(struct request *rq, struct buf *out, struct err *e)
{
    struct check_query q;
    const char *assumed[MAX_PARAMS];
    size_t n;

    memset(&q, 0, sizeof(q));
    q.o.as_of = rq->today;
    q.o.holidays = rq->holidays;
    q.as_known_on = DATE_NONE;
    q.as_of_given = request_param(rq, "as_of") != NULL;
    q.o.issuer = request_param(rq, "issuer");
    q.o.target = request_param(rq, "target");
    q.kind = request_param(rq, "kind");
    q.policy = request_param(rq, "policy");
    for (int i = 0; i < rq->n_params; i++)
        if (!strcmp(rq->params[i].name, "assume"))
            assumed[q.o.n_assumed++] = rq->params[i].value;
    q.o.assumed = assumed;
    if (param_date(rq, "as_of", &q.o.as_of, e) ||
        param_date(rq, "as_known_on", &q.as_known_on, e))
        return e->status;
    if (rq->scope.sending || rq->scope.mission) {
        if (!rq->scope.sending ||
            (q.o.target && strcmp(q.o.target, rq->scope.sending)))
            return err_set(e, ST_NOT_FOUND, "no findings for you");
        q.o.target = rq->scope.sending;
    }
    return view_check(rq->s, &q, OUT_JSON, out, &n, e);
}

static enum status openapi(struct request *rq, struct buf *out, struct err *e)
{
    (void)rq;
    (void)e;
    http_openapi(out);
    return ST_OK;
}

static const char *const NONE[] = { NULL };
static const char *const MISSION_LIST[] = { "sending", "host",        "country",
                                            "open_on", "as_known_on", NULL };
static const char *const AS_KNOWN[] = { "as_known_on", NULL };
static const char *const ROSTER[] = { "as_of", "as_known_on", NULL };
static const char *const SHOW[] = { "as_of", "as_known_on", NULL };
static const char *const POSTING_LIST[] = { "mission", "person", "present_on",
                                            "as_known_on", NULL };
static const char *const WHERE[] = {
    "!nationality", "service",     "residence", "as_of",
    "issuing",      "as_known_on", NULL
};
static const char *const PARITY[] = { "as_of", "from",    "to",          "step",
                                      "count", "*assume", "as_known_on", NULL };
static const char *const VISA_STATS[] = {
    "as_of", "issuing", "nationality", "purpose", "by",
    "from",  "to",      "as_known_on", NULL
};
static const char *const CHECK[] = { "as_of",  "issuer",  "target",      "kind",
                                     "policy", "*assume", "as_known_on", NULL };
static const char *const PERSON_LIST[] = { "nationality", "name", "as_known_on",
                                           NULL };
static const char *const HEADCOUNT[] = { "sending",     "host", "country",
                                         "as_of",       "by",   "*category",
                                         "as_known_on", NULL };

static const char *const NOTIFICATION_LIST[] = { "state", "mission", "kind",
                                                 "as_known_on", NULL };
static const char *const DIPLOMATIC_LIST[] = { "host", "as_of", "as_known_on",
                                               NULL };

const struct route ROUTES[] = {
    { "POST", "/api/v1/login", ANYONE, auth_login, NONE, 0,
      "log in: {\"user\",\"password\"} -> {\"token\"}" },
    { "POST", "/api/v1/logout", LOGGED, auth_logout, NONE, 0,
      "revoke the bearer token" },
    { "GET", "/api/v1/missions", READERS, missions, MISSION_LIST, 1,
      "mission list" },
    { "GET", "/api/v1/missions/{id}", READERS, mission, AS_KNOWN, 1,
      "mission show" },
    { "GET", "/api/v1/missions/{id}/roster", READERS, roster, ROSTER, 1,
      "roster" },
    { "GET", "/api/v1/persons", READERS, persons, PERSON_LIST, 1,
      "person list" },
    { "GET", "/api/v1/persons/{id}", READERS, person, SHOW, 1, "person show" },
    { "GET", "/api/v1/postings", READERS, postings, POSTING_LIST, 1,
      "posting list" },
    { "GET", "/api/v1/postings/{id}", READERS, posting, SHOW, 1,
      "posting show" },
    { "GET", "/api/v1/consular/where", ANYONE, consular_where_route, WHERE, 1,
      "consular where (public)" },
    { "GET", "/api/v1/headcount", READERS, headcount, HEADCOUNT, 1,
      "headcount" },
    { "GET", "/api/v1/parity/{s1}/{s2}.svg", READERS, route_parity_svg,
      PARAMS_PARITY_SVG, 1, "parity --svg: the chart (both counting views)" },
    { "GET", "/api/v1/parity/{s1}/{s2}", READERS, parity, PARITY, 1, "parity" },
    { "GET", "/api/v1/check", READERS, check, CHECK, 1, "check" },
    { "GET", "/api/v1/visas/stats", READERS, visa_stats, VISA_STATS, 1,
      "visa stats" },
    { "GET", "/api/v1/findings/{id}/explain", READERS, route_explain,
      PARAMS_EXPLAIN, 1, "explain" },
    { "GET", "/api/v1/plan/{s1}/{s2}", READERS, route_plan, PARAMS_PLAN,
      READS_OWN, "plan" },
    { "GET", "/api/v1/policies", READERS, route_policies, PARAMS_POLICIES, 1,
      "policy list" },
    { "GET", "/api/v1/policies/{id}", READERS, route_policy, AS_KNOWN, 1,
      "policy show" },
    { "GET", "/api/v1/visas/report", ROLE_OFFICER | ROLE_ANALYST,
      route_visa_report, PARAMS_VISA_REPORT, 1, "visa report --un" },
    { "GET", "/api/v1/visas", READERS, route_visas, PARAMS_VISAS, 1,
      "visa list" },
    { "GET", "/api/v1/visas/{id}", READERS, route_visa, AS_KNOWN, 1,
      "visa show" },
    { "GET", "/api/v1/lists/consular", ANYONE, route_consular_list,
      PARAMS_CONSULAR_LIST, 1, "publish consular-list (public)" },
    { "GET", "/api/v1/audit/checkpoint", ANYONE, route_checkpoint, NONE, 0,
      "audit checkpoint: the log's checkpoint (public)" },
    { "GET", "/api/v1/history/{entity}/{id}", ROLE_OFFICER | ROLE_AUDITOR,
      history, AS_KNOWN, 0, "history" },
    /* write_routes.c */
    { "GET", "/api/v1/notifications", READERS, route_notifications,
      NOTIFICATION_LIST, 1, "notification list (a liaison's own)" },
    { "POST", "/api/v1/notifications", WRITERS, route_notify, NONE, 0,
      "notify: the body is the notification object" },
    { "GET", "/api/v1/notifications/{id}", READERS, route_notification,
      AS_KNOWN, 1, "notification show" },
    { "POST", "/api/v1/notifications/{id}/decision", ROLE_OFFICER, route_decide,
      NONE, 0,
      "notification decide: {\"decision\":\"accept|refuse|return\","
      "\"grounds\"}" },
    { "POST", "/api/v1/notifications/{id}/resubmit", WRITERS, route_resubmit,
      NONE, 0, "notification resubmit: the body is the notification object" },
    { "POST", "/api/v1/notifications/{id}/withdraw", WRITERS, route_withdraw,
      NONE, 0, "notification withdraw" },
    { "GET", "/api/v1/lists/diplomatic", ANYONE, route_diplomatic_list,
      DIPLOMATIC_LIST, 1, "publish diplomatic-list (public)" },
    { "GET", "/openapi.json", ANYONE, openapi, NONE, 0,
      "this API, as OpenAPI 3.1" },
    { NULL, NULL, 0, NULL, NULL, 0, NULL },
};

/* 1 when path matches pattern; captures take the {x} segments, which
 * point into path and end at the next '/', or before the literal that
 * follows the {x} in its segment ("{s2}.svg") (the caller copies them). */
static int match(const char *pattern, const char *path, const char **caps,
                 size_t *cap_len)
{
    int n = 0;

    while (*pattern && *path) {
        if (*pattern == '{') {
            const char *after = strchr(pattern, '}') + 1;
            size_t tail = strcspn(after, "/{");
            size_t len = strcspn(path, "/");

            if (len <= tail || n == MAX_CAPTURES ||
                memcmp(path + len - tail, after, tail))
                return 0;
            len -= tail;
            caps[n] = path;
            cap_len[n++] = len;
            path += len;
            pattern = after;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return !*pattern && !*path;
}

const struct route *route_match(const char *method, const char *path,
                                const char **captures, int *path_known)
{
    static _Thread_local char copies[MAX_CAPTURES][256];
    const char *caps[MAX_CAPTURES];
    size_t len[MAX_CAPTURES];

    *path_known = 0;
    for (const struct route *r = ROUTES; r->method; r++) {
        if (!match(r->pattern, path, caps, len))
            continue;
        *path_known = 1;
        if (strcmp(r->method, method))
            continue;
        for (int i = 0; i < MAX_CAPTURES; i++)
            captures[i] = NULL;
        for (int i = 0, n = 0; r->pattern[i]; i++)
            if (r->pattern[i] == '{') {
                if (len[n] >= sizeof(copies[n]))
                    return NULL;
                memcpy(copies[n], caps[n], len[n]);
                copies[n][len[n]] = '\0';
                captures[n] = copies[n];
                n++;
            }
        return r;
    }
    return NULL;
}
