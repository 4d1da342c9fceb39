/*
 * The views of report/read_views.h: what explain, plan, policy list and
 * show, visa list and show, visa report and the visa statistics' chart
 * compute and render, moved out of cli/ so that the CLI and the HTTP API
 * call the same code (DESIGN.md: cli/ and http/ only choose what to render
 * and where it goes). JSON that nests (a finding, a plan) is built with
 * jansson and printed indented in key order, as the CLI always printed it.
 */
#include "report/read_views.h"

#include <jansson.h>

#include "base/arena.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "report/docket.h"
#include "report/unreport_html.h"
#include "report/visastats_render.h"
#include "rules/policy.h"
#include "rules/visa_sla.h"

#define WRAP 78

const char *view_scope_state(const struct snapshot *s,
                             const struct view_scope *vs)
{
    uint32_t m;

    if (vs->sending)
        return vs->sending;
    if (!vs->mission)
        return NULL;
    m = snapshot_find(s, ENT_MISSION, vs->mission);
    return m == IDMAP_NONE ? NULL : snap_mission(s, m)->sending;
}

static int scoped(const struct view_scope *vs)
{
    return vs->sending || vs->mission;
}

/* ---- explain ---- */

static void add_wrapped(struct buf *b, const char *text, int indent)
{
    int col = indent;

    while (*text) {
        size_t word = strcspn(text, " ");

        if (col > indent && col + 1 + (int)word > WRAP) {
            buf_printf(b, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            buf_addch(b, ' ');
            col++;
        }
        buf_add(b, text, word);
        col += (int)word;
        text += word;
        text += strspn(text, " ");
    }
    buf_addch(b, '\n');
}

static void explain_steps_grid(const struct finding *x, enum out_format fmt,
                               struct buf *b)
{
    static const char *const cols[] = { "step:n", "text" };
    struct grid g;

    grid_init(&g, cols, 2);
    for (size_t i = 0; i < x->n_explain; i++) {
        char n[16];
        const char *cells[2] = { n, x->explain[i] };

        snprintf(n, sizeof(n), "%zu", i + 1);
        grid_add_row(&g, cells);
    }
    grid_render(&g, fmt, b);
    grid_release(&g);
}

void view_explain_render(const struct finding *x, enum out_format fmt,
                         struct buf *b)
{
    char d[DATE_BUF], as_of[DATE_BUF];
    json_t *v;

    if (fmt == OUT_JSON) {
        json_render(b, v = finding_json(x));
        json_decref(v);
        return;
    }
    if (fmt == OUT_CSV) {
        explain_steps_grid(x, fmt, b);
        return;
    }
    date_format(x->deadline, d);
    date_format(x->as_of, as_of);
    buf_printf(b, "%s (%s) as of %s\n", x->id,
               enum_name(&ENUM_FINDING_KIND, x->kind), as_of);
    buf_printf(b, "%s %s: %s\n", ENTITIES[x->subject_kind]->name, x->subject,
               x->detail);
    buf_printf(b, "deadline: %s%s\n\n", *d ? d : "none",
               x->overdue ? " (overdue)" : "");
    for (size_t i = 0; i < x->n_explain; i++) {
        size_t before = b->len;

        buf_printf(b, "%3zu. ", i + 1);
        add_wrapped(b, x->explain[i], (int)(b->len - before));
    }
}

enum status view_explain(const struct snapshot *s, const struct check_query *q,
                         const char *id, enum out_format fmt, struct buf *b,
                         struct err *e)
{
    const struct finding *x;
    struct findings f;
    char on[DATE_BUF];

    if (view_findings(s, q, &f, e)) {
        findings_release(&f);
        return e->status;
    }
    if ((x = findings_find(&f, id)))
        view_explain_render(x, fmt, b);
    findings_release(&f);
    if (x)
        return ST_OK;
    date_format(q->o.as_of, on);
    return err_set(e, ST_NOT_FOUND, "no finding '%s' on %s", id, on);
}

/* ---- plan ---- */

static void departures_grid(const struct snapshot *s, const struct plan *p,
                            struct grid *g)
{
    static const char *const cols[] = {
        "posting", "person", "name",     "mission",  "category",
        "reason",  "policy", "deadline", "leave_by", "round:n",
    };
    grid_init(g, cols, 10);
    for (size_t i = 0; i < p->n; i++) {
        const struct plan_departure *d = &p->items[i];
        const struct posting *t = snap_posting(s, d->posting);
        const struct person *who = snap_person(s, t->person);
        char name[256], deadline[DATE_BUF], leave[DATE_BUF], round[16] = "";
        const char *cells[10] = {
            t->id,
            who->id,
            name,
            snap_mission(s, t->mission)->id,
            enum_name(&ENUM_STAFF_CATEGORY, t->category),
            enum_name(&ENUM_FINDING_KIND, (int)d->kind),
            d->policy,
            deadline,
            leave,
            round,
        };

        snprintf(name, sizeof(name), "%s%s%s", who->family_name,
                 who->given_names ? ", " : "",
                 who->given_names ? who->given_names : "");
        date_format(d->deadline, deadline);
        date_format(d->leave_by, leave);
        if (d->round)
            snprintf(round, sizeof(round), "%d", d->round);
        grid_add_row(g, cells);
    }
}

/* "dependent_status: 12, visa_overdue: 1" for the findings in f. */
static void kinds_text(const struct findings *f, char *out, size_t size)
{
    size_t len = 0, per[FK__COUNT] = { 0 };

    out[0] = '\0';
    for (size_t i = 0; i < f->n; i++)
        per[f->items[i].kind]++;
    for (int k = 0; k < FK__COUNT && len < size; k++) {
        if (per[k])
            len += (size_t)snprintf(out + len, size - len, "%s%s: %zu",
                                    len ? ", " : "",
                                    enum_name(&ENUM_FINDING_KIND, k), per[k]);
    }
}

static size_t count_cap_departures(const struct plan *p)
{
    size_t n = 0;

    for (size_t i = 0; i < p->n; i++)
        n += p->items[i].kind == FK_OVER_CAP;
    return n;
}

static void plan_table(const struct plan_options *o, const struct snapshot *s,
                       const struct plan *p, struct buf *b)
{
    size_t caps = count_cap_departures(p);
    char by[DATE_BUF], kinds[512];
    struct grid g;

    date_format(o->by, by);
    buf_printf(b,
               "Departures that bring the rules of %s and %s on each other "
               "into compliance by %s:\n",
               o->states[0], o->states[1], by);
    departures_grid(s, p, &g);
    grid_render(&g, OUT_TABLE, b);
    grid_release(&g);
    buf_printf(b,
               "\n%zu departure%s: %zu due under a rule or order, %zu for "
               "caps (caps settled after %d round%s).\n",
               p->n, p->n == 1 ? "" : "s", p->n - caps, caps, p->rounds,
               p->rounds == 1 ? "" : "s");
    if (plan_proved(p)) {
        buf_printf(b, "proof: check --as-of %s yields no finding\n", by);
    } else {
        buf_printf(b, "proof failed: check --as-of %s still finds:\n", by);
        findings_render(b, OUT_TABLE, &p->remaining);
    }
    if (p->other.n) {
        kinds_text(&p->other, kinds, sizeof(kinds));
        buf_printf(b,
                   "note: %zu finding%s of other kinds remain, which "
                   "departures do not answer (%s); see check.\n",
                   p->other.n, p->other.n == 1 ? "" : "s", kinds);
    }
}

static json_t *findings_brief(const struct findings *f)
{
    json_t *all = json_array();

    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        char d[DATE_BUF];

        date_format(x->deadline, d);
        json_array_append_new(
            all,
            json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:s}", "id", x->id,
                      "policy", x->policy, "kind",
                      enum_name(&ENUM_FINDING_KIND, x->kind), "subject",
                      x->subject, "deadline", *d ? json_string(d) : json_null(),
                      "overdue", x->overdue, "detail", x->detail));
    }
    return all;
}

static json_t *departures_json(const struct snapshot *s, const struct plan *p)
{
    struct grid g;
    struct buf b;
    json_t *v;

    departures_grid(s, p, &g);
    buf_init(&b, BUF_MAX_DEFAULT);
    grid_render(&g, OUT_JSON, &b);
    v = json_loads(b.data, 0, NULL);
    buf_release(&b);
    grid_release(&g);
    if (!v)
        BUG("a grid rendered invalid JSON");
    return v;
}

static void plan_json(const struct plan_options *o, const struct snapshot *s,
                      const struct plan *p, struct buf *b)
{
    char by[DATE_BUF], *text;
    json_t *j;

    date_format(o->by, by);
    j = json_pack("{s:s, s:s, s:s, s:o, s:i, s:{s:b, s:o, s:o}}", "s1",
                  o->states[0], "s2", o->states[1], "by", by, "departures",
                  departures_json(s, p), "rounds", p->rounds, "proof", "holds",
                  plan_proved(p), "remaining", findings_brief(&p->remaining),
                  "other", findings_brief(&p->other));
    text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    buf_addstr(b, text);
    buf_addch(b, '\n');
    free(text);
    json_decref(j);
}

enum status view_plan(struct snapshot *s, const struct plan_options *o,
                      enum out_format fmt, struct buf *b, size_t *n_remaining,
                      struct err *e)
{
    struct plan p;
    struct grid g;

    *n_remaining = 0;
    if (view_two_states(s, o->states, "a plan", e))
        return e->status;
    plan_init(&p);
    if (plan_compute(s, o, &p, e)) {
        plan_release(&p);
        return e->status;
    }
    if (fmt == OUT_TABLE) {
        plan_table(o, s, &p, b);
    } else if (fmt == OUT_JSON) {
        plan_json(o, s, &p, b);
    } else {
        departures_grid(s, &p, &g);
        grid_render(&g, fmt, b);
        grid_release(&g);
    }
    *n_remaining = p.remaining.n;
    plan_release(&p);
    return ST_OK;
}

/* ---- policies ---- */

int view_policy_visible(const struct snapshot *s, const struct policy *y,
                        const struct view_scope *vs)
{
    const char *own = view_scope_state(s, vs);

    if (!scoped(vs))
        return 1;
    return own && (!strcmp(y->issuer, own) || !strcmp(y->target, own) ||
                   !strcmp(y->target, "*"));
}

void view_policies(const struct snapshot *s, const char *issuer,
                   const char *target, const struct view_scope *vs,
                   enum out_format fmt, struct buf *b)
{
    static const char *const cols[] = { "id",   "kind", "issuer", "target",
                                        "from", "to",   "unless", "title" };
    const struct entity *ent = ENTITIES[ENT_POLICY];
    struct grid g;

    grid_init(&g, cols, 8);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, i);
        char bufs[8][FIELD_BUF];
        const char *cells[8];

        if ((issuer && strcmp(y->issuer, issuer)) ||
            (target && strcmp(y->target, target)) ||
            !view_policy_visible(s, y, vs))
            continue;
        for (int k = 0; k < 8; k++)
            cells[k] = field_text(s, entity_field(ent, cols[k]), y, bufs[k]);
        grid_add_row(&g, cells);
    }
    grid_render(&g, fmt, b);
    grid_release(&g);
}

enum status view_policy(const struct snapshot *s, const char *id,
                        const struct view_scope *vs, struct buf *b,
                        struct err *e)
{
    uint32_t i = snapshot_find(s, ENT_POLICY, id);
    char *text;

    if (i == IDMAP_NONE ||
        !view_policy_visible(s, snapshot_row(s, ENT_POLICY, i), vs))
        return err_set(e, ST_NOT_FOUND, "unknown policy '%s'", id);
    text = policy_pretty(snapshot_row(s, ENT_POLICY, i));
    buf_addstr(b, text);
    free(text);
    return ST_OK;
}

/* ---- visas ---- */

static int visa_visible(const struct snapshot *s, uint32_t i,
                        const struct view_scope *vs)
{
    const char *own = view_scope_state(s, vs);

    if (!scoped(vs))
        return 1;
    return own &&
           !strcmp(snap_person(s, snap_visa(s, i)->person)->nationality, own);
}

static int visa_matches(const struct snapshot *s, const struct visa *c,
                        const struct visa_filter *f)
{
    return (!f->issuing || !strcmp(c->issuing, f->issuing)) &&
           (!f->nationality ||
            !strcmp(snap_person(s, c->person)->nationality, f->nationality)) &&
           (f->post == IDMAP_NONE || c->post == f->post) &&
           (!f->vclass || !strcmp(c->vclass, f->vclass)) &&
           (f->purpose == ENUM_NONE || c->purpose == f->purpose) &&
           (f->outcome == ENUM_NONE || c->outcome == f->outcome) &&
           (f->from == DATE_NONE || c->applied >= f->from) &&
           (f->to == DATE_NONE || c->applied <= f->to);
}

void view_visas(const struct snapshot *s, const struct visa_filter *f,
                const struct view_scope *vs, enum out_format fmt, struct buf *b)
{
    const struct entity *ent = ENTITIES[ENT_VISA];
    struct grid g;

    view_records_init(&g, ent);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++)
        if (visa_matches(s, snap_visa(s, i), f) && visa_visible(s, i, vs))
            view_records_add(&g, s, ent, i, vs);
    grid_render(&g, fmt, b);
    grid_release(&g);
}

/* The cases linked to case i: those it follows, back to the first, and
 * those that follow it, as a second table after the record. */
static void visa_linked(const struct snapshot *s, uint32_t i,
                        const struct view_scope *vs, struct buf *b)
{
    const struct entity *ent = ENTITIES[ENT_VISA];
    struct grid g;

    view_records_init(&g, ent);
    for (uint32_t p = snap_visa(s, i)->previous; p != IDMAP_NONE;
         p = snap_visa(s, p)->previous)
        view_records_add(&g, s, ent, p, vs);
    for (uint32_t k = 0; k < snapshot_count(s, ENT_VISA); k++)
        if (snap_visa(s, k)->previous == i)
            view_records_add(&g, s, ent, k, vs);
    if (g.n_rows) {
        buf_addstr(b, "\nlinked cases:\n");
        grid_render(&g, OUT_TABLE, b);
    }
    grid_release(&g);
}

enum status view_visa(const struct snapshot *s, const char *id,
                      const struct view_scope *vs, enum out_format fmt,
                      struct buf *b, struct err *e)
{
    const struct entity *ent = ENTITIES[ENT_VISA];
    uint32_t i = snapshot_find(s, ENT_VISA, id);
    struct grid g;

    if (i == IDMAP_NONE || !visa_visible(s, i, vs))
        return err_set(e, ST_NOT_FOUND, "unknown visa '%s'", id);
    view_records_init(&g, ent);
    view_records_add(&g, s, ent, i, vs);
    grid_render_record(&g, 0, fmt, b);
    grid_release(&g);
    if (fmt == OUT_TABLE)
        visa_linked(s, i, vs, b);
    return ST_OK;
}

enum status view_visa_report(const struct snapshot *s, const struct un_query *q,
                             const struct holidays *h, enum out_format fmt,
                             struct buf *b, struct err *e)
{
    int32_t *deadlines =
        xcalloc(snapshot_count(s, ENT_VISA) + 1, sizeof(*deadlines));
    struct un_report r;

    memset(&r, 0, sizeof(r));
    if (visa_sla_deadlines(s, h, deadlines, e)) {
        free(deadlines);
        return e->status;
    }
    un_report_build(s, deadlines, q, &r);
    un_report_render(b, fmt, s, q, &r);
    un_report_release(&r);
    free(deadlines);
    return ST_OK;
}

/* ---- the visa statistics' chart ---- */

/* The shortest visa_sla deadline of issuing (any issuer when NULL) in
 * effect on as_of, as calendar days (working days taken as 7 for 5), and
 * its label; 0 when none. */
static int32_t sla_deadline(const struct snapshot *s,
                            const struct visa_query *q, char *label,
                            size_t size)
{
    struct arena a;
    int32_t best = 0;

    arena_init(&a);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_POLICY); i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, i);
        struct policy_rule r;
        struct err e;
        int32_t days;

        if (y->kind != PK_VISA_SLA ||
            (q->issuing && strcmp(y->issuer, q->issuing)) ||
            policy_rule_load(s, i, &a, &r, &e) ||
            !policy_rule_in_effect(&r, q->as_of))
            continue;
        days = r.u.visa_sla.working_days ? (r.u.visa_sla.max_days * 7 + 4) / 5
                                         : r.u.visa_sla.max_days;
        if (best && days >= best)
            continue;
        best = days;
        if (r.u.visa_sla.working_days)
            snprintf(label, size, "deadline: %d working days, about %ld (%s)",
                     r.u.visa_sla.max_days, (long)days, y->id);
        else
            snprintf(label, size, "deadline: %ld days (%s)", (long)days, y->id);
    }
    arena_release(&a);
    return best;
}

static void chart_subtitle(const struct visa_query *q, char *out, size_t size)
{
    char on[DATE_BUF];

    date_format(q->as_of, on);
    snprintf(out, size,
             "Applications%s%s%s%s, as of %s; pending and withdrawn "
             "cases are censored (ticks).",
             q->nationality ? " of " : "", q->nationality ? q->nationality : "",
             q->issuing ? " to " : "", q->issuing ? q->issuing : "", on);
}

void view_visa_stats_svg(const struct snapshot *s, const struct visa_query *q,
                         int32_t deadline, struct buf *b)
{
    char label[160] = "", subtitle[256];
    struct visa_stats_chart c = { "Time to a visa decision (Kaplan-Meier)",
                                  subtitle, deadline, label };
    struct visa_stats st;

    if (deadline > 0)
        snprintf(label, sizeof(label), "deadline: %ld days (--deadline)",
                 (long)deadline);
    else
        c.deadline = sla_deadline(s, q, label, sizeof(label));
    chart_subtitle(q, subtitle, sizeof(subtitle));
    visa_stats_compute(s, q, &st);
    visa_stats_render_svg(&st, q->by, &c, b);
    visa_stats_release(&st);
}
