/*
 * The planner (rules/plan.h). It works on the snapshot itself: each
 * departure sets the posting's end date and moves its stop in the presence
 * index (core/presence.h), so every count after it, and the proof's
 * `check`, sees the registry as the plan leaves it; the changes are undone
 * in reverse order at the end. Copying a registry of a million postings
 * to change a few dozen would cost more than planning.
 *
 * Counting goes through rules/cap.c, so the planner's idea of a cap's
 * count and limit is exactly the one `check` proves against.
 */
#include "rules/plan.h"

#include <string.h>

#include "base/xalloc.h"
#include "core/presence.h"
#include "rules/cap.h"
#include "rules/check.h"
#include "rules/policy.h"

/* A posting's end before the plan changed it. */
struct undo {
    uint32_t posting;
    int32_t ended;
    int end_reason;
};

/* A cap in effect on the plan's date and the state whose staff it caps. */
struct cap_item {
    struct policy_rule r;
    const char *capped;
};

struct work {
    struct snapshot *s;
    const struct plan_options *o;
    struct plan *out;
    struct undo *undo;
    size_t n_undo, alloc_undo;
    unsigned char *planned; /* per posting: 1 once in the plan */
    struct cap_item *caps;
    size_t n_caps, alloc_caps;
    struct arena rules;
};

/* The ordering key of a posting: due postings by deadline, a cap's
 * candidates protected last, then by arrival; ties by posting id. */
struct candidate {
    int32_t first;  /* deadline, or 1 when protected */
    int32_t second; /* arrival */
    const char *id;
    uint32_t posting;
    const struct finding *x; /* the finding that makes it due */
};

void plan_init(struct plan *p)
{
    memset(p, 0, sizeof(*p));
    findings_init(&p->remaining);
    findings_init(&p->other);
    arena_init(&p->strings);
}

void plan_release(struct plan *p)
{
    free(p->items);
    findings_release(&p->remaining);
    findings_release(&p->other);
    arena_release(&p->strings);
    memset(p, 0, sizeof(*p));
}

static void set_end(struct snapshot *s, uint32_t ti, int32_t ended, int reason)
{
    struct posting *t = snap_posting(s, ti);
    int32_t old = posting_stop(t);

    t->ended = ended;
    t->end_reason = reason;
    snapshot_unclustered(s);
    presence_move_stop(s->presence, t->mission, old, posting_stop(t));
}

static void depart(struct work *w, const struct candidate *c, int32_t leave_by,
                   enum finding_kind kind, const char *policy, int round)
{
    const struct posting *t = snap_posting(w->s, c->posting);
    struct plan_departure *d;

    XGROW(w->undo, w->n_undo + 1, w->alloc_undo);
    w->undo[w->n_undo++] = (struct undo){ c->posting, t->ended, t->end_reason };
    XGROW(w->out->items, w->out->n + 1, w->out->alloc);
    d = &w->out->items[w->out->n++];
    d->posting = c->posting;
    d->leave_by = leave_by < t->arrived ? t->arrived : leave_by;
    d->deadline = c->x ? c->x->deadline : w->o->by;
    d->kind = kind;
    d->policy = arena_strdup(&w->out->strings, policy);
    d->round = round;
    w->planned[c->posting] = 1;
    set_end(w->s, c->posting, d->leave_by, END_ORDERED_DEPARTURE);
}

static void undo_all(struct work *w)
{
    while (w->n_undo) {
        const struct undo *u = &w->undo[--w->n_undo];

        set_end(w->s, u->posting, u->ended, u->end_reason);
    }
}

static int by_key(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;

    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->second != b->second)
        return a->second < b->second ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* check on the plan's date, each state's policies on the other. */
static enum status pair_findings(const struct snapshot *s,
                                 const struct plan_options *o,
                                 struct findings *out, struct err *e)
{
    for (int k = 0; k < 2; k++) {
        struct check_options c;

        memset(&c, 0, sizeof(c));
        c.as_of = o->by;
        c.issuer = o->states[k];
        c.target = o->states[1 - k];
        c.assumed = o->assumed;
        c.n_assumed = o->n_assumed;
        if (rules_check(s, &c, out, e))
            return e->status;
    }
    return ST_OK;
}

static int due_kind(enum finding_kind k)
{
    return k == FK_OVER_TENURE || k == FK_DEPARTURE_DUE || k == FK_LOCAL_STAFF;
}

/* The postings findings f make due, by deadline then id. OUT: *n. */
static struct candidate *due_postings(const struct snapshot *s,
                                      const struct findings *f, size_t *n)
{
    struct candidate *c = xmalloc((f->n + 1) * sizeof(*c));

    *n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const struct finding *x = &f->items[i];
        uint32_t ti = snapshot_find(s, ENT_POSTING, x->subject);

        if (!due_kind(x->kind) || x->deadline == DATE_NONE ||
            x->subject_kind != ENT_POSTING || ti == IDMAP_NONE)
            continue;
        c[(*n)++] = (struct candidate){ x->deadline, 0, x->subject, ti, x };
    }
    if (*n)
        qsort(c, *n, sizeof(*c), by_key);
    return c;
}

static enum status plan_due(struct work *w, struct err *e)
{
    struct findings f;
    struct candidate *c = NULL;
    size_t n = 0;
    enum status rc;

    findings_init(&f);
    rc = pair_findings(w->s, w->o, &f, e);
    if (!rc)
        c = due_postings(w->s, &f, &n);
    for (size_t i = 0; i < n; i++) {
        int32_t by = c[i].x->deadline < w->o->by ? c[i].x->deadline : w->o->by;

        if (!w->planned[c[i].posting])
            depart(w, &c[i], by, c[i].x->kind, c[i].x->policy, 0);
    }
    free(c);
    findings_release(&f);
    return rc;
}

static int assumed(const struct plan_options *o, const char *condition)
{
    for (size_t i = 0; i < o->n_assumed; i++) {
        if (!strcmp(o->assumed[i], condition))
            return 1;
    }
    return 0;
}

/* The state whose staff cap y limits, when y is one of the two states'
 * caps on the other in effect on the plan's date; else NULL. */
static const char *capped(const struct policy *y, const struct plan_options *o)
{
    if (y->kind != PK_HEADCOUNT_CAP || y->from > o->by ||
        (y->to != DATE_NONE && y->to < o->by) ||
        (y->unless && assumed(o, y->unless)))
        return NULL;
    for (int k = 0; k < 2; k++) {
        if (!strcmp(y->issuer, o->states[1 - k]) &&
            (!strcmp(y->target, o->states[k]) || !strcmp(y->target, "*")))
            return o->states[k];
    }
    return NULL;
}

static enum status load_caps(struct work *w, struct err *e)
{
    for (uint32_t i = 0; i < snapshot_count(w->s, ENT_POLICY); i++) {
        const char *state = capped(snapshot_row(w->s, ENT_POLICY, i), w->o);

        if (!state)
            continue;
        XGROW(w->caps, w->n_caps + 1, w->alloc_caps);
        if (policy_rule_load(w->s, i, &w->rules, &w->caps[w->n_caps].r, e))
            return e->status;
        w->caps[w->n_caps++].capped = state;
    }
    return ST_OK;
}

static int protected(const struct plan_options *o, const struct posting *t)
{
    return (o->protect_heads && t->head_of_mission) ||
           (o->protect_categories & (1u << t->category));
}

/* The present postings cap c counts, in the order they would leave. */
static struct candidate *cap_candidates(const struct work *w,
                                        const struct cap_item *c, size_t *n)
{
    struct mission_list ml = snapshot_missions_sent(w->s, c->capped);
    struct candidate *out = NULL;
    size_t alloc = 0;

    *n = 0;
    for (size_t i = 0; i < ml.n; i++) {
        uint32_t m = mission_list_at(&ml, i);

        if (!cap_counts_mission(w->s, &c->r, c->capped, c->r.issuer, m))
            continue;
        ADJ_FOR_EACH(w->s->postings_by_mission, m, ti)
        {
            const struct posting *t = snap_posting(w->s, ti);

            if (!posting_present(t, w->o->by) ||
                !cap_counts_category(&c->r, t->category))
                continue;
            XGROW(out, *n + 1, alloc);
            out[(*n)++] = (struct candidate){ protected(w->o, t), t->arrived,
                                              t->id, ti, NULL };
        }
    }
    if (*n)
        qsort(out, *n, sizeof(*out), by_key);
    return out;
}

/* Brings cap c within its limit on the plan's date; 1 when someone had
 * to leave for it. */
static int enforce(struct work *w, const struct cap_item *c, int round)
{
    int32_t by = w->o->by;
    long n = cap_count(w->s, &c->r, c->capped, c->r.issuer, by);
    long limit = cap_limit(w->s, &c->r, c->capped, by);
    struct candidate *k;
    size_t n_k;

    if (n <= limit)
        return 0;
    k = cap_candidates(w, c, &n_k);
    for (size_t i = 0; i < n_k && n > limit; i++) {
        n -= 1;
        if (c->r.u.cap.count.include_dependents)
            n -= cap_household(w->s, k[i].posting, by);
        depart(w, &k[i], by, FK_OVER_CAP, c->r.id, round);
    }
    free(k);
    return 1;
}

/* Every cap of both directions, round after round, until a round finds
 * none exceeded: a departure on one side lowers a mirror on the other. */
static void plan_caps(struct work *w)
{
    int changed;

    do {
        changed = 0;
        w->out->rounds++;
        for (size_t i = 0; i < w->n_caps; i++)
            changed |= enforce(w, &w->caps[i], w->out->rounds);
    } while (changed);
}

static int plan_kind(enum finding_kind k)
{
    return due_kind(k) || k == FK_OVER_CAP || k == FK_AMBIGUOUS;
}

static void copy_finding(struct findings *to, const struct finding *x)
{
    struct finding *y = findings_add(to, x->policy, x->kind, x->subject_kind,
                                     x->subject, x->as_of);

    finding_detail(to, y, "%s", x->detail);
    for (size_t i = 0; i < x->n_explain; i++)
        finding_explain(to, y, "%s", x->explain[i]);
    finding_deadline(y, x->deadline);
}

/* check on the plan's date with the departures applied. */
static enum status prove(struct work *w, struct err *e)
{
    struct findings f;
    enum status rc;

    findings_init(&f);
    rc = pair_findings(w->s, w->o, &f, e);
    for (size_t i = 0; !rc && i < f.n; i++)
        copy_finding(plan_kind(f.items[i].kind) ? &w->out->remaining
                                                : &w->out->other,
                     &f.items[i]);
    findings_release(&f);
    return rc;
}

enum status plan_compute(struct snapshot *s, const struct plan_options *o,
                         struct plan *out, struct err *e)
{
    struct work w;
    enum status rc;

    memset(&w, 0, sizeof(w));
    w.s = s;
    w.o = o;
    w.out = out;
    w.planned = xcalloc(snapshot_count(s, ENT_POSTING) + 1, 1);
    arena_init(&w.rules);
    rc = plan_due(&w, e);
    if (!rc)
        rc = load_caps(&w, e);
    if (!rc)
        plan_caps(&w);
    if (!rc)
        rc = prove(&w, e);
    undo_all(&w);
    free(w.undo);
    free(w.caps);
    free(w.planned);
    arena_release(&w.rules);
    return rc;
}
