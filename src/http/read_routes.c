/*
 * The read routes beyond the registry's records (read_routes.h): explain,
 * plan, policies, visas, the UN visa report, the consular list and the
 * checkpoint. A handler reads its query parameters as the command reads
 * its options (same names, `_` for `-`, a repeated option a repeated
 * parameter), narrows them to a liaison's scope, and calls the view the
 * command calls; what it checks beyond the view is what the command's
 * option table checks (a known state, a value of an enumeration).
 */
#include "http/read_routes.h"

#include <stdlib.h>

#include "base/date.h"
#include "base/note.h"
#include "core/enums.h"
#include "publish/dlist.h"
#include "report/dlist.h"
#include "report/parity_render.h"
#include "report/read_views.h"
#include "report/views.h"
#include "store/store.h"

const char *const PARAMS_EXPLAIN[] = { "as_of",       "issuer", "target",
                                       "kind",        "policy", "assume",
                                       "as_known_on", NULL };
const char *const PARAMS_PARITY_SVG[] = { "!from", "!to",     "step",
                                          "count", "*assume", "as_known_on",
                                          NULL };
const char *const PARAMS_PLAN[] = { "!by", "*protect", "*assume", "as_known_on",
                                    NULL };
const char *const PARAMS_POLICIES[] = { "issuer", "target", "as_known_on",
                                        NULL };
const char *const PARAMS_VISAS[] = {
    "issuing", "nationality",  "post",       "class",       "purpose",
    "outcome", "applied_from", "applied_to", "as_known_on", NULL
};
const char *const PARAMS_VISA_REPORT[] = {
    "from", "to", "as_of", "issuing", "include_bilateral", "as_known_on", NULL
};
const char *const PARAMS_CONSULAR_LIST[] = { "!host", "as_of", "as_known_on",
                                             NULL };

static enum status get_enum(const struct request *rq, const char *name,
                            const struct enum_names *def, int *out,
                            struct err *e)
{
    const char *v = request_param(rq, name);

    if (v && (*out = enum_from_name(def, v)) == ENUM_NONE)
        return err_set(e, ST_USAGE, "%s: unknown value '%s'", name, v);
    return ST_OK;
}

static enum status get_flag(const struct request *rq, const char *name,
                            int *out, struct err *e)
{
    const char *v = request_param(rq, name);

    if (!v)
        return ST_OK;
    if (strcmp(v, "true") && strcmp(v, "false"))
        return err_set(e, ST_USAGE, "%s: '%s' is not true or false", name, v);
    *out = v[0] == 't';
    return ST_OK;
}

/* The values of a repeated parameter, in order, into out (MAX_PARAMS). */
static size_t get_all(const struct request *rq, const char *name,
                      const char **out)
{
    size_t n = 0;

    for (int i = 0; i < rq->n_params; i++)
        if (!strcmp(rq->params[i].name, name))
            out[n++] = rq->params[i].value;
    return n;
}

static int scoped(const struct request *rq)
{
    return rq->scope.sending || rq->scope.mission;
}

/* check's query from the parameters, as routes.c's check builds it; a
 * liaison's findings are those about its state. */
static enum status check_query_of(struct request *rq, struct check_query *q,
                                  const char **assumed, struct err *e)
{
    const char *own = view_scope_state(rq->s, &rq->scope);

    memset(q, 0, sizeof(*q));
    q->o.as_of = rq->today;
    q->o.holidays = rq->holidays;
    q->as_known_on = DATE_NONE;
    q->as_of_given = request_param(rq, "as_of") != NULL;
    q->o.issuer = request_param(rq, "issuer");
    q->o.target = request_param(rq, "target");
    q->kind = request_param(rq, "kind");
    q->policy = request_param(rq, "policy");
    q->o.n_assumed = get_all(rq, "assume", assumed);
    q->o.assumed = assumed;
    if (param_date(rq, "as_of", &q->o.as_of, e) ||
        param_date(rq, "as_known_on", &q->as_known_on, e))
        return e->status;
    if (scoped(rq)) {
        if (!own || (q->o.target && strcmp(q->o.target, own)))
            return err_set(e, ST_NOT_FOUND, "no findings for you");
        q->o.target = own;
    }
    return ST_OK;
}

/* GET /api/v1/findings/{id}/explain: `explain ID`. */
enum status route_explain(struct request *rq, struct buf *out, struct err *e)
{
    const char *assumed[MAX_PARAMS];
    struct check_query q;

    if (check_query_of(rq, &q, assumed, e))
        return e->status;
    return view_explain(rq->s, &q, rq->captures[0], OUT_JSON, out, e);
}

/* protect: head_of_mission or staff categories, comma separated. */
static enum status protect_one(struct plan_options *o, const char *text,
                               struct err *e)
{
    char item[64];
    int c;

    while (*text) {
        size_t n = strcspn(text, ",");

        snprintf(item, sizeof(item), "%.*s", (int)n, text);
        if (!strcmp(item, "head_of_mission"))
            o->protect_heads = 1;
        else if ((c = enum_from_name(&ENUM_STAFF_CATEGORY, item)) != ENUM_NONE)
            o->protect_categories |= 1u << c;
        else
            return err_set(e, ST_USAGE,
                           "protect: '%s' is not head_of_mission or a staff "
                           "category",
                           item);
        text += n + (text[n] == ',');
    }
    return ST_OK;
}

/* GET /api/v1/plan/{s1}/{s2}: `plan S1 S2 --by D`, on a snapshot of the
 * request's own (the plan changes it while proving); a liaison only for
 * pairs with its state. */
enum status route_plan(struct request *rq, struct buf *out, struct err *e)
{
    const char *assumed[MAX_PARAMS], *protect[MAX_PARAMS];
    const char *own = view_scope_state(rq->s, &rq->scope);
    struct plan_options o;
    size_t n_protect, n;

    memset(&o, 0, sizeof(o));
    o.states[0] = rq->captures[0];
    o.states[1] = rq->captures[1];
    o.by = DATE_NONE;
    if (!request_param(rq, "by"))
        return err_set(e, ST_USAGE, "by is required");
    if (param_date(rq, "by", &o.by, e))
        return e->status;
    n_protect = get_all(rq, "protect", protect);
    for (size_t i = 0; i < n_protect; i++)
        if (protect_one(&o, protect[i], e))
            return e->status;
    o.n_assumed = get_all(rq, "assume", assumed);
    o.assumed = assumed;
    if (scoped(rq) &&
        (!own || (strcmp(o.states[0], own) && strcmp(o.states[1], own))))
        return err_set(e, ST_NOT_FOUND, "no plan of %s and %s for you",
                       o.states[0], o.states[1]);
    return view_plan(rq->own, &o, OUT_JSON, out, &n, e);
}

/* GET /api/v1/policies: `policy list`. */
enum status route_policies(struct request *rq, struct buf *out, struct err *e)
{
    const char *issuer, *target = request_param(rq, "target");

    if (param_state(rq, "issuer", &issuer, e))
        return e->status;
    if (target && strcmp(target, "*") &&
        snapshot_find(rq->s, ENT_STATE, target) == IDMAP_NONE &&
        snapshot_find(rq->s, ENT_ORGANIZATION, target) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "target: unknown state '%s'", target);
    view_policies(rq->s, issuer, target, &rq->scope, OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/policies/{id}: `policy show ID`. */
enum status route_policy(struct request *rq, struct buf *out, struct err *e)
{
    return view_policy(rq->s, rq->captures[0], &rq->scope, out, e);
}

/* GET /api/v1/visas: `visa list`; a liaison's are its nationals'. */
enum status route_visas(struct request *rq, struct buf *out, struct err *e)
{
    struct visa_filter f = { NULL,      NULL,      NULL,      IDMAP_NONE,
                             ENUM_NONE, ENUM_NONE, DATE_NONE, DATE_NONE };
    const char *post = request_param(rq, "post");

    f.vclass = request_param(rq, "class");
    if (param_state(rq, "issuing", &f.issuing, e) ||
        param_state(rq, "nationality", &f.nationality, e) ||
        get_enum(rq, "purpose", &ENUM_VISA_PURPOSE, &f.purpose, e) ||
        get_enum(rq, "outcome", &ENUM_VISA_OUTCOME, &f.outcome, e) ||
        param_date(rq, "applied_from", &f.from, e) ||
        param_date(rq, "applied_to", &f.to, e))
        return e->status;
    if (post &&
        (f.post = snapshot_find(rq->s, ENT_MISSION, post)) == IDMAP_NONE)
        return err_set(e, ST_USAGE, "post: unknown mission '%s'", post);
    view_visas(rq->s, &f, &rq->scope, OUT_JSON, out);
    return ST_OK;
}

/* GET /api/v1/visas/{id}: `visa show ID`. */
enum status route_visa(struct request *rq, struct buf *out, struct err *e)
{
    return view_visa(rq->s, rq->captures[0], &rq->scope, OUT_JSON, out, e);
}

/* GET /api/v1/visas/report: `visa report --un`. */
enum status route_visa_report(struct request *rq, struct buf *out,
                              struct err *e)
{
    struct un_query q = { DATE_NONE, DATE_NONE, rq->today, NULL, 0 };

    if (param_date(rq, "from", &q.from, e) || param_date(rq, "to", &q.to, e) ||
        param_date(rq, "as_of", &q.as_of, e) ||
        param_state(rq, "issuing", &q.issuing, e) ||
        get_flag(rq, "include_bilateral", &q.include_bilateral, e))
        return e->status;
    un_query_complete(rq->s, &q);
    if (q.to < q.from)
        return err_set(e, ST_USAGE, "to is before from");
    return view_visa_report(rq->s, &q, rq->holidays, OUT_JSON, out, e);
}

/* GET /api/v1/lists/consular: `publish consular-list` (public), naming
 * the change log's entry it was made from. */
enum status route_consular_list(struct request *rq, struct buf *out,
                                struct err *e)
{
    int32_t as_of = rq->today, as_known_on = DATE_NONE;
    const char *host;
    struct dlist l;
    enum status rc;

    if (!request_param(rq, "host"))
        return err_set(e, ST_USAGE, "host is required");
    if (param_state(rq, "host", &host, e) ||
        param_date(rq, "as_of", &as_of, e) ||
        param_date(rq, "as_known_on", &as_known_on, e))
        return e->status;
    if ((rc = dlist_build(rq->s, DLIST_CONSULAR, host, as_of, &l, e))) {
        dlist_release(&l);
        return rc;
    }
    l.as_known_on = as_known_on;
    l.checkpoint_seq = rq->s_seq;
    if (as_known_on != DATE_NONE) {
        pthread_mutex_lock(&rq->res->side_mu);
        rc = store_log_head(rq->res->side, as_known_on, &l.checkpoint_seq, e);
        pthread_mutex_unlock(&rq->res->side_mu);
    }
    if (!rc) {
        pthread_mutex_lock(&rq->res->side_mu);
        rc = store_tree_root_b64(rq->res->side, (uint64_t)l.checkpoint_seq,
                                 l.checkpoint_root, sizeof(l.checkpoint_root),
                                 e);
        pthread_mutex_unlock(&rq->res->side_mu);
    }
    if (!rc)
        dlist_render(rq->s, &l, OUT_JSON, out);
    dlist_release(&l);
    return rc;
}

/* GET /api/v1/audit/checkpoint: `audit checkpoint` (public), the log's
 * unsigned checkpoint as text. */
enum status route_checkpoint(struct request *rq, struct buf *out, struct err *e)
{
    const char *origin = getenv("CHANCERY_ORIGIN");
    struct checkpoint c;
    enum status rc;

    memset(&c, 0, sizeof(c));
    snprintf(c.origin, sizeof(c.origin), "%s",
             origin && *origin ? origin : "chancery");
    if (strchr(c.origin, '\n'))
        return err_set(e, ST_ERROR, "bad origin '%s'", c.origin);
    pthread_mutex_lock(&rq->res->side_mu);
    rc = store_tree_head(rq->res->side, &c.size, c.root, e);
    pthread_mutex_unlock(&rq->res->side_mu);
    if (rc)
        return rc;
    rq->content_type = "text/plain; charset=utf-8";
    return checkpoint_text(&c, out) ? err_set(e, ST_ERROR, "no checkpoint")
                                    : ST_OK;
}

/* GET /api/v1/parity/{s1}/{s2}.svg: `parity S1 S2 --from D --to D --svg`:
 * the series in the asked counting view and the other view on the same
 * dates, drawn as the command draws them (a series only: from and to are
 * required, as --svg requires them). */
enum status route_parity_svg(struct request *rq, struct buf *out, struct err *e)
{
    const char *assumed[MAX_PARAMS];
    struct parity_query q;
    struct parity p;
    int32_t *dates = NULL;
    size_t n = 0;
    enum status rc;

    if (route_parity_query(rq, &q, assumed, e))
        return e->status;
    parity_init(&p);
    rc = view_parity_compute(rq->s, &q, &dates, &n, &p, e);
    if (!rc)
        rc = parity_render_chart(rq->s, &q.o, dates, &p, out, e);
    if (!rc)
        rq->content_type = "image/svg+xml";
    free(dates);
    parity_release(&p);
    return rc;
}
