/*
 * Sending a liaison's notification form: a new notification of each kind
 * (GET draws the form, POST submits it, or previews the warnings the
 * rules would give), and a returned one corrected and submitted again.
 * The writes run store/notice.h through resident_write, as the API's
 * write routes do, with the signed-in account as the actor; a check's
 * problems draw the form again, kept as it was filled (422). The form's
 * one-time key (page_idem_field) is the submission's Idempotency-Key,
 * recorded with the notification's id in the write's transaction, so the
 * same form sent again goes to the same notification and writes nothing.
 */
#include "base/clock.h"
#include "base/xalloc.h"
#include "http/notify_form.h"
#include "rules/notify.h"
#include "store/idempotency.h"
#include "store/notice.h"

struct submit_job {
    struct notice_args a;
    struct problems *p;
    char id[32];
    int conflict;
    int lost;          /* the database's connection lost (PostgreSQL) */
    const char *key;   /* the form's one-time key, "" for none */
    const char *route; /* "METHOD PATH", for the key's record */
    int64_t now;       /* seconds, for the key's record */
};

static enum status submit_job(struct store *st, struct snapshot *s, void *ctx,
                              int *exact, struct err *e)
{
    struct submit_job *j = ctx;
    struct notice_outcome o = { 0, 0, 0 };
    int64_t head = store_known_head(st);
    enum status rc;

    /* Run again when its group's commit failed (resident_write). */
    problems_release(j->p);
    problems_init(j->p);
    rc = notice_submit(st, s, &j->a, j->p, &o, e);

    /* As the API's write routes: a submission takes its payload back out
     * of s, so s matches the log when nothing but this write went in. */
    *exact = !rc && store_known_head(st) - head == (int64_t)o.n_changes;
    j->conflict = o.conflict;
    /* An error after a success here is its group's commit lost, its
     * outcome unknown (resident.c): answered as the connection lost. */
    j->lost = rc ? rc == ST_ERROR && store_connection_lost(st) : 1;
    if (!rc)
        snprintf(j->id, sizeof(j->id), "%s",
                 ((const struct notification *)snapshot_row(s, ENT_NOTIFICATION,
                                                            o.index))
                     ->id);
    return rc;
}

/* The submission answered before under j's key, when there is one
 * (*done 1: j->id is its notification); ST_INVALID when the key was used
 * for another form's fields. Under the write lock. */
static enum status submitted_before(struct store *st, struct submit_job *j,
                                    int *done, struct err *e)
{
    struct idem_hit hit;
    struct buf id;
    enum status rc;

    *done = 0;
    buf_init(&id, sizeof(j->id));
    rc = idem_lookup(st, j->a.actor, j->key, j->route, j->a.text, j->a.len,
                     j->now, &hit, &id, e);
    if (!rc && hit.found) {
        *done = 1;
        if (!hit.same)
            rc = err_set(e, ST_INVALID,
                         "this form was sent already, with other values: "
                         "nothing was written (open the form again to send "
                         "another notification)");
        else
            snprintf(j->id, sizeof(j->id), "%s", id.data ? id.data : "");
    }
    buf_release(&id);
    return rc;
}

/* submit_job under the form's key: the write and the key's record (the
 * notification's id) in one transaction, as the API's write_job. */
static enum status keyed_submit_job(struct store *st, struct snapshot *s,
                                    void *ctx, int *exact, struct err *e)
{
    struct submit_job *j = ctx;
    struct buf id;
    enum status rc;
    int done, own;

    *exact = 1;
    if (!j->key[0])
        return submit_job(st, s, ctx, exact, e);
    problems_release(j->p);
    problems_init(j->p);
    j->conflict = 0;
    rc = submitted_before(st, j, &done, e);
    if (!rc && !done && !(rc = idem_begin(st, &own, e))) {
        rc = submit_job(st, s, ctx, exact, e);
        buf_init(&id, sizeof(j->id));
        if (!rc && buf_addstr(&id, j->id))
            rc = err_set(e, ST_ERROR, "notification id '%s' too long", j->id);
        if (!rc)
            rc = idem_record(st, j->a.actor, j->key, j->route, j->a.text,
                             j->a.len, 200, &id, j->now, e);
        buf_release(&id);
        if (idem_end(st, own, !rc, rc ? NULL : e) && !rc) {
            rc = e->status;
            *exact = 0;
        }
    }
    j->lost = rc ? rc == ST_ERROR && store_connection_lost(st) : 1;
    return rc;
}

struct preview_job {
    const struct notice_args *a;
    struct problems *p;
    char *warnings; /* malloc'd JSON array */
};

/* The warnings the notification would bring, computed on the writer's
 * snapshot as a submission computes them, without writing anything: the
 * payload applied to s to check it is taken back out (notice_preview), so
 * the next write finds s as it was, with no reload. */
static enum status preview_job(struct store *st, struct snapshot *s, void *ctx,
                               int *exact, struct err *e)
{
    struct preview_job *j = ctx;
    struct findings w;
    enum status rc;

    (void)st;
    free(j->warnings); /* run again when its group's commit failed */
    j->warnings = NULL;
    problems_release(j->p);
    problems_init(j->p);
    findings_init(&w);
    rc = notice_preview(s, j->a, &w, j->p, exact, e);
    if (!rc)
        j->warnings = notify_warnings_json(&w);
    findings_release(&w);
    return rc;
}

/* Submits the form's notification (again, for id); redirects to it, or
 * renders the form again with its problems. */
static enum status submit(struct page_rq *p, const struct kind_form *k,
                          const char *id, const char *action, struct err *e)
{
    struct form_state fs;
    struct problems probs;
    struct submit_job j;
    uint32_t m;
    char *text, to[80], key[IDEM_KEY_MAX + 1], route[300];
    uint64_t now = 0;
    enum status rc;

    if (page_idem_key(p, key, e) || clock_seconds(&now, e))
        return e->status;
    snprintf(route, sizeof(route), "%s %s", p->rq.method, p->rq.path);
    memset(&fs, 0, sizeof(fs));
    for (int i = 0; i < p->n_form; i++)
        if (strcmp(p->form[i].name, "csrf") &&
            strcmp(p->form[i].name, "preview") &&
            strcmp(p->form[i].name, "idem"))
            form_set(&fs, p->form[i].name, p->form[i].value);
    m = form_value(&fs, "mission")
            ? snapshot_find(p->rq.s, ENT_MISSION, form_value(&fs, "mission"))
            : IDMAP_NONE;
    problems_init(&probs);
    if (m == IDMAP_NONE || !view_mission_visible(p->rq.s, &p->rq.scope, m)) {
        problems_add(&probs, "form: mission: choose one of your missions");
        rc = ST_INVALID;
    } else {
        text = form_payload(&fs, k->kind);
        memset(&j, 0, sizeof(j));
        j.a = (struct notice_args){ .id = id,
                                    .file = "form",
                                    .text = text,
                                    .len = strlen(text),
                                    .today = p->rq.today,
                                    .holidays = p->rq.holidays,
                                    .actor = p->rq.account.name,
                                    .restore = 1 };
        j.p = &probs;
        j.key = key;
        j.route = route;
        j.now = (int64_t)now;
        if (page_form(p, "preview")) {
            struct preview_job pj = { &j.a, &probs, NULL };

            rc = resident_write(p->rq.res, preview_job, &pj, e);
            if (!rc)
                notify_render_form(p, k, action, &fs,
                                   pj.warnings ? pj.warnings : "[]");
            free(pj.warnings);
            free(text);
            if (!rc) {
                problems_release(&probs);
                form_state_release(&fs);
                return ST_OK;
            }
        } else {
            rc = resident_write(p->rq.res, keyed_submit_job, &j, e);
            free(text);
        }
        if (rc && j.conflict)
            p->rq.code = 409;
        /* As the API's writes: 503, the page saying what became of it. */
        if (rc == ST_ERROR && j.lost) {
            p->rq.code = 503;
            err_prefix(e, "the registry's database could not be reached");
        }
    }
    if (!rc) {
        snprintf(to, sizeof(to), "/notifications/%s?sent=1", j.id);
        page_redirect(p, to);
    } else if (rc == ST_INVALID || p->rq.code == 409) {
        if (!probs.n_kept)
            problems_add(&probs, "%s", e->msg);
        form_place_problems(&fs, &probs);
        p->rq.code = p->rq.code ? p->rq.code : 422;
        err_clear(e);
        notify_render_form(p, k, action, &fs, NULL);
        rc = ST_OK;
    }
    problems_release(&probs);
    form_state_release(&fs);
    return rc;
}

enum status pages_notify_get(struct page_rq *p, struct err *e)
{
    const struct kind_form *k = notify_kind_form(p->rq.captures[0]);
    struct form_state fs;
    char action[80];

    if (!k)
        return err_set(e, ST_NOT_FOUND, "no notification kind '%s'",
                       p->rq.captures[0]);
    memset(&fs, 0, sizeof(fs));
    notify_defaults(p, k, &fs);
    snprintf(action, sizeof(action), "/notify/%s", k->kind);
    notify_render_form(p, k, action, &fs, NULL);
    form_state_release(&fs);
    return ST_OK;
}

enum status pages_notify_post(struct page_rq *p, struct err *e)
{
    const struct kind_form *k = notify_kind_form(p->rq.captures[0]);
    char action[80];

    if (!k)
        return err_set(e, ST_NOT_FOUND, "no notification kind '%s'",
                       p->rq.captures[0]);
    snprintf(action, sizeof(action), "/notify/%s", k->kind);
    return submit(p, k, NULL, action, e);
}

enum status pages_resubmit_get(struct page_rq *p, struct err *e)
{
    const struct notification *n = notify_visible(p, p->rq.captures[0], e);
    const struct kind_form *k;
    struct form_state fs;
    json_t *payload;
    char action[80];

    if (!n)
        return e->status;
    k = notify_kind_form(enum_name(&ENUM_NOTIFICATION_KIND, n->kind));
    if (!k || n->state != NS_RETURNED)
        return err_set(e, ST_NOT_FOUND,
                       "notification '%s' is not returned to be corrected",
                       n->id);
    memset(&fs, 0, sizeof(fs));
    payload = json_loads(n->payload, 0, NULL);
    form_flatten(&fs, payload, "");
    json_decref(payload);
    if (n->grounds)
        fs.general = xasprintf("Returned: %s", n->grounds);
    snprintf(action, sizeof(action), "/notifications/%s/resubmit", n->id);
    notify_render_form(p, k, action, &fs, NULL);
    form_state_release(&fs);
    return ST_OK;
}

enum status pages_resubmit_post(struct page_rq *p, struct err *e)
{
    const struct notification *n = notify_visible(p, p->rq.captures[0], e);
    const struct kind_form *k;
    char action[80];

    if (!n)
        return e->status;
    k = notify_kind_form(enum_name(&ENUM_NOTIFICATION_KIND, n->kind));
    if (!k)
        return err_set(e, ST_NOT_FOUND, "no form for this kind");
    snprintf(action, sizeof(action), "/notifications/%s/resubmit", n->id);
    return submit(p, k, n->id, action, e);
}
