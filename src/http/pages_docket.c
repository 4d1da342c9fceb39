/*
 * The docket's findings kept between requests, one list per policy
 * (pages.h, docket_findings). Evaluating every policy of a large registry
 * takes milliseconds per hundred policies, and the kept rendering
 * (memo.h) is dropped by any write; but a write touches few records, and
 * a policy's findings depend only on the records of its two parties:
 * the missions one sends to the other, their staff, households and
 * persons, the visa cases between them, and the policy itself. So after
 * a write the change log's entries since the kept registry (store_log_
 * range) name the states they touched, and only the policies of those
 * states (and those the write changed, or that bind every state) are
 * evaluated again; the others' findings are taken over as they were. A
 * change that no state names (a state's or organization's record, a
 * consular entry) or too long a gap evaluates everything again.
 *
 * One set of findings is kept, for one date (the docket's default, today)
 * and the registry's present: other dates, assumptions and past registries
 * are evaluated in full, as before. The set is built and read under one
 * mutex; the findings a request gets are copies, so nothing is shared
 * once it renders. tests/cli/t2107-web-docket-kept.sh compares the
 * docket after a series of writes with `check --format json` of the same
 * registry.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/idmap.h"
#include "base/xalloc.h"
#include "http/pages.h"
#include "rules/check.h"
#include "store/store.h"

/* More entries than this since the kept registry: evaluate it all. */
#define GAP_MAX 2048

/* One policy's findings, as evaluated for the kept registry. */
struct kept_policy {
    char *id;
    struct findings f;
};

static struct {
    int valid;
    int64_t seq;
    int32_t as_of;
    const struct holidays *holidays;
    struct kept_policy *items; /* in the snapshot's policy order */
    size_t n;
} kept;
static pthread_mutex_t kept_mu = PTHREAD_MUTEX_INITIALIZER;

/* What the entries since the kept registry touched. */
struct touched {
    int all;
    struct idmap states, policies;
    struct arena keys;
};

static void touched_add(struct idmap *m, struct arena *a, const char *key)
{
    if (key && *key && idmap_get(m, key) == IDMAP_NONE)
        idmap_put(m, arena_strdup(a, key), 1);
}

static void touch_mission(struct touched *t, const struct snapshot *s,
                          uint32_t m)
{
    const struct mission *x = snap_mission(s, m);

    touched_add(&t->states, &t->keys, x->sending);
    touched_add(&t->states, &t->keys, x->host);
    touched_add(&t->states, &t->keys, x->country);
}

static void touch_posting(struct touched *t, const struct snapshot *s,
                          uint32_t i)
{
    touch_mission(t, s, snap_posting(s, i)->mission);
}

/* A person's record reaches the findings through their postings and the
 * households they are in (a child's birth date), and their nationality
 * (visa cases). */
static void touch_person(struct touched *t, const struct snapshot *s,
                         uint32_t p)
{
    touched_add(&t->states, &t->keys, snap_person(s, p)->nationality);
    ADJ_FOR_EACH(s->postings_by_person, p, i)
    {
        touch_posting(t, s, i);
    }
    for (uint32_t d = 0; d < snapshot_count(s, ENT_DEPENDENT); d++)
        if (snap_dependent(s, d)->person == p)
            touch_posting(t, s, snap_dependent(s, d)->posting);
}

/* A visa case is between its issuing state, its post's and the
 * applicant's. */
static void touch_visa(struct touched *t, const struct snapshot *s, uint32_t i)
{
    const struct visa *v = snap_visa(s, i);

    touched_add(&t->states, &t->keys, v->issuing);
    touched_add(&t->states, &t->keys, snap_person(s, v->person)->nationality);
    touch_mission(t, s, v->post);
}

/* The record of kind named key in s, touched; a record s does not hold
 * touches everything (it cannot be placed). A dependent's key names its
 * person and posting ("P1/T2"): its posting is touched. */
static void touch_ref(struct touched *t, const struct snapshot *s,
                      enum entity_kind kind, const char *key)
{
    const char *slash = strchr(key, '/');
    uint32_t i;

    if (kind == ENT_DEPENDENT) {
        kind = ENT_POSTING;
        key = slash ? slash + 1 : key;
    }
    i = snapshot_find(s, kind, key);
    if (i == IDMAP_NONE)
        t->all = 1;
    else if (kind == ENT_MISSION)
        touch_mission(t, s, i);
    else if (kind == ENT_POSTING)
        touch_posting(t, s, i);
    else if (kind == ENT_VISA)
        touch_visa(t, s, i);
    else
        touch_person(t, s, i);
}

/* The states and records a change log image (a JSON object of column
 * names to values) names. */
static void touch_image(struct touched *t, const struct snapshot *s,
                        const char *image)
{
    static const char *const states[] = { "sending", "host", "country",
                                          "nationality", "issuing" };
    json_t *o = image ? json_loads(image, 0, NULL) : NULL;
    const char *k;
    json_t *v;

    if (!image)
        return;
    if (!json_is_object(o)) {
        t->all = 1;
        json_decref(o);
        return;
    }
    json_object_foreach(o, k, v)
    {
        const char *text = json_string_value(v);

        if (!text)
            continue;
        for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
            if (!strcmp(k, states[i]))
                touched_add(&t->states, &t->keys, text);
        if (!strcmp(k, "mission") || !strcmp(k, "post"))
            touch_ref(t, s, ENT_MISSION, text);
        else if (!strcmp(k, "posting"))
            touch_ref(t, s, ENT_POSTING, text);
        else if (!strcmp(k, "person"))
            touch_ref(t, s, ENT_PERSON, text);
    }
    json_decref(o);
}

/* An entry touches its record as it now stands in s (the log keeps no
 * after image) and, when updated, as it stood before. */
static void touch_entry(struct touched *t, const struct snapshot *s,
                        const struct change_entry *c)
{
    static const struct {
        const char *name;
        enum entity_kind kind;
    } placed[] = {
        { "mission", ENT_MISSION }, { "person", ENT_PERSON },
        { "posting", ENT_POSTING }, { "dependent", ENT_DEPENDENT },
        { "visa", ENT_VISA },
    };

    if (!strcmp(c->entity, "notification"))
        return; /* no policy reads a notification */
    if (!strcmp(c->entity, "policy")) {
        touched_add(&t->policies, &t->keys, c->key);
        return;
    }
    for (size_t i = 0; i < sizeof(placed) / sizeof(placed[0]); i++) {
        if (!strcmp(c->entity, placed[i].name)) {
            touch_image(t, s, c->before);
            touch_image(t, s, c->after);
            touch_ref(t, s, placed[i].kind, c->key);
            return;
        }
    }
    t->all = 1;
}

static void touched_init(struct touched *t, int all)
{
    t->all = all;
    idmap_init(&t->states);
    idmap_init(&t->policies);
    arena_init(&t->keys);
}

/* What the change log's entries from the kept registry to s's (at seq)
 * touched. */
static void touched_since(struct page_rq *p, int64_t seq, struct touched *t)
{
    struct change_list l = { NULL, 0, 0 };
    struct err e;

    touched_init(t, 0);
    pthread_mutex_lock(&p->rq.res->side_mu);
    if (store_log_range(p->rq.res->side, kept.seq, seq, GAP_MAX + 1, &l, &e) ||
        l.n > GAP_MAX)
        t->all = 1;
    pthread_mutex_unlock(&p->rq.res->side_mu);
    for (size_t i = 0; !t->all && i < l.n; i++)
        touch_entry(t, p->rq.s, &l.items[i]);
    change_list_release(&l);
}

static void touched_release(struct touched *t)
{
    idmap_release(&t->states);
    idmap_release(&t->policies);
    arena_release(&t->keys);
}

/* 1 when policy y's findings may differ from those kept for it. */
static int dirty(const struct touched *t, const struct policy *y)
{
    return t->all || idmap_get(&t->policies, y->id) != IDMAP_NONE ||
           !strcmp(y->target, "*") ||
           idmap_get(&t->states, y->issuer) != IDMAP_NONE ||
           idmap_get(&t->states, y->target) != IDMAP_NONE;
}

static void kept_drop(void)
{
    for (size_t i = 0; i < kept.n; i++) {
        free(kept.items[i].id);
        findings_release(&kept.items[i].f);
    }
    free(kept.items);
    kept.items = NULL;
    kept.n = 0;
    kept.valid = 0;
}

/* The kept findings of the policy named id, moved out (or NULL). */
static struct kept_policy *kept_take(const char *id, size_t *hint)
{
    /* Policies keep their order from one registry to the next (records
     * are only appended), so the search starts where the last ended. */
    for (size_t k = 0; k < kept.n; k++) {
        size_t i = (*hint + k) % kept.n;

        if (kept.items[i].id && !strcmp(kept.items[i].id, id)) {
            *hint = i + 1;
            return &kept.items[i];
        }
    }
    return NULL;
}

/* Brings the kept findings to p's registry at seq, for o (every issuer
 * and target) on o's date: each policy taken over or evaluated again. */
static enum status kept_update(struct page_rq *p, const struct check_options *o,
                               int64_t seq, struct err *e)
{
    const struct snapshot *s = p->rq.s;
    size_t n = snapshot_count(s, ENT_POLICY), hint = 0;
    struct kept_policy *items = xcalloc(n + 1, sizeof(*items));
    struct touched t;
    struct cap_memo memo;
    enum status rc = ST_OK;

    if (kept.valid)
        touched_since(p, seq, &t);
    else
        touched_init(&t, 1);
    cap_memo_init(&memo);
    for (uint32_t i = 0; !rc && i < n; i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, i);
        struct kept_policy *old = t.all ? NULL : kept_take(y->id, &hint);

        items[i].id = xstrdup(y->id);
        if (old && !dirty(&t, y)) {
            items[i].f = old->f;
            findings_init(&old->f);
            continue;
        }
        findings_init(&items[i].f);
        if (rules_selected(y, o))
            rc = rules_check_policy(s, i, o, &memo, &items[i].f, e);
    }
    cap_memo_release(&memo);
    touched_release(&t);
    kept_drop();
    kept.items = items;
    kept.n = n;
    kept.seq = seq;
    kept.as_of = o->as_of;
    kept.holidays = o->holidays;
    kept.valid = !rc;
    if (rc)
        kept_drop();
    return rc;
}

/* 1 when the kept set's policies are s's, in s's order. */
static int kept_matches(const struct snapshot *s)
{
    if (kept.n != snapshot_count(s, ENT_POLICY))
        return 0;
    for (size_t i = 0; i < kept.n; i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, (uint32_t)i);

        if (strcmp(kept.items[i].id, y->id))
            return 0;
    }
    return 1;
}

/* out (initialised) gets the findings of q from the kept set. */
static enum status kept_read(struct page_rq *p, const struct check_query *q,
                             struct findings *out, struct err *e)
{
    const struct snapshot *s = p->rq.s;

    for (size_t i = 0; i < kept.n; i++) {
        const struct policy *y = snapshot_row(s, ENT_POLICY, (uint32_t)i);

        if (!rules_selected(y, &q->o))
            continue;
        if (q->o.target && !strcmp(y->target, "*")) {
            /* Evaluated for the target asked for, not every state. */
            if (rules_check_policy(s, (uint32_t)i, &q->o, NULL, out, e))
                return e->status;
            continue;
        }
        for (size_t k = 0; k < kept.items[i].f.n; k++)
            findings_copy(out, &kept.items[i].f.items[k]);
    }
    findings_sort(out);
    return ST_OK;
}

enum status docket_findings(struct page_rq *p, const struct check_query *q,
                            struct findings *out, struct err *e)
{
    struct check_options all = q->o;
    int64_t seq = p->rq.s_seq;
    enum status rc;

    findings_init(out);
    if (view_check_options(p->rq.s, q, e))
        return e->status;
    all.issuer = all.target = NULL;
    if (p->as_known_on != DATE_NONE || q->o.n_assumed || !p->rq.res ||
        !p->rq.res->side)
        return rules_check(p->rq.s, &q->o, out, e);
    pthread_mutex_lock(&kept_mu);
    if (kept.valid && seq < kept.seq) {
        /* A request still reading the registry before the last write. */
        pthread_mutex_unlock(&kept_mu);
        return rules_check(p->rq.s, &q->o, out, e);
    }
    if (kept.valid &&
        (kept.as_of != all.as_of || kept.holidays != all.holidays))
        kept_drop(); /* another date: start again */
    if (kept.valid && seq == kept.seq && !kept_matches(p->rq.s))
        kept_drop(); /* a registry loaded again in another order */
    rc = ST_OK;
    if (!kept.valid || seq != kept.seq)
        rc = kept_update(p, &all, seq, e);
    if (!rc)
        rc = kept_read(p, q, out, e);
    pthread_mutex_unlock(&kept_mu);
    return rc;
}
