/*
 * The analyst's "forecasts compared" page: the scenarios shipped with
 * chancery (data/demo/scenarios, compiled into the binary beside web/'s
 * files, so the server reads no file at request time) run against the
 * resident registry and compared as `chancery forecast compare A B`
 * does, with the same renderers: the chart of each scenario's median
 * and band over the first's, inline, and the table. A page must render
 * within 50 ms, so the runs are limited (PAGE_MAX_RUNS, said on the
 * page); the seed is each scenario's own, so the page is repeatable and
 * the CLI with the same --runs gives the same figures.
 */
#include <stdlib.h>

#include "base/problems.h"
#include "base/xalloc.h"
#include "forecast/model.h"
#include "http/assets.h"
#include "http/memo.h"
#include "http/pages.h"
#include "report/forecast_render.h"

/* The most runs a page asks for, and its default. */
#define PAGE_MAX_RUNS 100

/* One scenario of the page, from parse to result. */
struct page_fc {
    const char *name;
    struct scenario sc;
    struct forecast_model model;
    struct forecast_result result;
    int stage; /* 1 parsed, 2 modelled, 3 run */
};

static const struct web_asset *scenario_asset(const char *name)
{
    size_t n;

    for (const struct web_asset *a = WEB_ASSETS; a->name; a++) {
        n = strlen(a->name);
        if (n > 5 && !strcmp(a->name + n - 5, ".json") &&
            (!name || !strcmp(a->name, name)))
            return a;
    }
    return NULL;
}

/* The names of the scenarios joined by '|', for a select. */
static void scenario_options(struct buf *b)
{
    size_t n;

    for (const struct web_asset *a = WEB_ASSETS; a->name; a++) {
        n = strlen(a->name);
        if (n > 5 && !strcmp(a->name + n - 5, ".json"))
            buf_printf(b, "%s%s", b->len ? "|" : "", a->name);
    }
}

static enum status fc_parse_one(const struct snapshot *s, struct page_fc *f,
                                struct err *e)
{
    const struct web_asset *a = scenario_asset(f->name);
    struct problems pr;
    size_t bad;

    if (!a)
        return err_set(e, ST_USAGE, "no scenario '%s'", f->name);
    problems_init(&pr);
    bad =
        scenario_parse(s, a->name, (const char *)a->data, a->size, &f->sc, &pr);
    f->stage = 1;
    if (bad)
        err_set(e, ST_INVALID, "%s", pr.n_kept ? pr.msgs[0] : a->name);
    problems_release(&pr);
    return bad ? e->status : ST_OK;
}

/* Models and runs a parsed scenario. */
static enum status fc_run_one(const struct snapshot *s, struct page_fc *f,
                              long runs, struct err *e)
{
    struct forecast_options o = { 0 };

    if (forecast_model_build(s, &f->sc, &f->model, e))
        return e->status;
    f->stage = 2;
    o.runs = runs < f->sc.runs ? runs : f->sc.runs;
    o.seed = f->sc.has_seed ? f->sc.seed : 1;
    o.threads = 1;
    forecast_run(&f->model, &o, &f->result);
    f->stage = 3;
    return ST_OK;
}

static void fc_release_one(struct page_fc *f)
{
    if (f->stage >= 3)
        forecast_result_release(&f->result);
    if (f->stage >= 2)
        forecast_model_release(&f->model);
    if (f->stage >= 1)
        scenario_release(&f->sc);
}

static enum status runs_of(const struct page_rq *p, long *runs, struct err *e)
{
    const char *v = page_param(p, "runs");
    char *end;

    *runs = PAGE_MAX_RUNS;
    if (!v || !*v)
        return ST_OK;
    *runs = strtol(v, &end, 10);
    if (*end || *runs < 1 || *runs > PAGE_MAX_RUNS)
        return err_set(e, ST_USAGE,
                       "runs: expected a whole number from 1 to %d, not '%s'",
                       PAGE_MAX_RUNS, v);
    return ST_OK;
}

static void fc_form(struct page_rq *p, const char *a, const char *b,
                    const char *by, const char *runs)
{
    struct buf opts;

    buf_init(&opts, PAGE_MAX);
    scenario_options(&opts);
    {
        struct page_field f[] = {
            { "a", "Baseline scenario", "select", a, NULL, NULL, opts.data, 1 },
            { "b", "Compared with", "select", b, NULL, NULL, opts.data, 1 },
            { "by", "Series", "select", by, NULL, NULL, "side|mission", 0 },
            { "runs", "Runs (at most 100)", "number", runs, NULL, NULL, NULL,
              0 },
        };

        page_filter_begin(&p->out, "/forecasts");
        for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
            page_field(&p->out, &f[i]);
        page_filter_end(&p->out, "Compare");
    }
    buf_release(&opts);
}

static void fc_show(struct buf *b, const struct page_fc *fc, enum fc_by by)
{
    struct fc_view v[2];
    struct buf svg, json;
    char note[512];

    for (size_t i = 0; i < 2; i++) {
        v[i].path = fc[i].name;
        v[i].sc = &fc[i].sc;
        v[i].model = &fc[i].model;
        v[i].result = &fc[i].result;
    }
    if (!fc_comparable(&v[0], &v[1])) {
        page_message(b, "error",
                     "These scenarios cover different dates or sides, so "
                     "they do not compare.");
        return;
    }
    buf_init(&svg, PAGE_MAX);
    buf_init(&json, PAGE_MAX);
    fc_render_compare_svg(v, 2, by, &svg);
    fc_render_compare(v, 2, by, OUT_JSON, &json, NULL);
    snprintf(note, sizeof(note),
             "Runs limited to %ld per scenario (the scenarios ask for %ld) "
             "so that the page renders within 50 ms; seeds are the "
             "scenarios' own, so `chancery forecast compare` of the same "
             "files with --runs %ld gives these figures; without it, every "
             "run.",
             fc[0].result.runs, fc[0].sc.runs, fc[0].result.runs);
    page_para(b, note);
    page_svg(b, svg.data,
             "Each series' expected staff: the baseline's median and band, "
             "and the compared scenario's drawn over it.");
    page_json_text(b, json.data, "The scenarios side by side", NULL, 0);
    buf_release(&json);
    buf_release(&svg);
}

enum status pages_forecasts(struct page_rq *p, struct err *e)
{
    const struct web_asset *first = scenario_asset(NULL);
    struct page_fc fc[2];
    const char *by = page_param(p, "by");
    const char *runs_text = page_param(p, "runs");
    struct buf key, bad, b;
    char *body, *why;
    enum status rc;
    long runs;

    if (!first)
        return err_set(e, ST_NOT_FOUND, "no scenarios in this build");
    memset(fc, 0, sizeof(fc));
    fc[0].name = page_param(p, "a");
    fc[1].name = page_param(p, "b");
    if (!fc[0].name)
        fc[0].name = first->name;
    if (!fc[1].name) {
        const struct web_asset *x = first + 1;

        while (x->name && !scenario_asset(x->name))
            x++;
        fc[1].name = x->name ? x->name : first->name;
    }
    if (by && strcmp(by, "side") && strcmp(by, "mission"))
        return err_set(e, ST_USAGE, "by: expected side or mission, not '%s'",
                       by);
    if (runs_of(p, &runs, e))
        return e->status;
    /* The runs are repeatable (the scenarios' seeds): their rendering is
     * kept for the registry's head (memo.h), across writes of records no
     * scenario reads (notifications). */
    buf_init(&key, 4096);
    page_memo_key_at(p, "forecasts", page_relevant_seq(p, PAGE_KINDS_REGISTRY),
                     &key);
    body = memo_get(key.data);
    rc = ST_OK;
    /* A scenario the registry cannot run is refused as fast again. */
    buf_init(&bad, 4096);
    buf_addf(&bad, "%s\x1finvalid", key.data);
    if (!body && (why = memo_get(bad.data))) {
        rc = err_set(e, ST_INVALID, "%s", why);
        free(why);
    }
    if (!body && !rc) {
        /* Both parsed before either runs: a scenario the registry cannot
         * run is refused without running the other. */
        rc = fc_parse_one(p->rq.s, &fc[0], e);
        if (!rc)
            rc = fc_parse_one(p->rq.s, &fc[1], e);
        if (!rc)
            rc = fc_run_one(p->rq.s, &fc[0], runs, e);
        if (!rc)
            rc = fc_run_one(p->rq.s, &fc[1], runs, e);
        if (!rc) {
            buf_init(&b, PAGE_MAX);
            fc_show(&b, fc,
                    by && !strcmp(by, "mission") ? FC_BY_MISSION : FC_BY_SIDE);
            body = buf_detach(&b);
            memo_put(key.data, body);
            buf_release(&b);
        } else if (rc == ST_INVALID) {
            memo_put(bad.data, e->msg);
        }
        fc_release_one(&fc[1]);
        fc_release_one(&fc[0]);
    }
    if (body) {
        page_open(p, "Forecasts compared", "/forecasts");
        fc_form(p, fc[0].name, fc[1].name, by ? by : "side", runs_text);
        page_raw(&p->out, body);
        page_close(p);
        free(body);
    }
    buf_release(&bad);
    buf_release(&key);
    return rc;
}
