/*
 * A posting's view (rules/postview.h). The tenure rules are read as the
 * evaluator reads them (rules/tenure.c): a rule in force on the date
 * between the mission's host country and its sending state, not void under
 * the conditions assumed, whose scope takes the mission and the category;
 * the cap date is the arrival plus the rule's period with its rounding,
 * and the leave-by date that of the first wave the tour falls in, else the
 * later of the cap date and the rule's start, plus grace. The findings are
 * those of rules_check on the date, kept when their subject is the posting
 * or one of its household ("PERSON/POSTING").
 */
#include "rules/postview.h"

#include "base/xalloc.h"
#include "rules/eval.h"

const char *posting_status(const struct posting *t, int32_t date)
{
    if (t->refused != DATE_NONE && t->refused <= date)
        return "refused";
    if (t->ended != DATE_NONE && t->ended <= date)
        return "ended";
    if (t->arrived != DATE_NONE && t->arrived <= date)
        return t->accredited != DATE_NONE && t->accredited <= date
                   ? "present, accredited"
                   : "present, accreditation pending";
    if (t->notified != DATE_NONE && t->notified <= date)
        return "notified, not arrived";
    return "not yet notified";
}

int dependent_present(const struct dependent *d, int32_t date)
{
    return (d->joined == DATE_NONE || d->joined <= date) &&
           (d->left == DATE_NONE || date < d->left);
}

static int assumed(const struct check_options *o, const char *cond)
{
    for (size_t i = 0; i < o->n_assumed; i++)
        if (!strcmp(o->assumed[i], cond))
            return 1;
    return 0;
}

/* 1 when tenure policy y is in force on o's date for the missions of
 * sending, as check selects it. */
static int tenure_in_force(const struct policy *y, const char *sending,
                           const struct check_options *o)
{
    return y->kind == PK_TENURE_CAP &&
           (!o->issuer || !strcmp(y->issuer, o->issuer)) &&
           (!strcmp(y->target, sending) ||
            (!strcmp(y->target, "*") && strcmp(y->issuer, sending))) &&
           y->from <= o->as_of && (y->to == DATE_NONE || o->as_of <= y->to) &&
           !(y->unless && assumed(o, y->unless));
}

static struct postview_cap cap_under(const struct policy_rule *r,
                                     const struct posting *t)
{
    const struct tenure_params *p = &r->u.tenure;
    struct postview_cap c = { r->id, DATE_NONE, DATE_NONE, 0 };
    int32_t base;

    if (t->arrived == DATE_NONE ||
        date_add_period(t->arrived, &p->max_tenure, p->rounding, &c.cap, NULL))
        return (struct postview_cap){ r->id, DATE_NONE, DATE_NONE, 0 };
    for (size_t k = 0; k < p->n_waves; k++) {
        if (c.cap < p->waves[k].over_by) {
            c.leave_by = p->waves[k].leave_by;
            c.wave = (int)k + 1;
            return c;
        }
    }
    base = c.cap > r->from ? c.cap : r->from;
    if (date_add_period(base, &p->grace, p->rounding, &c.leave_by, NULL))
        c.leave_by = DATE_NONE;
    return c;
}

static enum status add_cap(struct postview *v, size_t *alloc,
                           const struct snapshot *s, uint32_t pi, uint32_t ti,
                           struct err *e)
{
    const struct posting *t = snap_posting(s, ti);
    struct policy_rule r;
    struct arena a;
    enum status rc;

    arena_init(&a);
    rc = policy_rule_load(s, pi, &a, &r, e);
    if (!rc) {
        const struct mission *m = snap_mission(s, t->mission);
        struct eval ev = { s, &r, m->sending, v->as_of, NULL, NULL, NULL };

        if (eval_has_mission(&ev, &r.scope, t->mission) &&
            eval_has_category(&r.scope, t->category)) {
            XGROW(v->caps, v->n_caps + 1, *alloc);
            v->caps[v->n_caps] = cap_under(&r, t);
            v->caps[v->n_caps++].policy =
                ((const struct policy *)snapshot_row(s, ENT_POLICY, pi))->id;
        }
    }
    arena_release(&a);
    return rc;
}

/* 1 when finding x is about posting id or its household. */
static int about(const struct finding *x, const char *id)
{
    size_t n = strlen(x->subject), k = strlen(id);

    if (x->subject_kind == ENT_POSTING)
        return !strcmp(x->subject, id);
    return x->subject_kind == ENT_DEPENDENT && n > k &&
           x->subject[n - k - 1] == '/' && !strcmp(x->subject + n - k, id);
}

static void keep_about(struct findings *f, const char *id)
{
    size_t kept = 0;

    for (size_t i = 0; i < f->n; i++) {
        if (about(&f->items[i], id))
            f->items[kept++] = f->items[i];
        else
            free(f->items[i].explain);
    }
    f->n = kept;
}

static void household(struct postview *v, const struct snapshot *s, uint32_t ti)
{
    size_t alloc = 0;

    ADJ_FOR_EACH(s->dependents_by_posting, ti, di)
    {
        if (dependent_present(snap_dependent(s, di), v->as_of)) {
            XGROW(v->household, v->n_household + 1, alloc);
            v->household[v->n_household++] = di;
        }
    }
}

enum status postview_build(const struct snapshot *s, uint32_t ti,
                           const struct check_options *o, struct postview *out,
                           struct err *e)
{
    const struct posting *t = snap_posting(s, ti);
    const char *sending = snap_mission(s, t->mission)->sending;
    struct check_options narrow = *o;
    enum status rc = ST_OK;
    size_t alloc = 0;

    /* Only the policies on the posting's sending state can be about it. */
    narrow.target = sending;
    memset(out, 0, sizeof(*out));
    findings_init(&out->findings);
    out->as_of = o->as_of;
    out->status = posting_status(t, o->as_of);
    household(out, s, ti);
    for (uint32_t i = 0; !rc && i < snapshot_count(s, ENT_POLICY); i++)
        if (tenure_in_force(snapshot_row(s, ENT_POLICY, i), sending, o))
            rc = add_cap(out, &alloc, s, i, ti, e);
    if (!rc)
        rc = rules_check(s, &narrow, &out->findings, e);
    keep_about(&out->findings, t->id);
    return rc;
}

void postview_release(struct postview *v)
{
    free(v->household);
    free(v->caps);
    findings_release(&v->findings);
    memset(v, 0, sizeof(*v));
}
