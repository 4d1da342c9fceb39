/*
 * The registry's pages: the officer's home (the inbox's count, the
 * docket's), the docket with filters and each finding's explanation,
 * missions, a mission with its staff and households, person and posting
 * pages, policies. Missions, persons and postings are open to the roles
 * that read them through the API, under the same scope (report/views.h):
 * a liaison's records outside its scope are 404 here as there.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "http/memo.h"
#include "http/pages.h"
#include "report/page_registry.h"
#include "report/read_views.h"

static size_t count_state(const struct snapshot *s, int state)
{
    size_t n = 0;

    for (uint32_t i = 0; i < snapshot_count(s, ENT_NOTIFICATION); i++)
        n += ((const struct notification *)snapshot_row(s, ENT_NOTIFICATION, i))
                 ->state == state;
    return n;
}

enum status pages_home_officer(struct page_rq *p, struct err *e)
{
    char inbox[32], missions[32], postings[32];
    struct page_card cards[] = {
        { inbox, "Inbox", "/inbox",
          "Notifications submitted and waiting for a decision." },
        { NULL, "Docket", "/check",
          "What binds today under the policies, with explanations." },
        { missions, "Missions", "/missions",
          "Every mission, its staff and their households." },
        { postings, "Postings", "/missions", "Tours of duty recorded." },
        { NULL, "Policies", "/policies", "The rules each state applies." },
    };

    (void)e;
    snprintf(inbox, sizeof(inbox), "%zu", count_state(p->rq.s, NS_SUBMITTED));
    snprintf(missions, sizeof(missions), "%zu",
             snapshot_count(p->rq.s, ENT_MISSION));
    snprintf(postings, sizeof(postings), "%zu",
             snapshot_count(p->rq.s, ENT_POSTING));
    page_open(p, "Protocol office", "/");
    page_cards(&p->out, cards, sizeof(cards) / sizeof(cards[0]));
    page_close(p);
    return ST_OK;
}

/* Submitted notifications by submission time, oldest first. */
static const struct snapshot *sort_s;

static int by_submitted(const void *a, const void *b)
{
    const struct notification *x =
        snapshot_row(sort_s, ENT_NOTIFICATION, *(const uint32_t *)a);
    const struct notification *y =
        snapshot_row(sort_s, ENT_NOTIFICATION, *(const uint32_t *)b);
    int c = strcmp(x->submitted_at ? x->submitted_at : "",
                   y->submitted_at ? y->submitted_at : "");

    return c ? c : strcmp(x->id, y->id);
}

static pthread_mutex_t sort_mu = PTHREAD_MUTEX_INITIALIZER;

static enum status inbox(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    size_t n = 0, total = snapshot_count(s, ENT_NOTIFICATION);
    size_t off = page_offset(p);
    uint32_t *rows = xcalloc(total + 1, sizeof(*rows));

    (void)e;
    for (uint32_t i = 0; i < total; i++)
        if (((const struct notification *)snapshot_row(s, ENT_NOTIFICATION, i))
                ->state == NS_SUBMITTED)
            rows[n++] = i;
    pthread_mutex_lock(&sort_mu);
    sort_s = s;
    qsort(rows, n, sizeof(*rows), by_submitted);
    pthread_mutex_unlock(&sort_mu);
    off = off < n ? off : 0;
    page_open(p, "Inbox", "/inbox");
    page_para(&p->out, "Notifications submitted by the missions, oldest "
                       "first. Open one to decide it.");
    page_notifications(&p->out, s, rows + off, n - off,
                       "Submitted notifications");
    page_pager(&p->out, "/inbox?", off, n);
    page_close(p);
    free(rows);
    return ST_OK;
}

static const struct page_link RECORD_LINKS[] = {
    { "id", "/missions/" },
    { "mission", "/missions/" },
    { "person", "/persons/" },
    { "posting", "/postings/" },
    { NULL, NULL },
};

/* The missions list reads the snapshot's index by sending state and
 * renders only the rows of its page: the whole list of a large registry
 * (66,000 missions) as JSON would take seconds. */
static enum status missions(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    const char *sending = page_param(p, "sending");
    struct page_field fs = { "sending", "Sending state",       "text", sending,
                             NULL,      "A code: RUS, USA...", NULL,   0 };
    struct mission_list l;
    size_t first = page_offset(p), total = 0;
    struct buf base;
    struct grid g;

    if (sending && snapshot_find(s, ENT_STATE, sending) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "sending: unknown state '%s'", sending);
    l = snapshot_missions_sent(s, sending);
    view_records_init(&g, ENTITIES[ENT_MISSION]);
    for (size_t i = 0; i < l.n; i++) {
        uint32_t m = mission_list_at(&l, i);

        if (!view_mission_visible(s, &p->rq.scope, m))
            continue;
        if (total >= first && total < first + PAGE_ROWS)
            view_records_add(&g, s, ENTITIES[ENT_MISSION], m, &p->rq.scope);
        total++;
    }
    buf_init(&base, 512);
    buf_addstr(&base, "/missions?");
    if (sending) {
        buf_addstr(&base, "sending=");
        page_url(&base, sending);
        buf_addch(&base, '&');
    }
    page_open(p, "Missions", "/missions");
    page_filter_begin(&p->out, "/missions");
    page_field(&p->out, &fs);
    page_filter_end(&p->out, "Filter");
    page_grid(&p->out, &g, "Missions", RECORD_LINKS);
    page_pager(&p->out, base.data, first, total);
    page_close(p);
    grid_release(&g);
    buf_release(&base);
    return ST_OK;
}

static enum status mission(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    uint32_t m = snapshot_find(s, ENT_MISSION, p->rq.captures[0]);
    struct buf json, base;
    int32_t date;
    char d[DATE_BUF];

    if (m == IDMAP_NONE || !view_mission_visible(s, &p->rq.scope, m))
        return err_set(e, ST_NOT_FOUND, "unknown mission '%s'",
                       p->rq.captures[0]);
    if (page_date(p, "as_of", p->rq.today, &date, e))
        return e->status;
    date_format(date, d);
    buf_init(&json, PAGE_MAX);
    if (view_record(s, ENT_MISSION, p->rq.captures[0], &p->rq.scope, OUT_JSON,
                    &json, e)) {
        buf_release(&json);
        return e->status;
    }
    buf_init(&base, 512);
    buf_addstr(&base, "/missions/");
    page_url(&base, p->rq.captures[0]);
    buf_addf(&base, "?as_of=%s&", d);
    if (p->as_known_on != DATE_NONE) {
        char k[DATE_BUF];

        date_format(p->as_known_on, k);
        buf_addf(&base, "as_known_on=%s&", k);
    }
    page_open(p, snap_mission(s, m)->name, NULL);
    page_known_form(p, base.data, d);
    page_json_text(&p->out, json.data, NULL, NULL, 0);
    page_staff(&p->out, s, m, date, page_offset(p));
    page_pager(&p->out, base.data, page_offset(p),
               page_staff_count(s, m, date));
    page_close(p);
    buf_release(&base);
    buf_release(&json);
    return ST_OK;
}

/* A record's page: its view's JSON as text on the date asked for, and for
 * an officer the link to its history; json is released. */
static void record_page(struct page_rq *p, const char *title,
                        const char *entity, int32_t date, struct buf *json)
{
    char d[DATE_BUF];

    page_open(p, title, NULL);
    date_format(date, d);
    page_known_form(p, p->rq.path, d);
    page_json_text(&p->out, json->data, NULL, RECORD_LINKS, 0);
    if (p->rq.role == ROLE_OFFICER)
        page_history_link(&p->out, entity, p->rq.captures[0]);
    page_close(p);
    buf_release(json);
}

static enum status person(struct page_rq *p, struct err *e)
{
    struct buf json;
    int32_t date;

    if (page_date(p, "as_of", p->rq.today, &date, e))
        return e->status;
    buf_init(&json, PAGE_MAX);
    if (view_person(p->rq.s, p->rq.captures[0], date, &p->rq.scope, OUT_JSON,
                    &json, e)) {
        buf_release(&json);
        return e->status;
    }
    record_page(p, "Person", "person", date, &json);
    return ST_OK;
}

static enum status posting(struct page_rq *p, struct err *e)
{
    struct buf json;
    int32_t date;

    if (page_date(p, "as_of", p->rq.today, &date, e))
        return e->status;
    buf_init(&json, PAGE_MAX);
    if (view_posting(p->rq.s, p->rq.captures[0], date, p->rq.holidays,
                     &p->rq.scope, OUT_JSON, &json, e)) {
        buf_release(&json);
        return e->status;
    }
    record_page(p, "Posting", "posting", date, &json);
    return ST_OK;
}

static enum status policies(struct page_rq *p, struct err *e)
{
    const char *known = page_param(p, "as_known_on");
    struct buf base;
    size_t n;

    (void)e;
    page_open(p, "Policies", "/policies");
    page_known_form(p, "/policies", NULL);
    n = page_policies(&p->out, p->rq.s, &p->rq.scope, page_offset(p));
    buf_init(&base, 256);
    buf_addstr(&base, "/policies?");
    if (known) {
        buf_addstr(&base, "as_known_on=");
        page_url(&base, known);
        buf_addch(&base, '&');
    }
    page_pager(&p->out, base.data, page_offset(p), n);
    buf_release(&base);
    page_close(p);
    return ST_OK;
}

/* A policy: its record as `policy show ID` gives it, as the API's
 * /api/v1/policies/{id} (scope included), and its history. */
static enum status policy(struct page_rq *p, struct err *e)
{
    struct buf json;

    buf_init(&json, PAGE_MAX);
    if (view_policy(p->rq.s, p->rq.captures[0], &p->rq.scope, &json, e)) {
        buf_release(&json);
        return e->status;
    }
    page_open(p, p->rq.captures[0], "/policies");
    page_known_form(p, p->rq.path, NULL);
    page_json_text(&p->out, json.data, NULL, RECORD_LINKS, 0);
    if (p->rq.role == ROLE_OFFICER)
        page_history_link(&p->out, "policy", p->rq.captures[0]);
    page_close(p);
    buf_release(&json);
    return ST_OK;
}

/* The key (memo.h) of query q's docket on p's registry: the docket of a
 * large registry with many policies takes tens of milliseconds, and the
 * docket page and each finding's explanation ask for the same one. */
static void docket_key(const struct page_rq *p, const struct check_query *q,
                       struct buf *key)
{
    const char *parts[] = { q->o.issuer, q->o.target, q->kind, q->policy,
                            p->rq.scope.mission };

    buf_addf(key, "docket %lld %ld %ld %ld %d", (long long)p->rq.s_seq,
             (long)p->as_known_on, (long)p->rq.today, (long)q->o.as_of,
             q->as_of_given);
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        buf_addf(key, "\x1f%s", parts[i] ? parts[i] : "\x1e");
}

/* The check of the page's filters as the API's check runs it. */
static enum status run_check(struct page_rq *p, json_t **out, struct err *e)
{
    struct check_query q;
    struct findings f;
    struct buf json, key;
    char *kept;
    size_t n;
    enum status rc;

    *out = NULL;
    memset(&q, 0, sizeof(q));
    q.o.holidays = p->rq.holidays;
    q.as_known_on = DATE_NONE;
    q.as_of_given = page_param(p, "as_of") != NULL;
    q.o.issuer = page_param(p, "issuer");
    q.o.target = page_param(p, "target");
    q.kind = page_param(p, "kind");
    q.policy = page_param(p, "policy");
    if (page_date(p, "as_of", p->rq.today, &q.o.as_of, e))
        return e->status;
    if (p->rq.scope.sending || p->rq.scope.mission) {
        /* A liaison's findings are its state's, as in the API. */
        if (!p->rq.scope.sending ||
            (q.o.target && strcmp(q.o.target, p->rq.scope.sending)))
            return err_set(e, ST_NOT_FOUND, "no findings for you");
        q.o.target = p->rq.scope.sending;
    }
    buf_init(&key, 4096);
    docket_key(p, &q, &key);
    kept = memo_get(key.data);
    if (kept) {
        *out = json_loads(kept, 0, NULL);
        free(kept);
        buf_release(&key);
        return ST_OK;
    }
    buf_init(&json, (size_t)1 << 30);
    rc = docket_findings(p, &q, &f, e);
    if (!rc)
        rc = view_check_of(p->rq.s, &q, &f, OUT_JSON, &json, &n, e);
    findings_release(&f);
    if (!rc)
        memo_put(key.data, json.data ? json.data : "");
    *out = rc ? NULL : json_loads(json.data, 0, NULL);
    buf_release(&json);
    buf_release(&key);
    return rc;
}

static const char KINDS[] = "|over_tenure|departure_due|over_cap|"
                            "dependent_status|local_staff|visa_overdue";

/* The filters of the docket, as a query string for links. */
static void check_query(struct page_rq *p, struct buf *q)
{
    static const char *const names[] = { "as_of", "issuer", "target", "kind",
                                         "policy" };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = page_param(p, names[i]);

        if (!v)
            continue;
        buf_addf(q, "%s=", names[i]);
        page_url(q, v);
        buf_addch(q, '&');
    }
}

static enum status check(struct page_rq *p, struct err *e)
{
    struct page_field fields[] = {
        { "as_of", "On", "date", page_param(p, "as_of"), NULL, NULL, NULL, 0 },
        { "issuer", "Issuer", "text", page_param(p, "issuer"), NULL, NULL, NULL,
          0 },
        { "target", "Target", "text", page_param(p, "target"), NULL, NULL, NULL,
          0 },
        { "kind", "Kind", "select", page_param(p, "kind"), NULL, NULL, KINDS,
          0 },
        { "policy", "Policy", "text", page_param(p, "policy"), NULL, NULL, NULL,
          0 },
    };
    struct buf q, explain;
    json_t *docket;

    if (run_check(p, &docket, e))
        return e->status;
    buf_init(&q, 1024);
    buf_init(&explain, 1024);
    buf_addstr(&q, "/check?");
    check_query(p, &q);
    page_open(p, "Docket", "/check");
    page_filter_begin(&p->out, "/check");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        page_field(&p->out, &fields[i]);
    page_filter_end(&p->out, "Filter");
    /* An explanation keeps the docket's filters, so it finds the same
     * finding: /findings/ID?filters. */
    page_docket(&p->out, docket, "/findings/", page_offset(p));
    page_pager(&p->out, q.data, page_offset(p),
               json_array_size(json_object_get(docket, "findings")));
    page_close(p);
    json_decref(docket);
    buf_release(&q);
    buf_release(&explain);
    return ST_OK;
}

static enum status finding(struct page_rq *p, struct err *e)
{
    const json_t *all, *f;
    json_t *docket;
    size_t i;

    if (run_check(p, &docket, e))
        return e->status;
    all = json_object_get(docket, "findings");
    for (i = 0; i < json_array_size(all); i++) {
        f = json_array_get(all, i);
        if (!strcmp(json_string_value(json_object_get(f, "id")),
                    p->rq.captures[0]))
            break;
    }
    if (i == json_array_size(all)) {
        json_decref(docket);
        return err_set(e, ST_NOT_FOUND, "no finding '%s' on this date",
                       p->rq.captures[0]);
    }
    page_open(p, p->rq.captures[0], "/check");
    page_explain(&p->out, json_array_get(all, i));
    page_close(p);
    json_decref(docket);
    return ST_OK;
}

#define OFFICE (ROLE_OFFICER)

const struct page_route PAGES_OFFICER[] = {
    { "GET", "/inbox", OFFICE, inbox, 1 },
    { "GET", "/check", OFFICE | ROLE_LIAISON, check, 1 },
    { "GET", "/findings/{id}", OFFICE | ROLE_LIAISON, finding, 1 },
    { "GET", "/missions", PAGE_READERS, missions, 1 },
    { "GET", "/missions/{id}", PAGE_READERS, mission, 1 },
    { "GET", "/persons/{id}", PAGE_READERS, person, 1 },
    { "GET", "/postings/{id}", PAGE_READERS, posting, 1 },
    { "GET", "/policies", PAGE_READERS, policies, 1 },
    { "GET", "/policies/{id}", PAGE_READERS, policy, 1 },
    { NULL, NULL, 0, NULL, 0 },
};
