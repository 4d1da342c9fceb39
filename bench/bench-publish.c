/*
 * The Diplomatic List benchmark of issue 12: building a host's list of 190
 * missions and rendering it (table, JSON and the HTML document), in
 * process. Without arguments it builds synthetic registries in memory: 190
 * sending states with an embassy each in one host, each embassy with 20
 * (then 60) diplomatic agents, 40 other staff and 100 former postings, and
 * a spouse for every other posting. With DB and DATE it loads that registry and
 * lists the host with the most missions accredited to it on DATE. Figures
 * are medians of repeated runs; nothing here asserts a time.
 *
 * usage: bench-publish [DB DATE]
 */
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/xalloc.h"
#include "publish/dlist.h"
#include "report/dlist.h"
#include "store/store.h"
#include "timing.h"

#define N_STATES 190
#define N_OTHERS 40
#define N_FORMER 100
#define RUNS     21

static void add(struct snapshot *s, enum entity_kind kind, const void *rec,
                uint32_t *index)
{
    struct err e;

    if (snapshot_add(s, kind, rec, index, &e)) {
        fprintf(stderr, "bench-publish: %s\n", e.msg);
        exit(1);
    }
}

/* prefix followed by n, in s's arena. */
static const char *text(struct snapshot *s, const char *prefix, unsigned n)
{
    char buf[64];

    snprintf(buf, sizeof(buf), "%s%u", prefix, n);
    return arena_strdup(&s->strings, buf);
}

/* A posting of person at mission m: present from arrived unless ended. */
static void add_posting(struct snapshot *s, uint32_t m, unsigned n, int rank,
                        int category, int32_t arrived, int32_t ended)
{
    struct person p;
    struct posting t;
    uint32_t pi;

    record_clear(ENTITIES[ENT_PERSON], &p);
    p.id = text(s, "P", n);
    p.family_name = text(s, "Family", n);
    p.given_names = text(s, "Given", n % 97);
    add(s, ENT_PERSON, &p, &pi);
    record_clear(ENTITIES[ENT_POSTING], &t);
    t.id = text(s, "T", n);
    t.person = pi;
    t.mission = m;
    t.title = "Counsellor";
    t.rank = rank;
    t.category = category;
    t.head_of_mission = rank == RANK_AMBASSADOR;
    t.arrived = arrived;
    t.ended = ended;
    t.end_reason = ended == DATE_NONE ? ENUM_NONE : END_TOUR_COMPLETED;
    if (t.head_of_mission)
        t.credentials = arrived + 20 + (int32_t)(n % 7);
    add(s, ENT_POSTING, &t, NULL);
}

static void embassy(struct snapshot *s, unsigned k, int32_t base,
                    unsigned n_agents, unsigned *n)
{
    struct state st;
    struct mission m;
    uint32_t mi;

    snprintf(st.code, sizeof(st.code), "%c%c%c", 'A' + k / 26 % 26,
             'A' + k % 26, 'Q');
    st.name = text(s, "State ", (N_STATES - k) * 7 % 1000);
    add(s, ENT_STATE, &st, NULL);
    record_clear(ENTITIES[ENT_MISSION], &m);
    m.id = text(s, "EMB-", k);
    m.name = text(s, "Embassy ", k);
    memcpy(m.sending, st.code, 4);
    m.host = "HST";
    memcpy(m.country, "HST", 4);
    m.kind = MK_EMBASSY;
    m.opened = base - 10000;
    add(s, ENT_MISSION, &m, &mi);
    for (unsigned i = 0; i < n_agents + N_OTHERS + N_FORMER; i++) {
        int former = i >= n_agents + N_OTHERS;
        int32_t arrived = base - 1500 + (int32_t)((i * 37 + k) % 1400);

        add_posting(
            s, mi, (*n)++,
            i ? RANK_MINISTER_COUNSELOR + (int)(i % 6) : RANK_AMBASSADOR,
            i < n_agents || former ? CAT_DIPLOMATIC_AGENT : CAT_ADMIN_TECHNICAL,
            former ? arrived - 2000 : arrived,
            former ? arrived - 10 : DATE_NONE);
    }
}

static void synthetic(struct snapshot *s, int32_t date, unsigned n_agents)
{
    struct state host;
    unsigned n = 0;

    memcpy(host.code, "HST", 4);
    host.name = "Host";
    add(s, ENT_STATE, &host, NULL);
    for (unsigned k = 0; k < N_STATES; k++)
        embassy(s, k, date, n_agents, &n);
    /* A spouse for every other posting: dependents refer to postings by
     * index, so they come once the postings are in. */
    for (uint32_t i = 0; i < snapshot_count(s, ENT_POSTING); i += 2) {
        struct person p;
        struct dependent d;

        record_clear(ENTITIES[ENT_PERSON], &p);
        p.id = text(s, "S", i);
        p.family_name = text(s, "Spouse", i);
        add(s, ENT_PERSON, &p, &d.person);
        record_clear(ENTITIES[ENT_DEPENDENT], &d);
        d.person = (uint32_t)snapshot_count(s, ENT_PERSON) - 1;
        d.posting = i;
        d.relation = REL_SPOUSE;
        d.joined = snap_posting(s, i)->arrived;
        add(s, ENT_DEPENDENT, &d, NULL);
    }
    snapshot_index(s);
}

/* The host with the most missions accredited to it. */
static const char *busiest_host(const struct snapshot *s)
{
    uint32_t best = IDMAP_NONE, best_n = 0;

    for (uint32_t i = 0; i < snapshot_count(s, ENT_STATE); i++) {
        uint32_t n = 0;

        for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++)
            n += !strcmp(snap_mission(s, m)->host, snap_state(s, i)->code);
        if (n > best_n) {
            best_n = n;
            best = i;
        }
    }
    return best == IDMAP_NONE ? "USA" : snap_state(s, best)->code;
}

static void load(const char *path, struct snapshot *s)
{
    struct store *st;
    struct err e;

    if (store_open(path, STORE_OPEN_EXISTING, &st, &e) ||
        store_load(st, DATE_NONE, s, &e)) {
        fprintf(stderr, "bench-publish: %s\n", e.msg);
        exit(1);
    }
    store_close(st);
}

static void measure(const struct snapshot *s, const char *host, int32_t date)
{
    double build[RUNS], table[RUNS], json[RUNS], html[RUNS];
    size_t bytes = 0, n_missions = 0, n_members = 0;

    for (int r = 0; r < RUNS; r++) {
        struct dlist l;
        struct buf b;
        struct err e;
        double t0 = now_ms(), t1, t2, t3;

        if (dlist_build(s, DLIST_DIPLOMATIC, host, date, &l, &e)) {
            fprintf(stderr, "bench-publish: %s\n", e.msg);
            exit(1);
        }
        t1 = now_ms();
        buf_init(&b, (size_t)1 << 30);
        dlist_render(s, &l, OUT_TABLE, &b);
        t2 = now_ms();
        buf_reset(&b);
        dlist_render(s, &l, OUT_JSON, &b);
        t3 = now_ms();
        buf_reset(&b);
        dlist_render_html(s, &l, &b);
        html[r] = now_ms() - t3 + (t1 - t0);
        build[r] = t1 - t0;
        table[r] = t2 - t1 + (t1 - t0);
        json[r] = t3 - t2 + (t1 - t0);
        bytes = b.len;
        n_missions = l.n_missions;
        n_members = l.n_members;
        buf_release(&b);
        dlist_release(&l);
    }
    printf("diplomatic list of %s: %zu missions, %zu diplomatic agents; "
           "median of %d runs: build %.2f ms; build+table %.2f ms; "
           "build+JSON %.2f ms; build+HTML %.2f ms (%zu bytes)\n",
           host, n_missions, n_members, RUNS, median(build, RUNS),
           median(table, RUNS), median(json, RUNS), median(html, RUNS), bytes);
}

int main(int argc, char **argv)
{
    struct snapshot s;
    struct err e;
    int32_t date;

    if (argc != 1 && argc != 3) {
        fprintf(stderr, "usage: bench-publish [DB DATE]\n");
        return 2;
    }
    if (date_parse(argc == 3 ? argv[2] : "2021-12-04", &date, &e)) {
        fprintf(stderr, "bench-publish: %s\n", e.msg);
        return 2;
    }
    if (argc == 3) {
        snapshot_init(&s);
        load(argv[1], &s);
        measure(&s, busiest_host(&s), date);
        snapshot_release(&s);
        return 0;
    }
    /* About the size of a real capital's list (20 agents a mission), and
     * three times that. */
    for (unsigned agents = 20; agents <= 60; agents += 40) {
        snapshot_init(&s);
        synthetic(&s, date, agents);
        measure(&s, "HST", date);
        snapshot_release(&s);
    }
    return 0;
}
