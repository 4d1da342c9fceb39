/*
 * The visa benchmarks of the issue "Visa cases and consular availability":
 * `visa stats` by month with Kaplan-Meier on a snapshot of synthetic cases
 * (ten million by default, about a year of US nonimmigrant visas), beside
 * the equivalent SQLite query (monthly counts and mean days to decision)
 * over the same cases in the same run; and the files for the import-rate
 * figure, which scripts/bench.sh times through `chancery import`.
 *
 *     bench-visa stats [N] [DB]   N cases in memory; DB: where the SQLite
 *                                 copy goes (default bench-visa.db, removed)
 *     bench-visa csv DIR N        missions.csv, persons.csv, visas.csv of N
 *                                 cases in DIR
 *
 * The cases are seeded (xorshift64*, seed printed), so every run measures
 * the same data. Figures are medians of repeated runs, printed with what
 * was measured; nothing here asserts a time.
 */
#include <sqlite3.h>
#include <time.h>
#include <unistd.h>

#include "base/date.h"
#include "base/xalloc.h"
#include "core/snapshot.h"
#include "timing.h"
#include "visa/stats.h"

#define SEED    20211204u
#define REPEAT  5
#define N_POSTS 200
#define AS_OF   "2025-01-01"

static const char *const CLASSES[] = { "B1/B2", "F-1", "H-1B", "J-1",
                                       "L-1",   "O-1", "A-1",  "G-1" };
static const char *const NATIONS[] = { "IND", "CHN", "MEX", "BRA", "NGA",
                                       "PHL", "COL", "RUS", "VNM", "GBR" };
#define N_CLASSES 8
#define N_NATIONS 10

static uint64_t rng_state = SEED;

static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static uint32_t below(uint32_t n)
{
    return (uint32_t)((rng() >> 32) % n);
}

/* Days to decision: most within a month, a tail of months, a few over a
 * year (administrative processing). */
static int32_t processing_days(void)
{
    uint32_t r = below(100);

    if (r < 70)
        return (int32_t)below(31);
    if (r < 92)
        return 30 + (int32_t)below(91);
    if (r < 99)
        return 120 + (int32_t)below(281);
    return 400 + (int32_t)below(700);
}

/* One synthetic case, applied from 2015 through 2024, as of AS_OF. */
static void make_case(struct visa *v, int32_t first, int32_t as_of,
                      uint32_t n_persons)
{
    uint32_t r = below(1000);
    int32_t days = processing_days();

    memset(v, 0, sizeof(*v));
    v->person = below(n_persons);
    memcpy(v->issuing, "USA", 4);
    v->post = below(N_POSTS);
    v->vclass = CLASSES[below(N_CLASSES)];
    v->purpose = r < 30 ? VP_POSTING : r < 60 ? VP_DELEGATE : VP_PRIVATE;
    v->meeting = v->valid_until = DATE_NONE;
    v->previous = IDMAP_NONE;
    v->applied = first + (int32_t)below((uint32_t)(as_of - first));
    v->decided = v->applied + days;
    v->outcome = r < 800   ? VO_ISSUED
                 : r < 960 ? VO_REFUSED
                 : r < 980 ? VO_WITHDRAWN
                           : VO_ADMIN_PROCESSING;
    if (v->decided > as_of) {
        v->decided = DATE_NONE;
        v->outcome = VO_PENDING;
    }
}

static void add_fixture(struct snapshot *s, uint32_t n_persons)
{
    struct err e;

    for (uint32_t i = 0; i < N_POSTS; i++) {
        struct mission m = { NULL, "post",     "USA",     NULL,     "X",
                             NULL, MK_EMBASSY, DATE_NONE, DATE_NONE };
        char id[16];

        snprintf(id, sizeof(id), "USA-P%03u", i);
        m.id = arena_strdup(&s->strings, id);
        memcpy(m.country, NATIONS[i % N_NATIONS], 4);
        m.host = NATIONS[i % N_NATIONS];
        if (snapshot_add(s, ENT_MISSION, &m, NULL, &e))
            BUG("%s", e.msg);
    }
    snapshot_reserve(s, ENT_PERSON, n_persons);
    for (uint32_t i = 0; i < n_persons; i++) {
        char id[16];
        struct person p = { NULL, "X", NULL, SEX_X, DATE_NONE, "", NULL };

        snprintf(id, sizeof(id), "P%u", i);
        p.id = arena_strdup(&s->strings, id);
        memcpy(p.nationality, NATIONS[below(N_NATIONS)], 4);
        if (snapshot_add(s, ENT_PERSON, &p, NULL, &e))
            BUG("%s", e.msg);
    }
}

static void build(struct snapshot *s, size_t n, int32_t as_of)
{
    int32_t first = date_from_ymd(2015, 1, 1);
    uint32_t n_persons = (uint32_t)(n / 4 + 1);
    struct visa v;
    struct err e;

    snapshot_init(s);
    add_fixture(s, n_persons);
    snapshot_reserve(s, ENT_VISA, n);
    for (size_t i = 0; i < n; i++) {
        char id[16];

        make_case(&v, first, as_of, n_persons);
        snprintf(id, sizeof(id), "V%zu", i);
        v.id = arena_strdup(&s->strings, id);
        if (snapshot_add(s, ENT_VISA, &v, NULL, &e))
            BUG("%s", e.msg);
    }
    snapshot_index(s);
}

/* The pass on one thread and split across the cores (visa/stats.c),
 * runs interleaved so that both see the same machine. */
static void bench_stats(const struct snapshot *s, int32_t as_of)
{
    struct visa_query q = { as_of,     NULL,      NULL,         0,
                            DATE_NONE, DATE_NONE, VISA_BY_MONTH };
    struct visa_stats st;
    double t[REPEAT], split[REPEAT];

    for (int r = 0; r < REPEAT; r++) {
        double t0 = now_ms();

        visa_stats_compute_in(s, &q, 1, &st);
        t[r] = now_ms() - t0;
        visa_stats_release(&st);
        t0 = now_ms();
        visa_stats_compute(s, &q, &st);
        split[r] = now_ms() - t0;
        if (r < REPEAT - 1)
            visa_stats_release(&st);
    }
    printf("visa stats --by month, Kaplan-Meier with Greenwood intervals "
           "(%zu months, %llu cases, median %d days, KM median %d): %.1f ms "
           "on one thread, %.1f ms split across %ld cores, median of %d\n",
           st.n, (unsigned long long)st.total.applied, st.total.p50,
           st.total.km50.days, median(t, REPEAT), median(split, REPEAT),
           sysconf(_SC_NPROCESSORS_ONLN), REPEAT);
    visa_stats_release(&st);
}

static void die_sql(sqlite3 *db)
{
    fprintf(stderr, "bench-visa: sqlite: %s\n", sqlite3_errmsg(db));
    exit(1);
}

static void bind_date(sqlite3_stmt *q, int i, int32_t day, char *buf)
{
    if (day == DATE_NONE) {
        sqlite3_bind_null(q, i);
        return;
    }
    date_format(day, buf);
    sqlite3_bind_text(q, i, buf, -1, SQLITE_STATIC);
}

/* The cases as the visas table of a registry holds them (text columns). */
static void sql_load(sqlite3 *db, const struct snapshot *s)
{
    sqlite3_stmt *q;
    char a[DATE_BUF], d[DATE_BUF];

    if (sqlite3_exec(db,
                     "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                     "CREATE TABLE visas (id TEXT PRIMARY KEY, person TEXT, "
                     "issuing TEXT, post TEXT, class TEXT, purpose TEXT, "
                     "applied TEXT, decided TEXT, outcome TEXT); BEGIN",
                     NULL, NULL, NULL) ||
        sqlite3_prepare_v2(db, "INSERT INTO visas VALUES (?,?,?,?,?,?,?,?,?)",
                           -1, &q, NULL))
        die_sql(db);
    for (uint32_t i = 0; i < snapshot_count(s, ENT_VISA); i++) {
        const struct visa *v = snap_visa(s, i);

        sqlite3_bind_text(q, 1, v->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 2, snap_person(s, v->person)->id, -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(q, 3, v->issuing, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, snap_mission(s, v->post)->id, -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(q, 5, v->vclass, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 6, enum_name(&ENUM_VISA_PURPOSE, v->purpose), -1,
                          SQLITE_STATIC);
        bind_date(q, 7, v->applied, a);
        bind_date(q, 8, v->decided, d);
        sqlite3_bind_text(q, 9, enum_name(&ENUM_VISA_OUTCOME, v->outcome), -1,
                          SQLITE_STATIC);
        if (sqlite3_step(q) != SQLITE_DONE)
            die_sql(db);
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL))
        die_sql(db);
}

/* Monthly counts and the mean days to decision, as of ?1: the nearest
 * SQL gets to `visa stats --by month` without Kaplan-Meier. */
static const char MONTH_SQL[] =
    "SELECT substr(applied, 1, 7) AS month, count(*), "
    "sum(outcome = 'issued' AND decided <= ?1), "
    "sum(outcome = 'refused' AND decided <= ?1), "
    "sum(outcome = 'withdrawn' AND decided <= ?1), "
    "sum(decided IS NULL OR decided > ?1 OR outcome = 'admin_processing'), "
    "avg(CASE WHEN outcome IN ('issued', 'refused') AND decided <= ?1 "
    "THEN julianday(decided) - julianday(applied) END) "
    "FROM visas WHERE applied <= ?1 GROUP BY month ORDER BY month";

static void bench_sql(const struct snapshot *s, const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    double t0 = now_ms(), t[3];
    long rows = 0;

    remove(path);
    if (sqlite3_open(path, &db))
        die_sql(db);
    sql_load(db, s);
    printf("SQLite: %zu cases inserted in %.1f s (one transaction, no "
           "index but the key)\n",
           snapshot_count(s, ENT_VISA), (now_ms() - t0) / 1e3);
    if (sqlite3_prepare_v2(db, MONTH_SQL, -1, &q, NULL))
        die_sql(db);
    for (int r = 0; r < 3; r++) {
        double t1 = now_ms();

        sqlite3_bind_text(q, 1, AS_OF, -1, SQLITE_STATIC);
        for (rows = 0; sqlite3_step(q) == SQLITE_ROW; rows++)
            ;
        sqlite3_reset(q);
        t[r] = now_ms() - t1;
    }
    printf("the same by month in SQLite (%ld months: counts and mean days, "
           "no quantiles, no Kaplan-Meier): %.1f ms median of 3\n",
           rows, median(t, 3));
    sqlite3_finalize(q);
    sqlite3_close(db);
    remove(path);
}

static int run_stats(size_t n, const char *db)
{
    struct snapshot s;
    int32_t as_of;
    double t0 = now_ms();

    if (date_parse(AS_OF, &as_of, NULL))
        BUG("bad date");
    build(&s, n, as_of);
    printf("built %zu synthetic cases in memory (seed %u) in %.1f s\n", n, SEED,
           (now_ms() - t0) / 1e3);
    bench_stats(&s, as_of);
    bench_sql(&s, db);
    snapshot_release(&s);
    return 0;
}

static FILE *open_in(const char *dir, const char *name, const char *header)
{
    char *path = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");

    if (!f) {
        fprintf(stderr, "bench-visa: cannot write %s\n", path);
        exit(1);
    }
    free(path);
    fputs(header, f);
    return f;
}

static void write_case(FILE *f, size_t i, const struct visa *v)
{
    char a[DATE_BUF], d[DATE_BUF];

    date_format(v->applied, a);
    date_format(v->decided, d);
    fprintf(f, "V%zu,P%u,USA,USA-P%03u,%s,%s,,%s,%s,%s,,\n", i, v->person,
            v->post, v->vclass, enum_name(&ENUM_VISA_PURPOSE, v->purpose), a, d,
            enum_name(&ENUM_VISA_OUTCOME, v->outcome));
}

/* Writes a registry directory of n cases for `chancery import`. */
static int run_csv(const char *dir, size_t n)
{
    uint32_t n_persons = (uint32_t)(n / 4 + 1);
    int32_t first = date_from_ymd(2015, 1, 1), as_of;
    FILE *f = open_in(dir, "missions.csv",
                      "id,name,sending,host,country,city,kind,opened,closed\n");
    struct visa v;

    if (date_parse(AS_OF, &as_of, NULL))
        BUG("bad date");
    for (uint32_t i = 0; i < N_POSTS; i++)
        fprintf(f, "USA-P%03u,post,USA,%s,%s,,embassy,,\n", i,
                NATIONS[i % N_NATIONS], NATIONS[i % N_NATIONS]);
    fclose(f);
    f = open_in(dir, "persons.csv",
                "id,family_name,given_names,sex,birth_date,nationality,"
                "passport\n");
    for (uint32_t i = 0; i < n_persons; i++)
        fprintf(f, "P%u,X,,X,,%s,\n", i, NATIONS[below(N_NATIONS)]);
    fclose(f);
    f = open_in(dir, "visas.csv",
                "id,person,issuing,post,class,purpose,meeting,applied,"
                "decided,outcome,valid_until,previous\n");
    for (size_t i = 0; i < n; i++) {
        make_case(&v, first, as_of, n_persons);
        write_case(f, i, &v);
    }
    fclose(f);
    printf("wrote %zu cases, %u persons, %d posts to %s (seed %u)\n", n,
           n_persons, N_POSTS, dir, SEED);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "stats") && argc <= 4)
        return run_stats(argc > 2 ? strtoul(argv[2], NULL, 10) : 10000000,
                         argc > 3 ? argv[3] : "bench-visa.db");
    if (argc == 4 && !strcmp(argv[1], "csv"))
        return run_csv(argv[2], strtoul(argv[3], NULL, 10));
    fprintf(stderr,
            "usage: bench-visa stats [N] [DB] | bench-visa csv DIR N\n");
    return 2;
}
