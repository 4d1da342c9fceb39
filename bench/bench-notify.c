/*
 * Submitting a notification (issue 12) on a registry already imported
 * (scripts/bench.sh makes one from gen-world), in process: the registry
 * is loaded once, as a command loads it (the snapshot image when there is
 * one), with a headcount cap, a tenure cap and a family rule between the
 * appointment's two states added in memory; then an appointment (a new
 * person, a posting and a spouse) is read, validated and given its
 * warnings (rules/notify.h: the findings before and after it, the tenure
 * cap at its planned end), each run a new one on the snapshot the last
 * left. That is all a submission does beyond the load but its one-row
 * write, whose cost `chancery notify` shows in scripts/bench.sh.
 *
 * The first run is reported apart: it gives the tables it appends to
 * memory of their own, out of the mapped image (core/snapshot.h,
 * snapshot_own), once per process, and first touches their pages.
 * Figures are medians; nothing here asserts a time.
 *
 * usage: bench-notify DB [MISSION]
 */
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/problems.h"
#include "base/xalloc.h"
#include "core/holidays.h"
#include "rules/notify.h"
#include "rules/policy.h"
#include "store/store.h"
#include "timing.h"

#define RUNS 21

/* CPU time of the process in ms: a machine busy with other work inflates
 * the wall clock, not this. */
static double cpu_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void add_policies(struct snapshot *s, const char *issuer,
                         const char *target)
{
    struct problems p;
    struct buf b;
    size_t added = 0;

    buf_init(&b, BUF_MAX_DEFAULT);
    buf_addf(&b,
             "[{\"id\": \"bench-cap\", \"kind\": \"headcount_cap\", "
             "\"issuer\": \"%s\", \"target\": \"%s\", \"effective\": "
             "{\"from\": \"2020-01-01\"}, \"params\": {\"limit\": 10}},\n"
             "{\"id\": \"bench-tenure\", \"kind\": \"tenure_cap\", "
             "\"issuer\": \"%s\", \"target\": \"%s\", \"effective\": "
             "{\"from\": \"2020-01-01\"}, \"params\": {\"max_tenure\": "
             "\"P3Y\", \"rounding\": \"down\"}},\n"
             "{\"id\": \"bench-family\", \"kind\": \"dependent_rule\", "
             "\"issuer\": \"%s\", \"target\": \"%s\", \"effective\": "
             "{\"from\": \"2020-01-01\"}, \"params\": {\"spouse\": "
             "\"deny\"}}]\n",
             issuer, target, issuer, target, issuer, target);
    problems_init(&p);
    policy_read_text(s, "bench", b.data, b.len, &p, &added);
    if (p.n_total) {
        fprintf(stderr, "bench-notify: %s\n", p.msgs[0]);
        exit(1);
    }
    problems_release(&p);
    buf_release(&b);
    snapshot_index(s);
}

/* Appointment number i into mission. */
static void appointment(struct buf *b, const char *mission, int i)
{
    buf_addf(b,
             "{\"kind\":\"appointment\",\"mission\":\"%s\","
             "\"person\":{\"id\":\"BN-P%d\",\"family_name\":\"Bench\","
             "\"given_names\":\"Anna\",\"sex\":\"F\",\"birth_date\":"
             "\"1980-08-08\",\"nationality\":\"RUS\",\"passport\":\"B%d\"},"
             "\"posting\":{\"id\":\"BN-T%d\",\"title\":\"Counsellor\","
             "\"rank\":\"counselor\",\"category\":\"diplomatic_agent\","
             "\"head_of_mission\":false,\"notified\":\"2025-06-01\","
             "\"arrived\":\"2025-06-20\"},\"dependents\":[{\"person\":"
             "{\"id\":\"BN-S%d\",\"family_name\":\"Bench\",\"sex\":\"M\"},"
             "\"relation\":\"spouse\",\"joined\":\"2025-06-20\","
             "\"accredited\":\"2025-06-25\"}],\"planned_end\":\"2029-06-20\","
             "\"justification\":\"bench\"}",
             mission, i, 1000000 + i, i, i);
}

/* One submission's work; its time in ms. OUT: *n_warnings, *cpu (ms). */
static double submit(struct snapshot *s, const char *mission, int i,
                     int32_t today, const struct holidays *h,
                     size_t *n_warnings, double *cpu)
{
    struct notify_draft d;
    struct findings w;
    struct problems p;
    struct buf b;
    struct err e;
    double t0, c0, t;

    buf_init(&b, BUF_MAX_DEFAULT);
    appointment(&b, mission, i);
    notify_draft_init(&d);
    findings_init(&w);
    problems_init(&p);
    t0 = now_ms();
    c0 = cpu_ms();
    if (notify_prepare(s, "bench", b.data, b.len, today, h, &d, &w, &p, &e) ||
        p.n_total) {
        fprintf(stderr, "bench-notify: %s\n", p.n_total ? p.msgs[0] : e.msg);
        exit(1);
    }
    free(notify_warnings_json(&w));
    t = now_ms() - t0;
    *cpu = cpu_ms() - c0;
    *n_warnings = w.n;
    problems_release(&p);
    findings_release(&w);
    notify_draft_release(&d);
    buf_release(&b);
    return t;
}

int main(int argc, char **argv)
{
    const char *mission = argc > 2 ? argv[2] : "E-RUS-USA";
    struct store *st;
    struct snapshot s;
    struct holidays h;
    struct err e;
    double t[RUNS], c[RUNS], first, first_cpu, t0, load;
    size_t n_warnings = 0;
    int32_t today;
    uint32_t m;

    if (argc < 2) {
        fprintf(stderr, "usage: bench-notify DB [MISSION]\n");
        return 2;
    }
    date_parse("2025-12-31", &today, &e);
    snapshot_init(&s);
    holidays_init(&h);
    t0 = now_ms();
    if (store_open(argv[1], STORE_OPEN_EXISTING, &st, &e) ||
        store_load(st, DATE_NONE, &s, &e)) {
        fprintf(stderr, "bench-notify: %s\n", e.msg);
        return 1;
    }
    load = now_ms() - t0;
    if ((m = snapshot_find(&s, ENT_MISSION, mission)) == IDMAP_NONE) {
        fprintf(stderr, "bench-notify: no mission '%s'\n", mission);
        return 1;
    }
    add_policies(&s, snap_mission(&s, m)->host, snap_mission(&s, m)->sending);
    first = submit(&s, mission, 0, today, &h, &n_warnings, &first_cpu);
    for (int r = 0; r < RUNS; r++)
        t[r] = submit(&s, mission, r + 1, today, &h, &n_warnings, &c[r]);
    printf("notification submitted (appointment with a spouse into %s, "
           "%zu warnings, %zu postings): %.1f ms (cpu %.1f ms) median of "
           "%d; the first %.1f ms (cpu %.1f ms: takes the tables it "
           "appends to out of the image); load %.0f ms (%s)\n",
           mission, n_warnings, snapshot_count(&s, ENT_POSTING),
           median(t, RUNS), median(c, RUNS), RUNS, first, first_cpu, load,
           store_load_source(st));
    holidays_release(&h);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
