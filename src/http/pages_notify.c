/*
 * The notification pages: a liaison's home (its missions' staff and
 * households), the notifications of a mission (a liaison's own; every
 * one for an officer), one notification with its warnings, explanations
 * and history, the officer's decision form and a liaison's withdrawal,
 * and the route table of them all (the forms to send one are drawn by
 * notify_form.c and sent by pages_notify_submit.c).
 * The decisions and withdrawals run the API's own routes, so the scope,
 * the states allowed and the change set are the API's, and so is the
 * form's one-time key (page_idem_field): the write's Idempotency-Key.
 */
#include <jansson.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "http/notify_form.h"
#include "report/page_registry.h"
#include "store/notice.h"

/* ---- one notification ---- */

/* The notification id within the caller's scope. */
const struct notification *notify_visible(const struct page_rq *p,
                                          const char *id, struct err *e)
{
    uint32_t i = snapshot_find(p->rq.s, ENT_NOTIFICATION, id);
    const struct notification *n;

    if (i != IDMAP_NONE) {
        n = snapshot_row(p->rq.s, ENT_NOTIFICATION, i);
        if (view_mission_visible(p->rq.s, &p->rq.scope, n->mission))
            return n;
    }
    err_set(e, ST_NOT_FOUND, "unknown notification '%s'", id);
    return NULL;
}

static void decision_form(struct page_rq *p, const struct notification *n)
{
    char action[80];
    struct page_field fd = { "decision",
                             "Decision",
                             "select",
                             "accept",
                             NULL,
                             NULL,
                             "accept|return|refuse",
                             1 };
    struct page_field fg = { "grounds",
                             "Grounds",
                             "textarea",
                             NULL,
                             NULL,
                             "Required to return or refuse: the mission sees "
                             "them.",
                             NULL,
                             0 };

    snprintf(action, sizeof(action), "/notifications/%s/decision", n->id);
    page_heading(&p->out, 2, "Decision");
    page_form_begin(&p->out, action, p->csrf);
    page_idem_field(p);
    page_field(&p->out, &fd);
    page_field(&p->out, &fg);
    page_form_end(&p->out, "Record the decision");
}

/* A liaison withdraws its own submitted or returned notification. */
static void withdraw_form(struct page_rq *p, const struct notification *n)
{
    char action[80];

    snprintf(action, sizeof(action), "/notifications/%s/withdraw", n->id);
    page_heading(&p->out, 2, "Withdraw");
    page_para(&p->out, "The office will not decide a withdrawn "
                       "notification; it cannot be submitted again.");
    page_form_begin(&p->out, action, p->csrf);
    page_idem_field(p);
    page_form_end(&p->out, "Withdraw the notification");
}

static enum status show(struct page_rq *p, const char *message,
                        const char *kind, struct err *e)
{
    const struct notification *n = notify_visible(p, p->rq.captures[0], e);
    struct notice_history h;
    struct page_step *steps;
    char title[64], link[80];
    enum status rc;

    if (!n)
        return e->status;
    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = notice_history_load(p->rq.res->side, n->id, &h, e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc)
        return rc;
    steps = xcalloc(h.n_steps + 1, sizeof(*steps));
    for (size_t i = 0; i < h.n_steps; i++)
        steps[i] = (struct page_step){ h.steps[i].recorded, h.steps[i].actor,
                                       h.steps[i].state, h.steps[i].reason };
    snprintf(title, sizeof(title), "Notification %s", n->id);
    page_open(p, title,
              p->rq.role == ROLE_OFFICER ? "/inbox" : "/notifications");
    if (message)
        page_message(&p->out, kind, message);
    else if (page_param(p, "sent"))
        page_message(&p->out, "notice",
                     "The notification was submitted to the protocol office.");
    if (p->rq.role == ROLE_OFFICER && n->state == NS_SUBMITTED)
        decision_form(p, n);
    if (p->rq.role == ROLE_LIAISON && n->state == NS_RETURNED) {
        snprintf(link, sizeof(link), "/notifications/%s/", n->id);
        page_heading(&p->out, 2, "Returned to the mission");
        page_link(&p->out, link, "resubmit", "Correct it and submit it again");
    }
    page_notification(&p->out, p->rq.s, n, steps, h.n_steps);
    if (p->rq.role == ROLE_LIAISON &&
        (n->state == NS_SUBMITTED || n->state == NS_RETURNED))
        withdraw_form(p, n);
    page_close(p);
    free(steps);
    notice_history_release(&h);
    return ST_OK;
}

static enum status notification_get(struct page_rq *p, struct err *e)
{
    return show(p, NULL, NULL, e);
}

/* After a decision or a withdrawal through the API's route: to the
 * notification's page, or its page again with the route's error (code,
 * else 422). */
static enum status after_write(struct page_rq *p, enum status rc, int code,
                               struct err *e)
{
    char to[80];

    if (!rc) {
        snprintf(to, sizeof(to), "/notifications/%s", p->rq.captures[0]);
        page_redirect(p, to);
        return ST_OK;
    }
    if (rc == ST_ERROR && !code)
        return rc;
    p->rq.code = code ? code : 422;
    return show(p, e->msg, "error", e);
}

static enum status decision_post(struct page_rq *p, struct err *e)
{
    const char *decision = page_form(p, "decision");
    const char *grounds = page_form(p, "grounds");
    json_t *body = json_object();
    struct request rq = p->rq;
    struct buf scratch;
    char *text;
    enum status rc;

    if (!notify_visible(p, p->rq.captures[0], e) ||
        page_idem_key(p, rq.idem_key, e)) {
        json_decref(body);
        return e->status;
    }
    json_object_set_new(body, "decision",
                        json_string(decision ? decision : ""));
    if (grounds && *grounds)
        json_object_set_new(body, "grounds", json_string(grounds));
    text = json_dumps(body, JSON_COMPACT);
    rq.body = text;
    rq.body_len = strlen(text);
    buf_init(&scratch, PAGE_MAX);
    rc = route_decide(&rq, &scratch, e);
    buf_release(&scratch);
    free(text);
    json_decref(body);
    return after_write(p, rc, rq.code, e);
}

/* POST /notifications/{id}/withdraw: the API's route_withdraw, so the
 * scope, the states allowed and the change set are the API's. */
static enum status withdraw_post(struct page_rq *p, struct err *e)
{
    struct request rq = p->rq;
    struct buf scratch;
    enum status rc;

    if (!notify_visible(p, p->rq.captures[0], e) ||
        page_idem_key(p, rq.idem_key, e))
        return e->status;
    rq.body = "{}";
    rq.body_len = 2;
    buf_init(&scratch, PAGE_MAX);
    rc = route_withdraw(&rq, &scratch, e);
    buf_release(&scratch);
    return after_write(p, rc, rq.code, e);
}

/* ---- lists and the liaison's home ---- */

static enum status notifications(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    size_t total = snapshot_count(s, ENT_NOTIFICATION), n = 0;
    size_t off = page_offset(p);
    struct buf base;
    uint32_t *rows = xcalloc(total + 1, sizeof(*rows));
    const char *state = page_param(p, "state");
    int want = state ? enum_from_name(&ENUM_NOTIFICATION_STATE, state) : -1;
    struct page_field fs = { "state",
                             "State",
                             "select",
                             state,
                             NULL,
                             NULL,
                             "|submitted|returned|accepted|refused|withdrawn",
                             0 };

    (void)e;
    /* Newest first. */
    for (uint32_t i = (uint32_t)total; i-- > 0;) {
        const struct notification *x = snapshot_row(s, ENT_NOTIFICATION, i);

        if (view_mission_visible(s, &p->rq.scope, x->mission) &&
            (want < 0 || x->state == want))
            rows[n++] = i;
    }
    page_open(p, "Notifications", "/notifications");
    page_filter_begin(&p->out, "/notifications");
    page_field(&p->out, &fs);
    page_filter_end(&p->out, "Filter");
    off = off < n ? off : 0;
    page_notifications(&p->out, s, rows + off, n - off,
                       "Notifications, newest first");
    buf_init(&base, 256);
    buf_addstr(&base, "/notifications?");
    if (state) {
        buf_addstr(&base, "state=");
        page_url(&base, state);
        buf_addch(&base, '&');
    }
    page_pager(&p->out, base.data, off, n);
    buf_release(&base);
    page_close(p);
    free(rows);
    return ST_OK;
}

enum status pages_home_liaison(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    const char *want = page_param(p, "mission");
    uint32_t m = want ? snapshot_find(s, ENT_MISSION, want) : IDMAP_NONE;
    struct mission_list l = snapshot_missions_sent(s, p->rq.scope.sending);
    struct buf opts;
    struct page_field fm = { "mission", "Mission", "select", NULL,
                             NULL,      NULL,      NULL,     0 };
    static const struct page_card cards[] = {
        { NULL, "New notification", "/notify",
          "Appointment, arrival, change, household, end of a tour." },
        { NULL, "Your notifications", "/notifications",
          "Their states, and those returned to correct." },
    };

    if (m != IDMAP_NONE && !view_mission_visible(s, &p->rq.scope, m))
        return err_set(e, ST_NOT_FOUND, "unknown mission '%s'", want);
    if (m == IDMAP_NONE)
        m = page_own_mission(p);
    for (size_t i = 0; m == IDMAP_NONE && i < l.n && p->rq.scope.sending; i++)
        if (snap_mission(s, mission_list_at(&l, i))->closed == DATE_NONE)
            m = mission_list_at(&l, i);
    buf_init(&opts, 32768);
    notify_mission_options(p, &opts);
    fm.options = opts.data ? opts.data : "";
    fm.value = m != IDMAP_NONE ? snap_mission(s, m)->id : NULL;
    page_open(p, "Your mission", "/");
    page_cards(&p->out, cards, 2);
    page_filter_begin(&p->out, "/");
    page_field(&p->out, &fm);
    page_filter_end(&p->out, "Show");
    if (m != IDMAP_NONE) {
        buf_reset(&opts);
        buf_addstr(&opts, "/?mission=");
        page_url(&opts, snap_mission(s, m)->id);
        buf_addch(&opts, '&');
        page_heading(&p->out, 2, snap_mission(s, m)->name);
        page_staff(&p->out, s, m, p->rq.today, page_offset(p));
        page_pager(&p->out, opts.data, page_offset(p),
                   page_staff_count(s, m, p->rq.today));
    }
    page_close(p);
    buf_release(&opts);
    return ST_OK;
}

#define MISSIONS (ROLE_LIAISON)

const struct page_route PAGES_LIAISON[] = {
    { "GET", "/notifications", ROLE_OFFICER | ROLE_LIAISON, notifications, 1 },
    { "GET", "/notifications/{id}", ROLE_OFFICER | ROLE_LIAISON,
      notification_get, 1 },
    { "POST", "/notifications/{id}/decision", ROLE_OFFICER, decision_post, 1 },
    { "POST", "/notifications/{id}/withdraw", MISSIONS, withdraw_post, 1 },
    { "GET", "/notifications/{id}/resubmit", MISSIONS, pages_resubmit_get, 1 },
    { "POST", "/notifications/{id}/resubmit", MISSIONS, pages_resubmit_post,
      1 },
    { "GET", "/notify", MISSIONS, pages_notify_kinds, 1 },
    { "GET", "/notify/{kind}", MISSIONS, pages_notify_get, 1 },
    { "POST", "/notify/{kind}", MISSIONS, pages_notify_post, 1 },
    { NULL, NULL, 0, NULL, 0 },
};
