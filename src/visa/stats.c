/*
 * One pass over the cases into per-group accumulators (counts and two
 * day histograms: decisions and censorings), then every figure from the
 * histograms (visa/stats.h). The pass is the hot loop of `visa stats` on
 * ten million cases: a group is found by array lookup (a month through a
 * day-to-month table, a post by its index) or, for text keys, a hash
 * lookup remembered for runs of the same string; histograms grow by
 * doubling, so a case costs a few loads and increments. From a million
 * cases on, the pass is split across the machine's cores (up to four),
 * each share counting its range into groups of its own, merged after:
 * counts and histograms add up, so the figures are those of one pass (ten
 * million cases take some 270 ms on one core of the 2-core VM, about the
 * whole budget of the command after loading).
 */
#include "visa/stats.h"

#include <math.h>
#include <pthread.h>
#include <unistd.h>

#include "base/date.h"
#include "base/idmap.h"
#include "base/xalloc.h"

static const char *const BY_NAMES[] = {
    "none",        "post",  "class",   "purpose",
    "nationality", "month", "quarter", "year",
};
const struct enum_names VISA_BY_NAMES = { "grouping", BY_NAMES,
                                          VISA_BY__COUNT };

const char *const VISA_AGE_NAMES[VISA_N_AGES] = {
    "0-15", "16-30", "31-90", "91-365", "over_365",
};

/* Dates 1970-01-01 .. 2099-12-31 map to months by table, others by
 * date_to_ymd. */
#define TABLE_DAYS 47482
#define MAX_SERIAL (10000 * 12)

struct acc {
    struct visa_group g;
    uint32_t *events, *censored;
    size_t n_days;
    long order; /* sort key: a period serial, a post index, an enum */
};

struct pass {
    const struct snapshot *s;
    const struct visa_query *q;
    struct acc **slots; /* by period serial, post index or enum value */
    size_t n_slots;
    struct idmap by_text; /* class or nationality -> slot */
    const char *last_text;
    struct acc *last_acc;
    int32_t *month_of_day; /* month serial of each day of the table */
    size_t n_accs;
};

static int32_t month_serial(const struct pass *ps, int32_t day)
{
    int y, m, d;

    if (day >= 0 && day < TABLE_DAYS)
        return ps->month_of_day[day];
    date_to_ymd(day, &y, &m, &d);
    return y * 12 + m - 1;
}

static void acc_grow(struct acc *a, size_t need)
{
    size_t n = a->n_days ? a->n_days : 64;

    while (n < need)
        n *= 2;
    a->events = xrealloc(a->events, n * sizeof(*a->events));
    a->censored = xrealloc(a->censored, n * sizeof(*a->censored));
    memset(a->events + a->n_days, 0, (n - a->n_days) * sizeof(*a->events));
    memset(a->censored + a->n_days, 0, (n - a->n_days) * sizeof(*a->censored));
    a->n_days = n;
}

static struct acc *slot(struct pass *ps, size_t i, long order)
{
    if (!ps->slots[i]) {
        ps->slots[i] = xcalloc(1, sizeof(**ps->slots));
        ps->slots[i]->order = order;
        ps->n_accs++;
    }
    return ps->slots[i];
}

/* A group named by text (a class, a nationality): slots in order seen. */
static struct acc *text_slot(struct pass *ps, const char *text)
{
    uint32_t i;

    if (text == ps->last_text)
        return ps->last_acc;
    i = idmap_get(&ps->by_text, text);
    if (i == IDMAP_NONE) {
        i = (uint32_t)ps->n_accs;
        if (i >= ps->n_slots)
            BUG("too many groups");
        idmap_put(&ps->by_text, text, i);
    }
    ps->last_text = text;
    ps->last_acc = slot(ps, i, 0);
    return ps->last_acc;
}

static struct acc *group_of(struct pass *ps, const struct visa *v)
{
    int32_t m;

    switch (ps->q->by) {
    case VISA_BY_POST:
        return slot(ps, v->post, v->post);
    case VISA_BY_CLASS:
        return text_slot(ps, v->vclass);
    case VISA_BY_PURPOSE:
        return slot(ps, (size_t)v->purpose, v->purpose);
    case VISA_BY_NATIONALITY:
        return text_slot(ps, snap_person(ps->s, v->person)->nationality);
    case VISA_BY_MONTH:
        m = month_serial(ps, v->applied);
        return slot(ps, (size_t)m, m);
    case VISA_BY_QUARTER:
        m = month_serial(ps, v->applied) / 3;
        return slot(ps, (size_t)m, m);
    case VISA_BY_YEAR:
        m = month_serial(ps, v->applied) / 12;
        return slot(ps, (size_t)m, m);
    default:
        return slot(ps, 0, 0);
    }
}

static int selected(const struct pass *ps, const struct visa *v)
{
    const struct visa_query *q = ps->q;

    return v->applied <= q->as_of && v->outcome != VO_ANNULLED &&
           v->outcome != VO_REVOKED &&
           (q->from == DATE_NONE || v->applied >= q->from) &&
           (q->to == DATE_NONE || v->applied <= q->to) &&
           (!q->purposes || (q->purposes >> v->purpose) & 1u) &&
           (!q->issuing || !strcmp(v->issuing, q->issuing)) &&
           (!q->nationality ||
            !strcmp(snap_person(ps->s, v->person)->nationality,
                    q->nationality));
}

static int age_bucket(int32_t age)
{
    return age <= 15 ? 0 : age <= 30 ? 1 : age <= 90 ? 2 : age <= 365 ? 3 : 4;
}

/* Counts one case into a, as of the query's date. */
static void count(struct acc *a, const struct visa *v, int32_t as_of)
{
    int decided = v->decided != DATE_NONE && v->decided <= as_of &&
                  v->outcome != VO_ADMIN_PROCESSING;
    int32_t days = (decided ? v->decided : as_of) - v->applied;

    a->g.applied++;
    if ((size_t)days >= a->n_days)
        acc_grow(a, (size_t)days + 1);
    if (!decided) {
        a->g.pending++;
        a->g.backlog[age_bucket(days)]++;
        a->censored[days]++;
    } else if (v->outcome == VO_WITHDRAWN) {
        a->g.withdrawn++;
        a->censored[days]++;
    } else {
        if (v->outcome == VO_ISSUED)
            a->g.issued++;
        else
            a->g.refused++;
        a->events[days]++;
    }
}

static void pass_init(struct pass *ps, const struct snapshot *s,
                      const struct visa_query *q)
{
    memset(ps, 0, sizeof(*ps));
    ps->s = s;
    ps->q = q;
    idmap_init(&ps->by_text);
    switch (q->by) {
    case VISA_BY_POST:
        ps->n_slots = snapshot_count(s, ENT_MISSION);
        break;
    case VISA_BY_CLASS:
    case VISA_BY_NATIONALITY:
        ps->n_slots = snapshot_count(s, ENT_VISA);
        break;
    case VISA_BY_PURPOSE:
        ps->n_slots = VP__COUNT;
        break;
    case VISA_BY_MONTH:
    case VISA_BY_QUARTER:
    case VISA_BY_YEAR:
        ps->n_slots = MAX_SERIAL;
        break;
    default:
        ps->n_slots = 1;
    }
    ps->slots = xcalloc(ps->n_slots + 1, sizeof(*ps->slots));
}

static void month_table(struct pass *ps)
{
    int y = 1970, m = 1, d = 1;

    ps->month_of_day = xmalloc(TABLE_DAYS * sizeof(*ps->month_of_day));
    for (int32_t day = 0; day < TABLE_DAYS; day++) {
        ps->month_of_day[day] = y * 12 + m - 1;
        if (++d > date_days_in_month(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
}

/* Nearest rank: the least day by which a share p of decisions is made. */
static int32_t percentile(const uint32_t *events, size_t n_days, uint64_t n,
                          double p)
{
    uint64_t rank = (uint64_t)ceil(p * (double)n), seen = 0;

    if (!n)
        return VISA_NO_DAYS;
    if (rank < 1)
        rank = 1;
    for (size_t t = 0; t < n_days; t++) {
        seen += events[t];
        if (seen >= rank)
            return (int32_t)t;
    }
    BUG("percentile past the histogram");
}

/* Turns an accumulator's histograms into the group's figures. */
static void finish(struct acc *a)
{
    struct visa_group *g = &a->g;
    uint64_t decided = g->issued + g->refused;

    g->refusal_rate = decided ? (double)g->refused / (double)decided : NAN;
    g->p50 = percentile(a->events, a->n_days, decided, 0.5);
    g->p90 = percentile(a->events, a->n_days, decided, 0.9);
    g->max = VISA_NO_DAYS;
    for (size_t t = a->n_days; decided && t-- > 0;)
        if (a->events[t]) {
            g->max = (int32_t)t;
            break;
        }
    km_curve_build(&g->curve, a->events, a->censored, a->n_days);
    g->km50 = km_quantile(&g->curve, 0.5);
    g->km90 = km_quantile(&g->curve, 0.9);
}

/* Adds a's counts and histograms into total. */
static void merge(struct acc *total, const struct acc *a)
{
    total->g.applied += a->g.applied;
    total->g.issued += a->g.issued;
    total->g.refused += a->g.refused;
    total->g.withdrawn += a->g.withdrawn;
    total->g.pending += a->g.pending;
    for (int i = 0; i < VISA_N_AGES; i++)
        total->g.backlog[i] += a->g.backlog[i];
    if (a->n_days > total->n_days)
        acc_grow(total, a->n_days);
    for (size_t t = 0; t < a->n_days; t++) {
        total->events[t] += a->events[t];
        total->censored[t] += a->censored[t];
    }
}

static void group_key(const struct pass *ps, const struct acc *a, char *out,
                      size_t size)
{
    const struct snapshot *s = ps->s;
    long o = a->order;

    switch (ps->q->by) {
    case VISA_BY_POST:
        snprintf(out, size, "%s", snap_mission(s, (uint32_t)o)->id);
        break;
    case VISA_BY_PURPOSE:
        snprintf(out, size, "%s", enum_name(&ENUM_VISA_PURPOSE, (int)o));
        break;
    case VISA_BY_MONTH:
        snprintf(out, size, "%04ld-%02ld", o / 12, o % 12 + 1);
        break;
    case VISA_BY_QUARTER:
        snprintf(out, size, "%04ld-Q%ld", o / 4, o % 4 + 1);
        break;
    case VISA_BY_YEAR:
        snprintf(out, size, "%04ld", o);
        break;
    default:
        snprintf(out, size, "all");
    }
}

static int by_key(const void *x, const void *y)
{
    const struct visa_group *a = x, *b = y;

    return strcmp(a->key, b->key);
}

static int by_order(const void *x, const void *y)
{
    const struct acc *a = *(struct acc *const *)x, *b = *(struct acc *const *)y;

    return (a->order > b->order) - (a->order < b->order);
}

/* Text keys: the idmap holds each slot's key. */
static void text_keys(struct pass *ps)
{
    for (size_t i = 0; i <= ps->by_text.mask && ps->by_text.slots; i++) {
        const struct idmap_slot *sl = &ps->by_text.slots[i];

        if (sl->key)
            snprintf(ps->slots[sl->value]->g.key,
                     sizeof(ps->slots[sl->value]->g.key), "%s", sl->key);
    }
}

static void collect(struct pass *ps, struct visa_stats *out)
{
    struct acc **accs = xmalloc((ps->n_accs + 1) * sizeof(*accs));
    struct acc total;
    size_t n = 0;
    int text = ps->q->by == VISA_BY_CLASS || ps->q->by == VISA_BY_NATIONALITY;

    memset(&total, 0, sizeof(total));
    if (text)
        text_keys(ps);
    for (size_t i = 0; i < ps->n_slots; i++)
        if (ps->slots[i])
            accs[n++] = ps->slots[i];
    qsort(accs, n, sizeof(*accs), by_order);
    out->groups = xcalloc(n + 1, sizeof(*out->groups));
    for (size_t i = 0; i < n; i++) {
        if (!text)
            group_key(ps, accs[i], accs[i]->g.key, sizeof(accs[i]->g.key));
        merge(&total, accs[i]);
        finish(accs[i]);
        out->groups[out->n++] = accs[i]->g;
        free(accs[i]->events);
        free(accs[i]->censored);
        free(accs[i]);
    }
    if (text)
        qsort(out->groups, out->n, sizeof(*out->groups), by_key);
    snprintf(total.g.key, sizeof(total.g.key), "total");
    finish(&total);
    out->total = total.g;
    free(total.events);
    free(total.censored);
    free(accs);
}

/* Counts the cases [from, to) into ps's groups. */
static void pass_run(struct pass *ps, size_t from, size_t to)
{
    const struct visa *v = snap_visa(ps->s, 0);

    for (size_t i = from; i < to; i++)
        if (selected(ps, &v[i]))
            count(group_of(ps, &v[i]), &v[i], ps->q->as_of);
}

/* One share of a pass split across threads: its own groups, the cases
 * [from, to). */
struct share {
    struct pass ps;
    size_t from, to;
    pthread_t tid;
};

static void *run_share(void *arg)
{
    struct share *sh = arg;

    pass_run(&sh->ps, sh->from, sh->to);
    return NULL;
}

/* Adds the groups of from into into (same slots: the grouping is not by
 * text, so a slot names the same group in every share), then frees them. */
static void pass_merge(struct pass *into, struct pass *from)
{
    for (size_t i = 0; i < into->n_slots; i++) {
        struct acc *a = from->slots[i];

        if (!a)
            continue;
        if (!into->slots[i]) {
            into->slots[i] = a;
            into->n_accs++;
            continue;
        }
        merge(into->slots[i], a);
        free(a->events);
        free(a->censored);
        free(a);
    }
    free(from->slots);
    idmap_release(&from->by_text);
}

/* Counts every case into ps, in parts shares: the first on this thread,
 * the others on threads of their own, merged after. A share that cannot
 * get a thread is counted here. */
static void pass_split(struct pass *ps, size_t n, int parts)
{
    struct share *sh = xcalloc((size_t)parts, sizeof(*sh));
    int *started = xcalloc((size_t)parts, sizeof(*started));

    for (int i = 1; i < parts; i++) {
        pass_init(&sh[i].ps, ps->s, ps->q);
        sh[i].ps.month_of_day = ps->month_of_day;
        sh[i].from = n * (size_t)i / (size_t)parts;
        sh[i].to = n * (size_t)(i + 1) / (size_t)parts;
        started[i] = !pthread_create(&sh[i].tid, NULL, run_share, &sh[i]);
    }
    pass_run(ps, 0, n / (size_t)parts);
    for (int i = 1; i < parts; i++) {
        if (started[i])
            pthread_join(sh[i].tid, NULL);
        else
            run_share(&sh[i]);
        pass_merge(ps, &sh[i].ps);
    }
    free(started);
    free(sh);
}

void visa_stats_compute_in(const struct snapshot *s, const struct visa_query *q,
                           int parts, struct visa_stats *out)
{
    size_t n = snapshot_count(s, ENT_VISA);
    struct pass ps;

    memset(out, 0, sizeof(*out));
    pass_init(&ps, s, q);
    if (q->by >= VISA_BY_MONTH)
        month_table(&ps);
    /* Groups by text take slots in the order seen, which differs from one
     * share to the next: those passes are not split. */
    if (q->by == VISA_BY_CLASS || q->by == VISA_BY_NATIONALITY ||
        (size_t)parts > n)
        parts = 1;
    if (parts > 1)
        pass_split(&ps, n, parts);
    else if (n)
        pass_run(&ps, 0, n);
    collect(&ps, out);
    free(ps.month_of_day);
    free(ps.slots);
    idmap_release(&ps.by_text);
}

void visa_stats_compute(const struct snapshot *s, const struct visa_query *q,
                        struct visa_stats *out)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int parts = 1;

    if (snapshot_count(s, ENT_VISA) >= VISA_SPLIT_MIN && cores > 1)
        parts = cores < VISA_SPLIT_MAX ? (int)cores : VISA_SPLIT_MAX;
    visa_stats_compute_in(s, q, parts, out);
}

void visa_stats_release(struct visa_stats *st)
{
    for (size_t i = 0; i < st->n; i++)
        km_curve_release(&st->groups[i].curve);
    km_curve_release(&st->total.curve);
    free(st->groups);
    memset(st, 0, sizeof(*st));
}
