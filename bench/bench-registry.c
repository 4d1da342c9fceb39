/*
 * The registry benchmarks of the foundation issue, on a registry already
 * imported (scripts/bench.sh makes one from gen-world): snapshot load, the
 * headcount of every sending x host pair at one date, and the roster of the
 * largest mission, each beside the same question asked of SQLite in the
 * same run. Figures are medians of repeated runs, printed with what was
 * measured; nothing here asserts a time.
 *
 * usage: bench-registry DB DATE
 */
#include <sqlite3.h>
#include <time.h>

#include "base/date.h"
#include "base/idmap.h"
#include "base/xalloc.h"
#include "core/count.h"
#include "core/presence.h"
#include "core/roster.h"
#include "store/store.h"
#include "timing.h"

#define REPEAT 21

/* Maps each mission to its (sending, host) pair; returns the pair count. */
static uint32_t pair_index(const struct snapshot *s, uint32_t *pair_of)
{
    struct idmap pairs;
    char **keys = xmalloc(snapshot_count(s, ENT_MISSION) * sizeof(*keys));
    uint32_t n = 0;

    idmap_init(&pairs);
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        const struct mission *ms = snap_mission(s, m);

        keys[m] = xasprintf("%s %s", ms->sending, ms->host);
        pair_of[m] = idmap_put(&pairs, keys[m], n);
        n += pair_of[m] == n;
    }
    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++)
        free(keys[m]);
    free(keys);
    idmap_release(&pairs);
    return n;
}

static void bench_headcount(const struct snapshot *s, int32_t date)
{
    size_t n_missions = snapshot_count(s, ENT_MISSION);
    uint32_t *pair_of = xmalloc(n_missions * sizeof(*pair_of));
    uint32_t n_pairs = pair_index(s, pair_of);
    uint32_t *counts = xmalloc(n_pairs * sizeof(*counts));
    double t[REPEAT];
    uint64_t total = 0;

    for (int r = 0; r < REPEAT; r++) {
        double t0 = now_ms();

        memset(counts, 0, n_pairs * sizeof(*counts));
        for (uint32_t m = 0; m < n_missions; m++)
            counts[pair_of[m]] += presence_count(s->presence, m, date);
        t[r] = now_ms() - t0;
    }
    for (uint32_t p = 0; p < n_pairs; p++)
        total += counts[p];
    printf("headcount, every sending x host pair (%u pairs, %llu present): "
           "%.3f ms median of %d\n",
           n_pairs, (unsigned long long)total, median(t, REPEAT), REPEAT);
    free(counts);
    free(pair_of);
}

static void bench_roster(const struct snapshot *s, int32_t date)
{
    uint32_t best = 0, best_n = 0, *out;
    double t[REPEAT];
    size_t n = 0;

    for (uint32_t m = 0; m < snapshot_count(s, ENT_MISSION); m++) {
        uint32_t c = presence_count(s->presence, m, date);

        if (c > best_n) {
            best_n = c;
            best = m;
        }
    }
    out = xmalloc((roster_capacity(s, best) + 1) * sizeof(*out));
    for (int r = 0; r < REPEAT; r++) {
        double t0 = now_ms();

        n = roster_build(s, best, date, out);
        t[r] = now_ms() - t0;
    }
    printf("roster of the largest mission (%s, %zu present): %.3f ms median "
           "of %d\n",
           snap_mission(s, best)->id, n, median(t, REPEAT), REPEAT);
    free(out);
}

static const char PAIR_SQL[] =
    "SELECT m.sending, m.host, count(*) FROM postings p "
    "JOIN missions m ON m.id = p.mission "
    "WHERE p.arrived <= ?1 AND (p.ended IS NULL OR p.ended > ?1) "
    "AND (p.refused IS NULL OR p.refused > ?1) "
    "GROUP BY m.sending, m.host";

static void bench_sql(const char *path, const char *date)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    double t[3];
    long rows = 0;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ||
        sqlite3_prepare_v2(db, PAIR_SQL, -1, &q, NULL)) {
        printf("sqlite: %s\n", sqlite3_errmsg(db));
        sqlite3_close(db);
        return;
    }
    for (int r = 0; r < 3; r++) {
        double t0 = now_ms();

        sqlite3_bind_text(q, 1, date, -1, SQLITE_STATIC);
        for (rows = 0; sqlite3_step(q) == SQLITE_ROW; rows++)
            ;
        sqlite3_reset(q);
        t[r] = now_ms() - t0;
    }
    printf("the same headcount as one SQLite query (%ld pairs): %.1f ms "
           "median of 3\n",
           rows, median(t, 3));
    sqlite3_finalize(q);
    sqlite3_close(db);
}

/* Loads the registry into s (released first); returns the time taken. */
static double load(struct store *st, struct snapshot *s)
{
    struct err e;
    double t0;

    snapshot_release(s);
    snapshot_init(s);
    t0 = now_ms();
    if (store_load(st, DATE_NONE, s, &e)) {
        fprintf(stderr, "bench-registry: %s\n", e.msg);
        exit(1);
    }
    return now_ms() - t0;
}

int main(int argc, char **argv)
{
    struct store *st;
    struct snapshot s;
    struct err e;
    int32_t date;
    double t0, t1;

    if (argc != 3 || date_parse(argv[2], &date, &e)) {
        fprintf(stderr, "usage: bench-registry DB DATE\n");
        return 2;
    }
    if (store_open(argv[1], STORE_OPEN_EXISTING, &st, &e)) {
        fprintf(stderr, "bench-registry: %s\n", e.msg);
        return 1;
    }
    /* From the tables (no cache), then once more to write the cache, then
     * from the cache: the first and last are the figures that matter. */
    snapshot_init(&s);
    setenv("CHANCERY_SNAPSHOT_CACHE", "never", 1);
    t0 = load(st, &s);
    unsetenv("CHANCERY_SNAPSHOT_CACHE");
    load(st, &s);
    t1 = load(st, &s);
    printf("snapshot load (%zu postings, %zu persons, %zu dependents): "
           "%.0f ms from the tables, %.0f ms from the snapshot cache\n",
           snapshot_count(&s, ENT_POSTING), snapshot_count(&s, ENT_PERSON),
           snapshot_count(&s, ENT_DEPENDENT), t0, t1);
    bench_headcount(&s, date);
    bench_sql(argv[1], argv[2]);
    bench_roster(&s, date);
    snapshot_release(&s);
    store_close(st);
    return 0;
}
