/*
 * The rules benchmarks of issue 3, on a registry already imported
 * (scripts/bench.sh makes one from gen-world): 1,000 pairs of states get,
 * in memory, a three-year tenure cap and a mirrored headcount cap (ratio
 * 1) in each direction, built as JSON text and read by the policy parser
 * as an import would. Then: `check` at one date over all of them; an
 * 84-step monthly parity series for the heaviest pair; and `plan` for that
 * pair. Figures are medians of repeated runs; nothing here asserts a time.
 *
 * usage: bench-rules DB DATE
 */
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/idmap.h"
#include "base/problems.h"
#include "base/xalloc.h"
#include "core/presence.h"
#include "rules/check.h"
#include "rules/parity.h"
#include "rules/plan.h"
#include "rules/policy.h"
#include "store/store.h"
#include "timing.h"

#define N_PAIRS 1000
#define STEPS   84

/* An unordered pair of states and their staff in each other. */
struct pair {
    char states[2][4];
    uint32_t staff;
};

static int by_staff(const void *pa, const void *pb)
{
    const struct pair *a = pa, *b = pb;

    if (a->staff != b->staff)
        return a->staff > b->staff ? -1 : 1;
    return strcmp(a->states[0], b->states[0]) * 4 +
           strcmp(a->states[1], b->states[1]);
}

/* Every pair of states one of which has an embassy in the other, with
 * their bilateral staff on date. OUT: *n. */
static struct pair *all_pairs(const struct snapshot *s, int32_t date, size_t *n)
{
    struct pair *pairs = NULL;
    size_t alloc = 0;
    struct idmap seen;
    struct arena keys;

    idmap_init(&seen);
    arena_init(&keys);
    *n = 0;
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        const struct mission *ms = snap_mission(s, m);
        int swap = strcmp(ms->sending, ms->host) > 0;
        char key[8];
        uint32_t i;

        if (snapshot_find(s, ENT_STATE, ms->host) == IDMAP_NONE)
            continue;
        snprintf(key, sizeof(key), "%s %s", swap ? ms->host : ms->sending,
                 swap ? ms->sending : ms->host);
        if ((i = idmap_get(&seen, key)) == IDMAP_NONE) {
            i = idmap_put(&seen, arena_strdup(&keys, key), (uint32_t)*n);
            XGROW(pairs, *n + 1, alloc);
            memcpy(pairs[*n].states[0], key, 3);
            memcpy(pairs[*n].states[1], key + 4, 4);
            pairs[*n].states[0][3] = '\0';
            pairs[(*n)++].staff = 0;
        }
        pairs[i].staff += presence_count(s->presence, m, date);
    }
    idmap_release(&seen);
    arena_release(&keys);
    return pairs;
}

/* The N_PAIRS pairs of states with the most staff in each other, the
 * heaviest first. OUT: the count. */
static size_t pick_pairs(const struct snapshot *s, int32_t date,
                         char (*out)[2][4])
{
    size_t n;
    struct pair *pairs = all_pairs(s, date, &n);

    qsort(pairs, n, sizeof(*pairs), by_staff);
    if (n > N_PAIRS)
        n = N_PAIRS;
    for (size_t i = 0; i < n; i++)
        memcpy(out[i], pairs[i].states, sizeof(out[i]));
    free(pairs);
    return n;
}

static void add_policies(struct buf *b, const char *issuer, const char *target)
{
    buf_addf(b,
             "{\"id\": \"%s-%s-tenure\", \"kind\": \"tenure_cap\", "
             "\"issuer\": \"%s\", \"target\": \"%s\", \"effective\": "
             "{\"from\": \"2020-01-01\"}, \"params\": {\"max_tenure\": "
             "\"P3Y\", \"rounding\": \"down\"}},\n",
             issuer, target, issuer, target);
    buf_addf(b,
             "{\"id\": \"%s-%s-mirror\", \"kind\": \"headcount_cap\", "
             "\"issuer\": \"%s\", \"target\": \"%s\", \"effective\": "
             "{\"from\": \"2020-01-01\"}, \"params\": {\"mirror\": "
             "{\"ratio\": 1.0, \"lag\": \"P0D\"}}},\n",
             issuer, target, issuer, target);
}

/* Reads the policies of every pair into s, both directions each. */
static size_t load_policies(struct snapshot *s, char (*pairs)[2][4], size_t n)
{
    struct problems p;
    struct buf b;
    size_t added = 0;

    buf_init(&b, BUF_MAX_DEFAULT);
    buf_addstr(&b, "[\n");
    for (size_t i = 0; i < n; i++) {
        add_policies(&b, pairs[i][0], pairs[i][1]);
        add_policies(&b, pairs[i][1], pairs[i][0]);
    }
    b.len -= 2; /* the last ",\n" */
    buf_addstr(&b, "]\n");
    problems_init(&p);
    policy_read_text(s, "bench", b.data, b.len, &p, &added);
    if (p.n_total) {
        fprintf(stderr, "bench-rules: %s\n", p.msgs[0]);
        exit(1);
    }
    problems_release(&p);
    buf_release(&b);
    snapshot_index(s);
    return added;
}

static void bench_check(const struct snapshot *s, int32_t date)
{
    struct check_options o;
    double t[5];
    size_t n = 0;
    struct err e;

    memset(&o, 0, sizeof(o));
    o.as_of = date;
    for (int r = 0; r < 5; r++) {
        struct findings f;
        double t0 = now_ms();

        findings_init(&f);
        if (rules_check(s, &o, &f, &e)) {
            fprintf(stderr, "bench-rules: %s\n", e.msg);
            exit(1);
        }
        t[r] = now_ms() - t0;
        n = f.n;
        findings_release(&f);
    }
    printf("check at one date, every policy (%zu findings): %.1f ms median "
           "of 5\n",
           n, median(t, 5));
}

static void bench_parity(const struct snapshot *s, char pair[2][4],
                         int32_t date)
{
    struct parity_options o = {
        { pair[0], pair[1] }, PARITY_BILATERAL, NULL, 0
    };
    struct period back = { 0, -(STEPS - 1), 0 };
    int32_t from, *dates;
    size_t n = 0;
    double t[21];
    uint32_t last[2] = { 0, 0 };
    struct err e;

    date_add_period(date, &back, ROUND_DOWN, &from, NULL);
    parity_dates(from, date, PARITY_MONTH, 1000, &dates, &n, &e);
    for (int r = 0; r < 21; r++) {
        struct parity p;
        double t0 = now_ms();

        parity_init(&p);
        parity_compute(s, &o, dates, n, &p, &e);
        t[r] = now_ms() - t0;
        last[0] = p.points[n - 1].total[0];
        last[1] = p.points[n - 1].total[1];
        parity_release(&p);
    }
    printf("parity %s-%s, %zu monthly steps (%u and %u staff at the end): "
           "%.3f ms median of 21\n",
           pair[0], pair[1], n, last[0], last[1], median(t, 21));
    free(dates);
}

static void bench_plan(struct snapshot *s, char pair[2][4], int32_t date)
{
    struct plan_options o;
    double t[5];
    size_t n = 0;
    int rounds = 0, proved = 0;
    struct err e;

    memset(&o, 0, sizeof(o));
    o.states[0] = pair[0];
    o.states[1] = pair[1];
    o.by = date;
    for (int r = 0; r < 5; r++) {
        struct plan p;
        double t0 = now_ms();

        plan_init(&p);
        if (plan_compute(s, &o, &p, &e)) {
            fprintf(stderr, "bench-rules: %s\n", e.msg);
            exit(1);
        }
        t[r] = now_ms() - t0;
        n = p.n;
        rounds = p.rounds;
        proved = plan_proved(&p);
        plan_release(&p);
    }
    printf("plan %s-%s by the date (%zu departures, %d rounds, proof %s): "
           "%.1f ms median of 5\n",
           pair[0], pair[1], n, rounds, proved ? "holds" : "FAILS",
           median(t, 5));
}

int main(int argc, char **argv)
{
    char(*pairs)[2][4] = xcalloc(N_PAIRS, sizeof(*pairs));
    struct store *st;
    struct snapshot s;
    struct err e;
    int32_t date;
    size_t n_pairs, n_policies;

    if (argc != 3 || date_parse(argv[2], &date, &e)) {
        fprintf(stderr, "usage: bench-rules DB DATE\n");
        return 2;
    }
    snapshot_init(&s);
    if (store_open(argv[1], STORE_OPEN_EXISTING, &st, &e) ||
        store_load(st, DATE_NONE, &s, &e)) {
        fprintf(stderr, "bench-rules: %s\n", e.msg);
        return 1;
    }
    store_close(st);
    n_pairs = pick_pairs(&s, date, pairs);
    n_policies = load_policies(&s, pairs, n_pairs);
    printf("rules: %zu pairs of states, %zu policies (a tenure cap and a "
           "mirrored headcount cap each way)\n",
           n_pairs, n_policies);
    bench_check(&s, date);
    bench_parity(&s, pairs[0], date);
    bench_plan(&s, pairs[0], date);
    snapshot_release(&s);
    free(pairs);
    return 0;
}
