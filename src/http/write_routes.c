/*
 * The notification routes (DESIGN.md, "HTTP API and web pages"): a
 * liaison submits, follows, resubmits and withdraws its own mission's
 * notifications, an officer decides them, and the Diplomatic List shows
 * what was accepted. The writes run store/notice.h's steps, the very
 * ones of `notify` and `notification decide|resubmit|withdraw`, through
 * resident_write (one writer, durable commits), with the logged-in
 * account as the actor the change log records; a response is the JSON
 * the command prints with --format json. A body is the interchange
 * object of the command's file (or {"decision","grounds"}); a bad one is
 * 400 or 422 naming the field, and nothing is written.
 *
 * Scope, as for the reads: a notification of a mission outside a
 * liaison's state or mission does not exist for it (404), and a payload
 * naming such a mission is refused as naming an unknown one.
 */
#include <jansson.h>

#include "base/clock.h"
#include "base/date.h"
#include "core/enums.h"
#include "http/http.h"
#include "publish/dlist.h"
#include "report/dlist.h"
#include "report/notification.h"
#include "store/idempotency.h"
#include "store/notice.h"
#include "store/store.h"

/* The notification id of s within rq's scope, or ST_NOT_FOUND. */
static enum status visible(const struct request *rq, const struct snapshot *s,
                           const char *id, uint32_t *out, struct err *e)
{
    uint32_t i = snapshot_find(s, ENT_NOTIFICATION, id);
    const struct notification *n;

    if (i != IDMAP_NONE) {
        n = snapshot_row(s, ENT_NOTIFICATION, i);
        if (view_mission_visible(s, &rq->scope, n->mission))
            return *out = i, ST_OK;
    }
    return err_set(e, ST_NOT_FOUND, "unknown notification '%s'", id);
}

/* 1 when value v names no value of t (or is absent). */
static int known_value(const char *v, const struct enum_names *t)
{
    return !v || enum_from_name(t, v) != ENUM_NONE;
}

/* GET /api/v1/notifications: `notification list`; a liaison's own. */
enum status route_notifications(struct request *rq, struct buf *out,
                                struct err *e)
{
    const char *state = request_param(rq, "state");
    const char *mission = request_param(rq, "mission");
    const char *kind = request_param(rq, "kind");
    uint32_t m = mission ? snapshot_find(rq->s, ENT_MISSION, mission) : 0;
    struct grid g;

    if (!known_value(state, &ENUM_NOTIFICATION_STATE))
        return err_set(e, ST_USAGE, "state: unknown notification state '%s'",
                       state);
    if (!known_value(kind, &ENUM_NOTIFICATION_KIND))
        return err_set(e, ST_USAGE, "kind: unknown notification kind '%s'",
                       kind);
    if (mission &&
        (m == IDMAP_NONE || !view_mission_visible(rq->s, &rq->scope, m)))
        return err_set(e, ST_USAGE, "mission: unknown mission '%s'", mission);
    notification_grid_init(&g);
    for (uint32_t i = 0; i < snapshot_count(rq->s, ENT_NOTIFICATION); i++) {
        const struct notification *n = snapshot_row(rq->s, ENT_NOTIFICATION, i);

        if (view_mission_visible(rq->s, &rq->scope, n->mission) &&
            (!state ||
             n->state == enum_from_name(&ENUM_NOTIFICATION_STATE, state)) &&
            (!mission || n->mission == m) &&
            (!kind || n->kind == enum_from_name(&ENUM_NOTIFICATION_KIND, kind)))
            notification_grid_add(&g, rq->s, n);
    }
    grid_render(&g, OUT_JSON, out);
    grid_release(&g);
    return ST_OK;
}

/* GET /api/v1/notifications/{id}: `notification show ID`. */
enum status route_notification(struct request *rq, struct buf *out,
                               struct err *e)
{
    struct notice_history h;
    enum status rc;
    uint32_t i = IDMAP_NONE;

    if (visible(rq, rq->s, rq->captures[0], &i, e) || i == IDMAP_NONE)
        return ST_NOT_FOUND;
    pthread_mutex_lock(&rq->res->side_mu);
    rc = notice_history_load(rq->res->side, rq->captures[0], &h, e);
    pthread_mutex_unlock(&rq->res->side_mu);
    if (rc)
        return rc;
    notification_render(out, OUT_JSON, rq->s,
                        snapshot_row(rq->s, ENT_NOTIFICATION, i), h.steps,
                        h.n_steps);
    notice_history_release(&h);
    return ST_OK;
}

/* One write of a route: what it asks and where its answer goes. */
struct job {
    struct request *rq;
    struct buf *out;
    struct notice_args a;
    int decide; /* 0: a submission (new or again) */
    int lost;   /* the database's connection was lost (or the job never ran) */
    char route[300]; /* "METHOD PATH", for the Idempotency-Key's record */
    int64_t now;     /* seconds, for the Idempotency-Key's record */
};

static enum status write_run(struct store *st, struct snapshot *s,
                             struct job *j, int *exact, struct err *e);

/* ST_INVALID, naming the field as the payload's own check would, when
 * the payload names a mission outside rq's scope (for a liaison, another
 * state's mission does not exist). */
static enum status payload_in_scope(const struct request *rq,
                                    const struct snapshot *s, struct err *e)
{
    json_t *root = json_loadb(rq->body, rq->body_len, 0, NULL);
    const char *id = json_string_value(json_object_get(root, "mission"));
    uint32_t m = id ? snapshot_find(s, ENT_MISSION, id) : IDMAP_NONE;
    enum status rc = ST_OK;

    if (m != IDMAP_NONE && !view_mission_visible(s, &rq->scope, m))
        rc = err_set(e, ST_INVALID, "body: mission: unknown mission '%s'", id);
    json_decref(root);
    return rc;
}

/* The message of a payload's problems: each, then their count. */
static enum status problems_error(const struct problems *p, struct err *e)
{
    char msg[ERR_MSG_MAX];
    size_t len = 0;

    msg[0] = '\0';
    for (size_t i = 0; i < p->n_kept && len < sizeof(msg); i++)
        len +=
            (size_t)snprintf(msg + len, sizeof(msg) - len, "%s; ", p->msgs[i]);
    return err_set(e, ST_INVALID, "%s%zu error%s: nothing was written", msg,
                   p->n_total, p->n_total == 1 ? "" : "s");
}

/* Under the write lock, for a request with an Idempotency-Key: the
 * answer recorded for the key, when there is one (ST_OK, *done 1;
 * ST_INVALID when the key was used for another request). */
static enum status replay(struct job *j, struct store *st, int *done,
                          struct err *e)
{
    struct request *rq = j->rq;
    struct idem_hit hit;

    *done = 0;
    if (idem_lookup(st, rq->account.name, rq->idem_key, j->route, rq->body,
                    rq->body_len, j->now, &hit, j->out, e))
        return e->status;
    if (!hit.found)
        return ST_OK;
    *done = 1;
    if (!hit.same)
        return err_set(e, ST_INVALID,
                       "Idempotency-Key '%s' was used for another request "
                       "(another route or body): nothing was written",
                       rq->idem_key);
    rq->code = hit.status;
    rq->replayed = 1;
    return ST_OK;
}

/* Under the write lock: checks scope, submits or decides, renders. */
static enum status write_job(struct store *st, struct snapshot *s, void *ctx,
                             int *exact, struct err *e)
{
    struct job *j = ctx;
    enum status rc;
    int done, own;

    *exact = 1;
    if (!j->rq->idem_key[0])
        return write_run(st, s, j, exact, e);
    buf_reset(j->out);
    j->rq->code = 0;
    j->rq->replayed = 0;
    rc = replay(j, st, &done, e);
    if (!rc && !done && !(rc = idem_begin(st, &own, e))) {
        /* The write and its key's record in one transaction. */
        rc = write_run(st, s, j, exact, e);
        if (!rc)
            rc =
                idem_record(st, j->rq->account.name, j->rq->idem_key, j->route,
                            j->rq->body, j->rq->body_len,
                            j->rq->code ? j->rq->code : 200, j->out, j->now, e);
        if (idem_end(st, own, !rc, rc ? NULL : e) && !rc) {
            rc = e->status;
            *exact = 0;
        }
    }
    /* As in write_run: after a success, an error is its group's. */
    j->lost = rc ? rc == ST_ERROR && store_connection_lost(st) : 1;
    return rc;
}

/* Checks scope, submits or decides, renders. */
static enum status write_run(struct store *st, struct snapshot *s,
                             struct job *j, int *exact, struct err *e)
{
    struct notice_outcome o = { 0, 0, 0 };
    int64_t head = store_known_head(st);
    struct problems p;
    enum status rc;
    uint32_t i;

    *exact = 1;        /* nothing changed in s yet */
    buf_reset(j->out); /* run again when its group's commit failed */
    j->rq->code = 0;
    if (j->a.id && visible(j->rq, s, j->a.id, &i, e))
        return e->status;
    if (!j->decide && payload_in_scope(j->rq, s, e))
        return e->status;
    problems_init(&p);
    rc = j->decide ? notice_decide(st, s, &j->a, &p, &o, e)
                   : notice_submit(st, s, &j->a, &p, &o, e);
    if (rc && p.n_total)
        problems_error(&p, e);
    if (rc && o.conflict)
        j->rq->code = 409;
    /* An error after a success here is its group's commit lost, its
     * outcome unknown (resident.c): answered as the connection lost. */
    j->lost = rc ? rc == ST_ERROR && store_connection_lost(st) : 1;
    if (!rc)
        notification_render(j->out, OUT_JSON, s,
                            snapshot_row(s, ENT_NOTIFICATION, o.index), NULL,
                            0);
    /* A decision commits all it changed in s, and a submission takes its
     * payload back out (restore); a failure may leave part of it there.
     * Entries in the log beyond this write's are another process's,
     * written between the check of the log's head and this write. */
    *exact = !rc && store_known_head(st) - head == (int64_t)o.n_changes;
    problems_release(&p);
    return rc;
}

static enum status run_job(struct request *rq, struct buf *out,
                           struct notice_args *a, int decide, struct err *e)
{
    struct job j = { rq, out, *a, decide, 1, "", 0 };
    enum status rc;
    uint64_t now;

    /* The body's nesting and string lengths, before any parser sees it. */
    if (rq->body_len && http_json_check(rq->body, rq->body_len, e))
        return e->status;
    if (clock_seconds(&now, e))
        return e->status;
    j.now = (int64_t)now;
    snprintf(j.route, sizeof(j.route), "%s %s", rq->method, rq->path);
    j.a.today = rq->today;
    j.a.holidays = rq->holidays;
    j.a.actor = rq->account.name;
    j.a.restore = 1;
    rc = resident_write(rq->res, write_job, &j, e);
    /* The database unreachable (PostgreSQL failing over): 503, the error
     * saying whether a retry is safe (docs/api.md, "Status codes"). */
    if (rc == ST_ERROR && j.lost) {
        rq->code = 503;
        err_prefix(e, "database unavailable");
    }
    return rc;
}

int route_writes(const struct route *r)
{
    return r->handler == route_notify || r->handler == route_resubmit ||
           r->handler == route_decide || r->handler == route_withdraw;
}

/* POST /api/v1/notifications: `notify FILE.json`, the body the file. */
enum status route_notify(struct request *rq, struct buf *out, struct err *e)
{
    struct notice_args a = { .file = "body",
                             .text = rq->body,
                             .len = rq->body_len };

    return run_job(rq, out, &a, 0, e);
}

/* POST /api/v1/notifications/{id}/resubmit: `notification resubmit ID
 * FILE.json`, the body the file. */
enum status route_resubmit(struct request *rq, struct buf *out, struct err *e)
{
    struct notice_args a = { .id = rq->captures[0],
                             .file = "body",
                             .text = rq->body,
                             .len = rq->body_len };

    return run_job(rq, out, &a, 0, e);
}

/* The body of a decision: an object of the strings in fields only. */
static enum status read_body(const struct request *rq,
                             const char *const *fields, const char **values,
                             json_t **root, struct err *e)
{
    const char *key;
    json_t *v;

    *root = NULL;
    if (!rq->body_len)
        return ST_OK;
    if (request_json(rq, root, e))
        return e->status;
    if (!json_is_object(*root))
        return err_set(e, ST_USAGE, "body: not a JSON object");
    json_object_foreach(*root, key, v)
    {
        int k = 0;

        while (fields[k] && strcmp(fields[k], key))
            k++;
        if (!fields[k])
            return err_set(e, ST_USAGE, "body: %s: unknown field", key);
        if (!json_is_string(v))
            return err_set(e, ST_INVALID, "body: %s: not a string", key);
        values[k] = json_string_value(v);
    }
    return ST_OK;
}

/* The state a decision's verb names; ST_INVALID else. */
static enum status decision_state(const char *verb, const char *grounds,
                                  int *state, struct err *e)
{
    static const char *const verbs[] = { "accept", "refuse", "return" };
    static const int states[] = { NS_ACCEPTED, NS_REFUSED, NS_RETURNED };
    int k = 0;

    if (!verb)
        return err_set(e, ST_INVALID, "body: decision: required");
    while (k < 3 && strcmp(verb, verbs[k]))
        k++;
    if (k == 3)
        return err_set(e, ST_INVALID,
                       "body: decision: '%s' is not accept, refuse or return",
                       verb);
    if (k > 0 && (!grounds || !*grounds))
        return err_set(e, ST_INVALID,
                       "body: grounds: required to %s a notification",
                       verbs[k]);
    *state = states[k];
    return ST_OK;
}

/* POST /api/v1/notifications/{id}/decision: `notification decide ID
 * accept|refuse|return [--grounds TEXT]`, the body
 * {"decision","grounds"}. */
enum status route_decide(struct request *rq, struct buf *out, struct err *e)
{
    static const char *const fields[] = { "decision", "grounds", NULL };
    const char *values[2] = { NULL, NULL };
    struct notice_args a = { .id = rq->captures[0] };
    json_t *root;
    enum status rc = read_body(rq, fields, values, &root, e);

    if (!rc && !root)
        rc = err_set(e, ST_INVALID, "body: decision: required");
    if (!rc)
        rc = decision_state(values[0], values[1], &a.state, e);
    a.grounds = values[1];
    if (!rc)
        rc = run_job(rq, out, &a, 1, e);
    json_decref(root);
    return rc;
}

/* POST /api/v1/notifications/{id}/withdraw: `notification withdraw ID`;
 * the body empty or {}. */
enum status route_withdraw(struct request *rq, struct buf *out, struct err *e)
{
    static const char *const fields[] = { NULL };
    struct notice_args a = { .id = rq->captures[0], .state = NS_WITHDRAWN };
    json_t *root;
    enum status rc = read_body(rq, fields, NULL, &root, e);

    if (!rc)
        rc = run_job(rq, out, &a, 1, e);
    json_decref(root);
    return rc;
}

/* GET /api/v1/lists/diplomatic: `publish diplomatic-list --host H
 * [--as-of D]` (public). */
enum status route_diplomatic_list(struct request *rq, struct buf *out,
                                  struct err *e)
{
    const char *host = request_param(rq, "host");
    const char *as_of = request_param(rq, "as_of");
    const char *akn = request_param(rq, "as_known_on");
    int32_t date = rq->today, known = DATE_NONE;
    struct dlist l;
    enum status rc;

    if (!host)
        return err_set(e, ST_USAGE, "host is required");
    if (snapshot_find(rq->s, ENT_STATE, host) == IDMAP_NONE &&
        snapshot_find(rq->s, ENT_ORGANIZATION, host) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "host: unknown state '%s'", host);
    if (as_of && date_parse(as_of, &date, e)) {
        err_prefix(e, "as_of");
        return e->status = ST_USAGE;
    }
    if (akn && date_parse(akn, &known, e)) {
        err_prefix(e, "as_known_on");
        return e->status = ST_USAGE;
    }
    if (dlist_build(rq->s, DLIST_DIPLOMATIC, host, date, &l, e))
        return e->status;
    l.as_known_on = known;
    pthread_mutex_lock(&rq->res->side_mu);
    rc = store_log_head(rq->res->side, known, &l.checkpoint_seq, e);
    if (!rc)
        rc = store_tree_root_b64(rq->res->side, (uint64_t)l.checkpoint_seq,
                                 l.checkpoint_root, sizeof(l.checkpoint_root),
                                 e);
    pthread_mutex_unlock(&rq->res->side_mu);
    if (!rc)
        dlist_render(rq->s, &l, OUT_JSON, out);
    dlist_release(&l);
    return rc;
}
