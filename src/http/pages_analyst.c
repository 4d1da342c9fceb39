/*
 * The analyst's pages: parity between two states over a span (the chart
 * with both counting views, and the series' table), headcount, visa
 * statistics with the Kaplan-Meier chart, and the UN report. Each reads
 * its form's fields as the API route reads its query, computes with the
 * same modules and renders the same views; the charts are the SVGs the
 * CLI writes, inline. A liaison may open them too, for its own state, as
 * through the API.
 */
#include "base/date.h"
#include "base/xalloc.h"
#include "http/memo.h"
#include "http/pages.h"
#include "report/page_registry.h"
#include "report/parity_render.h"
#include "report/unreport_html.h"
#include "report/visastats_render.h"
#include "rules/visa_sla.h"
#include "visa/unreport.h"

enum status pages_home_analyst(struct page_rq *p, struct err *e)
{
    static const struct page_card cards[] = {
        { NULL, "Parity", "/parity",
          "Each side's staff in the other's country over time, in both "
          "counting views, with the caps." },
        { NULL, "Headcount", "/headcount",
          "Staff present on a date, by category or mission." },
        { NULL, "Visa statistics", "/visas",
          "Time to a visa decision (Kaplan-Meier), by year, post or "
          "class." },
        { NULL, "Forecasts compared", "/forecasts",
          "Two staffing scenarios run on the registry, the second's "
          "median and band drawn over the first's." },
        { NULL, "UN report", "/visas/report",
          "Visa delays for the Committee on Relations with the Host "
          "Country." },
    };

    (void)e;
    page_open(p, "Analysis", "/");
    page_cards(&p->out, cards, sizeof(cards) / sizeof(cards[0]));
    page_close(p);
    return ST_OK;
}

static const char *param_or(const struct page_rq *p, const char *name,
                            const char *def)
{
    const char *v = page_param(p, name);

    return v ? v : def;
}

static enum status known_state(const struct page_rq *p, const char *name,
                               const char *v, struct err *e)
{
    if (v && snapshot_find(p->rq.s, ENT_STATE, v) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "%s: unknown state '%s'", name, v);
    return ST_OK;
}

static void parity_form(struct page_rq *p, const struct parity_query *q)
{
    char from[DATE_BUF], to[DATE_BUF];
    struct page_field f[] = {
        { "s1", "First state", "text", q->o.states[0], NULL, NULL, NULL, 1 },
        { "s2", "Second state", "text", q->o.states[1], NULL, NULL, NULL, 1 },
        { "from", "From", "date", from, NULL, NULL, NULL, 1 },
        { "to", "To", "date", to, NULL, NULL, NULL, 1 },
        { "step", "Step", "select", page_param(p, "step"), NULL, NULL,
          "month|quarter|year", 0 },
        { "count", "Counting view of the table", "select",
          page_param(p, "count"), NULL, NULL, "bilateral|country", 0 },
    };

    date_format(q->from, from);
    date_format(q->to, to);
    page_filter_begin(&p->out, "/parity");
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        page_field(&p->out, &f[i]);
    page_filter_end(&p->out, "Show");
}

static enum status parity_query_of(struct page_rq *p, struct parity_query *q,
                                   struct err *e)
{
    const char *step = param_or(p, "step", "month");
    const char *count = param_or(p, "count", "bilateral");

    memset(q, 0, sizeof(*q));
    q->o.states[0] = param_or(p, "s1", "RUS");
    q->o.states[1] = param_or(p, "s2", "USA");
    q->as_of = p->rq.today;
    q->step = !strcmp(step, "year")      ? PARITY_YEAR
              : !strcmp(step, "quarter") ? PARITY_QUARTER
                                         : PARITY_MONTH;
    q->o.view = strcmp(count, "country") ? PARITY_BILATERAL : PARITY_COUNTRY;
    if (page_date(p, "from", date_from_ymd(2016, 1, 1), &q->from, e) ||
        page_date(p, "to", date_from_ymd(2022, 12, 31), &q->to, e) ||
        known_state(p, "s1", q->o.states[0], e) ||
        known_state(p, "s2", q->o.states[1], e))
        return e->status;
    if (q->from > q->to)
        return err_set(e, ST_USAGE, "from is after to");
    if (p->rq.scope.sending && strcmp(q->o.states[0], p->rq.scope.sending) &&
        strcmp(q->o.states[1], p->rq.scope.sending))
        return err_set(e, ST_NOT_FOUND, "no parity of %s and %s for you",
                       q->o.states[0], q->o.states[1]);
    return ST_OK;
}

static enum status parity(struct page_rq *p, struct err *e)
{
    struct parity_query q;
    struct parity pa;
    struct buf svg, json;
    int32_t *dates = NULL;
    size_t n = 0;
    enum status rc;

    if (parity_query_of(p, &q, e))
        return e->status;
    parity_init(&pa);
    buf_init(&svg, PAGE_MAX);
    buf_init(&json, PAGE_MAX);
    rc = view_parity_compute(p->rq.s, &q, &dates, &n, &pa, e);
    if (!rc)
        rc = parity_render_chart(p->rq.s, &q.o, dates, &pa, &svg, e);
    if (!rc) {
        view_parity_render(&q, &pa, OUT_JSON, &json);
        page_open(p, "Parity", "/parity");
        parity_form(p, &q);
        page_svg(&p->out, svg.data,
                 "Each side's staff in the other's country: dark lines "
                 "count bilaterally, light lines with the missions to "
                 "organizations.");
        page_json_text(&p->out, json.data, "The series", NULL, 0);
        page_close(p);
    }
    buf_release(&json);
    buf_release(&svg);
    free(dates);
    parity_release(&pa);
    return rc;
}

static enum status headcount(struct page_rq *p, struct err *e)
{
    struct headcount_args a;
    const char *by = param_or(p, "by", "category");
    char d[DATE_BUF];
    struct page_field f[] = {
        { "sending", "Sending state", "text", NULL, NULL, NULL, NULL, 0 },
        { "country", "In country", "text", NULL, NULL, NULL, NULL, 0 },
        { "as_of", "On", "date", d, NULL, NULL, NULL, 0 },
        { "by", "By", "select", by, NULL, NULL, "category|mission", 0 },
    };
    struct buf json;

    memset(&a, 0, sizeof(a));
    a.scope.sending = param_or(p, "sending", "RUS");
    a.scope.country = param_or(p, "country", "USA");
    a.by = !strcmp(by, "mission") ? BY_MISSION : BY_CATEGORY;
    if (page_date(p, "as_of", p->rq.today, &a.date, e) ||
        known_state(p, "sending", a.scope.sending, e) ||
        known_state(p, "country", a.scope.country, e))
        return e->status;
    if (p->rq.scope.sending)
        a.scope.sending = p->rq.scope.sending;
    f[0].value = a.scope.sending;
    f[1].value = a.scope.country;
    date_format(a.date, d);
    buf_init(&json, PAGE_MAX);
    view_headcount(p->rq.s, &a, OUT_JSON, &json);
    page_open(p, "Headcount", "/headcount");
    page_filter_begin(&p->out, "/headcount");
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
        page_field(&p->out, &f[i]);
    page_filter_end(&p->out, "Count");
    page_json_text(&p->out, json.data, "Staff present", NULL, 0);
    page_close(p);
    buf_release(&json);
    return ST_OK;
}

static enum status visa_query_of(struct page_rq *p, struct visa_query *q,
                                 struct err *e)
{
    const char *by = param_or(p, "by", "year");
    int v;

    memset(q, 0, sizeof(*q));
    q->from = q->to = DATE_NONE;
    q->issuing = param_or(p, "issuing", "USA");
    q->nationality = page_param(p, "nationality");
    if (page_date(p, "as_of", p->rq.today, &q->as_of, e) ||
        known_state(p, "issuing", q->issuing, e) ||
        known_state(p, "nationality", q->nationality, e))
        return e->status;
    if ((v = enum_from_name(&VISA_BY_NAMES, by)) == ENUM_NONE)
        return err_set(e, ST_USAGE, "by: unknown grouping '%s'", by);
    q->by = (enum visa_by)v;
    if (p->rq.scope.sending) {
        if (q->nationality && strcmp(q->nationality, p->rq.scope.sending))
            return err_set(e, ST_NOT_FOUND, "no visa statistics for you");
        q->nationality = p->rq.scope.sending;
    }
    return ST_OK;
}

static enum status visas(struct page_rq *p, struct err *e)
{
    struct visa_query q;
    struct visa_stats st;
    struct visa_stats_chart c = { "Time to a visa decision (Kaplan-Meier)",
                                  "Ticks: cases still pending or withdrawn", 15,
                                  "15 days" };
    char d[DATE_BUF], *body;
    struct buf svg, json, key;

    if (visa_query_of(p, &q, e))
        return e->status;
    date_format(q.as_of, d);
    buf_init(&key, 4096);
    page_memo_key(p, "visas", &key);
    body = memo_get(key.data);
    if (!body) {
        /* The statistics of many cases take tens of milliseconds: kept
         * for the registry's head (memo.h). */
        struct buf b;

        visa_stats_compute(p->rq.s, &q, &st);
        buf_init(&svg, PAGE_MAX);
        buf_init(&json, PAGE_MAX);
        buf_init(&b, PAGE_MAX);
        visa_stats_render_svg(&st, q.by, &c, &svg);
        visa_stats_render(&st, q.by, OUT_JSON, &json);
        page_svg(&b, svg.data,
                 "Share of applications still undecided by days since "
                 "application, one curve per group.");
        page_json_text(&b, json.data, "Statistics", NULL, 0);
        body = buf_detach(&b);
        memo_put(key.data, body);
        buf_release(&b);
        buf_release(&json);
        buf_release(&svg);
        visa_stats_release(&st);
    }
    buf_release(&key);
    {
        struct page_field f[] = {
            { "issuing", "Issuing state", "text", q.issuing, NULL, NULL, NULL,
              0 },
            { "nationality", "Applicants of", "text", q.nationality, NULL, NULL,
              NULL, 0 },
            { "by", "By", "select", param_or(p, "by", "year"), NULL, NULL,
              "year|quarter|month|post|class|purpose|nationality", 0 },
            { "as_of", "As of", "date", d, NULL, NULL, NULL, 0 },
        };

        page_open(p, "Visa statistics", "/visas");
        page_filter_begin(&p->out, "/visas");
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
            page_field(&p->out, &f[i]);
        page_filter_end(&p->out, "Show");
    }
    page_raw(&p->out, body);
    page_close(p);
    free(body);
    return ST_OK;
}

/* The report's query as parameters: the pager's links and the memo's
 * key (memo.h) after the registry's head. */
static void un_query_text(const struct un_query *q, struct buf *b)
{
    char from[DATE_BUF], to[DATE_BUF], as_of[DATE_BUF];

    date_format(q->from, from);
    date_format(q->to, to);
    date_format(q->as_of, as_of);
    buf_addstr(b, "/visas/report?issuing=");
    page_url(b, q->issuing);
    buf_addf(b, "&from=%s&to=%s&as_of=%s&", from, to, as_of);
}

/* The UN report: computing it over many visa cases takes longer than a
 * page may, so its body is kept (memo.h) for the registry's head and the
 * query; the cases past the deadline are paged. */
static enum status un_report(struct page_rq *p, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    struct un_query q = { DATE_NONE, DATE_NONE, p->rq.today, NULL, 0 };
    int32_t *deadlines;
    struct un_report r;
    struct buf html, base, key;
    char *kept;
    enum status rc = ST_OK;

    q.issuing = param_or(p, "issuing", "USA");
    if (page_date(p, "from", DATE_NONE, &q.from, e) ||
        page_date(p, "to", DATE_NONE, &q.to, e) ||
        page_date(p, "as_of", p->rq.today, &q.as_of, e) ||
        known_state(p, "issuing", q.issuing, e))
        return e->status;
    un_query_complete(s, &q);
    buf_init(&base, 1024);
    buf_init(&key, 1024);
    un_query_text(&q, &base);
    /* Kept across writes of records it does not read (notifications,
     * the staff of missions elsewhere than at the UN). */
    buf_addf(&key, "unreport %lld %ld %zu %s",
             (long long)page_relevant_seq(p, PAGE_KIND_UN),
             (long)p->as_known_on, page_offset(p), base.data);
    kept = memo_get(key.data);
    if (!kept) {
        deadlines =
            xcalloc(snapshot_count(s, ENT_VISA) + 1, sizeof(*deadlines));
        memset(&r, 0, sizeof(r));
        rc = visa_sla_deadlines(s, p->rq.holidays, deadlines, e);
        if (!rc) {
            un_report_build(s, deadlines, &q, &r);
            buf_init(&html, PAGE_MAX);
            un_report_html_paged(&html, s, &q, &r, page_offset(p), base.data);
            kept = buf_detach(&html);
            memo_put(key.data, kept);
            buf_release(&html);
            un_report_release(&r);
        }
        free(deadlines);
    }
    if (kept) {
        page_open(p, "Visa delays: report to the UN Host Country Committee",
                  "/visas/report");
        page_embed_body(&p->out, kept);
        page_close(p);
        free(kept);
    }
    buf_release(&key);
    buf_release(&base);
    return rc;
}

const struct page_route PAGES_ANALYST[] = {
    { "GET", "/parity", PAGE_READERS, parity, 1 },
    { "GET", "/headcount", PAGE_READERS, headcount, 1 },
    { "GET", "/visas", PAGE_READERS, visas, 1 },
    { "GET", "/forecasts", ROLE_OFFICER | ROLE_ANALYST, pages_forecasts, 1 },
    { "GET", "/visas/report", ROLE_OFFICER | ROLE_ANALYST, un_report, 1 },
    { NULL, NULL, 0, NULL, 0 },
};
