/*
 * Building the UN report (visa/unreport.h). A first pass marks, per
 * person, how long they serve at a mission to the UN; a second classifies
 * each selected case as of the date, counts it for its sending state and
 * keeps the cases over their deadline and those that missed a meeting;
 * a third, once the states are sorted, fills the day histograms from which
 * each state's Kaplan-Meier curve is built (visa/km.h), so the curves
 * cover exactly the cases counted.
 */
#include "visa/unreport.h"

#include "base/date.h"
#include "base/idmap.h"
#include "base/xalloc.h"

#define STAFF_PURPOSES \
    ((1u << VP_POSTING) | (1u << VP_DEPENDENT) | (1u << VP_TDY))
#define REPORT_PURPOSES (STAFF_PURPOSES | (1u << VP_DELEGATE))

static const char *const COVER_NAMES[] = { "bilateral", "g_class", "delegate",
                                           "un_mission" };
_Static_assert(sizeof(COVER_NAMES) / sizeof(COVER_NAMES[0]) == UN__COUNT,
               "cover names");
const struct enum_names ENUM_UN_COVER = { "coverage", COVER_NAMES, UN__COUNT };

struct builder {
    const struct snapshot *s;
    const struct un_query *q;
    const int32_t *deadlines;
    const int32_t *un_until;
    struct un_report *r;
    size_t alloc_states, alloc_cases, alloc_missed;
    struct idmap state_at; /* sending code -> index in r->states */
};

static int at_un(const struct snapshot *s, uint32_t posting)
{
    const struct mission *m =
        snap_mission(s, snap_posting(s, posting)->mission);

    return m->host && !strcmp(m->host, UN_HQ_ORGANIZATION);
}

static void serve_until(int32_t *until, uint32_t person, int32_t end)
{
    if (until[person] == DATE_NONE || until[person] < end)
        until[person] = end;
}

/* The household of posting t serves at the UN as long as it stays. */
static void household_until(const struct snapshot *s, uint32_t t,
                            int32_t *until)
{
    const struct posting *p = snap_posting(s, t);

    ADJ_FOR_EACH(s->dependents_by_posting, t, i)
    {
        const struct dependent *d = snapshot_row(s, ENT_DEPENDENT, i);
        int32_t end = d->left != DATE_NONE ? d->left : p->ended;

        serve_until(until, d->person, end == DATE_NONE ? INT32_MAX : end);
    }
}

/* With the indexes, only the missions to the UN are walked: a registry
 * of a million postings holds a few thousand there, and the web page of
 * the UN report must answer in milliseconds. */
static void indexed_until(const struct snapshot *s, int32_t *until)
{
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        const struct mission *x = snap_mission(s, m);

        if (!x->host || strcmp(x->host, UN_HQ_ORGANIZATION))
            continue;
        ADJ_FOR_EACH(s->postings_by_mission, m, t)
        {
            const struct posting *p = snap_posting(s, t);

            serve_until(until, p->person,
                        p->ended == DATE_NONE ? INT32_MAX : p->ended);
            household_until(s, t, until);
        }
    }
}

int32_t *un_service_until(const struct snapshot *s)
{
    size_t n = snapshot_count(s, ENT_PERSON);
    int32_t *until = xcalloc(n + 1, sizeof(*until));

    for (size_t i = 0; i < n; i++)
        until[i] = DATE_NONE;
    if (s->indexed) {
        indexed_until(s, until);
        return until;
    }
    for (uint32_t i = 0; i < snapshot_count(s, ENT_POSTING); i++) {
        const struct posting *p = snap_posting(s, i);

        if (at_un(s, i))
            serve_until(until, p->person,
                        p->ended == DATE_NONE ? INT32_MAX : p->ended);
    }
    for (uint32_t i = 0; i < snapshot_count(s, ENT_DEPENDENT); i++) {
        const struct dependent *d = snapshot_row(s, ENT_DEPENDENT, i);
        const struct posting *p = snap_posting(s, d->posting);
        int32_t end = d->left != DATE_NONE ? d->left : p->ended;

        if (at_un(s, d->posting))
            serve_until(until, d->person, end == DATE_NONE ? INT32_MAX : end);
    }
    return until;
}

enum un_cover un_case_covered(const struct snapshot *s, const int32_t *un_until,
                              uint32_t i)
{
    const struct visa *v = snap_visa(s, i);

    if (v->vclass && v->vclass[0] == 'G' && v->vclass[1] == '-')
        return UN_G_CLASS;
    if (v->purpose == VP_DELEGATE)
        return UN_DELEGATE;
    if (un_until[v->person] != DATE_NONE && un_until[v->person] > v->applied)
        return UN_MISSION;
    return UN_NOT_COVERED;
}

static int selected(const struct un_query *q, const struct visa *v)
{
    return ((REPORT_PURPOSES >> v->purpose) & 1u) && v->applied >= q->from &&
           v->applied <= q->to && v->applied <= q->as_of &&
           v->outcome != VO_ANNULLED && v->outcome != VO_REVOKED &&
           (!q->issuing || !strcmp(v->issuing, q->issuing));
}

/* The state of code (a person's nationality in the snapshot, which
 * outlives the build), looked up by hash: a report counts a few hundred
 * states over a few hundred thousand cases. */
static struct un_state *state_of(struct builder *b, const char *code)
{
    struct un_report *r = b->r;
    uint32_t i = idmap_get(&b->state_at, code);

    if (i != IDMAP_NONE)
        return &r->states[i];
    idmap_put(&b->state_at, code, (uint32_t)r->n_states);
    XGROW(r->states, r->n_states + 1, b->alloc_states);
    memset(&r->states[r->n_states], 0, sizeof(*r->states));
    memcpy(r->states[r->n_states].sending, code, 4);
    return &r->states[r->n_states++];
}

static int meeting_missed(const struct visa *v, int32_t end, int undecided,
                          int32_t as_of)
{
    if (v->meeting == DATE_NONE)
        return 0;
    return undecided ? v->meeting <= as_of : end > v->meeting;
}

static int undecided_on(const struct visa *v, int32_t as_of)
{
    return v->decided == DATE_NONE || v->decided > as_of ||
           v->outcome == VO_ADMIN_PROCESSING;
}

static struct un_case make_case(struct builder *b, uint32_t i,
                                enum un_cover cover)
{
    const struct visa *v = snap_visa(b->s, i);
    int undecided = undecided_on(v, b->q->as_of);
    int32_t end = undecided ? b->q->as_of : v->decided;

    return (struct un_case){
        i,
        cover,
        b->deadlines[i],
        end - v->applied,
        end - b->deadlines[i],
        undecided,
        meeting_missed(v, end, undecided, b->q->as_of),
    };
}

static void keep_case(struct builder *b, const struct un_case *c)
{
    struct un_report *r = b->r;

    if (c->over > 0) {
        XGROW(r->cases, r->n_cases + 1, b->alloc_cases);
        r->cases[r->n_cases++] = *c;
    }
    if (c->meeting_missed) {
        XGROW(r->missed, r->n_missed + 1, b->alloc_missed);
        r->missed[r->n_missed++] = *c;
    }
}

static void classify(struct builder *b, uint32_t i, enum un_cover cover)
{
    const struct visa *v = snap_visa(b->s, i);
    struct un_state *st =
        state_of(b, snap_person(b->s, v->person)->nationality);
    struct un_case c = make_case(b, i, cover);

    if (v->purpose == VP_DELEGATE)
        st->delegates++;
    else
        st->staff++;
    if (c.undecided) {
        st->pending++;
        st->pending_overdue += c.over > 0;
    } else if (v->outcome == VO_ISSUED) {
        if (c.over <= 0)
            st->in_time++;
        else
            st->late++;
    } else if (v->outcome == VO_REFUSED) {
        st->refused++;
    } else {
        st->withdrawn++;
    }
    keep_case(b, &c);
}

/* bsearch's comparison of a code with a state. */
static int code_vs_state(const void *code, const void *y)
{
    return strcmp(code, ((const struct un_state *)y)->sending);
}

static int by_code(const void *x, const void *y)
{
    return strcmp(((const struct un_state *)x)->sending,
                  ((const struct un_state *)y)->sending);
}

/* Sorts the lists by sending state, application date and id, or by
 * meeting first. */
static _Thread_local const struct snapshot *sort_snapshot;

static int by_case(const void *x, const void *y)
{
    const struct visa *a =
        snap_visa(sort_snapshot, ((const struct un_case *)x)->visa);
    const struct visa *b =
        snap_visa(sort_snapshot, ((const struct un_case *)y)->visa);
    int c = strcmp(snap_person(sort_snapshot, a->person)->nationality,
                   snap_person(sort_snapshot, b->person)->nationality);

    if (c)
        return c;
    if (a->applied != b->applied)
        return (a->applied > b->applied) - (a->applied < b->applied);
    return strcmp(a->id, b->id);
}

static int by_meeting(const void *x, const void *y)
{
    const struct visa *a =
        snap_visa(sort_snapshot, ((const struct un_case *)x)->visa);
    const struct visa *b =
        snap_visa(sort_snapshot, ((const struct un_case *)y)->visa);

    if (a->meeting != b->meeting)
        return (a->meeting > b->meeting) - (a->meeting < b->meeting);
    return by_case(x, y);
}

static void totals(struct un_report *r)
{
    memset(&r->total, 0, sizeof(r->total));
    snprintf(r->total.sending, sizeof(r->total.sending), "all");
    for (size_t i = 0; i < r->n_states; i++) {
        const struct un_state *st = &r->states[i];

        r->total.staff += st->staff;
        r->total.delegates += st->delegates;
        r->total.in_time += st->in_time;
        r->total.late += st->late;
        r->total.refused += st->refused;
        r->total.withdrawn += st->withdrawn;
        r->total.pending += st->pending;
        r->total.pending_overdue += st->pending_overdue;
    }
}

static void group_meetings(struct un_report *r)
{
    size_t alloc = 0;

    for (size_t i = 0; i < r->n_missed; i++) {
        const struct un_case *c = &r->missed[i];
        int32_t date = snap_visa(sort_snapshot, c->visa)->meeting;
        struct un_meeting *m =
            r->n_meetings ? &r->meetings[r->n_meetings - 1] : NULL;

        if (!m || m->date != date) {
            XGROW(r->meetings, r->n_meetings + 1, alloc);
            m = &r->meetings[r->n_meetings++];
            *m = (struct un_meeting){ date, i, 0, 0 };
        }
        m->n++;
        m->n_over += c->over > 0;
    }
}

/* Day histograms of decisions and censorings, one pair per state and one
 * for the total (index n_states), n_days long. */
struct histograms {
    uint32_t *events, *censored;
    size_t n_days;
};

static void histogram_add(struct histograms *h, size_t g, const struct visa *v,
                          int32_t as_of)
{
    int undecided = undecided_on(v, as_of);
    int32_t end = undecided ? as_of : v->decided;
    size_t day = (size_t)(end - v->applied);
    int event = !undecided && v->outcome != VO_WITHDRAWN;

    if (day >= h->n_days)
        BUG("a case outside the report's days");
    (event ? h->events : h->censored)[g * h->n_days + day]++;
}

static void curve_of(struct un_state *st, const struct histograms *h, size_t g)
{
    km_curve_build(&st->curve, h->events + g * h->n_days,
                   h->censored + g * h->n_days, h->n_days);
    st->km50 = km_quantile(&st->curve, 0.5);
    st->km90 = km_quantile(&st->curve, 0.9);
}

static void curves(struct builder *b, const uint8_t *keep)
{
    struct un_report *r = b->r;
    size_t n_groups = r->n_states + 1;
    struct histograms h;

    h.n_days =
        b->q->as_of >= b->q->from ? (size_t)(b->q->as_of - b->q->from) + 2 : 1;
    h.events = xcalloc(n_groups * h.n_days, sizeof(*h.events));
    h.censored = xcalloc(n_groups * h.n_days, sizeof(*h.censored));
    for (uint32_t i = 0; i < snapshot_count(b->s, ENT_VISA); i++) {
        const struct visa *v;
        const struct un_state *st;

        if (!keep[i])
            continue;
        v = snap_visa(b->s, i);
        st = bsearch(snap_person(b->s, v->person)->nationality, r->states,
                     r->n_states, sizeof(*r->states), code_vs_state);
        histogram_add(&h, (size_t)(st - r->states), v, b->q->as_of);
        histogram_add(&h, r->n_states, v, b->q->as_of);
    }
    for (size_t g = 0; g < r->n_states; g++)
        curve_of(&r->states[g], &h, g);
    curve_of(&r->total, &h, r->n_states);
    free(h.events);
    free(h.censored);
}

void un_query_complete(const struct snapshot *s, struct un_query *q)
{
    if (q->from == DATE_NONE) {
        q->from = q->as_of;
        for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++)
            if (snap_visa(s, i)->applied < q->from)
                q->from = snap_visa(s, i)->applied;
    }
    if (q->to == DATE_NONE)
        q->to = q->as_of;
}

void un_report_build(const struct snapshot *s, const int32_t *deadlines,
                     const struct un_query *q, struct un_report *out)
{
    int32_t *until = un_service_until(s);
    uint8_t *keep = xcalloc(snapshot_count(s, ENT_VISA) + 1, 1);
    struct builder b = { s, q, deadlines, until, out, 0, 0, 0, { 0 } };

    memset(out, 0, sizeof(*out));
    idmap_init(&b.state_at);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++) {
        enum un_cover cover;

        if (!selected(q, snap_visa(s, i)))
            continue;
        cover = un_case_covered(s, until, i);
        if (cover == UN_NOT_COVERED && !q->include_bilateral) {
            out->n_bilateral_left_out++;
            continue;
        }
        keep[i] = 1;
        classify(&b, i, cover);
    }
    if (out->n_states)
        qsort(out->states, out->n_states, sizeof(*out->states), by_code);
    sort_snapshot = s;
    if (out->n_cases)
        qsort(out->cases, out->n_cases, sizeof(*out->cases), by_case);
    if (out->n_missed)
        qsort(out->missed, out->n_missed, sizeof(*out->missed), by_meeting);
    group_meetings(out);
    totals(out);
    curves(&b, keep);
    idmap_release(&b.state_at);
    free(keep);
    free(until);
}

void un_report_release(struct un_report *r)
{
    for (size_t i = 0; i < r->n_states; i++)
        km_curve_release(&r->states[i].curve);
    km_curve_release(&r->total.curve);
    free(r->states);
    free(r->cases);
    free(r->missed);
    free(r->meetings);
    memset(r, 0, sizeof(*r));
}
