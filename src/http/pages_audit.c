/*
 * The auditor's pages: the change log by change set (the latest sets,
 * and one set's entries with its actor and reason), the history of any
 * record, and verification of the hash chain. They read the change log
 * through the store's second connection, as the API's history route
 * does, and render through report/ (grids, the history view).
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "http/pages.h"
#include "report/history_view.h"
#include "report/page_registry.h"
#include "store/store.h"

#define SETS_PER_PAGE 50

enum status pages_home_auditor(struct page_rq *p, struct err *e)
{
    static const struct page_card cards[] = {
        { NULL, "Change log", "/changes",
          "Every change set: when, by whom, why, and its entries." },
        { NULL, "History", "/history", "Every recorded change of a record." },
        { NULL, "Verification", "/verify",
          "Recompute the change log's hash chain." },
    };

    (void)e;
    page_open(p, "Audit", "/");
    page_cards(&p->out, cards, sizeof(cards) / sizeof(cards[0]));
    page_close(p);
    return ST_OK;
}

static int64_t int_param(const struct page_rq *p, const char *name)
{
    const char *v = page_param(p, name);

    return v ? strtoll(v, NULL, 10) : 0;
}

static enum status changes(struct page_rq *p, struct err *e)
{
    static const char *const cols[] = { "change_set", "recorded", "actor",
                                        "reason" };
    static const struct page_link links[] = { { "change_set", "/changes/" },
                                              { NULL, NULL } };
    struct change_set_list l = { NULL, 0, 0 };
    struct grid g;
    enum status rc;
    char id[32], next[64];

    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = store_change_sets(p->rq.res->side, int_param(p, "before"),
                           SETS_PER_PAGE, &l, e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc)
        return rc;
    grid_init(&g, cols, 4);
    for (size_t i = 0; i < l.n; i++) {
        const char *row[4] = { id, l.items[i].recorded, l.items[i].actor,
                               l.items[i].reason };

        snprintf(id, sizeof(id), "%lld", (long long)l.items[i].id);
        grid_add_row(&g, row);
    }
    page_open(p, "Change log", "/changes");
    page_para(&p->out, "Change sets, newest first. Each is one transaction "
                       "of the registry, with its actor and reason.");
    page_grid(&p->out, &g, "Change sets", links);
    if (l.n == SETS_PER_PAGE) {
        snprintf(next, sizeof(next), "/changes?before=%lld",
                 (long long)l.items[l.n - 1].id);
        page_link(&p->out, next, "", "Older change sets");
    }
    page_close(p);
    grid_release(&g);
    change_set_list_release(&l);
    return ST_OK;
}

static void entries_grid(struct grid *g, const struct change_list *l)
{
    static const char *const cols[] = { "seq:n", "op", "entity", "key",
                                        "before" };

    grid_init(g, cols, 5);
    for (size_t i = 0; i < l->n; i++) {
        const struct change_entry *c = &l->items[i];
        char seq[32];
        const char *row[5] = { seq, c->op, c->entity, c->key, c->before };

        snprintf(seq, sizeof(seq), "%lld", (long long)c->seq);
        grid_add_row(g, row);
    }
}

static enum status change_set(struct page_rq *p, struct err *e)
{
    char *end;
    long long id = strtoll(p->rq.captures[0], &end, 10);
    struct change_list l = { NULL, 0, 0 };
    struct grid g;
    enum status rc;
    char title[64];

    if (*end || id <= 0)
        return err_set(e, ST_NOT_FOUND, "no change set '%s'",
                       p->rq.captures[0]);
    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = store_change_set(p->rq.res->side, id, PAGE_ROWS, &l, e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc)
        return rc;
    if (!l.n) {
        change_list_release(&l);
        return err_set(e, ST_NOT_FOUND, "no change set %lld", id);
    }
    snprintf(title, sizeof(title), "Change set %lld", id);
    entries_grid(&g, &l);
    page_open(p, title, "/changes");
    page_summary(&p->out, l.items[0].recorded, l.items[0].actor,
                 l.items[0].reason);
    page_grid(&p->out, &g, "Entries (the first 100)", NULL);
    page_close(p);
    grid_release(&g);
    change_list_release(&l);
    return ST_OK;
}

static enum status history_form(struct page_rq *p, struct err *e)
{
    const char *ent = page_param(p, "entity"), *id = page_param(p, "id");
    struct page_field f[] = {
        { "entity", "Entity", "select", ent, NULL, NULL,
          "mission|person|posting|dependent|visa|policy|notification", 1 },
        { "id", "Key", "text", id, NULL, "A record's id: T02183, P05158...",
          NULL, 1 },
    };
    struct buf to;

    (void)e;
    if (ent && id) {
        buf_init(&to, 512);
        buf_addstr(&to, "/history/");
        page_url(&to, ent);
        buf_addch(&to, '/');
        page_url(&to, id);
        page_redirect(p, to.data);
        buf_release(&to);
        return ST_OK;
    }
    page_open(p, "History of a record", "/history");
    page_filter_begin(&p->out, "/history");
    for (size_t i = 0; i < 2; i++)
        page_field(&p->out, &f[i]);
    page_filter_end(&p->out, "Show");
    page_close(p);
    return ST_OK;
}

static enum status history(struct page_rq *p, struct err *e)
{
    const struct entity *ent = entity_by_name(p->rq.captures[0]);
    struct change_list list = { NULL, 0, 0 };
    struct history_entry *h;
    struct buf json;
    enum status rc;
    size_t n;
    char title[300];

    if (!ent)
        return err_set(e, ST_NOT_FOUND, "unknown entity '%s'",
                       p->rq.captures[0]);
    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = store_history(p->rq.res->side, ent->name, p->rq.captures[1], &list, e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc)
        return rc;
    h = xcalloc(list.n + 1, sizeof(*h));
    for (size_t i = 0; i < list.n; i++) {
        const struct change_entry *c = &list.items[i];

        h[i] = (struct history_entry){ c->seq,    c->recorded, c->actor,
                                       c->op,     c->entity,   c->key,
                                       c->before, c->after,    c->reason };
    }
    buf_init(&json, PAGE_MAX);
    n = view_history(h, list.n, DATE_NONE, 0, OUT_JSON, &json);
    if (n) {
        snprintf(title, sizeof(title), "History of %s %s", ent->name,
                 p->rq.captures[1]);
        page_open(p, title, "/history");
        page_json_text(&p->out, json.data, "Recorded changes", NULL,
                       n > PAGE_ROWS ? n - PAGE_ROWS : 0);
        page_close(p);
    }
    buf_release(&json);
    free(h);
    change_list_release(&list);
    if (!n)
        return err_set(e, ST_NOT_FOUND, "no recorded changes for %s '%s'",
                       ent->name, p->rq.captures[1]);
    return ST_OK;
}

static void verify_page(struct page_rq *p, const char *result, int good)
{
    page_open(p, "Verification", "/verify");
    page_para(&p->out, "Recomputes the hash chain of the whole change log "
                       "and checks the tables against it, as `chancery "
                       "audit verify` does.");
    if (result)
        page_message(&p->out, good ? "notice" : "error", result);
    page_form_begin(&p->out, "/verify", p->csrf);
    page_form_end(&p->out, "Verify the change log now");
    page_close(p);
}

static enum status verify_get(struct page_rq *p, struct err *e)
{
    (void)e;
    verify_page(p, NULL, 1);
    return ST_OK;
}

static enum status verify_post(struct page_rq *p, struct err *e)
{
    int64_t n = 0;
    enum status rc;
    char text[600];

    pthread_mutex_lock(&p->rq.res->side_mu);
    rc = store_verify(p->rq.res->side, &n, e);
    pthread_mutex_unlock(&p->rq.res->side_mu);
    if (rc == ST_ERROR)
        return rc;
    if (rc)
        snprintf(text, sizeof(text), "The change log does not verify: %s",
                 e->msg);
    else
        snprintf(text, sizeof(text),
                 "Verified %lld changes: the hash chain holds and the "
                 "tables match it.",
                 (long long)n);
    err_clear(e);
    verify_page(p, text, rc == ST_OK);
    return ST_OK;
}

#define AUDIT (ROLE_AUDITOR | ROLE_OFFICER)

const struct page_route PAGES_AUDITOR[] = {
    { "GET", "/changes", AUDIT, changes, 0 },
    { "GET", "/changes/{id}", AUDIT, change_set, 0 },
    { "GET", "/history", AUDIT, history_form, 0 },
    { "GET", "/history/{entity}/{id}", AUDIT, history, 0 },
    { "GET", "/verify", ROLE_AUDITOR, verify_get, 0 },
    { "POST", "/verify", ROLE_AUDITOR, verify_post, 0 },
    { NULL, NULL, 0, NULL, 0 },
};
