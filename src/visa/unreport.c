/*
 * Building the UN report (visa/unreport.h): one pass over the cases
 * classifies each selected case as of the date and counts it for its
 * sending state; the cases over their deadline are kept for the list;
 * the curves come from visa_stats grouped by nationality over the same
 * selection.
 */
#include "visa/unreport.h"

#include "base/date.h"
#include "base/xalloc.h"

#define STAFF_PURPOSES \
    ((1u << VP_POSTING) | (1u << VP_DEPENDENT) | (1u << VP_TDY))
#define REPORT_PURPOSES (STAFF_PURPOSES | (1u << VP_DELEGATE))

struct builder {
    const struct snapshot *s;
    const struct un_query *q;
    const int32_t *deadlines;
    struct un_report *r;
    size_t alloc_states, alloc_cases;
};

static int selected(const struct un_query *q, const struct visa *v)
{
    return ((REPORT_PURPOSES >> v->purpose) & 1u) && v->applied >= q->from &&
           v->applied <= q->to && v->applied <= q->as_of &&
           v->outcome != VO_ANNULLED && v->outcome != VO_REVOKED &&
           (!q->issuing || !strcmp(v->issuing, q->issuing));
}

static struct un_state *state_of(struct builder *b, const char *code)
{
    struct un_report *r = b->r;

    for (size_t i = 0; i < r->n_states; i++)
        if (!strcmp(r->states[i].sending, code))
            return &r->states[i];
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

static void add_case(struct builder *b, uint32_t i, int32_t end, int undecided)
{
    const struct visa *v = snap_visa(b->s, i);
    int32_t deadline = b->deadlines[i];
    struct un_case *c;

    if (end <= deadline)
        return;
    XGROW(b->r->cases, b->r->n_cases + 1, b->alloc_cases);
    c = &b->r->cases[b->r->n_cases++];
    c->visa = i;
    c->deadline = deadline;
    c->outstanding = end - v->applied;
    c->over = end - deadline;
    c->undecided = undecided;
    c->meeting_missed = meeting_missed(v, end, undecided, b->q->as_of);
}

static void classify(struct builder *b, uint32_t i)
{
    const struct visa *v = snap_visa(b->s, i);
    struct un_state *st =
        state_of(b, snap_person(b->s, v->person)->nationality);
    int undecided = v->decided == DATE_NONE || v->decided > b->q->as_of ||
                    v->outcome == VO_ADMIN_PROCESSING;
    int32_t end = undecided ? b->q->as_of : v->decided;

    if (v->purpose == VP_DELEGATE)
        st->delegates++;
    else
        st->staff++;
    if (undecided) {
        st->pending++;
        st->pending_overdue += end > b->deadlines[i];
    } else if (v->outcome == VO_ISSUED) {
        if (v->decided <= b->deadlines[i])
            st->in_time++;
        else
            st->late++;
    } else if (v->outcome == VO_REFUSED) {
        st->refused++;
    } else {
        st->withdrawn++;
    }
    add_case(b, i, end, undecided);
}

static int by_code(const void *x, const void *y)
{
    return strcmp(((const struct un_state *)x)->sending,
                  ((const struct un_state *)y)->sending);
}

/* Sorts the list by sending state, application date and id. */
static const struct snapshot *sort_snapshot;

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

void un_report_build(const struct snapshot *s, const int32_t *deadlines,
                     const struct un_query *q, struct un_report *out)
{
    struct builder b = { s, q, deadlines, out, 0, 0 };
    struct visa_query vq = { q->as_of,           q->issuing, NULL,
                             REPORT_PURPOSES,    q->from,    q->to,
                             VISA_BY_NATIONALITY };

    memset(out, 0, sizeof(*out));
    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++)
        if (selected(q, snap_visa(s, i)))
            classify(&b, i);
    if (out->n_states)
        qsort(out->states, out->n_states, sizeof(*out->states), by_code);
    sort_snapshot = s;
    if (out->n_cases)
        qsort(out->cases, out->n_cases, sizeof(*out->cases), by_case);
    totals(out);
    visa_stats_compute(s, &vq, &out->curves);
}

void un_report_release(struct un_report *r)
{
    free(r->states);
    free(r->cases);
    visa_stats_release(&r->curves);
    memset(r, 0, sizeof(*r));
}
