/*
 * The public pages: the Diplomatic List, the consular list and where a
 * national can apply for a visa. They need no account, as their API
 * routes; they read the same modules (publish/dlist.h, consular where's
 * view) and render through report/page_lists.h and report/page.h.
 */
#include "base/date.h"
#include "http/memo.h"
#include "http/pages.h"
#include "report/page_lists.h"

#define DEFAULT_HOST "USA"

static const char *host_name(const struct snapshot *s, const char *host)
{
    uint32_t i = snapshot_find(s, ENT_STATE, host);

    if (i != IDMAP_NONE)
        return snap_state(s, i)->name;
    i = snapshot_find(s, ENT_ORGANIZATION, host);
    return i != IDMAP_NONE ? snap_org(s, i)->name : host;
}

static void list_filters(struct page_rq *p, const char *action,
                         const char *host, const char *as_of)
{
    struct page_field fh = { "host", "Receiving state or organization",
                             "text", host,
                             NULL,   "A code: USA, RUS, UN...",
                             NULL,   0 };
    struct page_field fd = {
        "as_of", "On", "date", as_of, NULL, NULL, NULL, 0
    };

    page_filter_begin(&p->out, action);
    page_field(&p->out, &fh);
    page_field(&p->out, &fd);
    page_raw(&p->out, "<p><button type=\"submit\">Show</button></p></form>\n");
}

static unsigned list_kinds(enum dlist_kind kind)
{
    unsigned k = (1u << ENT_STATE) | (1u << ENT_ORGANIZATION) |
                 (1u << ENT_MISSION) | (1u << ENT_PERSON) |
                 (1u << ENT_POSTING) | (1u << ENT_DEPENDENT);

    return kind == DLIST_CONSULAR ? k | (1u << ENT_CONSULAR) : k;
}

static enum status list_page(struct page_rq *p, enum dlist_kind kind,
                             const char *path, struct err *e)
{
    const char *host = page_param(p, "host");
    const char *title =
        kind == DLIST_DIPLOMATIC ? "Diplomatic List" : "Consular List";
    struct page_list_view v = { NULL, NULL, 0, 0 };
    char as_of_text[DATE_BUF];
    struct buf base, key, b;
    struct dlist l;
    int32_t as_of;
    char *body;

    memset(&l, 0, sizeof(l));
    host = host ? host : DEFAULT_HOST;
    if (page_date(p, "as_of", p->rq.today, &as_of, e))
        return e->status;
    date_format(as_of, as_of_text);
    /* A list of a large registry takes milliseconds to build: kept for
     * the registry's head (memo.h), across writes of records no list
     * reads (notifications, policies, visa cases; consular entries but
     * for the consular list). */
    buf_init(&key, 4096);
    page_memo_key_at(p, path, page_relevant_seq(p, list_kinds(kind)), &key);
    body = memo_get(key.data);
    if (body) {
        page_open_print(p, title, path);
        list_filters(p, path, host, as_of_text);
        page_raw(&p->out, body);
        page_close(p);
        free(body);
        buf_release(&key);
        return ST_OK;
    }
    if (dlist_build(p->rq.s, kind, host, as_of, &l, e)) {
        buf_release(&key);
        return e->status;
    }
    buf_init(&base, 1024);
    buf_printf(&base, "%s?as_of=%s&host=", path, as_of_text);
    page_url(&base, host);
    buf_addch(&base, '&');
    v.host_name = host_name(p->rq.s, host);
    v.base = base.data;
    v.from = page_offset(p);
    if (page_param(p, "from"))
        v.from = (size_t)strtoul(page_param(p, "from"), NULL, 10);
    v.precedence = page_param(p, "part") != NULL;
    if (v.from > l.n_states)
        v.from = 0;
    buf_init(&b, PAGE_MAX);
    page_dlist(&b, p->rq.s, &l, &v);
    body = buf_detach(&b);
    memo_put(key.data, body);
    page_open_print(p, title, path);
    list_filters(p, path, host, as_of_text);
    page_raw(&p->out, body);
    page_close(p);
    free(body);
    buf_release(&b);
    buf_release(&key);
    buf_release(&base);
    dlist_release(&l);
    return ST_OK;
}

static enum status diplomatic(struct page_rq *p, struct err *e)
{
    return list_page(p, DLIST_DIPLOMATIC, "/lists/diplomatic", e);
}

static enum status consular(struct page_rq *p, struct err *e)
{
    return list_page(p, DLIST_CONSULAR, "/lists/consular", e);
}

static const char SERVICES[] =
    "nonimmigrant_visa|immigrant_visa|diplomatic_visa|citizen_services";

static enum status where(struct page_rq *p, struct err *e)
{
    const char *nat = page_param(p, "nationality");
    const char *service = page_param(p, "service");
    struct where_query q = { nat, CS_NONIMMIGRANT_VISA, NULL, p->rq.today,
                             NULL };
    struct page_field fn = {
        "nationality", "Nationality",
        "text",        nat,
        NULL,          "The applicant's state, as a code: RUS, USA...",
        NULL,          1
    };
    struct page_field fs = { "service", "Service", "select", service,
                             NULL,      NULL,      SERVICES, 0 };
    struct buf json;

    if (nat && snapshot_find(p->rq.s, ENT_STATE, nat) == IDMAP_NONE)
        fn.error = "No state has this code.";
    if (service && (q.service = enum_from_name(&ENUM_CONSULAR_SERVICE,
                                               service)) == ENUM_NONE)
        return err_set(e, ST_USAGE, "service: unknown service '%s'", service);
    if (page_date(p, "as_of", p->rq.today, &q.date, e))
        return e->status;
    q.residence = nat;
    page_open(p, "Where to apply for a visa", "/consular/where");
    page_filter_begin(&p->out, "/consular/where");
    page_field(&p->out, &fn);
    page_field(&p->out, &fs);
    page_raw(&p->out, "<p><button type=\"submit\">Find</button></p></form>\n");
    if (nat && !fn.error) {
        buf_init(&json, PAGE_MAX);
        view_consular_where(p->rq.s, &q, OUT_JSON, &json);
        page_json_text(&p->out, json.data, "Where to apply", NULL, 0);
        buf_release(&json);
    }
    page_close(p);
    return ST_OK;
}

const struct page_route PAGES_PUBLIC[] = {
    { "GET", "/lists/diplomatic", PAGE_ANYONE, diplomatic, 1 },
    { "GET", "/lists/consular", PAGE_ANYONE, consular, 1 },
    { "GET", "/consular/where", PAGE_ANYONE, where, 1 },
    { NULL, NULL, 0, NULL, 0 },
};
